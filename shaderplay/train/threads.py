"""How many groups a minibatch is cut into, how many threads share a chunk of
training steps, and the chunk run on them (kernels/team.py, train/kernel.py).

The groups' gradients are added up in the groups' order, so the groups fix the bits
of a run: they follow the network and the batch, never the threads that compute them
or the machine's cores, so a run is the same bits on one thread (the window's, a
sweep cell's, a busy machine's: Pace) as on several, here or on another machine with
vectors as wide (their width sets the order of every sum over the batch). One thread
computing two groups of a 64-wide net took ~6 % longer than one group.
"""

import os
import threading

import numpy as np

from ..config import MAX_THREADS
from ..kernels.team import ABORT, SYNC_SIZE
from . import kernel as K
from . import passes as P

# Multiply-adds of a step (forward, backward to the inputs, weight gradients) below which
# a minibatch is one group: a second thread would cost more (its start, the barriers, the
# groups' gradients added up) than it takes off the layers.
MIN_MACS = 1_000_000
# The samples of a group, at least: the weight gradients' register tiles sum a group's
# samples a vector at a time and then add up the vectors, once a group.
GROUP = 128


def step_macs(layout, batch: int) -> int:
    """Multiply-adds of one training step of `batch` samples."""
    return 3 * batch * sum(s.n_in * s.n_out for s in layout.layers)


def groups(layout, batch: int) -> int:
    """The groups a minibatch of `batch` samples is cut into (train/kernel.py): one for a
    step under MIN_MACS or a network with BatchNorm, else up to MAX_THREADS of at least
    GROUP samples each."""
    if step_macs(layout, batch) < MIN_MACS or any(s.norm == "batchnorm" for s in layout.layers):
        return 1
    return max(1, min(MAX_THREADS, batch // GROUP))


# While the team is faster, one thread is timed again once every PROBE chunks, times how
# much faster (a probe costs an idle machine ~2 % of a run); while one thread is, the
# team is tried again every RETRY chunks. One thread takes over where the team has been
# MARGIN times slower lately, steps counted (a short or noisy chunk does not decide).
PROBE, RETRY, MARGIN = 32, 8, 1.25


class Pace:
    """How many threads run the next chunk of a `team`'s groups: the team, or one thread
    where the team has been slower. On a busy machine a thread that loses its core holds
    the others at every barrier (2 threads took 556 µs a step beside another process,
    where one took 247). The groups, and so the bits, are the same either way. The
    first chunk (the kernels loading) is not timed."""

    adapt = True  # False: always the team (bench/train.py times the team itself)

    def __init__(self, team: int):
        self.team = team
        self.timed: dict[int, tuple[float, float]] = {}  # threads -> (seconds, steps), lately
        self.chunks = 0

    def step_seconds(self, parts: int) -> float:
        seconds, steps = self.timed[parts]
        return seconds / steps

    def parts(self) -> int:
        """The threads for the next chunk."""
        if self.team == 1 or not self.adapt:
            return self.team
        self.chunks += 1
        if self.team not in self.timed or 1 not in self.timed:  # the team first, then one
            return 1 if self.team in self.timed else self.team
        alone, team = self.step_seconds(1), self.step_seconds(self.team)
        if team > MARGIN * alone:
            return self.team if self.chunks % RETRY == 0 else 1
        return 1 if self.chunks % (PROBE * max(1, round(alone / team))) == 0 else self.team

    def record(self, parts: int, seconds: float, steps: int) -> None:
        """A chunk of `steps` steps run on `parts` threads took `seconds`."""
        if self.chunks > 1 and parts in (1, self.team) and steps > 0:
            old_seconds, old_steps = self.timed.get(parts, (0.0, 0.0))
            self.timed[parts] = (old_seconds / 2 + seconds, old_steps / 2 + steps)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def team_size(threads: int, groups: int, background: bool) -> int:
    """Threads for a chunk of a minibatch cut into `groups`: `threads` as configured; 0
    chooses the cores, and one thread on the trainer's background thread (the window
    draws on the other core). At most one a group."""
    if not threads:
        threads = 1 if background else cores()
    return max(1, min(threads, groups))


def train_steps(args: tuple, n: int, trace: np.ndarray, parts: int) -> int:
    """K.train_steps(*args, n, trace) shared by `parts` threads, this one part 0; its status.
    A part that raises stops the others before the step it was in lands, and its
    exception is raised here."""
    parts = min(parts, int(args[5][P.GROUPS]))  # a part has a group at least
    sync = np.zeros(SYNC_SIZE, np.int64)
    if parts == 1:
        return K.train_steps(*args, n, trace, 0, 1, sync)
    failed = []

    def helper(part):
        try:
            K.train_steps(*args, n, trace, part, parts, sync)
        except BaseException as exc:
            failed.append(exc)
            sync[ABORT] = 1

    helpers = [
        threading.Thread(target=helper, args=(p,), name=f"shaderplay train part {p}", daemon=True)
        for p in range(1, parts)
    ]
    for thread in helpers:
        thread.start()
    try:
        status = K.train_steps(*args, n, trace, 0, parts, sync)
    finally:
        sync[ABORT] = 1  # were part 0 to raise, the helpers must not wait for it
        for thread in helpers:
            thread.join()
    if failed:
        raise failed[0]
    return status
