"""The colour pass of shaders/colour.frag.glsl on the CPU, for pictures whose
values the numba evaluator computed (software GL).

On llvmpipe, handing CPU-computed values to the GL colour pass meant
uploading a float RGBA texture (33 MB for a 1920x1080 frame), running the
pass in the rasteriser and reading the result back and flipping it: about as
long as evaluating the network itself. Mapped here, the picture never
touches GL. Every kind is covered but the representation plot (drawn
as lines and points): colormap, RGB, classes, region hash and mosaic tiles.
The arithmetic follows the shader step by step
(float32, no fast-math), so the two differ only where a value sits on a
colormap entry's edge or a colour on a rounding boundary;
tests/test_cpu_colour.py holds them to that.
"""

import numpy as np
from numba import njit, prange

from .. import colormaps
from ..kernels.jit import LAUNCH, OPTIONS

KINDS = {"map": 0, "rgb": 1, "classes": 2, "hash": 3, "tiles": 4}
NAN_COLOUR = (255, 0, 255)  # as SP_NAN_COLOUR: a diverged network is never a black picture
GAP = np.array([0.08, 0.08, 0.1], np.float32)  # SP_GAP_COLOUR between mosaic tiles
_U32 = np.uint64(0xFFFFFFFF)
_SPREAD = np.uint64(2654435761)  # the shader's multiplier that spreads neighbouring hashes
WHITE = np.float32(0.96)  # the shader's fully unsure class colour
EXACT = {**OPTIONS, "fastmath": False}  # the shader's IEEE float32 division and rounding


@njit(inline="always", **EXACT)
def _unorm8(c):
    """A colour channel in [0, 1] as the GL writes it into an 8-bit target."""
    return np.uint8(int(c * np.float32(255.0) + np.float32(0.5)))


@njit(inline="always", **EXACT)
def _unit(v, lo, span):
    t = (v - lo) / span
    return min(max(t, np.float32(0.0)), np.float32(1.0))


@njit(parallel=True, **EXACT)
def colour_grid(values, kind, channels, lut, classes, tint, discrete, lo, hi, up, out):
    """out (H, W, 3 or 4) uint8 channels 0-2 <- values (H, W, S) float32, rows in the same
    order; `up` is the row step to the pixel above (-1 where row 0 is the top, +1 where it
    is the bottom).

    kind 0: channel 0 through `lut` (256, 3) uint8; 1: channels 0-2 as RGB (2 channels:
    R, G); 2: channel 0 = class index into `classes` (N, 3) float32, channel 1 = confidence;
    3: channel 0 = a 24-bit region hash, a pseudo-random colour; 4: kind 0 where channel
    1 >= 0, the gap colour elsewhere.
    """
    h, w = values.shape[0], values.shape[1]
    span = hi - lo
    n_classes = classes.shape[0]
    for r in prange(h):
        above = min(max(r + up, 0), h - 1)  # the shader's (0, 1) neighbour
        for c in range(w):
            bad = False
            for k in range(channels):
                if not np.isfinite(values[r, c, k]):
                    bad = True
            if bad:
                out[r, c, 0], out[r, c, 1], out[r, c, 2] = NAN_COLOUR
                continue
            v = values[r, c, 0]
            if kind == 4 and values[r, c, 1] < 0.0:
                for ch in range(3):
                    out[r, c, ch] = _unorm8(GAP[ch])
            elif kind == 0 or kind == 4:
                index = min(int(_unit(v, lo, span) * np.float32(256.0)), 255)
                out[r, c, 0], out[r, c, 1], out[r, c, 2] = (
                    lut[index, 0],
                    lut[index, 1],
                    lut[index, 2],
                )
            elif kind == 1:
                out[r, c, 0] = _unorm8(_unit(v, lo, span))
                out[r, c, 1] = _unorm8(_unit(values[r, c, 1], lo, span)) if channels > 1 else 0
                out[r, c, 2] = _unorm8(_unit(values[r, c, 2], lo, span)) if channels > 2 else 0
            elif kind == 3:
                u = (np.uint64(int(v)) * _SPREAD) & _U32
                for ch in range(3):
                    byte = (u >> np.uint64(24 - 8 * ch)) & np.uint64(255)
                    out[r, c, ch] = _unorm8(
                        np.float32(0.25) + np.float32(0.7) * np.float32(byte) / np.float32(255.0)
                    )
            else:
                k = int(v) % n_classes
                if discrete:
                    right = min(c + 1, w - 1)
                    edge = values[r, right, 0] != v or values[above, c, 0] != v
                    a = np.float32(-1.0) if edge else tint
                else:
                    a = tint * min(max(values[r, c, 1], np.float32(0.0)), np.float32(1.0))
                for ch in range(3):
                    col = classes[k, ch]
                    mixed = (
                        np.float32(0.35) * col if a < 0 else WHITE * (np.float32(1.0) - a) + col * a
                    )
                    out[r, c, ch] = _unorm8(mixed)


def colour(
    values: np.ndarray,
    kind: str,
    channels: int,
    colormap: str,
    value_range,
    discrete: bool = False,
    top_first: bool = True,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """The picture of `values` (H, W, S) float32: uint8 (H, W, 3), rows in the same order
    (row 0 the top with `top_first`, else the bottom as in a texture). `out`, if given, is
    uint8 (H, W, 3 or 4), channels 0-2 written."""
    h, w = values.shape[:2]
    out = np.empty((h, w, 3), np.uint8) if out is None else out
    lut = np.ascontiguousarray(colormaps.lut(colormap))
    # The class colours as the shader sees them: through an RGBA8 texture.
    palette = colormaps.palette(colormaps.CLASS_COLOURS, 10)
    classes = (np.round(palette * 255.0) / 255.0).astype(np.float32)
    lo, hi = (np.float32(v) for v in value_range)
    with LAUNCH:
        colour_grid(
            values,
            KINDS[kind],
            int(channels),
            lut,
            classes,
            np.float32(colormaps.REGION_TINT),
            bool(discrete),
            lo,
            hi,
            -1 if top_first else 1,
            out,
        )
    return out
