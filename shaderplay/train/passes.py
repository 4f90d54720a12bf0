"""One group's pass through the network: its samples gathered, forward, loss, backward
into a gradient of its own (kernel.py runs the groups of each step).

Arrays (built by program.py):
- params (P,) float32: the network's buffer; grad (T,) float32 for the T trainable floats.
- layers (L, 10) int64, one row per weight layer:
  n_in, n_out, activation code, norm code, offsets w, b, gamma, beta, mean, var.
- ws float32 workspace: a region for each group of the minibatch, laid out alike;
  wsl (L, 5) int64 per layer: offsets in a region of H (the layer's output),
  D (activation derivative), xhat, norm statistics and W transposed; misc int64:
  offsets in a region of the input rows, target rows, two gradient rows, loss
  scratch; a region's capacity (samples); the optimiser's step ((1 + S) T floats, optim.py; in
  ws, after the regions); the group's gradient; the groups; a region's size.
- X (n_in, N) and Y (n_out, N) float32: features and targets, one row each,
  samples along the row (the batch-major layout of linalg.py).

These are inlined into the entry points (`inline`) rather than kernels of their own:
numba optimises and emits a called kernel's code again in each caller, and three
levels of calls made a cold compile 3.5 s longer. The kernels they call compile
first, side by side (compile_plan.py).
"""

from ..kernels.activate import SIGMOID, activate
from ..kernels.jit import flat, inline, rows
from ..kernels.linalg import affine, backprop, transpose, weight_grads
from ..kernels.norms import (
    LAYERNORM,
    batchnorm_backward,
    batchnorm_forward,
    layernorm_backward,
    layernorm_forward,
)
from ..kernels.team import share
from ..kernels.tiles import LANES
from .losses import CROSS_ENTROPY, loss_grad

X_ROWS, Y_ROWS, G_ROWS, G_ROWS2, LOSS_SCRATCH, CAPACITY, NEW_STEP = range(7)
GRAD_PART, GROUPS, REGION = range(7, 10)


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
def running(params, layers, layer):
    n, mean, var = layers[layer, 1], layers[layer, 8], layers[layer, 9]
    return flat(params, mean, n), flat(params, var, n)


@inline
def forward(params, layers, wsl, misc, ws, B, training):
    """Inputs (n_in, B) at misc[X_ROWS] -> every layer's output H and derivative D."""
    X = rows(ws, misc[X_ROWS], layers[0, 0], B)
    for layer in range(layers.shape[0]):
        W, bias = _weights(params, layers, layer)
        H = rows(ws, wsl[layer, 0], layers[layer, 1], B)
        affine(W, bias, X, H)
        norm = layers[layer, 3]
        if norm != 0:
            XH, S, gamma, beta = _norm_views(params, ws, layers, wsl, layer, B)
            if norm == LAYERNORM:
                layernorm_forward(H, XH, S, gamma, beta)
            else:
                mean, var = running(params, layers, layer)
                batchnorm_forward(H, XH, S, gamma, beta, mean, var, training)
        n = layers[layer, 1] * B
        activate(layers[layer, 2], flat(ws, wsl[layer, 0], n), flat(ws, wsl[layer, 1], n))
        X = H


@inline
def transposes(params, layers, wsl, ws):
    """Each layer's W^T (but the first's) into ws, for `backward` (which reads it from
    `wts`): once a step, however many groups use it."""
    for layer in range(1, layers.shape[0]):
        W, _ = _weights(params, layers, layer)
        transpose(W, rows(ws, wsl[layer, 4], layers[layer, 0], layers[layer, 1]))


@inline
def backward(params, grad, layers, wsl, misc, ws, B, wts):
    """dLoss/dA (n_out, B) of the output layer at misc[G_ROWS] -> grad (every trainable
    float) from these B samples; wts: the workspace region holding W^T (transposes)."""
    g, other = misc[G_ROWS], misc[G_ROWS2]
    for layer in range(layers.shape[0] - 1, -1, -1):
        n_in, n_out, norm = layers[layer, 0], layers[layer, 1], layers[layer, 3]
        G = rows(ws, g, n_out, B)
        if norm != 0:
            XH, S, gamma, beta = _norm_views(params, ws, layers, wsl, layer, B)
            dgamma = flat(grad, layers[layer, 6], n_out)
            dbeta = flat(grad, layers[layer, 7], n_out)
            if norm == LAYERNORM:
                layernorm_backward(G, XH, S, gamma, dgamma, dbeta)
            else:
                batchnorm_backward(G, XH, S, gamma, dgamma, dbeta)
        X = rows(ws, wsl[layer - 1, 0] if layer > 0 else misc[X_ROWS], n_in, B)
        w, b = layers[layer, 4], layers[layer, 5]
        weight_grads(G, X, rows(grad, w, n_out, n_in), flat(grad, b, n_out))
        if layer > 0:
            W, _ = _weights(params, layers, layer)
            WT = rows(wts, wsl[layer, 4], n_in, n_out)
            backprop(W, WT, G, rows(ws, other, n_in, B))
            # times the derivative of the activation before
            dX = flat(ws, other, n_in * B)
            D = flat(ws, wsl[layer - 1, 1], n_in * B)
            for i in range(dX.size):
                dX[i] *= D[i]
            g, other = other, g


@inline
def gather(X, Y, perm, pos, B, ws, misc):
    """Samples perm[pos:pos+B] into the group's input and target rows."""
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
def group_loss(params, layers, wsl, misc, ws, B, loss_code, grad, batch):
    """The loss summed over the group's B samples; with `grad`, dLoss/dA of the mean over
    `batch` samples into the gradient rows."""
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
        batch,
    )


@inline
def loss_count(layers, loss, B):
    return B if loss == CROSS_ENTROPY else B * layers[layers.shape[0] - 1, 1]


@inline
def group_region(ws, misc, g):
    """Group g's region of the workspace."""
    return flat(ws, g * misc[REGION], misc[REGION])


@inline
def group_columns(B, g, groups):
    """[start, stop) of group g's samples in a minibatch of B: whole vectors."""
    return share(B, g, groups, LANES)


@inline
def group_gradient(params, grad, layers, wsl, misc, ws, X, Y, perm, pos, B, loss_code, batch, wts):
    """The gradient of the data loss (mean over `batch` samples) from samples
    perm[pos:pos+B] of them, into grad; returns their loss, summed. wts: as `backward`."""
    gather(X, Y, perm, pos, B, ws, misc)
    forward(params, layers, wsl, misc, ws, B, True)
    loss = group_loss(params, layers, wsl, misc, ws, B, loss_code, True, batch)
    backward(params, grad, layers, wsl, misc, ws, B, wts)
    return loss


@inline
def classified_right(layers, wsl, misc, ws, B, classes):
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
