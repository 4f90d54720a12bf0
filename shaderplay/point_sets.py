"""The table of 2-D point sets, after TensorFlow Playground and its peers.

Each generator draws `n` points in the frame [-1, 1]² (TF Playground's
[-6, 6] view scaled by 1/6, so the data leaves a margin) and returns
`(points (n, 2), y (n, k))` as float64. The caller maps the frame onto the
target's domain and splits train from test.

`noise` means what TF Playground means by it:
- classification sets: Gaussian jitter of the point positions with this
  standard deviation (frame units); labels stay, so the classes overlap;
- regression sets: Gaussian noise on the values (clipped to [0, 1]).
Classes are balanced: point i belongs to class i mod k (halves for binary sets).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_R = 5.0 / 6.0  # TF Playground's radius 5 in its [-6, 6] view


@dataclass(frozen=True)
class PointSet:
    name: str
    kind: str  # "binary", "multiclass" or "regression"
    make: Callable  # (rng, n, noise) -> (points (n, 2), y (n, k))
    about: str
    field: Callable | None = None  # regression sets: exact values at points (N, 2) -> (N,)


def _halves(n):
    """Labels 1 for the first half, 0 for the rest, as (n, 1)."""
    return (np.arange(n) < (n + 1) // 2).astype(np.float64)[:, None]


def _polar(r, t):
    return np.stack([r * np.cos(t), r * np.sin(t)], axis=1)


def _jitter(rng, pts, noise):
    return pts + rng.normal(0.0, noise, pts.shape) if noise > 0 else pts


def _circle(rng, n, noise):
    y = _halves(n)
    inner = y[:, 0] == 1
    r = np.where(inner, rng.uniform(0.0, 0.5 * _R, n), rng.uniform(0.7 * _R, _R, n))
    return _jitter(rng, _polar(r, rng.uniform(0.0, 2 * np.pi, n)), noise), y


def _xor(rng, n, noise):
    y = _halves(n)
    # Magnitudes away from the axes (TF Playground's gap), signs chosen by class:
    # equal signs for class 1, opposite for class 0, so the classes are balanced.
    pts = rng.uniform(0.05, _R + 0.05, (n, 2))
    sx = rng.choice([-1.0, 1.0], n)
    sy = np.where(y[:, 0] == 1, sx, -sx)
    return _jitter(rng, pts * np.stack([sx, sy], axis=1), noise), y


def _gaussians(rng, n, noise):
    y = _halves(n)
    centre = np.where(y == 1, 0.35, -0.35)  # (n, 1) broadcast over x and y
    return _jitter(rng, centre + rng.normal(0.0, 0.15, (n, 2)), noise), y


def _spiral(rng, n, noise):
    y = _halves(n)
    # Position along its arm, drawn at random so train and test interleave.
    s = rng.uniform(0.0, 1.0, n)
    t = 1.75 * 2 * np.pi * s + np.where(y[:, 0] == 1, 0.0, np.pi)
    return _jitter(rng, _polar(_R * s, t), noise), y


def _moons(rng, n, noise):
    y = _halves(n)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    pts = np.where(y == 0, upper, lower)
    # The moons span x in [-1, 2], y in [-0.5, 1]: centre them and fit the frame.
    return _jitter(rng, (pts - [0.5, 0.25]) * 0.6, noise), y


BLOB_CLASSES = 4


def _blobs(rng, n, noise):
    label = np.arange(n) % BLOB_CLASSES
    angle = np.pi / 4 + 2 * np.pi * label / BLOB_CLASSES
    pts = _polar(np.full(n, 0.5), angle) + rng.normal(0.0, 0.13, (n, 2))
    return _jitter(rng, pts, noise), np.eye(BLOB_CLASSES)[label]


def _plane_values(pts):
    return (pts[:, 0] + pts[:, 1] + 2.0) / 4.0


# TF Playground's reg-gauss: six Gaussians of alternating sign on a 3×2 grid.
_GAUSS = [
    (cx, cy, 1.0 if (i + j) % 2 == 0 else -1.0)
    for j, cy in enumerate((0.42, -0.42))
    for i, cx in enumerate((-0.67, 0.0, 0.67))
]


def _gauss_values(pts):
    x, y = pts[:, 0], pts[:, 1]
    total = sum(s * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * 0.2**2)) for cx, cy, s in _GAUSS)
    return np.clip(0.5 + 0.5 * total, 0.0, 1.0)


def _regression(values):
    def make(rng, n, noise):
        pts = rng.uniform(-1.0, 1.0, (n, 2))
        v = values(pts)
        if noise > 0:
            v = np.clip(v + rng.normal(0.0, noise, n), 0.0, 1.0)
        return pts, v[:, None]

    return make


POINT_SETS: dict[str, PointSet] = {
    s.name: s
    for s in (
        PointSet("circle", "binary", _circle, "a disc of class 1 inside a ring of class 0"),
        PointSet("xor", "binary", _xor, "class 1 where x and y share a sign"),
        PointSet("gaussians", "binary", _gaussians, "two Gaussian clouds on the diagonal"),
        PointSet("spiral", "binary", _spiral, "two interleaved spiral arms"),
        PointSet("moons", "binary", _moons, "two interlocking half-moons"),
        PointSet(
            "blobs",
            "multiclass",
            _blobs,
            f"{BLOB_CLASSES} Gaussian blobs, one class each (one-hot)",
        ),
        PointSet(
            "plane",
            "regression",
            _regression(_plane_values),
            "a tilted plane (x + y + 2) / 4",
            _plane_values,
        ),
        PointSet(
            "gauss",
            "regression",
            _regression(_gauss_values),
            "six Gaussians of alternating sign (TF Playground's reg-gauss)",
            _gauss_values,
        ),
    )
}
