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
`weight_grads` runs the whole 4 x 4 blocks of dW in register tiles of the same shapes
(rows of G x rows of X, a vector of partial sums each: 38 GMAC/s a core on 64 x 64 x 256
where LLVM's 4 x 4 loop, 16 sums + their inputs in 16 registers, spilled at 24), in the
order of that loop; leftover rows and inputs keep its loops. The backward pass to the inputs
runs `affine` on a transposed copy of W (a strided W.T view measured 1.2-3x slower).
B == 1 (per-sample SGD) has its own loops over the neuron index, since a batch loop of
length 1 is all overhead.
"""

import numpy as np

from .generate import switch
from .jit import F0, kernel
from .tiles import LANES, SHAPES, make_grad_tile, make_tile, most_vectors


def _dispatch(name: str, args: str, tiles: dict):
    """A kernel `name(code, args)` that calls tiles[r, v](args) for code r * 16 + v."""
    calls = [(r * 16 + v, f"t{r}_{v}({args})") for r, v in tiles]
    return switch(
        name, f"code, {args}", calls, "pass", {f"t{r}_{v}": t for (r, v), t in tiles.items()}
    )


# One tile per (rows, vectors) a layer can need.
_TILES = {
    (r, v): make_tile(r, v)
    for r in range(1, max(rows for rows, _ in SHAPES) + 1)
    for v in range(1, most_vectors(r) + 1)
}
_tile = _dispatch("tile", "W, b, biased, X, Z, j, i, relu", _TILES)
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
def _grad_shape(rows4, cols4):
    """(rows, inputs) of the weight-gradient tiles of a block of rows4 x cols4 (multiples
    of 4): the shape `affine` gives rows4 rows, no wider than the block."""
    rows, most = _shape(rows4)
    return rows, min(most, cols4)


# The same register tiles for the weight gradients, rows of G x rows of X, in the shapes
# _grad_shape can give (a block is at least 4 inputs wide).
_GRAD_TILES = {
    (r, c): make_grad_tile(r, c)
    for r, v in SHAPES + tuple((r, most_vectors(r)) for r in range(4, SHAPES[0][0], 4))
    for c in sorted({min(v, 4), v})
}
_grad_tile = _dispatch("grad_tile", "G, X, dW, j, k", _GRAD_TILES)


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
def transpose(W, WT):
    """WT <- W^T, for backprop."""
    for j in range(W.shape[0]):
        for k in range(W.shape[1]):
            WT[k, j] = W[j, k]


@kernel
def backprop(W, WT, G, dX):
    """dX = W^T G for W (n_out, n_in), G (n_out, B), dX (n_in, B); WT = W^T (transpose()),
    unread where B == 1."""
    n_out, n_in = W.shape
    if G.shape[1] == 1:  # one axpy per output, over the contiguous input index
        for k in range(n_in):
            dX[k, 0] = F0
        for j in range(n_out):
            g = G[j, 0]
            for k in range(n_in):
                dX[k, 0] += W[j, k] * g
        return
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
    # Whole blocks of 4 rows x 4 inputs in register tiles; the rest as before, in loops
    # LLVM vectorises with 2 or 4 vectors of partial sums (its order kept: the same bits).
    rows4, cols4 = n_out // 4 * 4, n_in // 4 * 4
    if rows4 > 0 and cols4 > 0:
        rows, cols = _grad_shape(rows4, cols4)
        for j in range(0, rows4, rows):
            for k in range(0, cols4, cols):  # a last tile overlaps the one before
                _grad_tile(rows * 16 + cols, G, X, dW, min(j, rows4 - rows), min(k, cols4 - cols))
    j = 0
    while j + 4 <= n_out:
        k = cols4
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
