"""Timeline: the weight snapshots of the run shown in the window, and where the
user has scrubbed to (no GL, no GUI).

While training runs, the window keeps the newest snapshot it sees each time
the step count crosses a multiple of `every`: the trainer publishes after
each chunk of steps and the window looks once a frame, so a kept snapshot
lies at or just after the multiple (its exact step is stored). Memory stays
bounded: past `capacity` snapshots every other one is dropped and `every`
doubles, so a long run keeps an even spread from its start.

`index` is the scrubbed snapshot (None: live, following training). A saved
run file (`shaderplay.runs`, the format `record --save-run` writes) loads
into a timeline, and the timeline saves as one.
"""

import math

import numpy as np

from ..runs import RunFile, RunRecorder
from ..train import Snapshot

DEFAULT_EVERY = 100  # steps between snapshots at the start of a run
MAX_SNAPSHOTS = 1000
MAX_BYTES = 64 << 20  # snapshots of a wide network get fewer slots


def capacity_for(n_params: int) -> int:
    """How many snapshots of `n_params` float32 values to keep at most."""
    return int(np.clip(MAX_BYTES // max(4 * n_params, 1), 64, MAX_SNAPSHOTS))


class Timeline:
    """Snapshots in step order: `steps[k]`, `params[k]` (the flat float32 buffer,
    never written after it is kept), `losses[k]` (train loss, NaN unknown)."""

    def __init__(self, n_params: int, every: int = DEFAULT_EVERY, capacity: int | None = None):
        self.n_params = int(n_params)
        self.capacity = max(2, int(capacity or capacity_for(n_params)))
        self.every = max(1, int(every))
        self.steps: list[int] = []
        self.params: list[np.ndarray] = []
        self.losses: list[float] = []
        self.index: int | None = None
        self.source = ""  # the run file this timeline came from, "" for the live run

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def scrubbing(self) -> bool:
        return self.index is not None

    @property
    def last_step(self) -> int:
        return self.steps[-1] if self.steps else -1

    # --- growing -------------------------------------------------------------------------
    def observe(self, snap) -> bool:
        """Keep `snap` if it is the first one or crossed a multiple of `every` since the
        last one kept. True if kept. Nothing is kept while scrubbing."""
        if snap is None or self.scrubbing or not np.all(np.isfinite(snap.params)):
            return False
        if self.steps and snap.step // self.every <= self.last_step // self.every:
            return False
        self.add(snap.step, snap.params, snap.train_loss)
        return True

    def add(self, step: int, params: np.ndarray, loss: float = math.nan) -> None:
        """Append a snapshot (`params` is kept, not copied: pass an array nobody writes)."""
        if self.steps and step <= self.last_step:
            return
        if len(self.steps) >= self.capacity:
            self._thin()
        self.steps.append(int(step))
        self.params.append(params)
        self.losses.append(float(loss))

    def _thin(self) -> None:
        """Every other snapshot (the first kept) and twice the interval."""
        self.steps, self.params, self.losses = self.steps[::2], self.params[::2], self.losses[::2]
        self.every *= 2

    def set_every(self, every: int) -> None:
        """New interval for the snapshots still to come."""
        self.every = max(1, int(every))

    def clear(self) -> None:
        self.steps, self.params, self.losses = [], [], []
        self.index = None
        self.source = ""

    def truncate(self, index: int) -> None:
        """Forget the snapshots after `index` (a run continued from there)."""
        self.steps, self.params = self.steps[: index + 1], self.params[: index + 1]
        self.losses = self.losses[: index + 1]
        self.index = None

    # --- scrubbing -----------------------------------------------------------------------
    def scrub(self, index: int) -> None:
        self.index = int(np.clip(index, 0, len(self.steps) - 1))

    def go_live(self) -> None:
        self.index = None

    def snapshot(self, index: int | None = None) -> Snapshot:
        """Snapshot `index` (default the scrubbed one) as the trainer's record type."""
        k = self.index if index is None else index
        nan = math.nan
        return Snapshot(self.steps[k], self.params[k], self.losses[k], nan, nan, nan, None)

    def index_at_step(self, step: int) -> int:
        """The last snapshot at or before `step` (0 before the first)."""
        return max(int(np.searchsorted(np.asarray(self.steps), step, side="right")) - 1, 0)

    # --- files ---------------------------------------------------------------------------
    def save(self, path, net, loss_history=None, meta: dict | None = None):
        """Write the snapshots as a run file; `net` gives the architecture and meta."""
        recorder = RunRecorder(net, self.every, dict(meta or {}))
        for step, params, loss in zip(self.steps, self.params, self.losses):
            recorder.add(step, params, loss)
        return recorder.save(path, loss_history=loss_history)

    @classmethod
    def from_run(cls, run: RunFile) -> "Timeline":
        """A timeline holding every snapshot of `run` (its capacity grows to fit)."""
        n = run.snapshots.shape[1]
        every = int(run.meta.get("snapshot_every", DEFAULT_EVERY) or DEFAULT_EVERY)
        timeline = cls(n, every, max(len(run), capacity_for(n)))
        for step, params, loss in zip(run.steps, run.snapshots, run.snapshot_loss):
            timeline.add(int(step), params, float(loss))
        timeline.source = str(run.path or "")
        return timeline
