"""The table of activation functions: the one place an activation is declared.

Each row carries three forms that tests check against each other:
- `np_f` / `np_df`: vectorised NumPy, used by `Network.forward` (the oracle),
- `f` / `df`: scalar Python on `math`, compiled by numba for the trainer,
- `glsl`: the name of a function in shaders/activations.glsl (float and vec4
  overloads), used by every generated shader,
and the facts other stages ask about it: `lo`/`hi`, the range of its values
(infinite where unbounded: the views' colour ranges and the losses' rules
come from it), and `torch`, the torch.nn module that computes the same
function (None where PyTorch has none), which comparisons and benchmarks use.
`df` is the derivative with respect to the pre-activation z.
Adding an activation is one row here plus its GLSL function; the numba
dispatch (kernels/activate.py) runs the row's scalar forms until a fast
float32 branch is written there. tests/test_tables.py checks every row's
forms against each other, the GLSL and the torch module.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

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


def _np_gelu(z):
    return 0.5 * z * (1.0 + _np_erf(z * _SQRT1_2))


def _np_d_gelu(z):
    return 0.5 * (1.0 + _np_erf(z * _SQRT1_2)) + z * _INV_SQRT_2PI * np.exp(-0.5 * z * z)


@dataclass(frozen=True)
class Activation:
    name: str
    code: int  # numba dispatch code; also the GLSL switch value
    np_f: Callable
    np_df: Callable
    f: Callable
    df: Callable
    lo: float  # the values lie in [lo, hi] (+-inf: unbounded that way)
    hi: float
    torch: str | None  # torch.nn module of the same function

    @property
    def glsl(self) -> str:
        """Function name in shaders/activations.glsl."""
        return "act_" + self.name

    @property
    def bounded(self) -> bool:
        return math.isfinite(self.lo) and math.isfinite(self.hi)

    @property
    def probability(self) -> bool:
        """Values within [0, 1]: an output binary cross-entropy can take."""
        return self.lo >= 0.0 and self.hi <= 1.0


INF = math.inf
_TABLE = [
    # name, numpy f, numpy df, scalar f, scalar df, value range, torch.nn module
    ("linear", lambda z: z, lambda z: np.ones_like(z), _linear, _d_linear, -INF, INF, "Identity"),
    (
        "relu",
        lambda z: np.maximum(z, 0.0),
        lambda z: (z > 0).astype(z.dtype),
        _relu,
        _d_relu,
        0.0,
        INF,
        "ReLU",
    ),
    (
        "leaky_relu",
        lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
        lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype),
        _leaky,
        _d_leaky,
        -INF,
        INF,
        "LeakyReLU",
    ),
    ("tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2, _tanh, _d_tanh, -1.0, 1.0, "Tanh"),
    (
        "sigmoid",
        _np_sigmoid,
        lambda z: _np_sigmoid(z) * (1.0 - _np_sigmoid(z)),
        _sigmoid,
        _d_sigmoid,
        0.0,
        1.0,
        "Sigmoid",
    ),
    ("sin", np.sin, np.cos, _sin, _d_sin, -1.0, 1.0, None),
    ("gelu", _np_gelu, _np_d_gelu, _gelu, _d_gelu, -0.17, INF, "GELU"),
    (
        "elu",
        lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
        lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0))),
        _elu,
        _d_elu,
        -1.0,
        INF,
        "ELU",
    ),
    (
        "softplus",
        lambda z: np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))),
        _np_sigmoid,
        _softplus,
        _sigmoid,
        0.0,
        INF,
        "Softplus",
    ),
    (
        "gaussian",
        lambda z: np.exp(-z * z),
        lambda z: -2.0 * z * np.exp(-z * z),
        _gaussian,
        _d_gaussian,
        0.0,
        1.0,
        None,
    ),
    (
        "swish",
        lambda z: z * _np_sigmoid(z),
        lambda z: _np_sigmoid(z) * (1.0 + z * (1.0 - _np_sigmoid(z))),
        _swish,
        _d_swish,
        -0.279,
        INF,
        "SiLU",
    ),
    (
        "gcu",
        lambda z: z * np.cos(z),
        lambda z: np.cos(z) - z * np.sin(z),
        _gcu,
        _d_gcu,
        -INF,
        INF,
        None,
    ),
    (
        "softsign",
        lambda z: z / (1.0 + np.abs(z)),
        lambda z: 1.0 / (1.0 + np.abs(z)) ** 2,
        _softsign,
        _d_softsign,
        -1.0,
        1.0,
        "Softsign",
    ),
]

ACTIVATIONS: dict[str, Activation] = {
    row[0]: Activation(row[0], code, *row[1:]) for code, row in enumerate(_TABLE)
}
NAMES = tuple(ACTIVATIONS)


def get(name: str) -> Activation:
    from .errors import choose

    return ACTIVATIONS[choose("activation", name, NAMES)]
