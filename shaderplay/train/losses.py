"""Loss kernels with PyTorch's conventions (batch-major layout, see linalg.py).

- MSE: mean over batch and outputs, as nn.MSELoss.
- BCE: nn.BCELoss on the network's output p: -mean(y log p + (1-y) log(1-p)),
  each log clamped at -100. With a sigmoid output the gradient with respect to
  the pre-activation is the fused, stable (p - y) / count, which is the same
  quantity as BCELoss's (p - y) / (p (1 - p)) times sigmoid' = p (1 - p).
  Otherwise BCELoss's own gradient, with p (1 - p) floored at 1e-12 as torch.
- cross_entropy: nn.CrossEntropyLoss with the outputs as logits and
  probability rows as targets (one-hot for classes): mean over the batch of
  -sum_c y_c log softmax(o)_c.

`loss_grad` returns the SUM of the per-element (per-sample for
cross-entropy) losses in float64 and, when `grad` is set, writes into G the
gradient of the batch MEAN with respect to the output layer's
pre-activation (the output activation's derivative D applied).
"""

import numpy as np

from ..config import LOSSES
from ..kernels.jit import F0, F1, fexp, flog, inline, kernel

MSE, BCE, CROSS_ENTROPY = (LOSSES.index(n) for n in ("mse", "bce", "cross_entropy"))
_LOG_FLOOR = np.float32(-100.0)
_BCE_FLOOR = np.float32(1e-12)


@kernel
def loss_grad(code, A, D, Y, G, S, fused_sigmoid, grad, batch):
    """Outputs A, derivatives D, targets Y, gradient G: (n, B) arrays; S (3, B) scratch. The
    sum of the loss over these B samples; G that of the mean over `batch` samples, of which
    these are some (a group of the minibatch: kernel.py)."""
    # One compile for both uses (kernels/jit.py); each inlined copy sees `grad` as a
    # constant, so its loops lose the conditional stores that kept them from vectorising.
    if grad:
        return _loss_grad(code, A, D, Y, G, S, fused_sigmoid, True, batch)
    return _loss_grad(code, A, D, Y, G, S, fused_sigmoid, False, batch)


@inline
def _loss_grad(code, A, D, Y, G, S, fused_sigmoid, grad, batch):
    n, B = A.shape
    total = 0.0
    if code == MSE:
        scale = np.float32(2.0 / (n * batch))
        for c in range(n):
            for i in range(B):
                diff = A[c, i] - Y[c, i]
                total += np.float64(diff) * np.float64(diff)
                if grad:
                    G[c, i] = scale * diff * D[c, i]
    elif code == BCE:
        scale = np.float32(1.0 / (n * batch))
        for c in range(n):
            for i in range(B):
                p = A[c, i]
                t = Y[c, i]
                lp = max(flog(p), _LOG_FLOOR)
                lq = max(flog(F1 - p), _LOG_FLOOR)
                total -= np.float64(t * lp + (F1 - t) * lq)
                if grad:
                    if fused_sigmoid:
                        G[c, i] = scale * (p - t)
                    else:
                        G[c, i] = scale * (p - t) / max(p * (F1 - p), _BCE_FLOOR) * D[c, i]
    elif code == CROSS_ENTROPY:
        total = _cross_entropy(A, D, Y, G, S, grad, batch)
    else:
        total = np.nan
    return total


@kernel
def _cross_entropy(A, D, Y, G, S, grad, batch):
    n, B = A.shape
    mx = S[0]
    se = S[1]
    ys = S[2]
    for i in range(B):
        mx[i] = A[0, i]
        se[i] = F0
        ys[i] = F0
    for c in range(1, n):
        for i in range(B):
            mx[i] = max(mx[i], A[c, i])
    for c in range(n):
        for i in range(B):
            se[i] += fexp(A[c, i] - mx[i])
            ys[i] += Y[c, i]
    total = 0.0
    for c in range(n):
        for i in range(B):
            lse = mx[i] + flog(se[i])
            total += np.float64(Y[c, i] * (lse - A[c, i]))
    if grad:
        inv_b = np.float32(1.0 / batch)
        for c in range(n):
            for i in range(B):
                p = fexp(A[c, i] - mx[i]) / se[i]
                G[c, i] = inv_b * (ys[i] * p - Y[c, i]) * D[c, i]
    return total
