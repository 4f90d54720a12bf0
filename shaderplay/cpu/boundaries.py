"""Neuron boundaries over a CPU picture: the zero set of each chosen hidden neuron's
pre-activation (after its norm) as an anti-aliased line of its layer's colour,
blended over the picture's 8-bit colours, as shaders/boundaries.frag.glsl draws
them on a GPU.

The shader walks the whole network at every pixel and takes the slope of z from
its 2x2 pixel quad; on a software GL that cost minutes a frame for a deep net
(every hidden neuron of the 27x30 `neylon`). Here each thread walks a band of
rows: the evaluator's layer step fills one row of every hidden pre-activation at
a time (the same float32 arithmetic), three rows kept (above, this, below), and
the slope is the central difference of neighbouring pixels (one-sided at the
picture's edges), as numpy.gradient takes it. The distance to the zero set in
pixels is |z| / |slope|; a pixel is covered by 0.5 * width + 0.5 - distance,
clamped to [0, 1], the lines laid "over" one another layer by layer, neuron by
neuron, and the result blended over the picture (premultiplied, as the shader's
blend).
"""

import numba
import numpy as np
from numba import njit, prange

from ..kernels.activate import activate_values
from ..kernels.jit import LAUNCH, OPTIONS, flat, inline, rows
from ..view import View, parse_size
from .evaluator import NO_POINTS, CpuEvaluator, pre_activation
from .features import tile_features

F0, F1 = np.float32(0.0), np.float32(1.0)


@inline
def _row(params, layers, feats, extra, grid, walk, offsets, r, w, tile, width, ws, centres, out):
    """Every pre-activation of weight layers 0..walk-1 along pixel row r -> out (units, w)."""
    span = width * tile
    for c0 in range(0, w, tile):
        B = min(tile, w - c0)
        X = rows(ws, 0, feats.shape[0], B)
        tile_features(params, feats, extra, grid, NO_POINTS, r * w + c0, B, X, centres)
        for layer in range(walk):
            n_out, z = layers[layer, 1], span * ((layer + 1) % 2)
            Z = pre_activation(params, layers, layer, X, ws, z, span, B, False)
            o = offsets[layer]
            for j in range(n_out):
                for i in range(B):
                    out[o + j, c0 + i] = Z[j, i]
            activate_values(layers[layer, 2], flat(ws, z, n_out * B), flat(ws, 3 * span, n_out * B))
            X = Z


@inline
def _cover(z, dx, dy, half):
    """How much of a pixel the zero line covers, from z and its slope per pixel."""
    slope = np.sqrt(dx * dx + dy * dy)
    return min(max(half + np.float32(0.5) - abs(z) / max(slope, np.float32(1e-30)), F0), F1)


@inline
def _over(acc, c, colour, cover):
    """Lay a line of `colour` with coverage `cover` over pixel c of acc (r, g, b, alpha),
    premultiplied."""
    keep = F1 - cover
    for ch in range(3):
        acc[ch, c] = acc[ch, c] * keep + colour[ch] * cover
    acc[3, c] = acc[3, c] * keep + cover


@inline
def _cover_row(above, here, below, has_above, has_below, units, colours, half, acc, rgba_row):
    """Blend the lines of `units` (rows of (unit row, layer)) over one picture row. The
    slope is numpy.gradient's: central differences inside, one-sided at an edge."""
    w = rgba_row.shape[0]
    acc[:, :] = F0
    # Rows above and below: central, or one-sided at the picture's top or bottom.
    up = above if has_above else here
    down = below if has_below else here
    dy_scale = np.float32(0.5) if has_above and has_below else F1
    for k in range(units.shape[0]):
        u, colour = units[k, 0], colours[units[k, 1]]
        z, zu, zd = here[u], up[u], down[u]
        for c in range(1, w - 1):  # the inner loop vectorises: no branch
            dx = np.float32(0.5) * (z[c + 1] - z[c - 1])
            _over(acc, c, colour, _cover(z[c], dx, dy_scale * (zd[c] - zu[c]), half))
        for c in (0, w - 1):
            dx = (z[min(c + 1, w - 1)] - z[max(c - 1, 0)]) if w > 1 else F0
            _over(acc, c, colour, _cover(z[c], dx, dy_scale * (zd[c] - zu[c]), half))
            if w == 1:
                break
    for c in range(w):
        alpha = acc[3, c]
        if alpha > F0:
            for ch in range(3):
                value = np.float32(255.0) * acc[ch, c] + rgba_row[c, ch] * (F1 - alpha)
                rgba_row[c, ch] = np.uint8(min(max(value + np.float32(0.5), F0), 255.0))


@njit(parallel=True, **OPTIONS)
def draw_boundaries(
    params, layers, feats, extra, grid, walk, offsets, n_units, units, colours, half, rgba,
    tile, width, threads,
):  # fmt: skip
    """Lines of `units` ((unit row, layer) pairs; unit rows index offsets[layer] + j) over
    `rgba` (H, W, >= 3) uint8, whose rows are the grid's rows."""
    w, h = rgba.shape[1], rgba.shape[0]
    bands = min(h, 2 * threads)
    for band in prange(bands):
        r0, r1 = band * h // bands, (band + 1) * h // bands
        ws = np.empty(4 * width * tile + 5 * max(width, tile) + 16, np.float32)
        centres = np.empty((2, tile), np.float64)
        ring = np.empty((3, n_units, w), np.float32)  # rows r-1, r, r+1 by r % 3
        acc = np.empty((4, w), np.float32)  # a row's line colours and coverage
        first = max(r0 - 1, 0)
        for r in range(first, min(r1 + 1, h)):
            _row(params, layers, feats, extra, grid, walk, offsets, r, w, tile, width, ws,
                 centres, ring[r % 3])  # fmt: skip
            here = r - 1  # the row whose neighbours are now both known
            if r == h - 1 and r1 == h:  # the last row has no row below: draw it too
                _cover_row(ring[(r - 1) % 3], ring[r % 3], ring[r % 3], r > 0, False, units,
                           colours, half, acc, rgba[r])  # fmt: skip
            if r0 <= here < r1:
                _cover_row(ring[(here - 1) % 3], ring[here % 3], ring[r % 3], here > 0, True,
                           units, colours, half, acc, rgba[here])  # fmt: skip


def boundary_units(spec, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(offsets, units, unit rows, layers to walk) of a boundary mask (weight layer, unit)
    as gpu/overlays.boundary_mask makes it; units are (unit row, layer) pairs."""
    widths = spec.sizes[1:]
    offsets = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)
    pairs = [
        (offsets[layer] + j, layer)
        for layer, n in enumerate(widths)
        for j in range(n)
        if mask[layer, j] > 0.5
    ]
    walk = max((layer for _, layer in pairs), default=-1) + 1
    return offsets, np.array(pairs, np.int64).reshape(-1, 2), int(offsets[walk]), walk


def draw(
    evaluator: CpuEvaluator,
    params,
    view,
    size,
    mask,
    colours,
    line_width: float,
    rgba,
    top_first: bool = True,
) -> None:
    """Blend the boundaries of `mask` (as boundary_mask makes it) over `rgba` (H, W, >=3)
    uint8 in place, the picture of `view` at `size`; `colours` (layers, >=3) in [0, 1]."""
    view, (w, h) = View.coerce(view), parse_size(size)
    offsets, units, n_units, walk = boundary_units(evaluator.spec, mask)
    if walk == 0:
        return
    px, py = view.pixel_size((w, h))
    grid = np.array([*view.centre, px, -py if top_first else py, w, h], np.float64)
    params = np.require(params, np.float32, ("C", "W"))
    with LAUNCH:
        draw_boundaries(
            params,
            evaluator.layers,
            evaluator.features,
            evaluator.extra,
            grid,
            walk,
            offsets,
            n_units,
            units,
            np.ascontiguousarray(np.asarray(colours)[:, :3], np.float32),
            np.float32(0.5 * float(line_width)),
            rgba,
            evaluator.tile,
            evaluator.width,
            numba.get_num_threads(),
        )
