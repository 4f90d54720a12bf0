"""Session: the Network, Dataset and Trainer behind the window (no GL, no GUI).

It is rebuilt from a Preset whenever the architecture or the target changes;
a rebuild that fails raises before anything is replaced, so the running
network keeps training. The trainer runs on its own thread; the window takes
`tick()`'s newest snapshot once a frame and never waits for training.

A target of kind "none" (random-network pictures) has nothing to train: the
session then holds no trainer; training controls say so and change nothing.

Pacing: `train.steps_per_frame` 0 is free-running; n > 0 queues n steps a
frame whenever the trainer has finished the last ones (so a slow trainer
never makes the frames wait). While the window records, `fixed_pace` > 0
steps run per frame, overlapping the frame's rendering, and each frame waits
for the steps queued before it: the video is deterministic (same seed, same
frames).

The timeline (timeline.py) keeps weight snapshots of the run; scrubbing it
shows an earlier snapshot everywhere (canvas, diagram, probe, plots marker)
and pauses training. "Resume from here" continues training from a snapshot
with a fresh trainer that counts on from the snapshot's step (`step_base`),
so the learning-rate schedule and max_steps carry on; the snapshots hold
weights only, so the optimiser's moments start afresh. A saved run file
loads into the timeline.
"""

from dataclasses import replace

import numpy as np

from ..build import build
from ..errors import ShaderplayError, bad_value
from ..network import Network
from ..train import Snapshot, Trainer
from .history import Progress, class_accuracy
from .session_runs import RunControl
from .timeline import DEFAULT_EVERY, Timeline

CHUNK_SECONDS = 0.015  # work per trainer kernel call; the thread needs the GIL between calls
CHUNK_RANGE = (64, 16384)


def _carry_weights(old: Network, params: np.ndarray, new: Network) -> bool:
    """Copy trained arrays from `old` (with `params`) into `new` where the shapes
    agree; Fourier directions and latent values stay as `new` drew them."""
    a, b = old.spec, new.spec
    if (a.sizes, a.features, a.layer_norms) != (b.sizes, b.features, b.layer_norms):
        return False
    extras = [o for o in (new.layout.fourier, new.layout.latent) if o >= 0]
    end = min(extras) if extras else new.layout.size
    new.params[:end] = params[:end]
    return True


class Session(RunControl):
    def __init__(self, preset, playing: bool = True):
        self.net = self.dataset = self.config = self.trainer = self.timeline = None
        self.snapshot = None
        self.fixed_pace = 0
        self.generation = 0  # +1 whenever `net` is replaced (the renderer re-reads its spec)
        # +1 whenever the shown weights change other than by training (scrub, latent edit):
        # with `generation` and the step it names the weights on screen.
        self.revision = 0
        self.progress = Progress()
        self.snapshot_every = DEFAULT_EVERY  # the user's interval; a long run doubles its own
        self.rebuild(preset, playing=playing)

    # --- lifecycle ---------------------------------------------------------------------
    def rebuild(self, preset, keep_weights: bool = False, playing: bool = True) -> None:
        net, dataset, config = build(preset)  # raises on bad input: nothing replaced yet
        if keep_weights and self.net is not None:
            _carry_weights(self.net, self.latest_params(), net)
        self._install(net, dataset, config, self._trainer_for(net, dataset, config), playing)

    @staticmethod
    def _trainer_for(net, dataset, config):
        return None if dataset.kind == "none" else Trainer(net, dataset, config=config)

    def _check_outputs(self, net, path) -> None:
        if net.spec.n_out != self.dataset.n_out and self.dataset.kind != "none":
            raise bad_value(
                f"{path} outputs",
                net.spec.n_out,
                f"{self.dataset.n_out}, what the target {self.dataset.name!r} needs",
            )

    def load_network(self, path) -> None:
        """Train a network read from a `.npz` on the current target."""
        net = Network.load(path)
        self._check_outputs(net, path)
        trainer = self._trainer_for(net, self.dataset, self.config)
        self._install(net, self.dataset, self.config, trainer, self.playing)

    def save_network(self, path) -> None:
        """The weights on screen (the scrubbed snapshot while scrubbing)."""
        Network(self.net.spec, self.latest_params(), self.net.meta).save(path)

    def _install(
        self,
        net,
        dataset,
        config,
        trainer,
        playing,
        base: int = 0,
        timeline: Timeline | None = None,
    ) -> None:
        """Replace network, data and trainer; the timeline and plots start afresh
        unless a `timeline` (and `step_base`) carry a run on."""
        self.close()
        self.net, self.dataset, self.config, self.trainer = net, dataset, config, trainer
        self.generation += 1
        self.playing = bool(playing) and trainer is not None
        self.step_base = int(base)  # the run goes on from this step (the trainer counts on)
        if trainer is not None and base:
            trainer.continue_from(base)
        self.timeline = timeline or Timeline(net.layout.size, self.snapshot_every)
        if timeline is None:
            self.progress.clear()
        self._frames = 0
        self._latest_net = None
        self._latent_edits: dict[int, float] = {}  # params index -> value set by hand
        self._patched = (None, None)  # (trainer snapshot, it with the edits applied)
        self._still = None  # the snapshot of a session without trainer
        # The starting weights first, before the thread can publish a chunk past them.
        self.snapshot = self._latest()
        self.timeline.observe(self.snapshot)
        if trainer is not None:
            self._apply_pacing()  # before start(): a paused session must not run a first chunk
            trainer.start()

    def _latest(self):
        """The newest live snapshot: steps counted from the run's start, latent edits in."""
        if self.trainer is None:
            if self._still is None:
                nan = float("nan")
                self._still = Snapshot(0, self.net.params.copy(), nan, nan, nan, nan, None)
            return self._still
        snap = self.trainer.latest()
        if snap is None:
            return None
        return self._with_edits(snap)

    def _with_edits(self, snap):
        """`snap` with hand-set latent values; the trainer's own snapshots carry them
        from its next chunk on, a paused trainer's never would."""
        edits = self._latent_edits
        if not edits or all(snap.params[i] == v for i, v in edits.items()):
            return snap
        if self._patched[0] is not snap.params:
            params = snap.params.copy()
            for i, v in edits.items():
                params[i] = v
            self._patched = (snap.params, replace(snap, params=params))
        return self._patched[1]

    def close(self) -> None:
        if self.trainer is not None:
            self.trainer.stop()

    # --- control -------------------------------------------------------------------------
    def check_room_to_train(self) -> None:
        """A clear error where the run has reached its max_steps (a total: a resumed or
        loaded run counts from its start), instead of Play and Step doing nothing."""
        limit = self.config.max_steps
        if limit and self.trainer is not None and self.trainer.step >= limit:
            raise ShaderplayError(
                f"train.max_steps: the run is at step {self.trainer.step:,} and max_steps is "
                f"{limit:,}; allowed: a larger max_steps in the Training tab (0: no limit) to "
                "train on."
            )

    def _require_trainer(self, what: str):
        if self.trainer is None:
            raise ShaderplayError(
                f"{what}: target 'none' has nothing to train; allowed: pick a "
                "target in the Training tab first."
            )
        return self.trainer

    def set_playing(self, playing: bool) -> None:
        """Play or pause; playing while scrubbing goes back to live first."""
        if playing:
            self._require_trainer("play")
            self.go_live()
            self.check_room_to_train()
        self.playing = bool(playing)
        self._apply_pacing()

    def set_fixed_pace(self, steps: int) -> None:
        """Steps per frame while recording (0: back to the preset's pacing)."""
        self.fixed_pace = max(0, int(steps))
        self._apply_pacing()

    def _apply_pacing(self) -> None:
        # The thread free-runs only when resumed and steps_per_frame is 0; every
        # other pacing feeds it with advance() from tick().
        if self.trainer is None:
            return
        if self.playing and not self.fixed_pace:
            self.trainer.resume()
        else:
            self.trainer.pause()

    def step(self, n: int) -> None:
        """`n` steps from the live weights (back to live when scrubbing)."""
        self._require_trainer("step")
        self.go_live()
        self.check_room_to_train()
        self.trainer.advance(n)

    def reset(self) -> None:
        """Back to the run's first weights at step 0 (same seed, fresh optimiser)."""
        if self.trainer is None:
            return
        if self.step_base or self.timeline.source:  # a continued or loaded run: its start
            self.resume_from(0, playing=self.playing)
            return
        self.trainer.reset()
        self.timeline.clear()
        self.progress.clear()
        self.revision += 1

    def rollback(self) -> None:
        self._require_trainer("roll back").rollback()

    @property
    def divergence(self):
        """The trainer's Divergence record (step, reason, lr), or None."""
        return self.trainer.diverged if self.trainer is not None else None

    def configure(self, **changes) -> None:
        if self.trainer is None:  # kept for when a target arrives
            self.config = replace(self.config, **changes).validate()
            return
        self.trainer.set_config(**changes)
        self.config = self.trainer.config
        self._apply_pacing()

    # --- per frame ---------------------------------------------------------------------
    def tick(self):
        """Per frame: pace the trainer; the snapshot to show (the scrubbed one while
        scrubbing, else the newest)."""
        if self.timeline.scrubbing:
            self.snapshot = self.timeline.snapshot()
            return self.snapshot
        if self.trainer is None:
            self.snapshot = self._latest()
            return self.snapshot
        if self.playing and self.fixed_pace:
            # Deterministic frames: this frame shows exactly the steps queued so far;
            # the next ones run while it renders.
            self.trainer.wait()
            snap = self._latest()
            self.trainer.advance(self.fixed_pace)
            return self._observed(snap)
        if self.playing and self.config.steps_per_frame and self.trainer.wait(0):
            self.trainer.advance(self.config.steps_per_frame)
        if self.playing and self.trainer.paused and not self.config.steps_per_frame:
            self.playing = False  # the trainer stopped itself: divergence, max_steps, target_loss
        return self._observed(self._latest())

    def _observed(self, snap):
        self.snapshot = snap
        self.timeline.observe(snap)
        classes = self.dataset.n_classes
        self.progress.record(
            snap, classes and (lambda: class_accuracy(self.latest_network(), self.dataset))
        )
        self._frames += 1
        self._size_chunks(snap)
        return snap

    def _size_chunks(self, snap) -> None:
        """Keep each kernel call near CHUNK_SECONDS: the trainer thread needs the GIL
        only between calls, and the busy frame loop makes it wait for it, so tiny
        chunks would leave it idle (measured: 128-step chunks, 0.8 ms, kept the
        kernel busy 52% of the time in the window, 96% alone). The preset's
        chunk_steps is left as it is.

        A free-running trainer takes its lock back between chunks faster than a
        waiting set_config wakes (measured: 0.3 s stalls), so it is paused for the
        change, which then waits for one chunk at most."""
        us = snap.us_per_step if snap is not None else float("nan")
        if not us > 0 or self._frames % 30 != 5:
            return
        lo, hi = CHUNK_RANGE
        want = int(min(hi, max(lo, CHUNK_SECONDS * 1e6 / us)))
        want = 1 << (want.bit_length() - 1)  # a power of two: no churn from small changes
        if want != self.trainer.config.chunk_steps:
            self.trainer.pause()
            self.trainer.set_config(chunk_steps=want)
            self._apply_pacing()

    def latest_params(self) -> np.ndarray:
        """The weights on screen: the scrubbed snapshot's, else the newest."""
        if self.timeline.scrubbing:
            return self.timeline.snapshot().params
        snap = self._latest()
        return snap.params if snap is not None else self.net.params.copy()

    def latest_network(self) -> Network:
        """A Network over the shown snapshot's weights (for the probe, the diagram)."""
        snap = self.snapshot
        key = (self.generation, self.revision, snap.step if snap else -1, id(snap))
        if self._latest_net is None or self._latest_net[0] != key:
            params = snap.params if snap is not None else self.net.params.copy()
            self._latest_net = (key, Network(self.net.spec, params, self.net.meta))
        return self._latest_net[1]

    @property
    def weights_key(self) -> tuple:
        """Names the weights on screen: it changes whenever they do."""
        snap = self.snapshot
        return self.generation, self.revision, snap.step if snap is not None else -1

    @property
    def step_count(self) -> int:
        return int(self.snapshot.step) if self.snapshot is not None else 0

    @property
    def steps_per_second(self) -> float:
        return self.progress.steps_per_second
