"""Dense-layer kernels on batch-major arrays.

Layout: a layer's activations for a minibatch of B samples are an (n, B)
array (feature-major, batch innermost), so every inner loop runs over the
batch, contiguous, and LLVM vectorises it 16 floats wide. Weights W are
PyTorch's (out, in). Arguments are views into the workspace and the
parameter buffer: inner loops index them only with a `range` variable, since
numba's negative-index wraparound on `buf[offset + i]` blocks vectorisation.

The loops are register-blocked: `affine` updates 8 output rows from 4 inputs
per pass over the batch (32 multiply-adds per 12 loads), `weight_grads`
keeps 4 x 4 dot products in registers. Against the textbook loop (1
multiply-add per 2 loads + 1 store) that measured 2-4x on 64-wide layers;
8 x 4 beat 4 x 4 by ~20% there, and wider blocks spill. The backward pass
to the inputs runs `affine` on a transposed copy of W (a strided W.T view
measured 1.2-3x slower). B == 1 (per-sample SGD) has its own loops over the
neuron index, since a batch loop of length 1 is all overhead.
"""

from .jit import F0, kernel


@kernel
def affine(W, b, X, Z):
    """Z = W X + b[:, None] for W (n_out, n_in), X (n_in, B), Z (n_out, B); b empty for none."""
    n_out, n_in = W.shape
    B = X.shape[1]
    biased = b.size > 0
    if B == 1:
        for j in range(n_out):
            s = b[j] if biased else F0
            for k in range(n_in):
                s += W[j, k] * X[k, 0]
            Z[j, 0] = s
        return
    j = 0
    while j + 8 <= n_out:
        _eight_rows(W, b, biased, X, Z, j)
        j += 8
    if j < n_out and n_out >= 8:  # the leftover rows within the last eight, recomputed alike
        _eight_rows(W, b, biased, X, Z, n_out - 8)
        return
    while j < n_out:  # fewer than eight rows in all: one at a time, inputs still in fours
        bj = b[j] if biased else F0
        for i in range(B):
            Z[j, i] = bj
        k = 0
        while k + 4 <= n_in:
            w0, w1, w2, w3 = W[j, k], W[j, k + 1], W[j, k + 2], W[j, k + 3]
            for i in range(B):
                Z[j, i] += w0 * X[k, i] + w1 * X[k + 1, i] + w2 * X[k + 2, i] + w3 * X[k + 3, i]
            k += 4
        while k < n_in:
            w0 = W[j, k]
            for i in range(B):
                Z[j, i] += w0 * X[k, i]
            k += 1
        j += 1


@kernel
def _eight_rows(W, b, biased, X, Z, j):
    """Rows j..j+7 of affine()."""
    n_in = W.shape[1]
    B = X.shape[1]
    for r in range(8):
        br = b[j + r] if biased else F0
        for i in range(B):
            Z[j + r, i] = br
    k = 0
    while k + 4 <= n_in:
        a0, a1, a2, a3 = W[j, k], W[j, k + 1], W[j, k + 2], W[j, k + 3]
        b0, b1, b2, b3 = W[j + 1, k], W[j + 1, k + 1], W[j + 1, k + 2], W[j + 1, k + 3]
        c0, c1, c2, c3 = W[j + 2, k], W[j + 2, k + 1], W[j + 2, k + 2], W[j + 2, k + 3]
        d0, d1, d2, d3 = W[j + 3, k], W[j + 3, k + 1], W[j + 3, k + 2], W[j + 3, k + 3]
        e0, e1, e2, e3 = W[j + 4, k], W[j + 4, k + 1], W[j + 4, k + 2], W[j + 4, k + 3]
        f0, f1, f2, f3 = W[j + 5, k], W[j + 5, k + 1], W[j + 5, k + 2], W[j + 5, k + 3]
        g0, g1, g2, g3 = W[j + 6, k], W[j + 6, k + 1], W[j + 6, k + 2], W[j + 6, k + 3]
        h0, h1, h2, h3 = W[j + 7, k], W[j + 7, k + 1], W[j + 7, k + 2], W[j + 7, k + 3]
        for i in range(B):
            x0, x1, x2, x3 = X[k, i], X[k + 1, i], X[k + 2, i], X[k + 3, i]
            Z[j, i] += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3
            Z[j + 1, i] += b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3
            Z[j + 2, i] += c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3
            Z[j + 3, i] += d0 * x0 + d1 * x1 + d2 * x2 + d3 * x3
            Z[j + 4, i] += e0 * x0 + e1 * x1 + e2 * x2 + e3 * x3
            Z[j + 5, i] += f0 * x0 + f1 * x1 + f2 * x2 + f3 * x3
            Z[j + 6, i] += g0 * x0 + g1 * x1 + g2 * x2 + g3 * x3
            Z[j + 7, i] += h0 * x0 + h1 * x1 + h2 * x2 + h3 * x3
        k += 4
    while k < n_in:
        for r in range(8):
            w = W[j + r, k]
            for i in range(B):
                Z[j + r, i] += w * X[k, i]
        k += 1


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
