"""Training runs kept as weight snapshots, for playback and the timeline.

`RunRecorder` collects snapshots of one network while it trains and saves
them as a run file; `RunFile` reads one back (the format: npz.py). A run can
be re-rendered later at any resolution, view or mode
(`shaderplay record --animation playback --run RUN.npz`), and the window
scrubs through it on a timeline.
"""

import math
from pathlib import Path

import numpy as np

from .errors import ShaderplayError, bad_value
from .network import Network
from .npz import read_run, write_run
from .spec import NetworkSpec


class RunRecorder:
    """Collects snapshots of one network's parameters while it trains.

        rec = RunRecorder(trainer.net, every=50)
        rec.add(0, trainer.net.params)          # the initial weights
        ... each time trainer.step is a multiple of 50: rec.add(step, params, loss)
        rec.save("run.npz", loss_history=trainer.loss_history)

    Memory: K snapshots of n_params float32 (2-16-16-16-1: 2.5 KB each).
    """

    def __init__(self, net: Network, every: int = 1, meta: dict | None = None):
        if not isinstance(every, int) or every < 1:
            raise bad_value("snapshot_every", every, "an integer >= 1 (steps between snapshots)")
        self.spec: NetworkSpec = net.spec
        self.size = net.layout.size
        self.every = every
        self.meta = dict(meta or {}, snapshot_every=every)
        self._net_meta = dict(net.meta)
        self._snapshots: list[np.ndarray] = []
        self._steps: list[int] = []
        self._losses: list[float] = []

    def __len__(self) -> int:
        return len(self._steps)

    def due(self, step: int) -> bool:
        """Is `step` a snapshot step (a multiple of `every`) not taken yet?"""
        return step % self.every == 0 and (not self._steps or step > self._steps[-1])

    def add(self, step: int, params: np.ndarray, loss: float = math.nan) -> None:
        """Keep a copy of `params` (the flat buffer) as it is at `step`."""
        if self._steps and step <= self._steps[-1]:
            raise bad_value("snapshot step", step, f"a step after {self._steps[-1]}")
        params = np.asarray(params, dtype=np.float32)
        if params.shape != (self.size,):
            raise bad_value("snapshot params", params.shape, f"a flat array of {self.size}")
        if not np.all(np.isfinite(params)):
            raise ShaderplayError(
                f"snapshot params at step {step}: NaN or infinite values; allowed: finite "
                "weights only (a run file with others could not be loaded again)."
            )
        self._snapshots.append(params.copy())
        self._steps.append(int(step))
        self._losses.append(float(loss))

    def save(self, path, loss_history=None) -> Path:
        """Write the run file (atomically: a failed save leaves no half file)."""
        if not self._steps:
            raise ShaderplayError(
                f"run file {path}: no snapshots to save; allowed: save after at least one add()"
            )
        history = np.zeros((0, 3)) if loss_history is None else np.asarray(loss_history, np.float64)
        run = dict(
            snapshots=np.stack(self._snapshots),
            steps=np.array(self._steps, np.int64),
            snapshot_loss=np.array(self._losses, np.float64),
            loss_history=history,
            run_meta=self.meta,
        )
        return write_run(path, self.spec, self._net_meta, run)


class RunFile:
    """A saved run: `.spec`, `.steps` (K,), `.snapshots` (K, n_params),
    `.snapshot_loss` (K,), `.losses` (the loss history, (M, C)), `.meta`."""

    def __init__(
        self,
        spec: NetworkSpec,
        snapshots,
        steps,
        snapshot_loss=None,
        losses=None,
        meta=None,
        path: Path | None = None,
    ):
        self.spec = spec
        self.snapshots = np.asarray(snapshots, np.float32)
        self.steps = np.asarray(steps, np.int64)
        k = len(self.steps)
        self.snapshot_loss = (
            np.full(k, np.nan) if snapshot_loss is None else np.asarray(snapshot_loss, np.float64)
        )
        self.losses = np.zeros((0, 3)) if losses is None else np.asarray(losses, np.float64)
        self.meta = dict(meta or {})
        self.path = path

    @classmethod
    def load(cls, path) -> "RunFile":
        return cls(**read_run(path), path=Path(path))

    def __len__(self) -> int:
        return len(self.steps)

    def network_at(self, index: int) -> Network:
        """The network as it was at snapshot `index` (its own copy)."""
        if not -len(self) <= index < len(self):
            raise bad_value("snapshot index", index, f"0..{len(self) - 1}")
        return Network(self.spec, self.snapshots[index].copy())

    def index_at_step(self, step: int) -> int:
        """The last snapshot taken at or before `step` (0 before the first)."""
        return max(int(np.searchsorted(self.steps, step, side="right")) - 1, 0)
