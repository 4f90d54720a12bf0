"""One cell of a sweep, without GL: build its preset, train it, measure it, and
its network file's bytes. The picture comes from the `draw` it is given
(picture.py), so this module runs wherever numba does.

An Outcome is all a cell hands back (to its process pool or Ray), and all the
files and the table row are made from: the cell's own preset decides every
byte, not the process or machine it ran in (the trainer's kernels are
single-threaded; the picture comes from the numba evaluator).
"""

import io
import time
import zipfile
from dataclasses import dataclass, field, replace

import numpy as np

from ..build import build
from ..npz import network_arrays
from ..train import Trainer
from .metrics import accuracy, median_us
from .plan import Cell, Look

# Zip entries dated at the format's epoch: a network file is the same bytes whenever it is made.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class Outcome:
    index: int
    seed: int
    steps: int = 0  # steps trained
    train_loss: float | None = None  # None without data (target none)
    test_loss: float | None = None  # None without a test split
    train_accuracy: float | None = None  # None for regression
    test_accuracy: float | None = None
    us_per_step: float | None = None
    seconds: float = 0.0
    error: str = ""  # why the cell failed or stopped early; "" when it ran as asked
    npz: bytes | None = None  # the trained network's file
    picture: np.ndarray | None = field(default=None, repr=False)  # uint8 (H, W, 3)
    legend: object = field(default=None, repr=False)  # the picture's mode_legends.Legend


def network_bytes(net, meta: dict) -> bytes:
    """`net` as a network file (npz.py's arrays), with fixed dates in the zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for key, array in network_arrays(net.spec, net.params, meta).items():
            entry = zipfile.ZipInfo(f"{key}.npy", date_time=FIXED_DATE)
            with zf.open(entry, "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.asanyarray(array), allow_pickle=False)
    return out.getvalue()


def _train(outcome: Outcome, net, data, config, steps: int) -> None:
    chunk_us = []
    if config.threads == 0:  # cells train side by side, one to a core
        config = replace(config, threads=1)
    trainer = Trainer(net, data, config=config)
    trainer.run(steps, callback=lambda t: chunk_us.append(t.us_per_step))
    outcome.steps = trainer.step
    outcome.us_per_step = median_us(chunk_us)
    outcome.train_loss = trainer.evaluate("train")
    if len(data.x_test):
        outcome.test_loss = trainer.evaluate("test")
    outcome.train_accuracy = accuracy(net, data.x_train, data.y_train, data.kind)
    outcome.test_accuracy = accuracy(net, data.x_test, data.y_test, data.kind)
    if trainer.stopped == "diverged":
        outcome.error = trainer.why_stopped()


def run_cell(cell: Cell, look: Look, draw) -> Outcome:
    """Train and draw `cell`; any failure is the Outcome's `error`, never raised.
    `draw(net, data, preset, look)` -> (the picture, its Legend)."""
    started = time.perf_counter()
    outcome = Outcome(cell.index, cell.preset.network.seed)
    try:
        net, data, config = build(cell.preset)
        if cell.steps:
            _train(outcome, net, data, config, cell.steps)
        if np.all(np.isfinite(net.params)):
            meta = {
                **net.meta,
                "steps": outcome.steps,
                "seed": outcome.seed,
                "sweep_cell": cell.name,
            }
            outcome.npz = network_bytes(net, meta)
            outcome.picture, outcome.legend = draw(net, data, cell.preset, look)
        else:
            outcome.error = outcome.error or "weights not finite"
    except Exception as exc:  # any failure is this cell's row, never the sweep's end
        outcome.error = f"{type(exc).__name__}: {exc}".strip()
    outcome.seconds = time.perf_counter() - started
    return outcome


def outcome_of(result, cell: Cell) -> Outcome:
    """`result()`'s Outcome, or the cell's failed one where its process failed (a
    crashed worker, a lost node): a row of the table, not the sweep's end."""
    try:
        return result()
    except Exception as exc:
        error = f"its process failed: {type(exc).__name__}: {exc}".strip()
        return Outcome(cell.index, cell.preset.network.seed, error=error)
