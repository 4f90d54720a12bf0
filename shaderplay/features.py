"""The table of input features: what the network sees of a point (x, y).

Fixed features are one entry each (NumPy form + GLSL function in
shaders/features.glsl); the shaders (gpu/source.py) and the CPU evaluator
(cpu/features.py) write their dispatch from the table, and
tests/test_tables.py checks each entry's GLSL and numba forms against NumPy.
Two families are parametrised by an index k:
- `fsin{k}`, `fcos{k}`: random Fourier features sin/cos(2π B_k·(x, y)), B a
  (m, 2) matrix drawn N(0, σ²) at init and stored with the network — the fix
  for blurry image fits;
- `z{k}`: a latent input held at the value `latent[k]` (CPPN art).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .errors import bad_value


@dataclass(frozen=True)
class Feature:
    name: str
    np_f: Callable  # (x, y) arrays -> array
    glsl: str  # function name in shaders/features.glsl, taking vec2 p
    about: str


_FIXED = [
    ("x", lambda x, y: x, "x"),
    ("y", lambda x, y: y, "y"),
    ("x2", lambda x, y: x * x, "x squared"),
    ("y2", lambda x, y: y * y, "y squared"),
    ("xy", lambda x, y: x * y, "x times y"),
    ("sinx", lambda x, y: np.sin(x), "sin(x)"),
    ("siny", lambda x, y: np.sin(y), "sin(y)"),
    ("cosx", lambda x, y: np.cos(x), "cos(x)"),
    ("cosy", lambda x, y: np.cos(y), "cos(y)"),
    ("r", lambda x, y: np.sqrt(x * x + y * y), "distance from the origin"),
]
FEATURES: dict[str, Feature] = {n: Feature(n, f, "feat_" + n, a) for n, f, a in _FIXED}

_FAMILY = re.compile(r"^(fsin|fcos|z)(\d{1,9})$")  # an index the spec then bounds
ALLOWED = ", ".join(FEATURES) + ", fsin<k>, fcos<k> (Fourier), z<k> (latent)"


def parse(name: str) -> tuple[str, int]:
    """('fixed', -1) for a table entry, (family, k) for fsin/fcos/z; else a clear error."""
    if name in FEATURES:
        return "fixed", -1
    m = _FAMILY.match(name)
    if not m:
        raise bad_value("features", name, ALLOWED)
    return m.group(1), int(m.group(2))


def family_count(features, families: tuple[str, ...]) -> int:
    """Rows needed for a family: 1 + the largest index used (0 if unused)."""
    ks = [k for family, k in map(parse, features) if family in families]
    return max(ks) + 1 if ks else 0


def fourier_names(m: int) -> tuple[str, ...]:
    return tuple(f"fsin{k}" for k in range(m)) + tuple(f"fcos{k}" for k in range(m))


def latent_names(n: int) -> tuple[str, ...]:
    return tuple(f"z{k}" for k in range(n))


def evaluate(features, xy: np.ndarray, fourier_b: np.ndarray, latent: np.ndarray) -> np.ndarray:
    """Input features of points `xy` (N, 2) -> (N, len(features)), float64."""
    xy = np.asarray(xy, dtype=np.float64)
    x, y = xy[:, 0], xy[:, 1]
    cols = []
    for name in features:
        family, k = parse(name)
        if family == "fixed":
            cols.append(FEATURES[name].np_f(x, y))
        elif family == "z":
            cols.append(np.full_like(x, float(latent[k])))
        else:
            phase = 2.0 * np.pi * (xy @ np.asarray(fourier_b[k], dtype=np.float64))
            cols.append(np.sin(phase) if family == "fsin" else np.cos(phase))
    return np.stack(cols, axis=1) if cols else np.zeros((len(xy), 0))
