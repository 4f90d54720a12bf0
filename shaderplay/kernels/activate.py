"""The trainer's numba dispatch over the activation table.

`activate(code, H, D)` applies activation `code` in place to H (the
pre-activations of a layer, flattened) and writes the derivative with
respect to the pre-activation into D, which the backward pass multiplies
into the incoming gradient.

An activation needs no branch here: every row of `shaderplay.activations`
without a fast branch below runs the table's own scalar `f`/`df`, compiled
(libm calls, scalar) through a dispatch generated from the table. A fast
branch is a vectorising float32 form from `jit`, worth writing where the
activation is common enough to pay for it (tanh, sigmoid, the exp-based
ones); tests/test_tables.py holds both kinds to the table's NumPy form. An
unknown code fills NaN.
"""

import numpy as np

from ..activations import ACTIVATIONS, LEAKY_SLOPE
from .generate import switch
from .jit import F0, F1, fexp, flog, fsigmoid, ftanh, inline, kernel

_CODE = {name: a.code for name, a in ACTIVATIONS.items()}
LINEAR, RELU, LEAKY_RELU, TANH, SIGMOID = (
    _CODE[n] for n in ("linear", "relu", "leaky_relu", "tanh", "sigmoid")
)
ELU, SOFTPLUS, GAUSSIAN, SWISH, SOFTSIGN = (
    _CODE[n] for n in ("elu", "softplus", "gaussian", "swish", "softsign")
)
FAST = (LINEAR, RELU, LEAKY_RELU, TANH, SIGMOID, ELU, SOFTPLUS, GAUSSIAN, SWISH, SOFTSIGN)

# (f, df) of activation `code` at a from the table's scalar forms, for the rows without a
# fast branch in `activate`.
_table_forms = switch(
    "table_forms",
    "code, a",
    [
        (a.code, f"return np.float32(f{a.code}(a)), np.float32(df{a.code}(a))")
        for a in ACTIVATIONS.values()
        if a.code not in FAST
    ],
    "return np.float32(np.nan), np.float32(np.nan)",
    {
        "np": np,
        **{f"f{a.code}": inline(a.f) for a in ACTIVATIONS.values() if a.code not in FAST},
        **{f"df{a.code}": inline(a.df) for a in ACTIVATIONS.values() if a.code not in FAST},
    },
)

_SLOPE = np.float32(LEAKY_SLOPE)
_TWO = np.float32(2.0)


@inline
def _softplus(a):
    # max(a, 0) + log1p(e^-|a|); log1p by its series where 1 + u would round away u.
    u = fexp(-abs(a))
    lp = u * (F1 - np.float32(0.5) * u) if u < np.float32(1e-4) else flog(F1 + u)
    return max(a, F0) + lp


@kernel
def activate(code, H, D):
    """H <- f(H) and D <- f'(H as it was), elementwise; H and D are float32 views of one size."""
    n = H.size
    if code == LINEAR:
        for i in range(n):
            D[i] = F1
    elif code == RELU:
        for i in range(n):
            a = H[i]
            pos = a > F0
            H[i] = a if pos else F0
            D[i] = F1 if pos else F0
    elif code == LEAKY_RELU:
        for i in range(n):
            a = H[i]
            pos = a > F0
            H[i] = a if pos else _SLOPE * a
            D[i] = F1 if pos else _SLOPE
    elif code == TANH:
        for i in range(n):
            t = ftanh(H[i])
            H[i] = t
            D[i] = F1 - t * t
    elif code == SIGMOID:
        for i in range(n):
            s = fsigmoid(H[i])
            H[i] = s
            D[i] = s * (F1 - s)
    elif code == ELU:
        for i in range(n):
            a = H[i]
            e = fexp(min(a, F0))
            pos = a > F0
            H[i] = a if pos else e - F1
            D[i] = F1 if pos else e
    elif code == SOFTPLUS:
        for i in range(n):
            a = H[i]
            H[i] = _softplus(a)
            D[i] = fsigmoid(a)
    elif code == GAUSSIAN:
        for i in range(n):
            a = H[i]
            e = fexp(-a * a)
            H[i] = e
            D[i] = -_TWO * a * e
    elif code == SWISH:
        for i in range(n):
            a = H[i]
            s = fsigmoid(a)
            H[i] = a * s
            D[i] = s + a * s * (F1 - s)
    elif code == SOFTSIGN:
        for i in range(n):
            a = H[i]
            q = F1 / (F1 + abs(a))
            H[i] = a * q
            D[i] = q * q
    else:  # the table's scalar forms (NaN for a code the table lacks)
        for i in range(n):
            H[i], D[i] = _table_forms(code, H[i])


@kernel
def activate_values(code, H, D):
    """`activate` for a forward pass that needs no derivative (the renderer's CPU
    evaluator): the common activations leave D alone, a store per value saved; the
    rest go through `activate`, D as scratch."""
    n = H.size
    if code == LINEAR:
        return
    if code == RELU:
        for i in range(n):
            a = H[i]
            H[i] = a if a > F0 else F0
    elif code == TANH:
        for i in range(n):
            H[i] = ftanh(H[i])
    elif code == SIGMOID:
        for i in range(n):
            H[i] = fsigmoid(H[i])
    else:
        activate(code, H, D)
