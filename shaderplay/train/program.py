"""Python side of the kernels: a Network's layers turned into the workspaces
of kernel.py and passes.py, and samples into their one-row-per-feature layout.

Nothing here runs per step; a Workspace is allocated once per batch size and groups.
"""

from dataclasses import dataclass

import numpy as np

from ..kernels.tiles import LANES
from ..optimizers import MAX_SLOTS
from ..spec import ParamLayout
from . import passes as P

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
    """Scratch memory for minibatches of up to `capacity` samples, cut into `groups`
    (kernel.py): a region each, laid out alike (wsl and misc hold offsets into a region,
    but misc[NEW_STEP]'s into ws, after the regions)."""

    capacity: int
    wsl: np.ndarray  # (L, 5) int64: H, D, xhat, stats, W^T offsets per layer
    misc: np.ndarray  # int64: see passes.X_ROWS ... passes.REGION
    ws: np.ndarray  # float32

    @staticmethod
    def of(layout: ParamLayout, capacity: int, steps: bool = False, groups: int = 1) -> "Workspace":
        """Scratch for a forward and backward pass of `capacity` samples; with `steps`,
        for the optimiser's steps too (train_steps)."""
        # a region's columns: the most passes.group_columns gives any batch up to capacity
        # (whole vectors, the odd ones on the last group; a batch of fewer vectors than
        # groups all on the first)
        B = int(capacity)
        if groups > 1:
            B = max(-(-B // groups) + 2 * LANES, min(B, groups * LANES - 1))
        offset = 0

        def take(n):
            nonlocal offset
            start, offset = offset, offset + _round(n)
            return start

        layers = layout.layers
        misc = np.zeros(P.REGION + 1, np.int64)
        misc[P.X_ROWS] = take(layers[0].n_in * B)
        misc[P.Y_ROWS] = take(layers[-1].n_out * B)
        wsl = np.full((len(layers), 5), -1, np.int64)
        for i, s in enumerate(layers):
            wsl[i, 0] = take(s.n_out * B)
            wsl[i, 1] = take(s.n_out * B)
            if s.norm != "none":
                wsl[i, 2] = take(s.n_out * B)
                wsl[i, 3] = take(3 * B if s.norm == "layernorm" else 5 * s.n_out)
        widest = max(max(s.n_in, s.n_out) for s in layers)
        misc[P.G_ROWS] = take(widest * B)
        misc[P.G_ROWS2] = take(widest * B)
        misc[P.LOSS_SCRATCH] = take(3 * B)
        for i, s in enumerate(layers[1:], 1):  # W transposed, for the backward pass
            wsl[i, 4] = take(s.n_in * s.n_out)
        if groups > 1:  # the group's gradient, added to the others' after the pass
            misc[P.GRAD_PART] = take(layout.n_trainable)
        misc[P.CAPACITY], misc[P.GROUPS], misc[P.REGION] = B, groups, offset
        offset *= groups
        if steps:  # the optimiser's step: new weights and moments (optim.py)
            misc[P.NEW_STEP] = take((1 + MAX_SLOTS) * layout.n_trainable)
        return Workspace(int(capacity), wsl, misc, aligned_zeros(offset))


def rows(a: np.ndarray) -> np.ndarray:
    """(N, n) samples -> (n, N) contiguous float32, the kernels' one-row-per-feature layout."""
    return np.ascontiguousarray(np.asarray(a, np.float32).T)
