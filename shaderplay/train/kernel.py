"""The training loop as one numba call: many steps per call, GIL released.

Arrays the kernels share (built by program.py):
- params (P,) float32: the network's buffer, trained in place; grad (T,) and
  state (S T,) float32 for the T trainable floats (optimiser moments: S the
  most any optimiser keeps, optimizers.MAX_SLOTS).
- layers (L, 10) int64, one row per weight layer:
  n_in, n_out, activation code, norm code, offsets w, b, gamma, beta, mean, var.
- ws float32 workspace; wsl (L, 4) int64 per layer: offsets of H (the layer's
  output), D (activation derivative), xhat and norm statistics; misc int64:
  input rows, target rows, two gradient rows, loss scratch, capacity (samples),
  scratch for a transposed W (W_T_SIZE floats for each thread of a team), the
  optimiser's step ((1 + S) T floats, optim.py), W_T_SIZE.
- X (n_in, N) and Y (n_out, N) float32: features and targets, one row each,
  samples along the row (the batch-major layout of linalg.py).
- perm (N,) int64 sample order of the epoch; rng (1,) uint64;
  ctr int64: [step, position in epoch (N = shuffle first), optimiser step t,
  epochs started].
- hyper float64 / ihyper int64: the TrainConfig in numbers (hyper.py).

The steps of one batch (forward, loss, backward) are inlined into the entry points
(`inline`) rather than kernels of their own: numba optimises and emits a called
kernel's code again in each caller, and three levels of calls made a cold compile
3.5 s longer. The kernels they call compile first, side by side (compile_plan.py).

The two entry points, `train_steps` and `evaluate`, flush subnormal floats to zero
for the length of the call (kernels/fpenv.py): a converging network fills the
gradients and optimiser moments with them, and they slow every instruction they meet.
"""

import numpy as np

from ..kernels.activate import SIGMOID, activate
from ..kernels.fpenv import flush_subnormals, restore_fp
from ..kernels.jit import flat, inline, kernel, rows
from ..kernels.linalg import affine, backprop, weight_grads
from ..kernels.norms import (
    BATCHNORM,
    LAYERNORM,
    batchnorm_backward,
    batchnorm_commit,
    batchnorm_forward,
    batchnorm_running,
    layernorm_backward,
    layernorm_forward,
)
from ..kernels.team import ABORT, OWN, barrier, share
from ..optimizers import MAX_SLOTS
from .hyper import FLOAT, INT
from .losses import CROSS_ENTROPY, loss_grad
from .optim import add_penalties, clip_coef_jit, commit, grad_sq_norm, update
from .rng import shuffle
from .schedule import scheduled_lr_jit

X_ROWS, Y_ROWS, G_ROWS, G_ROWS2, LOSS_SCRATCH, CAPACITY, W_T, NEW_STEP, W_T_SIZE = range(9)
ROWS = 4  # a team's shares of a layer's rows: whole blocks of linalg.weight_grads
# A team's shares of the trainable floats start a whole number of the optimiser loop's
# vector blocks in, so each float is computed by the same code (vector or leftover
# loop) as by one thread: fast-math let RMSProp's two differ in the last bit.
FLOATS = 1024
OK_FLAGS = OWN  # sync[OK_FLAGS + part]: that part's new weights were finite
# the TrainConfig entries read here (train/hyper.py)
L1, L2, CLIP = FLOAT["l1"], FLOAT["l2"], FLOAT["clip_norm"]
LOSS, BATCH, N_TRAINABLE = INT["loss"], INT["batch"], INT["n_trainable"]
CLASSES = INT["classes"]
# status codes returned by train_steps
OK, BAD_LOSS, BAD_GRAD, BAD_WEIGHT, ABORTED = range(5)


@inline
def _weights(params, layers, layer):
    n_in, n_out, w, b = layers[layer, 0], layers[layer, 1], layers[layer, 4], layers[layer, 5]
    return rows(params, w, n_out, n_in), flat(params, b, n_out)


@inline
def _norm_views(params, ws, layers, wsl, layer, B):
    """xhat (n, B), statistics (3, B) or (5, n), gamma and beta of a normalised layer."""
    n, norm, gamma, beta = layers[layer, 1], layers[layer, 3], layers[layer, 6], layers[layer, 7]
    XH = rows(ws, wsl[layer, 2], n, B)
    S = rows(ws, wsl[layer, 3], 3, B) if norm == LAYERNORM else rows(ws, wsl[layer, 3], 5, n)
    return XH, S, flat(params, gamma, n), flat(params, beta, n)


@inline
def _running(params, layers, layer):
    n, mean, var = layers[layer, 1], layers[layer, 8], layers[layer, 9]
    return flat(params, mean, n), flat(params, var, n)


@inline
def forward(params, layers, wsl, misc, ws, B, training, part, parts, sync):
    """Inputs (n_in, B) at misc[X_ROWS] -> every layer's output H and derivative D: this
    part's rows of each (norms, which need whole columns, on part 0), each layer whole
    before the next starts (barriers: kernels/team.py)."""
    X = rows(ws, misc[X_ROWS], layers[0, 0], B)
    for layer in range(layers.shape[0]):
        n_in, n_out = layers[layer, 0], layers[layer, 1]
        act, norm, w, b = layers[layer, 2], layers[layer, 3], layers[layer, 4], layers[layer, 5]
        r0, r1 = share(n_out, part, parts, ROWS)
        h, d = wsl[layer, 0] + r0 * B, wsl[layer, 1] + r0 * B
        W, bias = rows(params, w + r0 * n_in, r1 - r0, n_in), flat(params, b + r0, r1 - r0)
        affine(W, bias, X, rows(ws, h, r1 - r0, B))
        H = rows(ws, wsl[layer, 0], n_out, B)
        if norm != 0:
            barrier(sync, part, parts)
            if part == 0:
                XH, S, gamma, beta = _norm_views(params, ws, layers, wsl, layer, B)
                if norm == LAYERNORM:
                    layernorm_forward(H, XH, S, gamma, beta)
                else:
                    mean, var = _running(params, layers, layer)
                    batchnorm_forward(H, XH, S, gamma, beta, mean, var, training)
            barrier(sync, part, parts)
        activate(act, flat(ws, h, (r1 - r0) * B), flat(ws, d, (r1 - r0) * B))
        barrier(sync, part, parts)  # the layer whole
        X = H


@inline
def backward(params, grad, layers, wsl, misc, ws, B, part, parts, sync):
    """dLoss/dA (n_out, B) of the output layer at misc[G_ROWS], whole -> grad (every
    trainable float): this part's rows of each weight gradient and of each gradient to
    a layer's inputs (norms on part 0)."""
    g, other = misc[G_ROWS], misc[G_ROWS2]
    last = layers.shape[0] - 1
    for layer in range(last, -1, -1):
        if layer != last:  # this G whole; the G before it read by all
            barrier(sync, part, parts)
        n_in, n_out, norm = layers[layer, 0], layers[layer, 1], layers[layer, 3]
        G = rows(ws, g, n_out, B)
        if norm != 0:
            if part == 0:
                XH, S, gamma, beta = _norm_views(params, ws, layers, wsl, layer, B)
                dgamma = flat(grad, layers[layer, 6], n_out)
                dbeta = flat(grad, layers[layer, 7], n_out)
                if norm == LAYERNORM:
                    layernorm_backward(G, XH, S, gamma, dgamma, dbeta)
                else:
                    batchnorm_backward(G, XH, S, gamma, dgamma, dbeta)
            barrier(sync, part, parts)
        X = rows(ws, wsl[layer - 1, 0] if layer > 0 else misc[X_ROWS], n_in, B)
        r0, r1 = share(n_out, part, parts, ROWS)
        w, b = layers[layer, 4], layers[layer, 5]
        weight_grads(
            rows(ws, g + r0 * B, r1 - r0, B),
            X,
            rows(grad, w + r0 * n_in, r1 - r0, n_in),
            flat(grad, b + r0, r1 - r0),
        )
        if layer > 0:
            k0, k1 = share(n_in, part, parts, ROWS)
            W, _ = _weights(params, layers, layer)
            WT = rows(ws, misc[W_T] + part * misc[W_T_SIZE], k1 - k0, n_out)
            backprop(W, G, rows(ws, other + k0 * B, k1 - k0, B), WT, k0)
            # times the derivative of the activation before
            dX = flat(ws, other + k0 * B, (k1 - k0) * B)
            D = flat(ws, wsl[layer - 1, 1] + k0 * B, (k1 - k0) * B)
            for i in range(dX.size):
                dX[i] *= D[i]
            g, other = other, g


@inline
def _gather(X, Y, perm, pos, B, ws, misc):
    Xb = rows(ws, misc[X_ROWS], X.shape[0], B)
    Yb = rows(ws, misc[Y_ROWS], Y.shape[0], B)
    idx = flat(perm, pos, B)
    for k in range(X.shape[0]):
        for i in range(B):
            Xb[k, i] = X[k, idx[i]]
    for k in range(Y.shape[0]):
        for i in range(B):
            Yb[k, i] = Y[k, idx[i]]


@inline
def _loss(params, layers, wsl, misc, ws, B, loss_code, grad):
    last = layers.shape[0] - 1
    n = layers[last, 1]
    fused = loss_code != CROSS_ENTROPY and layers[last, 2] == SIGMOID
    return loss_grad(
        loss_code,
        rows(ws, wsl[last, 0], n, B),
        rows(ws, wsl[last, 1], n, B),
        rows(ws, misc[Y_ROWS], n, B),
        rows(ws, misc[G_ROWS], n, B),
        rows(ws, misc[LOSS_SCRATCH], 3, B),
        fused,
        grad,
    )


@inline
def _loss_count(layers, loss, B):
    return B if loss == CROSS_ENTROPY else B * layers[layers.shape[0] - 1, 1]


@inline
def _data_gradient(
    params, grad, layers, wsl, misc, ws, X, Y, perm, pos, B, loss_code, part, parts, sync
):
    """This part's share of the gradient of the data loss (mean over samples
    perm[pos:pos+B]); returns that loss (on part 0 only)."""
    if part == 0:
        _gather(X, Y, perm, pos, B, ws, misc)
    barrier(sync, part, parts)
    forward(params, layers, wsl, misc, ws, B, True, part, parts, sync)
    loss = 0.0
    if part == 0:
        count = _loss_count(layers, loss_code, B)
        loss = _loss(params, layers, wsl, misc, ws, B, loss_code, True) / count
    barrier(sync, part, parts)  # their gradient complete
    backward(params, grad, layers, wsl, misc, ws, B, part, parts, sync)
    return loss


@inline
def batch_gradient(params, grad, layers, wsl, misc, ws, X, Y, perm, pos, B, hyper, ihyper):
    """Loss (mean over the batch, plus the l1/l2 penalty) of samples perm[pos:pos+B]; fills
    grad. One thread."""
    sync = np.zeros(1, np.int64)
    loss = _data_gradient(
        params, grad, layers, wsl, misc, ws, X, Y, perm, pos, B, ihyper[LOSS], 0, 1, sync
    )
    if hyper[L1] > 0.0 or hyper[L2] > 0.0:
        loss += add_penalties(params, grad, layers, hyper[L1], hyper[L2])
    return loss


@inline
def _right(layers, wsl, misc, ws, B, classes):
    """Samples of the batch in the workspace classified right (classes: results.BINARY,
    output 0 > 0.5; results.ARGMAX, the largest output), from the last forward pass."""
    last = layers.shape[0] - 1
    n = layers[last, 1]
    A = rows(ws, wsl[last, 0], n, B)
    Y = rows(ws, misc[Y_ROWS], n, B)
    right = 0
    for i in range(B):
        if classes == 1:
            right += (A[0, i] > 0.5) == (Y[0, i] > 0.5)
        else:
            a, y = 0, 0
            for c in range(1, n):
                a = c if A[c, i] > A[a, i] else a
                y = c if Y[c, i] > Y[y, i] else y
            right += a == y
    return right


@kernel
def train_steps(
    params,
    grad,
    state,
    layers,
    wsl,
    misc,
    ws,
    X,
    Y,
    perm,
    rng,
    ctr,
    hyper,
    ihyper,
    n_steps,
    trace,
    part,
    parts,
    sync,
):
    """Up to n_steps optimiser steps; trace[s] = (loss incl. penalty, lr, fraction of the
    minibatch classified right before the step, nan for regression) of step s.

    Called by `parts` threads at once, each with its `part` and the same `sync` (int64,
    zeros, SYNC_SIZE; kernels/team.py): the same bits as one thread alone. Part 0
    keeps ctr, trace, perm and rng; the others only read them, ctr at the start.
    Returns OK, or the reason the guard stopped before landing step ctr[0].
    """
    saved = flush_subnormals()
    status = OK
    N = X.shape[1]
    T = ihyper[N_TRAINABLE]
    t0, t1 = share(T, part, parts, FLOATS)
    has_bn = False
    for layer in range(layers.shape[0]):
        has_bn = has_bn or layers[layer, 3] == BATCHNORM
    step, pos, t = ctr[0], ctr[1], ctr[2]
    barrier(sync, part, parts)  # read by all before part 0 writes it (a new epoch at once)
    for s in range(n_steps):
        # A new epoch reshuffles; BatchNorm cannot train on a batch of one (torch refuses),
        # so an epoch's single leftover sample is skipped there.
        if pos >= N or (has_bn and N - pos == 1):
            pos = 0
            if part == 0:
                shuffle(perm, rng)
                ctr[1] = 0
                ctr[3] += 1
            barrier(sync, part, parts)
        B = min(ihyper[BATCH], N - pos)
        loss = _data_gradient(
            params, grad, layers, wsl, misc, ws, X, Y, perm, pos, B, ihyper[LOSS], part, parts,
            sync,
        )  # fmt: skip
        barrier(sync, part, parts)  # every gradient complete
        if part == 0:
            if hyper[L1] > 0.0 or hyper[L2] > 0.0:
                loss += add_penalties(params, grad, layers, hyper[L1], hyper[L2])
            trace[s, 0] = loss
            trace[s, 2] = np.nan
            if ihyper[CLASSES] != 0:
                trace[s, 2] = _right(layers, wsl, misc, ws, B, ihyper[CLASSES]) / B
        barrier(sync, part, parts)  # the loss and the penalties' gradient
        if not np.isfinite(trace[s, 0]):
            status = BAD_LOSS
            break
        sq = grad_sq_norm(grad, T)  # by every part: the same sum
        if not np.isfinite(sq):
            status = BAD_GRAD
            break
        coef = clip_coef_jit(sq, hyper[CLIP])
        lr = scheduled_lr_jit(step, hyper, ihyper)
        t += 1
        new = flat(ws, misc[NEW_STEP], (1 + MAX_SLOTS) * T)
        ok = update(params, grad, state, new, hyper, ihyper, lr, coef, t, t0, t1)
        if part == 0:
            for layer in range(layers.shape[0]):
                if layers[layer, 3] == BATCHNORM:
                    mean, var = _running(params, layers, layer)
                    S = rows(ws, wsl[layer, 3], 5, layers[layer, 1])
                    ok = ok and batchnorm_running(S, mean, var, B)
        sync[OK_FLAGS + part] = ok
        barrier(sync, part, parts)  # every part's new weights checked
        for p in range(parts):
            ok = ok and sync[OK_FLAGS + p] != 0
        if not ok:
            status = BAD_WEIGHT
            break
        if sync[ABORT] != 0:  # a part failed: its share of this step is missing
            status = ABORTED
            break
        commit(params, state, new, ihyper, t0, t1)
        step += 1
        pos += B
        if part == 0:
            for layer in range(layers.shape[0]):
                if layers[layer, 3] == BATCHNORM:
                    mean, var = _running(params, layers, layer)
                    batchnorm_commit(rows(ws, wsl[layer, 3], 5, layers[layer, 1]), mean, var)
            ctr[0], ctr[1], ctr[2] = step, pos, t
            trace[s, 1] = lr
        barrier(sync, part, parts)  # the new weights complete
    restore_fp(saved)
    return status


@kernel
def evaluate(params, layers, wsl, misc, ws, X, Y, loss_code, out):
    """Mean data loss over all N samples in evaluation mode (BatchNorm running stats).

    When out has N rows, the network outputs (N, n_out) are written to it too.
    """
    saved = flush_subnormals()
    N = X.shape[1]
    cap = misc[CAPACITY]
    last = layers.shape[0] - 1
    n_out = layers[last, 1]
    ident = np.arange(N)
    sync = np.zeros(1, np.int64)  # one thread: its barriers pass at once
    total = 0.0
    for start in range(0, N, cap):
        B = min(cap, N - start)
        _gather(X, Y, ident, start, B, ws, misc)
        forward(params, layers, wsl, misc, ws, B, False, 0, 1, sync)
        total += _loss(params, layers, wsl, misc, ws, B, loss_code, False)
        if out.shape[0] == N:
            A = rows(ws, wsl[last, 0], n_out, B)
            for c in range(n_out):
                for i in range(B):
                    out[start + i, c] = A[c, i]
    restore_fp(saved)
    return total / _loss_count(layers, loss_code, N)
