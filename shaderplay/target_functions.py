"""The table of analytic targets: functions of (x, y) with values in [0, 1].

Every entry is one line: a NumPy function of coordinate arrays and a
description. Functions are defined on the whole plane and designed for the
square [-1, 1]² (x right, y up). The simple ones come from Ameo's
neural-network sandbox, whose inputs lived in [0, 1]²; they are written in
`a = (x + 1) / 2`, `b = (y + 1) / 2` so they look the same here. The table
runs from smooth to sharp: sharp edges between domains are what small
networks find hardest.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TargetFunction:
    name: str
    f: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (x, y) float64 arrays -> values in [0, 1]
    about: str


def _unit(x, y):
    return (x + 1.0) / 2.0, (y + 1.0) / 2.0


def _product(x, y):
    """a·b on the unit square (Ameo)"""
    a, b = _unit(x, y)
    return a * b


def _max(x, y):
    """max(a, b): one crease along the diagonal (Ameo)"""
    return np.maximum(*_unit(x, y))


def _min(x, y):
    """min(a, b): one crease along the diagonal (Ameo)"""
    return np.minimum(*_unit(x, y))


def _bowl(x, y):
    """(x² + y²) / 2: a smooth bowl"""
    return (x * x + y * y) / 2.0


def _rings(x, y):
    """smooth concentric rings"""
    return 0.5 + 0.5 * np.cos(6.0 * np.pi * np.hypot(x, y))


# (centre x, centre y, sigma, amplitude); amplitudes keep the sum within [0, 1].
_BUMPS = (
    (-0.5, -0.4, 0.22, 0.9),
    (0.45, 0.5, 0.28, 1.0),
    (0.55, -0.5, 0.16, 0.7),
    (-0.45, 0.55, 0.18, 0.6),
    (0.0, 0.05, 0.12, 0.8),
)


def _gaussian_bumps(x, y):
    """five Gaussian hills of different widths"""
    total = sum(
        amp * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2.0 * s * s)) for cx, cy, s, amp in _BUMPS
    )
    return np.clip(total, 0.0, 1.0)


def _ridges(x, y):
    """diagonal ridges with creased crests (Ameo)"""
    # |sin| folds the wave: smooth valleys, creased peaks along the diagonals.
    return 1.0 - np.abs(np.sin(1.5 * np.pi * (x + y)))


def _fancy_sine(x, y):
    """Ameo's 'fancy sine thing': |sin 6a|·|sin 6b| framed by max(a, b) near the edges"""
    # Ameo's "fancy sine thing": a band near the square's edges shows max(a, b),
    # the inside |sin 6a|·|sin 6b|; the band's border is a sharp seam.
    a, b = _unit(x, y)
    edge = (a < 0.1) | (a > 0.9) | (b < 0.1) | (b > 0.9)
    return np.where(edge, np.maximum(a, b), np.abs(np.sin(6.0 * a)) * np.abs(np.sin(6.0 * b)))


def _tiled_sqrt(x, y):
    """√(u·v) tiled 3x3: a cusp at every tile corner (Ameo)"""
    a, b = _unit(x, y)
    return np.sqrt(np.mod(3.0 * a, 1.0) * np.mod(3.0 * b, 1.0))


def _spiral_stripes(x, y):
    """three sharp-edged spiral arms"""
    # An integer number of arms keeps the pattern continuous across atan2's cut.
    return (np.sin(3.0 * np.arctan2(y, x) + 10.0 * np.hypot(x, y)) > 0.0).astype(np.float64)


def _checkerboard(x, y):
    """a 4x4 checkerboard"""
    return (np.mod(np.floor(2.0 * x) + np.floor(2.0 * y), 2.0) == 0.0).astype(np.float64)


def _xor_quadrants(x, y):
    """1 where x and y have opposite signs (Ameo's xor)"""
    return ((x > 0.0) != (y > 0.0)).astype(np.float64)


def _threshold(x, y):
    """1 where a > 0.5 or b > a (Ameo's first target)"""
    a, b = _unit(x, y)
    return ((a > 0.5) | (b > a)).astype(np.float64)


def _domains(x, y):
    """a disc, a square, a triangle and a ring at different levels: sharp multi-domain edges"""
    # Shapes painted in order over a dark background, each its own level.
    v = np.full(np.broadcast(x, y).shape, 0.1)
    v = np.where(np.hypot(x + 0.35, y - 0.3) < 0.45, 0.9, v)
    v = np.where((x > 0.05) & (x < 0.75) & (y > -0.75) & (y < -0.05), 0.6, v)
    triangle = (y > -0.85) & (y < 1.6 * (x + 0.95)) & (y < -1.6 * (x + 0.1))
    v = np.where(triangle, 0.35, v)
    ring = np.abs(np.hypot(x - 0.5, y - 0.55) - 0.25) < 0.07
    return np.where(ring, 1.0, v)


# Smooth to sharp; each function's docstring is its description.
_ORDER = (
    ("product", _product),
    ("bowl", _bowl),
    ("min", _min),
    ("max", _max),
    ("rings", _rings),
    ("gaussian_bumps", _gaussian_bumps),
    ("ridges", _ridges),
    ("fancy_sine", _fancy_sine),
    ("tiled_sqrt", _tiled_sqrt),
    ("spiral_stripes", _spiral_stripes),
    ("checkerboard", _checkerboard),
    ("xor_quadrants", _xor_quadrants),
    ("threshold", _threshold),
    ("domains", _domains),
)
FUNCTIONS: dict[str, TargetFunction] = {
    name: TargetFunction(name, f, f.__doc__) for name, f in _ORDER
}
