"""Session: the Network, Dataset and Trainer behind the window and their pacing
(no GL, no GUI), beside the Run it shows (run.py: timeline, curves, run files).

It is rebuilt from a Preset whenever the architecture or the target changes;
a rebuild that fails raises before anything is replaced, so the running
network keeps training. The trainer runs on its own thread; the window takes
`tick()`'s snapshot once a frame and never waits for training (pacing.py).

A target of kind "none" (random-network pictures) has nothing to train: the
session then holds no trainer; training controls say so and change nothing.

Going back: scrubbing the run's timeline shows an earlier snapshot everywhere
(canvas, diagram, probe, plots marker) and pauses training; "resume from
here" continues training from a snapshot with a fresh trainer that counts on
from the snapshot's step. Latent inputs are edited in place: a write into the
parameter buffer, shown at once, no rebuild.
"""

import time
from dataclasses import replace

import numpy as np

from ..build import build
from ..errors import ShaderplayError, bad_value
from ..health import Watch
from ..network import Network
from ..runs import RunFile
from ..train import Snapshot, Trainer
from .pacing import Pacing
from .run import Run

WINDOW_PACING = ("pace", "steps_per_frame")  # [train] fields the trainer thread never reads
STOP_WAIT_S = 1.0  # how long closing waits for the trainer thread's chunk to end
PREPARING_S = 0.5  # no first step for this long: the window says the trainer is preparing


class Session:
    def __init__(self, preset, playing: bool = True):
        self.net = self.dataset = self.config = self.trainer = None
        self.snapshot = None
        self.pacing = Pacing()
        self.run = Run()
        self.generation = 0  # +1 whenever `net` is replaced (the renderer re-reads its spec)
        # +1 whenever the shown weights change other than by training (scrub, latent edit):
        # with `generation` and the step it names the weights on screen.
        self.revision = 0
        self._watch = Watch()  # health hints of the weights on screen
        self.compare = None  # run B of an A/B comparison (compare.py), paced with this one
        self.rebuild(preset, playing=playing)

    # --- lifecycle ---------------------------------------------------------------------
    def rebuild(self, preset, playing: bool = True) -> None:
        """A new network from `preset` on fresh weights (its seed), played at its pace."""
        net, dataset, config = build(preset)  # raises on bad input: nothing replaced yet
        self.pacing.speed = config.pace
        self._install(net, dataset, config, self._trainer_for(net, dataset, config), playing)

    @staticmethod
    def _trainer_for(net, dataset, config):
        # The window paces the thread itself (pacing.py): free-running or fed steps. The
        # preset's steps_per_frame is the recordings' pace, never the thread's.
        if dataset.kind == "none":
            return None
        return Trainer(net, dataset, config=replace(config, steps_per_frame=0))

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

    def _install(self, net, dataset, config, trainer, playing, carry_run=False) -> None:
        """Replace network, data and trainer; the run starts afresh unless `carry_run`
        (then it goes on from its `base` step: the trainer counts on from there)."""
        self.close()
        self.net, self.dataset, self.config, self.trainer = net, dataset, config, trainer
        self.generation += 1
        if not carry_run:
            self.run.start(net.layout.size)
        if trainer is not None and self.run.base:
            trainer.continue_from(self.run.base)
        self.pacing.attach(trainer, playing)
        self._installed = time.monotonic()
        self._latest_net = None
        self._latent_edits: dict[int, float] = {}  # params index -> value set by hand
        self._patched = (None, None)  # (trainer snapshot, it with the edits applied)
        self._still = None  # the snapshot of a session without trainer
        # The starting weights first, before the thread can publish a chunk past them.
        self.snapshot = self._latest()
        self.run.timeline.observe(self.snapshot)
        if trainer is not None:
            self.pacing.apply()  # before start(): a paused session must not run a first chunk
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

    def close(self) -> None:
        """Stop the trainer thread. A chunk ends within STOP_WAIT_S; a first compile of
        the kernels may not, and is left to finish on its own (a daemon thread, which
        dies with the process): a rebuild or a quit never waits for it. Run B of a
        comparison ends with it: it compared against the run that ends."""
        self.set_compare(None)
        if self.trainer is not None:
            self.trainer.stop(STOP_WAIT_S)

    def preparing(self, now: float | None = None) -> float:
        """Seconds the trainer has been asked for steps without making its first one
        (numba loading or, once after an install, compiling its kernels); 0 otherwise."""
        trainer = self.trainer
        if trainer is None or self.snapshot is None or self.snapshot.step != self.run.base:
            return 0.0
        if not (self.playing or not trainer.wait(0)) or trainer.stopped is not None:
            return 0.0
        now = time.monotonic() if now is None else now
        return now - self._installed if now - self._installed > PREPARING_S else 0.0

    # --- control -------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        """Whether training runs: the one place the window asks."""
        return self.pacing.playing

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

    def set_compare(self, run_b) -> None:
        """Train `run_b` (a Compare) beside this run from the next frame; None: no B."""
        if self.compare is not None:
            self.compare.close()
        self.compare = run_b

    def require_trainer(self, what: str):
        if self.trainer is None:
            raise ShaderplayError(
                f"{what}: target 'none' has nothing to train; allowed: pick a "
                "target in the Training tab first."
            )
        return self.trainer

    def set_playing(self, playing: bool) -> None:
        """Play or pause; playing while scrubbing goes back to live first."""
        if playing:
            self.require_trainer("play")
            self.go_live()
            self.check_room_to_train()
        self.pacing.set_playing(playing)

    def set_fixed_pace(self, steps: int) -> None:
        """Steps per frame while recording (0: back to the preset's pacing)."""
        self.pacing.set_fixed(steps)

    def step(self, n: int) -> None:
        """`n` steps from the live weights (back to live when scrubbing)."""
        self.require_trainer("step")
        self.go_live()
        self.check_room_to_train()
        self.trainer.advance(n)
        if self.compare is not None:  # B steps with A
            self.compare.advance(n)

    def reset(self) -> None:
        """Back to step 0 with a fresh optimiser: the network's first weights (same seed);
        a continued or loaded run goes back to its start."""
        if self.trainer is None:
            return
        if self.run.continued:  # a continued or loaded run: its start
            self.resume_from(0, playing=self.playing)
            return
        self.trainer.reset()
        self.run.restart()
        self.revision += 1

    def rollback(self) -> None:
        self.require_trainer("roll back").rollback()

    @property
    def divergence(self):
        """The trainer's Divergence record (step, reason, lr), or None."""
        return self.trainer.diverged if self.trainer is not None else None

    def configure(self, **changes) -> None:
        """[train] changes: the pace goes to the pacing, the rest to the trainer (kept
        for when a target arrives where there is none)."""
        self.config = replace(self.config, **changes).validate()
        self.pacing.speed = self.config.pace
        for_trainer = {k: v for k, v in changes.items() if k not in WINDOW_PACING}
        if self.trainer is not None and for_trainer:
            self.trainer.set_config(**for_trainer)
        self.pacing.apply()

    # --- the run: going back, run files ---------------------------------------------------
    def scrub(self, index: int) -> None:
        """Show snapshot `index` of the timeline; training pauses."""
        self.run.scrub(index)
        if self.trainer is not None and self.playing:
            self.pacing.set_playing(False)
        self.revision += 1

    def go_live(self) -> None:
        """Show the newest weights again (training stays as it is)."""
        if self.run.scrubbing:
            self.run.timeline.go_live()
            self.revision += 1

    def resume_from(self, index: int | None = None, playing: bool = True) -> None:
        """Train on from snapshot `index` (default the scrubbed one); the snapshots
        after it are dropped, as is the live run beyond it."""
        self.require_trainer("resume")
        k = self.run.position(index)
        snap = self.run.timeline.snapshot(k)
        net = Network(self.net.spec, np.array(snap.params, np.float32), self.net.meta)
        trainer = self._trainer_for(net, self.dataset, self.config)
        self.run.cut(k)
        self._install(net, self.dataset, self.config, trainer, playing, carry_run=True)

    def load_run(self, path) -> None:
        """A run file's snapshots into the run; its last weights become live (paused),
        ready to scrub or to train on."""
        run = RunFile.load(path)
        net = run.network_at(len(run) - 1)
        self._check_outputs(net, path)
        trainer = self._trainer_for(net, self.dataset, self.config)
        self.run.load(run)
        self._install(net, self.dataset, self.config, trainer, False, carry_run=True)

    def save_run(self, path, meta: dict | None = None):
        """The run's snapshots (and the loss curve) as a run file."""
        return self.run.save(path, self.net, {"dataset": self.dataset.name, **(meta or {})})

    # --- latent inputs -------------------------------------------------------------------
    def set_latent(self, index: int, value: float) -> None:
        """Latent input `index` set to `value`: a write into the parameter buffer, no
        rebuild; a trainer recomputes its input rows from it."""
        n = self.net.spec.n_latent
        if not 0 <= int(index) < n:
            raise bad_value(
                "latent input",
                index,
                f"0..{n - 1}" if n else "none: this network has no latent inputs (add one first)",
            )
        if not np.isfinite(value):
            raise bad_value("latent value", value, "a finite number")
        at = self.net.layout.latent + int(index)
        self.net.params[at] = value  # non-trainable: the training kernel never writes it
        if self.trainer is None:
            self._still = None
        else:
            self.trainer.refresh_features()
            self._latent_edits[at] = np.float32(value)
        self.go_live()
        self.revision += 1

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

    # --- per frame ---------------------------------------------------------------------
    def tick(self):
        """Per frame: pace the trainer; the snapshot to show (the scrubbed one while
        scrubbing, else the newest), which the run observes. Run B follows."""
        snap = self._tick()
        if self.compare is not None:
            self.compare.tick(self.pacing, snap)
        return snap

    def _tick(self):
        if self.run.scrubbing:
            self.snapshot = self.run.timeline.snapshot()
            return self.snapshot
        if self.trainer is None:
            self.snapshot = self._latest()
            return self.snapshot
        self.pacing.before_frame()
        snap = self.snapshot = self._latest()
        self.pacing.after_frame(snap)
        self.run.observe(snap)
        return snap

    def latest_params(self) -> np.ndarray:
        """The weights on screen: the scrubbed snapshot's, else the newest."""
        if self.run.scrubbing:
            return self.run.timeline.snapshot().params
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

    def health(self) -> list:
        """Health hints of the weights on screen on the training points (health.py),
        checked again when the network changes and every second while training."""
        generation, revision, step = self.weights_key
        key = (generation, (revision, step))
        return self._watch.of(key, self.latest_network, self.dataset.x_train)

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
        return self.run.progress.steps_per_second
