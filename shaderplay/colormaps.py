"""The table of colormaps: one entry per map, a few anchor colours evenly
spaced from 0 to 1, linearly interpolated into a 256-entry lookup table that
the colour shader samples (and that `apply` uses on the CPU, for tests).

`<name>_bands` is the banded (contour) variant of a map: BANDS flat steps
with a darker line where two bands meet, so level sets read off the picture.
"""

from dataclasses import dataclass
from functools import cache

import numpy as np

from .errors import choose

LUT_SIZE = 256
BANDS = 10
EDGE_DARKEN = 0.55  # brightness of the contour line between two bands


@dataclass(frozen=True)
class Colormap:
    name: str
    anchors: tuple[str, ...]  # hex colours at 0, 1/(n-1), ..., 1
    about: str


_TABLE = [
    Colormap("grey", ("#000000", "#ffffff"), "black to white"),
    # Perceptually uniform sequential maps (matplotlib's viridis and magma, sampled at tenths).
    Colormap(
        "viridis",
        (
            "#440154",
            "#482878",
            "#3e4989",
            "#31688e",
            "#26828e",
            "#1f9e89",
            "#35b779",
            "#6ece58",
            "#b5de2b",
            "#fde725",
        ),
        "dark blue to yellow",
    ),
    Colormap(
        "magma",
        (
            "#000004",
            "#180f3d",
            "#440f76",
            "#721f81",
            "#9e2f7f",
            "#cd4071",
            "#f1605d",
            "#fd9668",
            "#feca8d",
            "#fcfdbf",
        ),
        "black through purple to cream",
    ),
    # ColorBrewer's RdBu, blue for low and red for high, white in the middle.
    Colormap(
        "diverging",
        ("#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"),
        "blue (low) - white (middle) - red (high)",
    ),
]
BASE = {c.name: c for c in _TABLE}

# Class colours (TensorFlow Playground's blue and orange first), and boundary
# line colours by layer: blue, red, green, then more; both repeat when exhausted.
CLASS_COLOURS = (
    "#1f77d4",
    "#f59322",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)
# Class regions show their colour at this strength at full confidence (the rest
# is near-white), so data points, drawn in the full colour, stand out from them.
REGION_TINT = 0.55
LAYER_COLOURS = (
    "#1f5fff",
    "#e8252a",
    "#1fae3a",
    "#ff9f1a",
    "#9b3fd6",
    "#10b5c8",
    "#c2185b",
    "#8d6e63",
)
NAMES = tuple(BASE) + tuple(f"{name}_bands" for name in BASE)


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], np.float64) / 255.0


def _interpolate(anchors, t: np.ndarray) -> np.ndarray:
    colours = np.stack([_rgb(a) for a in anchors])
    pos = np.linspace(0.0, 1.0, len(colours))
    return np.stack([np.interp(t, pos, colours[:, c]) for c in range(3)], axis=-1)


@cache
def lut(name: str) -> np.ndarray:
    """(LUT_SIZE, 3) uint8: entry k shows the value (k + 0.5) / LUT_SIZE."""
    choose("colormap", name, NAMES)
    base, banded = (name[:-6], True) if name.endswith("_bands") else (name, False)
    t = (np.arange(LUT_SIZE) + 0.5) / LUT_SIZE
    if banded:
        band = np.minimum(np.floor(t * BANDS), BANDS - 1)
        rgb = _interpolate(BASE[base].anchors, (band + 0.5) / BANDS)
        entries_per_band = LUT_SIZE / BANDS
        edge = (np.arange(LUT_SIZE) % entries_per_band) < 1.0
        edge[0] = False  # no line at the very bottom of the range
        rgb[edge] *= EDGE_DARKEN
    else:
        rgb = _interpolate(BASE[base].anchors, t)
    table = np.round(rgb * 255.0).astype(np.uint8)
    table.flags.writeable = False
    return table


def palette(colours, n: int) -> np.ndarray:
    """(n, 3) float RGB, the colours repeated as needed."""
    return np.stack([_rgb(colours[k % len(colours)]) for k in range(max(n, 1))])


def apply(name: str, t) -> np.ndarray:
    """CPU colour mapping of values t in [0, 1] (clamped) -> float RGB in [0, 1], nearest
    LUT entry."""
    t = np.clip(np.asarray(t, np.float64), 0.0, 1.0)
    index = np.minimum((t * LUT_SIZE).astype(np.int64), LUT_SIZE - 1)
    return lut(name)[index] / 255.0
