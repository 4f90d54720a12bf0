"""How many threads share a chunk of training steps, and the chunk run on them
(kernels/team.py: every part computes its share of each step in the order one thread
alone would, so the weights are the same bits for any number of threads)."""

import os
import threading

import numpy as np

from ..config import MAX_THREADS
from ..kernels.team import ABORT, SYNC_SIZE
from . import kernel as K

# Multiply-adds of a step (forward, backward to the inputs, weight gradients) below which
# a second thread costs more at the step's barriers (about 3 a layer, 0.1 µs each plus
# the wait for the slower part) than it takes off the layers.
MIN_MACS = 1_000_000


def step_macs(layout, batch: int) -> int:
    """Multiply-adds of one training step of `batch` samples."""
    return 3 * batch * sum(s.n_in * s.n_out for s in layout.layers)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def team_size(threads: int, macs: int, background: bool) -> int:
    """Threads for a chunk: `threads` as configured; 0 chooses the cores (at most
    MAX_THREADS) for a step of at least MIN_MACS, and one thread on a background thread
    (the window or a recording draws on the other core)."""
    if threads:
        return threads
    if background or macs < MIN_MACS:
        return 1
    return max(1, min(cores(), MAX_THREADS))


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
