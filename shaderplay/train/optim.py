"""Weight penalties, gradient clipping and the optimisers, as torch.optim.

Per step, on the gradient g of the (minibatch) loss:
1. `add_penalties`: l1 * sum|W| + l2 * sum W^2 over the weight matrices only
   (biases and norm parameters exempt) joins the loss, and
   l1 * sign(W) + 2 * l2 * W the gradient.
2. clipping as torch.nn.utils.clip_grad_norm_: g *= min(1, clip / (|g| + 1e-6))
   where |g| is the global 2-norm (`clip_coef`).
3. `update`, as torch.optim with weight_decay = wd on every parameter:
   - sgd:      g += wd p;  p -= lr g
   - momentum: g += wd p;  buf = mu buf + g;  p -= lr buf          (dampening 0)
   - nesterov: g += wd p;  buf = mu buf + g;  p -= lr (g + mu buf)
   - rmsprop:  g += wd p;  sq = alpha sq + (1 - alpha) g^2;  p -= lr g / (sqrt(sq) + eps)
   - adam:     g += wd p;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
               p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
   - adamw:    p *= 1 - lr wd, then adam without the coupled term.
   The first moment buffer (buf, sq, m) is state[0:n], v is state[n:2n]: an
   optimiser keeps its table row's `slots` buffers of n floats.

`update` computes a step into scratch (the new weights, then the new moments) and
says whether every new weight is finite (the divergence guard); `commit` copies a
step that passed into place, so nothing is written by a step that would leave a
non-finite weight. (A check pass and a write pass that both computed the step spent
twice the square roots and divisions; the copy costs a fifth of one.)
"""

import numpy as np

from ..kernels.jit import F1, flat, kernel
from ..optimizers import OPTIMIZERS
from .hyper import FLOAT, INT

SGD, MOMENTUM, NESTEROV, RMSPROP, ADAM, ADAMW = (
    OPTIMIZERS[n].code for n in ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw")
)
_OPTIMIZER, _N = INT["optimizer"], INT["n_trainable"]
_WD, _MU, _ALPHA, _EPS, _B1, _B2 = (
    FLOAT[n] for n in ("weight_decay", "momentum", "alpha", "eps", "beta1", "beta2")
)
CLIP_EPS = 1e-6  # torch clip_grad_norm_
_FMAX = np.float32(np.finfo(np.float32).max)
_SLOTS = np.array([row.slots for row in sorted(OPTIMIZERS.values(), key=lambda r: r.code)])


@kernel
def add_penalties(params, grad, layers, l1, l2):
    """Add the l1/l2 weight penalties' gradient; return the penalty (float64)."""
    a = np.float32(l1)
    b = np.float32(2.0 * l2)
    total = 0.0
    for layer in range(layers.shape[0]):
        w = layers[layer, 4]
        size = layers[layer, 0] * layers[layer, 1]
        W = flat(params, w, size)
        dW = flat(grad, w, size)
        for k in range(size):
            p = W[k]
            dW[k] += a * np.sign(p) + b * p
            total += l1 * abs(np.float64(p)) + l2 * np.float64(p) * np.float64(p)
    return total


@kernel
def grad_sq_norm(grad, n):
    total = 0.0
    for i in range(n):
        total += np.float64(grad[i]) * np.float64(grad[i])
    return total


def clip_coef(sq_norm: float, clip: float) -> float:
    if clip <= 0.0:
        return 1.0
    return min(1.0, clip / (np.sqrt(sq_norm) + CLIP_EPS))


clip_coef_jit = kernel(clip_coef)


@kernel
def update(params, grad, state, new, hyper, ihyper, lr, clip, t, i0, i1):
    """One step of the configured optimiser over the trainable floats [i0, i1) of n (see
    the module docstring) into `new` ((1 + slots) n floats: the weights, then the
    moments); True if each of those new weights is finite. hyper, ihyper: the
    TrainConfig (train/hyper.py).

    `clip` scales the gradient first; `t` is the 1-based step count (Adam's bias correction).
    """
    opt, n, wd = ihyper[_OPTIMIZER], ihyper[_N], hyper[_WD]
    # windows from i0, indexed by the range variable alone (a loop from i0 is not vectorised)
    size = i1 - i0
    params, grad = flat(params, i0, size), flat(grad, i0, size)
    m_state, v_state = flat(state, i0, size), flat(state, n + i0, size)
    p_new, m_new, v_new = flat(new, i0, size), flat(new, n + i0, size), flat(new, 2 * n + i0, size)
    k_lr = np.float32(lr)
    k_clip = np.float32(clip)
    k_wd = np.float32(wd if opt != ADAMW else 0.0)
    bad = 0  # new weights that are inf or NaN (a comparison: fast-math may fold p - p to 0)
    if opt == SGD:
        for i in range(size):
            g = grad[i] * k_clip + k_wd * params[i]
            p = params[i] - k_lr * g
            bad += not abs(p) <= _FMAX
            p_new[i] = p
    elif opt in (MOMENTUM, NESTEROV):
        k_mu = np.float32(hyper[_MU])
        nesterov = opt == NESTEROV
        for i in range(size):
            g = grad[i] * k_clip + k_wd * params[i]
            buf = k_mu * m_state[i] + g
            step = g + k_mu * buf if nesterov else buf
            p = params[i] - k_lr * step
            bad += not abs(p) <= _FMAX
            m_new[i] = buf
            p_new[i] = p
    elif opt == RMSPROP:
        alpha = hyper[_ALPHA]
        k_a = np.float32(alpha)
        k_1a = np.float32(1.0 - alpha)
        k_eps = np.float32(hyper[_EPS])
        for i in range(size):
            g = grad[i] * k_clip + k_wd * params[i]
            sq = k_a * m_state[i] + k_1a * g * g
            p = params[i] - k_lr * g / (np.sqrt(sq) + k_eps)
            bad += not abs(p) <= _FMAX
            m_new[i] = sq
            p_new[i] = p
    elif opt in (ADAM, ADAMW):
        b1, b2 = hyper[_B1], hyper[_B2]
        k_b1 = np.float32(b1)
        k_1b1 = np.float32(1.0 - b1)
        k_b2 = np.float32(b2)
        k_1b2 = np.float32(1.0 - b2)
        k_eps = np.float32(hyper[_EPS])
        step_size = np.float32(lr / (1.0 - b1**t))
        bc2_sqrt = np.float32(np.sqrt(1.0 - b2**t))
        decay = np.float32(1.0 - lr * wd) if opt == ADAMW else F1
        for i in range(size):
            g = grad[i] * k_clip + k_wd * params[i]
            m = k_b1 * m_state[i] + k_1b1 * g
            v = k_b2 * v_state[i] + k_1b2 * g * g
            p = params[i] * decay - step_size * m / (np.sqrt(v) / bc2_sqrt + k_eps)
            bad += not abs(p) <= _FMAX
            m_new[i] = m
            v_new[i] = v
            p_new[i] = p
    else:
        bad = 1
    return bad == 0


@kernel
def commit(params, state, new, ihyper, i0, i1):
    """The step `update` left in `new` for the trainable floats [i0, i1) into the weights
    and the optimiser's moments."""
    n, size = ihyper[_N], i1 - i0
    for slot in range(1 + _SLOTS[ihyper[_OPTIMIZER]]):  # the weights, then each moment
        src = flat(new, n * slot + i0, size)  # indexed by the range variable alone: vectorised
        dst = flat(params, i0, size) if slot == 0 else flat(state, n * (slot - 1) + i0, size)
        for i in range(size):
            dst[i] = src[i]
