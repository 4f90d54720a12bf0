"""How many threads share a chunk of training steps, and the chunk run on them
(kernels/team.py, train/kernel.py): the minibatch is cut into a group for each thread.

The groups' gradients are added up in the groups' order, so a run is the same bits
each time on the same number of threads; on another number, the sums over the batch
round differently (as PyTorch's do). The groups could be fixed apart from the
threads, but one thread computing two groups was 12 % slower than one (each group
sums its samples' gradients into vectors and then adds up every vector).
"""

import os
import threading

import numpy as np

from ..config import MAX_THREADS
from ..kernels.team import ABORT, SYNC_SIZE
from . import kernel as K

# Multiply-adds of a step (forward, backward to the inputs, weight gradients) below which
# a minibatch is one group: a second thread would cost more (its start, the barriers, the
# groups' gradients added up) than it takes off the layers.
MIN_MACS = 1_000_000
# The fewest samples of a group: the weight gradients' register tiles sum a group's
# samples a vector at a time and then add up the vector, once a group.
GROUP = 128


def step_macs(layout, batch: int) -> int:
    """Multiply-adds of one training step of `batch` samples."""
    return 3 * batch * sum(s.n_in * s.n_out for s in layout.layers)


def groups(layout, batch: int) -> int:
    """The most groups (threads) a minibatch of `batch` samples is cut into
    (train/kernel.py): one for a step under MIN_MACS or a network with BatchNorm, else
    up to MAX_THREADS of at least GROUP samples."""
    if step_macs(layout, batch) < MIN_MACS or any(s.norm == "batchnorm" for s in layout.layers):
        return 1
    return max(1, min(MAX_THREADS, batch // GROUP))


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def team_size(threads: int, groups: int, background: bool) -> int:
    """Threads for a chunk of a minibatch cut into `groups`: `threads` as configured; 0
    chooses the cores, and one thread on a background thread (the window or a recording
    draws on the other core). At most one a group."""
    if not threads:
        threads = 1 if background else cores()
    return max(1, min(threads, groups))


def train_steps(args: tuple, n: int, trace: np.ndarray, parts: int) -> int:
    """K.train_steps(*args, n, trace) shared by `parts` threads, this one part 0; its status.
    A part that raises stops the others before the step it was in lands, and its
    exception is raised here."""
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
