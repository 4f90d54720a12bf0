"""What the plots and the status panel show about training, gathered once a
frame from the snapshot the window shows (no GL, no GUI).

Every series is a bounded `Rows` buffer (the trainer's loss history type):
appending is O(1) amortised, past LIMIT rows every other row is dropped (a
long run keeps an even spread from its start), and the plots get views of the
buffer, never copies of the whole history: nothing per frame costs O(length
of the run).
"""

import time

from ..train.results import Rows

LIMIT = 4000  # rows per series; halved when exceeded
RATE_WINDOW = 1.0  # seconds over which steps/s is measured


class Progress:
    """Loss (step, train, test), learning rate and accuracy against steps, and the
    measured steps per second, recorded from the snapshots the window shows."""

    def __init__(self):
        self.loss = Rows(3, LIMIT)  # step, train loss, test loss
        self.lr = Rows(2, LIMIT)
        self.accuracy = Rows(2, LIMIT)
        self._rate: list[tuple[float, int]] = []  # (time, step) within RATE_WINDOW

    def clear(self) -> None:
        for series in (self.loss, self.lr, self.accuracy):
            series.clear()
        self._rate = []

    def truncate_after(self, step: int) -> None:
        for series in (self.loss, self.lr, self.accuracy):
            series.truncate_after(step)
        self._rate = []

    def record(self, snap) -> None:
        """Once a frame with the newest live snapshot: a row per new step, with the
        snapshot's accuracy (its test accuracy, else its train one; none for regression)."""
        if snap is None:
            return
        now = time.perf_counter()
        self._rate.append((now, snap.step))
        while len(self._rate) > 2 and now - self._rate[0][0] > RATE_WINDOW:
            self._rate.pop(0)
        if snap.step > self.loss.last(0, -1.0) and snap.step > 0:
            self.loss.append(snap.step, snap.train_loss, snap.test_loss)
            self.lr.append(snap.step, snap.lr)
            test, train = snap.test_accuracy, snap.train_accuracy
            shown = test if test == test else train  # nan != nan
            if shown == shown:
                self.accuracy.append(snap.step, shown)

    @property
    def steps_per_second(self) -> float:
        if len(self._rate) < 2:
            return 0.0
        (t0, s0), (t1, s1) = self._rate[0], self._rate[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 and s1 >= s0 else 0.0
