"""The trainer's own random stream: splitmix64, state in a uint64 array.

The state lives with the trainer (not in numba's per-thread generator), so
minibatch order depends only on the seed and the step count: the same on
the caller's thread and the trainer thread, however the steps are split
into kernel calls.
"""

import numpy as np

from ..kernels.jit import inline, kernel

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_UNIT = 1.0 / 9007199254740992.0  # 2**-53


def seed_state(seed: int) -> np.ndarray:
    """A fresh state array (1,) uint64 for `seed` (any int; negatives wrap)."""
    return np.array([int(seed) & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64)


@inline
def next_u64(state):
    state[0] += _GOLDEN
    z = state[0]
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@inline
def below(state, n):
    """A uniform integer in [0, n)."""
    return np.int64(np.float64(next_u64(state) >> _S11) * _UNIT * n)


@kernel
def shuffle(perm, state):
    """Fisher-Yates shuffle of `perm` (int64) in place."""
    for i in range(perm.size - 1, 0, -1):
        j = below(state, i + 1)
        perm[i], perm[j] = perm[j], perm[i]
