"""What the trainer hands out: small frozen records, safe to pass between threads."""

import math
from dataclasses import dataclass

import numpy as np

REASONS = {1: "non-finite loss", 2: "non-finite gradient", 3: "non-finite weight after the update"}


@dataclass(frozen=True)
class Divergence:
    """Training stopped before landing step `step`; the weights of that step are kept."""

    step: int
    reason: str  # one of REASONS' values
    lr: float  # the learning rate of the step that failed

    def __str__(self) -> str:
        return (
            f"training diverged at step {self.step} ({self.reason}, lr {self.lr:g}); the last "
            "finite weights are in place: lower the learning rate and call rollback() to continue"
        )


@dataclass(frozen=True)
class Snapshot:
    """The weights after `step` optimiser steps, and how training stood then."""

    step: int
    params: np.ndarray  # a copy of the whole flat float32 buffer (Network.params layout)
    train_loss: float  # mean minibatch loss (incl. l1/l2 penalty) of the last chunk; nan before any
    test_loss: float  # data loss on the test split, newest evaluation; nan without one
    lr: float  # learning rate of the last step taken
    us_per_step: float  # wall time per step of the last chunk, microseconds
    diverged: Divergence | None
    # Fraction classified right (nan for regression): train over the chunk's minibatches,
    # as train_loss; test on the test split with these weights, as test_loss (nan without one).
    train_accuracy: float = math.nan
    test_accuracy: float = math.nan


# Accuracy kinds, by Dataset kind: how an output row is read as a class (kernel codes too).
NO_CLASSES, BINARY, ARGMAX = range(3)
ACCURACY_KIND = {"binary": BINARY, "multiclass": ARGMAX}


def accuracy(out: np.ndarray, y: np.ndarray, kind: str) -> float:
    """Fraction of rows of `out` (N, n_out) classified as `y` says: output 0 > 0.5 for
    binary, the largest output for multiclass; nan for regression or no rows."""
    code = ACCURACY_KIND.get(kind, NO_CLASSES)
    if code == NO_CLASSES or len(out) == 0:
        return math.nan
    if code == BINARY:
        right = (out[:, 0] > 0.5) == (y[:, 0] > 0.5)
    else:
        right = np.argmax(out, axis=1) == np.argmax(y, axis=1)
    return float(np.mean(right))


@dataclass(frozen=True)
class TrainResult:
    steps: int  # optimiser steps taken by this call
    train_loss: float
    test_loss: float
    stopped: str  # "steps" | "max_steps" | "target_loss" | "lr_zero" | "diverged"


class Rows:
    """Rows of `columns` float64 values that grow at the end, column 0 the training step
    (increasing): the trainer's loss history and the window's plot curves.

    Stored column by column in a buffer that doubles as it fills, so appending is O(1)
    amortised, each column is one contiguous array (ImPlot draws it as it is) and the
    latest row is read in constant time. A window trains in ~70 chunks a second for
    hours; as a list of tuples a loss row took ~100 bytes, here 24.

    Without a `limit` every row is kept, and one thread may append while others read:
    a row is written before the count that makes it visible, a grown buffer is filled
    before it replaces the old one. With a `limit` (one thread only) every other row is
    dropped when it is reached, so a long run keeps an even spread from its start.
    """

    def __init__(self, columns: int, limit: int | None = None, capacity: int = 64):
        self.limit = None if limit is None else max(4, int(limit))
        room = max(1, int(capacity)) if self.limit is None else min(capacity, self.limit)
        self._buf = np.empty((int(columns), room), np.float64)
        self._n = 0
        self.version = 0  # changes whenever the rows do (plots cache on it)

    def __len__(self) -> int:
        return self._n

    @property
    def rows(self) -> np.ndarray:
        """(n, columns) view of the rows: do not write, do not keep across appends."""
        return self._buf[:, : self._n].T

    def array(self) -> np.ndarray:
        """A copy of the rows so far: (n, columns)."""
        n, buf = self._n, self._buf  # the count first: every row below it is in `buf`
        return buf[:, :n].T.copy()

    def column(self, c: int) -> np.ndarray:
        """Column `c` of the rows, a contiguous view."""
        return self._buf[c, : self._n]

    def last(self, c: int, default=float("nan")) -> float:
        return float(self._buf[c, self._n - 1]) if self._n else default

    def append(self, *row) -> None:
        if self._n == self._buf.shape[1]:
            if self.limit is not None and self._n >= self.limit:
                self._halve()
            else:
                room = 2 * self._n if self.limit is None else min(2 * self._n, self.limit)
                grown = np.empty((self._buf.shape[0], room), np.float64)
                grown[:, : self._n] = self._buf[:, : self._n]
                self._buf = grown
        self._buf[:, self._n] = row
        self._n += 1
        self.version += 1

    def extend(self, rows) -> None:
        """Append many rows; with a limit, more than half of it are first thinned evenly."""
        rows = np.asarray(rows, np.float64).reshape(-1, self._buf.shape[0])
        if self.limit is not None and len(rows) > self.limit // 2:
            rows = rows[np.linspace(0, len(rows) - 1, self.limit // 2).round().astype(np.int64)]
        for row in rows:
            self.append(*row)

    def _halve(self) -> None:
        kept = self._buf[:, : self._n : 2].copy()
        self._n = kept.shape[1]
        self._buf[:, : self._n] = kept

    def truncate_after(self, step: float) -> None:
        """Drop the rows after `step` (a run continued from an earlier snapshot)."""
        self._n = int(np.searchsorted(self._buf[0, : self._n], step, side="right"))
        self.version += 1

    def clear(self) -> None:
        self._n = 0
        self.version += 1
