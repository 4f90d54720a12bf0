"""What the plots and the status panel show about training, gathered once a
frame from the snapshot the window shows (no GL, no GUI).

Every series is a bounded NumPy buffer: appending is O(1) amortised, past
`limit` rows every other row is dropped (a long run keeps an even spread from
its start), and the plots get views of the buffer, never copies of the whole
history: nothing per frame costs O(length of the run).
"""

import time

import numpy as np

LIMIT = 4000  # rows per series; halved when exceeded
ACCURACY_EVERY = 10  # frames between accuracy evaluations (classification only)
RATE_WINDOW = 1.0  # seconds over which steps/s is measured


class Series:
    """Rows of `columns` float64 values, column 0 the training step (increasing).
    Stored column by column, so each column is one contiguous array (ImPlot takes
    it as it is)."""

    def __init__(self, columns: int, limit: int = LIMIT):
        self._buf = np.empty((columns, 64), np.float64)
        self._n = 0
        self.limit = max(4, int(limit))
        self.version = 0  # changes whenever the rows do (plots cache on it)

    def __len__(self) -> int:
        return self._n

    @property
    def rows(self) -> np.ndarray:
        """(n, columns) view of the kept rows: do not write, do not keep across frames."""
        return self._buf[:, : self._n].T

    def column(self, c: int) -> np.ndarray:
        """Column `c` of the kept rows, a contiguous view."""
        return self._buf[c, : self._n]

    def last(self, c: int, default=float("nan")) -> float:
        return float(self._buf[c, self._n - 1]) if self._n else default

    def append(self, *row) -> None:
        if self._n == self._buf.shape[1]:
            if self._n >= self.limit:
                self._halve()
            else:
                grown = np.empty((self._buf.shape[0], min(2 * self._n, self.limit)))
                grown[:, : self._n] = self._buf[:, : self._n]
                self._buf = grown
        self._buf[:, self._n] = row
        self._n += 1
        self.version += 1

    def extend(self, rows) -> None:
        """Append many rows; more than half the limit are first thinned evenly."""
        rows = np.asarray(rows, np.float64).reshape(-1, self._buf.shape[0])
        if len(rows) > self.limit // 2:
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


class Progress:
    """Loss (step, train, test), learning rate and accuracy against steps, and the
    measured steps per second, recorded from the snapshots the window shows."""

    def __init__(self):
        self.loss = Series(3)
        self.lr = Series(2)
        self.accuracy = Series(2)
        self._rate: list[tuple[float, int]] = []  # (time, step) within RATE_WINDOW
        self._frames = 0

    def clear(self) -> None:
        for series in (self.loss, self.lr, self.accuracy):
            series.clear()
        self._rate = []

    def truncate_after(self, step: int) -> None:
        for series in (self.loss, self.lr, self.accuracy):
            series.truncate_after(step)
        self._rate = []

    def record(self, snap, accuracy=None) -> None:
        """Once a frame with the newest live snapshot; `accuracy()` (a callable, or
        None/0 for regression) is evaluated every ACCURACY_EVERY frames from the first on."""
        if snap is None:
            return
        now = time.perf_counter()
        self._rate.append((now, snap.step))
        while len(self._rate) > 2 and now - self._rate[0][0] > RATE_WINDOW:
            self._rate.pop(0)
        if snap.step > self.loss.last(0, -1.0) and snap.step > 0:
            self.loss.append(snap.step, snap.train_loss, snap.test_loss)
            self.lr.append(snap.step, snap.lr)
        self._frames += 1
        if accuracy and self._frames % ACCURACY_EVERY == 1:
            if snap.step != self.accuracy.last(0, -1.0):
                self.accuracy.append(snap.step, accuracy())

    @property
    def steps_per_second(self) -> float:
        if len(self._rate) < 2:
            return 0.0
        (t0, s0), (t1, s1) = self._rate[0], self._rate[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 and s1 >= s0 else 0.0


def class_accuracy(net, dataset) -> float:
    """Fraction of test points (train points without a test split) that `net`
    classifies right: output > 0.5 for two classes, the largest output for more."""
    x, y = (
        (dataset.x_test, dataset.y_test)
        if len(dataset.x_test)
        else (dataset.x_train, dataset.y_train)
    )
    if not len(x):
        return float("nan")
    out = net.forward(x)
    if dataset.kind == "binary":
        right = (out[:, 0] > 0.5) == (y[:, 0] > 0.5)
    else:
        right = np.argmax(out, axis=1) == np.argmax(y, axis=1)
    return float(np.mean(right))
