"""The table of activation functions: the one place an activation is declared.

Each entry carries three forms that tests check against each other:
- `np_f` / `np_df`: vectorised NumPy, used by `Network.forward` (the oracle),
- `f` / `df`: scalar Python on `math`, compiled by numba for the trainer,
- `glsl`: the name of a function in shaders/activations.glsl (float and vec4
  overloads), used by every generated shader.
`df` is the derivative with respect to the pre-activation z.
Adding an activation is one entry here plus its GLSL function, and one line
in the trainer's numba dispatch (a test fails until all three exist).
"""

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01  # PyTorch's LeakyReLU default
_SQRT1_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _np_erf(x):
    # Abramowitz & Stegun 7.1.26, |error| < 1.5e-7; NumPy has no erf of its own.
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return s * (1.0 - poly * np.exp(-a * a))


def _np_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid(z):
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


# --- scalar forms (compiled by numba in the trainer) -------------------------


def _linear(z):
    return z


def _d_linear(z):
    return 1.0


def _relu(z):
    return z if z > 0.0 else 0.0


def _d_relu(z):
    return 1.0 if z > 0.0 else 0.0


def _leaky(z):
    return z if z > 0.0 else LEAKY_SLOPE * z


def _d_leaky(z):
    return 1.0 if z > 0.0 else LEAKY_SLOPE


def _tanh(z):
    return math.tanh(z)


def _d_tanh(z):
    t = math.tanh(z)
    return 1.0 - t * t


def _d_sigmoid(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


def _sin(z):
    return math.sin(z)


def _d_sin(z):
    return math.cos(z)


def _gelu(z):
    return 0.5 * z * (1.0 + math.erf(z * _SQRT1_2))


def _d_gelu(z):
    return 0.5 * (1.0 + math.erf(z * _SQRT1_2)) + z * _INV_SQRT_2PI * math.exp(-0.5 * z * z)


def _elu(z):
    return z if z > 0.0 else math.expm1(z)


def _d_elu(z):
    return 1.0 if z > 0.0 else math.exp(z)


def _softplus(z):
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def _gaussian(z):
    return math.exp(-z * z)


def _d_gaussian(z):
    return -2.0 * z * math.exp(-z * z)


def _swish(z):
    return z * _sigmoid(z)


def _d_swish(z):
    s = _sigmoid(z)
    return s + z * s * (1.0 - s)


def _gcu(z):
    return z * math.cos(z)


def _d_gcu(z):
    return math.cos(z) - z * math.sin(z)


def _softsign(z):
    return z / (1.0 + abs(z))


def _d_softsign(z):
    d = 1.0 + abs(z)
    return 1.0 / (d * d)


@dataclass(frozen=True)
class Activation:
    name: str
    code: int  # numba dispatch code; also the GLSL switch value
    np_f: Callable
    np_df: Callable
    f: Callable
    df: Callable
    glsl: str  # function name in shaders/activations.glsl


def _np_gelu(z):
    return 0.5 * z * (1.0 + _np_erf(z * _SQRT1_2))


def _np_d_gelu(z):
    return 0.5 * (1.0 + _np_erf(z * _SQRT1_2)) + z * _INV_SQRT_2PI * np.exp(-0.5 * z * z)


_TABLE = [
    # name, numpy f, numpy df, scalar f, scalar df
    ("linear", lambda z: z, lambda z: np.ones_like(z), _linear, _d_linear),
    ("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype), _relu, _d_relu),
    (
        "leaky_relu",
        lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
        lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype),
        _leaky,
        _d_leaky,
    ),
    ("tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2, _tanh, _d_tanh),
    (
        "sigmoid",
        _np_sigmoid,
        lambda z: _np_sigmoid(z) * (1.0 - _np_sigmoid(z)),
        _sigmoid,
        _d_sigmoid,
    ),
    ("sin", np.sin, np.cos, _sin, _d_sin),
    ("gelu", _np_gelu, _np_d_gelu, _gelu, _d_gelu),
    (
        "elu",
        lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
        lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0))),
        _elu,
        _d_elu,
    ),
    (
        "softplus",
        lambda z: np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))),
        _np_sigmoid,
        _softplus,
        _sigmoid,
    ),
    (
        "gaussian",
        lambda z: np.exp(-z * z),
        lambda z: -2.0 * z * np.exp(-z * z),
        _gaussian,
        _d_gaussian,
    ),
    (
        "swish",
        lambda z: z * _np_sigmoid(z),
        lambda z: _np_sigmoid(z) * (1.0 + z * (1.0 - _np_sigmoid(z))),
        _swish,
        _d_swish,
    ),
    ("gcu", lambda z: z * np.cos(z), lambda z: np.cos(z) - z * np.sin(z), _gcu, _d_gcu),
    (
        "softsign",
        lambda z: z / (1.0 + np.abs(z)),
        lambda z: 1.0 / (1.0 + np.abs(z)) ** 2,
        _softsign,
        _d_softsign,
    ),
]

ACTIVATIONS: dict[str, Activation] = {
    name: Activation(name, code, np_f, np_df, f, df, "act_" + name)
    for code, (name, np_f, np_df, f, df) in enumerate(_TABLE)
}
NAMES = tuple(ACTIVATIONS)


def get(name: str) -> Activation:
    from .errors import choose

    return ACTIVATIONS[choose("activation", name, NAMES)]
