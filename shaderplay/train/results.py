"""What the trainer hands out: small frozen records, safe to pass between threads."""

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
    test_loss: float  # data loss on the test split after the chunk; nan without one
    lr: float  # learning rate of the last step taken
    us_per_step: float  # wall time per step of the last chunk, microseconds
    diverged: Divergence | None


@dataclass(frozen=True)
class TrainResult:
    steps: int  # optimiser steps taken by this call
    train_loss: float
    test_loss: float
    stopped: str  # "steps" | "max_steps" | "target_loss" | "diverged"


class LossRows:
    """The loss history: append-only (step, train, test) float64 rows in a buffer that
    doubles as it fills. A window trains in ~70 chunks a second for hours; as a list of
    tuples each row took ~100 bytes, here 24. Appended from the trainer thread, read
    from any: a row is written before the count that makes it visible."""

    def __init__(self, capacity: int = 256):
        self._rows = np.empty((capacity, 3), np.float64)
        self._n = 0

    def append(self, step: float, train: float, test: float) -> None:
        if self._n == len(self._rows):
            grown = np.empty((2 * len(self._rows), 3), np.float64)
            grown[: self._n] = self._rows
            self._rows = grown
        self._rows[self._n] = (step, train, test)
        self._n += 1

    def clear(self) -> None:
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def array(self) -> np.ndarray:
        """A copy of the rows so far: (K, 3)."""
        n, rows = self._n, self._rows
        return rows[:n].copy()
