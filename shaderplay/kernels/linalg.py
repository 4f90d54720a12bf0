"""Dense-layer kernels on batch-major arrays.

Layout: a layer's activations for a minibatch of B samples are an (n, B)
array (feature-major, batch innermost), so every inner loop runs over the
batch, contiguous, and LLVM vectorises it 16 floats wide. Weights W are
PyTorch's (out, in). Arguments are views into the workspace and the
parameter buffer: inner loops index them only with a `range` variable, since
numba's negative-index wraparound on `buf[offset + i]` blocks vectorisation.

`affine` runs register tiles (kernels/tiles.py: a few output rows x 2-3 vectors of
columns, the sums in registers across all inputs) at 70-100 % of a core's float32
peak for 30-400 wide layers where the numba loops it replaced reached ~55 %; a
leftover block of rows or columns is computed as a whole tile overlapping the one
before (the same sums again, so no scalar tail): a tile of fewer rows holds too few
sums to hide the FMA latency, and 30 rows as 8 overlapping tiles of 4 took 0.96 ns an
output against 1.05 with a last tile of 2.
`weight_grads` keeps 4 x 4 dot products in registers. The backward pass to the inputs
runs `affine` on a transposed copy of W (a strided W.T view measured 1.2-3x slower).
B == 1 (per-sample SGD) has its own loops over the neuron index, since a batch loop of
length 1 is all overhead.
"""

import numpy as np

from .generate import switch
from .jit import F0, kernel
from .tiles import LANES, SHAPES, make_tile, most_vectors

# One tile per (rows, vectors) a layer can need, dispatched by code rows * 16 + vectors.
_TILES = {
    (r, v): make_tile(r, v)
    for r in range(1, max(rows for rows, _ in SHAPES) + 1)
    for v in range(1, most_vectors(r) + 1)
}
_tile = switch(
    "tile",
    "code, W, b, biased, X, Z, j, i, relu",
    [(r * 16 + v, f"t{r}_{v}(W, b, biased, X, Z, j, i, relu)") for r, v in _TILES],
    "pass",
    {f"t{r}_{v}": t for (r, v), t in _TILES.items()},
)
_SHAPES = np.array(SHAPES, np.int64)
_LOW = np.array([most_vectors(r) for r in range(SHAPES[0][0])], np.int64)  # by rows


@kernel
def _shape(n_out):
    """(rows, vectors) of the tiles of a layer of n_out rows: of the SHAPES no taller than
    the layer, the one that computes the fewest rows (the first on a tie); a layer lower
    than every shape is one tile high."""
    rows, vectors, computed = n_out, _LOW[min(n_out, _LOW.size - 1)], n_out * n_out + n_out
    for s in range(_SHAPES.shape[0]):
        r = _SHAPES[s, 0]
        total = (n_out + r - 1) // r * r
        if r <= n_out and total < computed:
            rows, vectors, computed = r, _SHAPES[s, 1], total
    return rows, vectors


@kernel
def affine(W, b, X, Z):
    """Z = W X + b[:, None] for W (n_out, n_in), X (n_in, B), Z (n_out, B); b empty for none."""
    dense(W, b, X, Z, False)


@kernel
def dense(W, b, X, Z, relu):
    """affine(), then z <- max(0, z) (NaN as 0) where `relu`, in the same pass."""
    n_out, n_in = W.shape
    B = X.shape[1]
    biased = b.size > 0
    if B == 1:
        for j in range(n_out):
            s = b[j] if biased else F0
            for k in range(n_in):
                s += W[j, k] * X[k, 0]
            Z[j, 0] = max(F0, s) if relu else s
        return
    if B < LANES:  # narrower than one vector: each sum in the tiles' order
        for j in range(n_out):
            bj = b[j] if biased else F0
            for i in range(B):
                Z[j, i] = bj
            for k in range(n_in):
                w = W[j, k]
                for i in range(B):
                    Z[j, i] += w * X[k, i]
            if relu:
                for i in range(B):
                    Z[j, i] = max(F0, Z[j, i])
        return
    rows, most = _shape(n_out)
    i = 0
    while i < B:
        vectors = min(most, (B - i + LANES - 1) // LANES, B // LANES)
        i = min(i, B - vectors * LANES)  # a last block overlaps the one before
        for j in range(0, n_out, rows):  # the block's inputs stay in L1 across its rows
            _tile(rows * 16 + vectors, W, b, biased, X, Z, min(j, n_out - rows), i, relu)
        i += vectors * LANES


@kernel
def backprop(W, G, dX, WT):
    """dX = W^T G for W (n_out, n_in), G (n_out, B), dX (n_in, B); WT (n_in, n_out) scratch."""
    n_out, n_in = W.shape
    B = G.shape[1]
    if B == 1:  # one axpy per output, over the contiguous input index
        for k in range(n_in):
            dX[k, 0] = F0
        for j in range(n_out):
            g = G[j, 0]
            for k in range(n_in):
                dX[k, 0] += W[j, k] * g
        return
    for j in range(n_out):
        for k in range(n_in):
            WT[k, j] = W[j, k]
    affine(WT, WT[0, :0], G, dX)


@kernel
def weight_grads(G, X, dW, db):
    """dW = G X^T and db = G summed over the batch.

    G (n_out, B) is dLoss/dZ of the layer, X (n_in, B) its input.
    """
    n_out, n_in = dW.shape
    B = G.shape[1]
    for j in range(n_out):
        s = F0
        for i in range(B):
            s += G[j, i]
        db[j] = s
    if B == 1:
        for j in range(n_out):
            e = G[j, 0]
            for k in range(n_in):
                dW[j, k] = e * X[k, 0]
        return
    j = 0
    while j + 4 <= n_out:
        k = 0
        while k + 4 <= n_in:
            s00 = s01 = s02 = s03 = s10 = s11 = s12 = s13 = F0
            s20 = s21 = s22 = s23 = s30 = s31 = s32 = s33 = F0
            for i in range(B):
                x0, x1, x2, x3 = X[k, i], X[k + 1, i], X[k + 2, i], X[k + 3, i]
                e0, e1, e2, e3 = G[j, i], G[j + 1, i], G[j + 2, i], G[j + 3, i]
                s00 += e0 * x0
                s01 += e0 * x1
                s02 += e0 * x2
                s03 += e0 * x3
                s10 += e1 * x0
                s11 += e1 * x1
                s12 += e1 * x2
                s13 += e1 * x3
                s20 += e2 * x0
                s21 += e2 * x1
                s22 += e2 * x2
                s23 += e2 * x3
                s30 += e3 * x0
                s31 += e3 * x1
                s32 += e3 * x2
                s33 += e3 * x3
            dW[j, k], dW[j, k + 1], dW[j, k + 2], dW[j, k + 3] = s00, s01, s02, s03
            dW[j + 1, k], dW[j + 1, k + 1], dW[j + 1, k + 2], dW[j + 1, k + 3] = s10, s11, s12, s13
            dW[j + 2, k], dW[j + 2, k + 1], dW[j + 2, k + 2], dW[j + 2, k + 3] = s20, s21, s22, s23
            dW[j + 3, k], dW[j + 3, k + 1], dW[j + 3, k + 2], dW[j + 3, k + 3] = s30, s31, s32, s33
            k += 4
        while k < n_in:
            s0 = s1 = s2 = s3 = F0
            for i in range(B):
                x0 = X[k, i]
                s0 += G[j, i] * x0
                s1 += G[j + 1, i] * x0
                s2 += G[j + 2, i] * x0
                s3 += G[j + 3, i] * x0
            dW[j, k], dW[j + 1, k], dW[j + 2, k], dW[j + 3, k] = s0, s1, s2, s3
            k += 1
        j += 4
    while j < n_out:  # leftover rows: inputs in fours
        k = 0
        while k + 4 <= n_in:
            s0 = s1 = s2 = s3 = F0
            for i in range(B):
                e0 = G[j, i]
                s0 += e0 * X[k, i]
                s1 += e0 * X[k + 1, i]
                s2 += e0 * X[k + 2, i]
                s3 += e0 * X[k + 3, i]
            dW[j, k], dW[j, k + 1], dW[j, k + 2], dW[j, k + 3] = s0, s1, s2, s3
            k += 4
        while k < n_in:
            s0 = F0
            for i in range(B):
                s0 += G[j, i] * X[k, i]
            dW[j, k] = s0
            k += 1
        j += 1
