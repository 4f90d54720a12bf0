"""Python side of the kernels: a Network's layers turned into the workspaces
of kernel.py, and samples into its one-row-per-feature layout.

Nothing here runs per step; a Workspace is allocated once per batch size.
"""

from dataclasses import dataclass

import numpy as np

from ..kernels.team import MOST
from ..optimizers import MAX_SLOTS
from ..spec import ParamLayout
from . import kernel as K

_ALIGN = 16  # floats: one 64-byte cache line, one AVX-512 register


def aligned_zeros(n: int) -> np.ndarray:
    """float32 zeros whose first element sits on a 64-byte boundary."""
    raw = np.zeros(n + _ALIGN, np.float32)
    shift = (-raw.ctypes.data % 64) // 4
    return raw[shift : shift + n]


def _round(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN


@dataclass
class Workspace:
    """Scratch memory for minibatches of up to `capacity` samples."""

    capacity: int
    wsl: np.ndarray  # (L, 4) int64: H, D, xhat, stats offsets per layer
    misc: np.ndarray  # (9,) int64: see kernel.X_ROWS ... kernel.W_T_SIZE
    ws: np.ndarray  # float32

    @staticmethod
    def of(layout: ParamLayout, capacity: int, steps: bool = False) -> "Workspace":
        """Scratch for a forward and backward pass of `capacity` samples; with `steps`,
        for the optimiser's steps too (train_steps)."""
        B = int(capacity)
        offset = 0

        def take(n):
            nonlocal offset
            start, offset = offset, offset + _round(n)
            return start

        layers = layout.layers
        misc = np.zeros(K.W_T_SIZE + 1, np.int64)
        misc[K.X_ROWS] = take(layers[0].n_in * B)
        misc[K.Y_ROWS] = take(layers[-1].n_out * B)
        wsl = np.full((len(layers), 4), -1, np.int64)
        for i, s in enumerate(layers):
            wsl[i, 0] = take(s.n_out * B)
            wsl[i, 1] = take(s.n_out * B)
            if s.norm != "none":
                wsl[i, 2] = take(s.n_out * B)
                wsl[i, 3] = take(3 * B if s.norm == "layernorm" else 5 * s.n_out)
        widest = max(max(s.n_in, s.n_out) for s in layers)
        misc[K.G_ROWS] = take(widest * B)
        misc[K.G_ROWS2] = take(widest * B)
        misc[K.LOSS_SCRATCH] = take(3 * B)
        # W transposed, backward: one for each thread of a team training (kernels/team.py)
        misc[K.W_T_SIZE] = _round(max(s.n_in * s.n_out for s in layers))
        misc[K.W_T] = take((MOST if steps else 1) * misc[K.W_T_SIZE])
        if steps:  # the optimiser's step: new weights and moments (optim.py)
            misc[K.NEW_STEP] = take((1 + MAX_SLOTS) * layout.n_trainable)
        misc[K.CAPACITY] = B
        return Workspace(B, wsl, misc, aligned_zeros(offset))


def rows(a: np.ndarray) -> np.ndarray:
    """(N, n) samples -> (n, N) contiguous float32, the kernels' one-row-per-feature layout."""
    return np.ascontiguousarray(np.asarray(a, np.float32).T)
