"""Training runs kept as weight snapshots, for playback and the timeline.

A run file is one `.npz`: the network file (DESIGN.md; its weights are the
last snapshot's, so `Network.load(run.npz)` gives the trained network) plus

    snapshots        (K, n_params) float32  the whole flat parameter buffer
                                            (ParamLayout order) at each snapshot
    steps            (K,) int64             training step of each snapshot,
                                            strictly increasing
    snapshot_loss    (K,) float64           train loss at each snapshot (NaN
                                            where unknown, e.g. step 0)
    loss_history     (M, C) float64         the trainer's loss history as it
                                            was when the run was saved
    run_meta         JSON string            what made the run (preset, seed,
                                            snapshot interval, ...)

It can be re-rendered later at any resolution, view or mode
(`shaderplay record --animation playback --run RUN.npz`), and the window
scrubs through it on a timeline.
"""

import json
import math
import tempfile
from pathlib import Path

import numpy as np

from ..errors import ShaderplayError, bad_value
from ..netfile import read_network
from ..network import Network
from ..spec import NetworkSpec
from .sink import check_writable_dir

RUN_KEYS = ("snapshots", "steps", "snapshot_loss", "loss_history", "run_meta")


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
        self._snapshots.append(params.copy())
        self._steps.append(int(step))
        self._losses.append(float(loss))

    def save(self, path, loss_history=None) -> Path:
        """Write the run file (atomically: a failed save leaves no half file)."""
        if not self._steps:
            raise ShaderplayError(
                f"run file {path}: no snapshots to save; allowed: save after at least one add()"
            )
        path = Path(path)
        check_writable_dir(path.parent, path)
        last = Network(self.spec, self._snapshots[-1], self._net_meta)
        history = np.zeros((0, 3)) if loss_history is None else np.asarray(loss_history, np.float64)
        try:  # any OSError on the way (a folder it cannot write in, a full disk): one message
            with tempfile.TemporaryDirectory(dir=path.parent, prefix=".run-") as tmp:
                net_file = Path(tmp) / "net.npz"
                last.save(net_file)
                with np.load(net_file, allow_pickle=False) as data:
                    arrays = dict(data)
                arrays.update(
                    snapshots=np.stack(self._snapshots),
                    steps=np.array(self._steps, np.int64),
                    snapshot_loss=np.array(self._losses, np.float64),
                    loss_history=history,
                    run_meta=np.array(json.dumps(self.meta)),
                )
                staging = Path(tmp) / "run.npz"
                with open(staging, "wb") as fh:
                    np.savez(fh, **arrays)
                staging.replace(path)
        except OSError as exc:
            raise ShaderplayError(
                f"run file {path}: cannot write it ({exc.strerror}); "
                "allowed: a path in a folder you can write to."
            ) from None
        return path


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
        path = Path(path)
        last = read_network(path)  # checks the spec keys and the weights
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in RUN_KEYS if key in data}
        for key in ("snapshots", "steps"):
            if key not in arrays:
                raise ShaderplayError(
                    f"run file {path}: missing key '{key}' (a network file, "
                    "not a run? runs are saved by `record --save-run`)"
                )
        snapshots, steps = arrays["snapshots"], arrays["steps"]
        size = last.layout.size
        if snapshots.ndim != 2 or snapshots.shape[1] != size or len(snapshots) == 0:
            raise ShaderplayError(
                f"run file {path}: key 'snapshots' has shape {snapshots.shape}, "
                f"expected (K, {size}) with K >= 1"
            )
        if steps.shape != (len(snapshots),) or np.any(np.diff(steps) <= 0):
            raise ShaderplayError(
                f"run file {path}: key 'steps' has shape {steps.shape}, expected "
                f"({len(snapshots)},) strictly increasing"
            )
        if not np.all(np.isfinite(snapshots)):
            raise ShaderplayError(f"run file {path}: key 'snapshots' holds NaN or Inf values")
        loss = arrays.get("snapshot_loss")
        if loss is not None and loss.shape != steps.shape:
            raise ShaderplayError(
                f"run file {path}: key 'snapshot_loss' has shape {loss.shape}, "
                f"expected {steps.shape}"
            )
        meta = json.loads(str(arrays["run_meta"])) if "run_meta" in arrays else {}
        return cls(last.spec, snapshots, steps, loss, arrays.get("loss_history"), meta, path)

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
