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
"""

import time
from dataclasses import replace

import numpy as np

from ..build import build
from ..errors import ShaderplayError
from ..network import Network
from ..train import Snapshot, Trainer

ACCURACY_EVERY = 10  # frames between accuracy evaluations (classification only)
HISTORY_EVERY = 5  # frames between reads of the trainer's loss history
HISTORY_POINTS = 4000  # per-frame records kept for the plots (halved when exceeded)
CHUNK_SECONDS = 0.005  # work per trainer kernel call; the thread needs the GIL between calls
CHUNK_RANGE = (64, 16384)
RATE_WINDOW = 1.0  # seconds over which steps/s is measured


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


class Session:
    def __init__(self, preset, playing: bool = True):
        self.net = self.dataset = self.config = self.trainer = None
        self.snapshot = None
        self.fixed_pace = 0
        self.generation = 0  # +1 whenever `net` is replaced (the renderer re-reads its spec)
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

    def load_network(self, path) -> None:
        """Train a network read from a `.npz` on the current target."""
        net = Network.load(path)
        if net.spec.n_out != self.dataset.n_out and self.dataset.kind != "none":
            from ..errors import bad_value

            raise bad_value(f"{path} outputs", net.spec.n_out,
                            f"{self.dataset.n_out}, what the target {self.dataset.name!r} needs")
        trainer = self._trainer_for(net, self.dataset, self.config)
        self._install(net, self.dataset, self.config, trainer, self.playing)

    def save_network(self, path) -> None:
        Network(self.net.spec, self.latest_params(), self.net.meta).save(path)

    def _install(self, net, dataset, config, trainer, playing) -> None:
        self.close()
        self.net, self.dataset, self.config, self.trainer = net, dataset, config, trainer
        self.generation += 1
        self.playing = bool(playing) and trainer is not None
        self._initial = net.params.copy()
        self.history = {"step": [], "lr": [], "accuracy_step": [], "accuracy": []}
        self._rate = []  # (time, step) pairs within RATE_WINDOW
        self._frames = 0
        self._latest_net = None
        self._history_cache = None
        if trainer is not None:
            self._apply_pacing()  # before start(): a paused session must not run a first chunk
            trainer.start()
        self.snapshot = self._latest()

    def _latest(self):
        if self.trainer is not None:
            return self.trainer.latest()
        nan = float("nan")
        return Snapshot(0, self.net.params.copy(), nan, nan, nan, nan, None)

    def close(self) -> None:
        if self.trainer is not None:
            self.trainer.stop()

    # --- control -------------------------------------------------------------------------
    def _require_trainer(self, what: str):
        if self.trainer is None:
            raise ShaderplayError(f"{what}: target 'none' has nothing to train; allowed: pick a "
                                  "target in the Training tab first.")
        return self.trainer

    def set_playing(self, playing: bool) -> None:
        if playing:
            self._require_trainer("play")
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
        self._require_trainer("step").advance(n)

    def reset(self) -> None:
        if self.trainer is None:
            self.net.params[:] = self._initial
        else:
            self.trainer.reset()
        self._clear_history()

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

    def check_view(self, view) -> None:
        """Refuse a view the renderer or the current network cannot show (an unknown
        mode or colormap, a neuron that does not exist)."""
        from ..colormaps import NAMES
        from ..errors import bad_value, choose
        from ..gpu.modes import MODES

        mode = MODES[choose("view.mode", view.mode, MODES)]
        choose("view.colormap", view.colormap, NAMES)
        if mode.needs_target and self.dataset.field is None:
            raise bad_value("view.mode", view.mode, f"a mode without the target's field: target "
                            f"{self.dataset.name!r} has points only (show them with 'data points')")
        sizes = self.net.spec.sizes
        if view.mode == "neuron":
            if not 0 <= view.layer < len(sizes) - 1:
                raise bad_value("view.layer", view.layer, f"a weight layer 0..{len(sizes) - 2}")
            if not 0 <= view.neuron < sizes[view.layer + 1]:
                raise bad_value("view.neuron", view.neuron,
                                f"a unit 0..{sizes[view.layer + 1] - 1}")

    # --- per frame ---------------------------------------------------------------------
    def tick(self):
        """Per frame: pace the trainer; returns the newest snapshot."""
        if self.trainer is None:
            self.snapshot = self._latest()
            return self.snapshot
        if self.playing and self.fixed_pace:
            # Deterministic frames: this frame shows exactly the steps queued so far;
            # the next ones run while it renders.
            self.trainer.wait()
            snap = self.trainer.latest()
            self.trainer.advance(self.fixed_pace)
            return self._observed(snap)
        if self.playing and self.config.steps_per_frame and self.trainer.wait(0):
            self.trainer.advance(self.config.steps_per_frame)
        if self.playing and self.trainer.paused and not self.config.steps_per_frame:
            self.playing = False  # the trainer stopped itself: divergence, max_steps, target_loss
        return self._observed(self.trainer.latest())

    def _observed(self, snap):
        self.snapshot = snap
        self._record(snap)
        self._size_chunks(snap)
        return snap

    def _size_chunks(self, snap) -> None:
        """Keep each kernel call near CHUNK_SECONDS: the trainer thread needs the GIL
        only between calls, and the busy frame loop makes it wait for it, so tiny
        chunks would leave it idle. The preset's chunk_steps is left as it is."""
        us = snap.us_per_step if snap is not None else float("nan")
        if not us > 0 or self._frames % 30:
            return
        lo, hi = CHUNK_RANGE
        want = int(min(hi, max(lo, CHUNK_SECONDS * 1e6 / us)))
        want = 1 << (want.bit_length() - 1)  # a power of two: no churn from small changes
        if want != self.trainer.config.chunk_steps:
            self.trainer.set_config(chunk_steps=want)

    def latest_params(self) -> np.ndarray:
        snap = self._latest()
        return snap.params if snap is not None else self.net.params.copy()

    def latest_network(self) -> Network:
        """A Network over the newest snapshot's weights (for the probe, the diagram)."""
        snap = self.snapshot
        key = (self.generation, snap.step if snap else -1, id(snap))
        if self._latest_net is None or self._latest_net[0] != key:
            params = snap.params if snap is not None else self.net.params.copy()
            self._latest_net = (key, Network(self.net.spec, params, self.net.meta))
        return self._latest_net[1]

    @property
    def step_count(self) -> int:
        return int(self.snapshot.step) if self.snapshot is not None else 0

    @property
    def steps_per_second(self) -> float:
        if len(self._rate) < 2:
            return 0.0
        (t0, s0), (t1, s1) = self._rate[0], self._rate[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 else 0.0

    @property
    def loss_history(self) -> np.ndarray:
        """(K, 3): step, train loss, test loss; re-read every HISTORY_EVERY frames
        (the trainer builds the array from its list on each read)."""
        if self.trainer is None:
            return np.zeros((0, 3))
        if self._history_cache is None or self._frames - self._history_cache[0] >= HISTORY_EVERY:
            self._history_cache = (self._frames, np.asarray(self.trainer.loss_history))
        return self._history_cache[1]

    def _clear_history(self) -> None:
        for values in self.history.values():
            values.clear()
        self._rate = []
        self._history_cache = None

    def _record(self, snap) -> None:
        if snap is None:
            return
        now = time.perf_counter()
        self._rate.append((now, snap.step))
        while len(self._rate) > 2 and now - self._rate[0][0] > RATE_WINDOW:
            self._rate.pop(0)
        h = self.history
        if not h["step"] or h["step"][-1] != snap.step:
            h["step"].append(snap.step)
            h["lr"].append(snap.lr)
            for a, b in (("step", "lr"), ("accuracy_step", "accuracy")):
                if len(h[a]) > HISTORY_POINTS:  # a long run: every other point is plenty
                    h[a][:], h[b][:] = h[a][::2], h[b][::2]
        self._frames += 1
        if self.dataset.n_classes and self._frames % ACCURACY_EVERY == 1:  # from frame 1 on
            if not h["accuracy_step"] or h["accuracy_step"][-1] != snap.step:
                h["accuracy_step"].append(snap.step)
                h["accuracy"].append(self.accuracy())

    def accuracy(self) -> float:
        """Fraction of test points (train points without a test split) classified right."""
        d = self.dataset
        x, y = (d.x_test, d.y_test) if len(d.x_test) else (d.x_train, d.y_train)
        if not len(x):
            return float("nan")
        out = self.latest_network().forward(x)
        if d.kind == "binary":
            right = (out[:, 0] > 0.5) == (y[:, 0] > 0.5)
        else:
            right = np.argmax(out, axis=1) == np.argmax(y, axis=1)
        return float(np.mean(right))
