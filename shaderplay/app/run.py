"""Run: the run the window shows and can go back in (no GL, no GUI, no trainer):
the timeline of weight snapshots, the progress curves, the step the run goes
on from, and the run files that hold them.

Continuing from a snapshot cuts the run there: the snapshots after it and the
curves beyond its step go, and the run goes on from its step (`base`): the
session's new trainer counts on from it, so the learning-rate schedule and
max_steps carry on (the snapshots hold weights only, so the optimiser's
moments start afresh). A saved run file (`shaderplay.runs`, what
`record --save-run` writes) loads into a run, and a run saves as one.
"""

import numpy as np

from ..errors import bad_value
from ..runs import RunFile
from .progress import Progress
from .timeline import DEFAULT_EVERY, Timeline


class Run:
    def __init__(self, n_params: int = 0, every: int = DEFAULT_EVERY):
        self.every = int(every)  # the user's interval; a long run's timeline doubles its own
        self.timeline = Timeline(n_params, self.every)
        self.progress = Progress()
        self.base = 0  # the run goes on from this step (a continued or loaded run)

    def start(self, n_params: int) -> None:
        """A fresh run of a network of `n_params` parameters: no snapshots, no curves."""
        self.timeline = Timeline(n_params, self.every)
        self.progress.clear()
        self.base = 0

    @property
    def continued(self) -> bool:
        """Whether the run began before its trainer did (continued from a snapshot or loaded)."""
        return bool(self.base or self.timeline.source)

    def observe(self, snap) -> None:
        """Once a frame with the newest live snapshot: kept on the timeline when due, and
        recorded on the curves."""
        self.timeline.observe(snap)
        self.progress.record(snap)

    def restart(self) -> None:
        """Forget the snapshots and curves of the run (its trainer starts at step 0 again)."""
        self.timeline.clear()
        self.progress.clear()

    def set_every(self, every: int) -> None:
        if isinstance(every, bool) or int(every) != every or every < 1:
            raise bad_value("snapshot every", every, "an integer >= 1 (training steps)")
        self.every = int(every)
        self.timeline.set_every(self.every)

    # --- going back ----------------------------------------------------------------------
    @property
    def scrubbing(self) -> bool:
        return self.timeline.scrubbing

    def scrub(self, index: int) -> None:
        if not len(self.timeline):
            raise bad_value("timeline position", index, "a position once snapshots are kept")
        self.timeline.scrub(index)

    def position(self, index: int | None = None) -> int:
        """Snapshot `index` (default the scrubbed one), checked, to continue from."""
        k = self.timeline.index if index is None else int(index)
        if k is None or not 0 <= k < len(self.timeline):
            raise bad_value("resume from snapshot", k, f"0..{len(self.timeline) - 1}")
        return k

    def cut(self, index: int) -> None:
        """Continue from snapshot `index`: the snapshots after it and the curves beyond
        its step are dropped; the run goes on from its step."""
        step = self.timeline.steps[index]
        self.timeline.truncate(index)
        self.progress.truncate_after(step)
        self.base = step

    # --- run files -----------------------------------------------------------------------
    def load(self, run: RunFile) -> None:
        """Every snapshot and the loss curve of a run file; the run goes on from its last step."""
        self.timeline = Timeline.from_run(run)
        self.progress.clear()
        losses = np.asarray(run.losses, np.float64)
        if losses.ndim == 2 and losses.shape[1] >= 2 and len(losses):
            rows = np.full((len(losses), 3), np.nan)
            rows[:, : min(3, losses.shape[1])] = losses[:, :3]
            self.progress.loss.extend(rows)
        self.base = int(run.steps[-1])

    def save(self, path, net, meta: dict):
        """The snapshots (and the loss curve) as a run file; `net` gives the architecture."""
        info = {"snapshot_every": self.timeline.every, **meta}
        return self.timeline.save(path, net, self.progress.loss.rows.copy(), info)
