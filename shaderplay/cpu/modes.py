"""The view modes' values computed on the CPU (software GL), as their fragment
shaders compute them: each function fills or returns (H, W, C) float32 with
row 0 at the top, the channels the shader writes.

The plain modes, "neuron", "depth" and "regions" are one pass of the numba
evaluator over the view's grid. "error" subtracts the target field the
renderer already holds. "gradient" and "mosaic" sample the network at points
of their own (four shifted points per pixel; a point inside a neuron's tile),
which the evaluator takes as a list; their geometry follows the shaders
line by line in float64, where the shaders use float32.
"""

from functools import lru_cache

import numpy as np

from ..modes import MOSAIC_GAP, mosaic_tiles, mosaic_tiles_of
from .evaluator import CpuEvaluator

MAX_OUTPUTS = 4  # one RGBA texture: more outputs are shown as classes, by the shader
OUTPUT_ENTRIES = ("output.frag.glsl", "classes.frag.glsl", "error.frag.glsl")
GRID_MODES = ("output", "boundaries", "classes", "neuron", "depth", "regions", "error")
POINT_MODES = ("gradient", "mosaic")
GRADIENT_BAND_PIXELS = 1 << 16  # pixels per band of the gradient's shifted points (~4 MB)


def supported(mode_name: str, entry: str, spec) -> bool:
    """Whether the CPU computes the values pass `entry` of this mode."""
    if mode_name not in GRID_MODES + POINT_MODES:
        return False
    return entry not in OUTPUT_ENTRIES or spec.n_out <= MAX_OUTPUTS


def channels_written(mode_name: str, entry: str, spec) -> int:
    """Channels of the values pass the shader fills (the rest of RGBA stays 0)."""
    if entry == "classes.frag.glsl" or mode_name == "mosaic":
        return 2
    if mode_name in ("neuron", "regions"):
        return 1
    return 3 if mode_name == "gradient" else spec.n_out


def grid_values(
    ev: CpuEvaluator, params, r, entry: str, top_first: bool, out: np.ndarray, target=None
) -> None:
    """A grid mode's values into `out` (H, W, S) (rows as `top_first` says). "classes"
    entries get the outputs; the caller turns them into (class, confidence)."""
    name, args = r.mode.name, dict(zip(r.mode.args, r.args))
    kw = {"top_first": top_first, "out": out}
    if name == "neuron":
        unit = args["neuron"]
        ev.values(
            params,
            r.view,
            r.size,
            args["layer"],
            bool(r.opts.get("pre")),
            range(unit, unit + 1),
            **kw,
        )
    elif name == "regions":
        ev.values(params, r.view, r.size, regions=True, **kw)
    else:
        ev.values(
            params, r.view, r.size, depth=args.get("layer") if name == "depth" else None, **kw
        )
    if name == "error":
        n = ev.spec.n_out
        field = target if top_first else target[::-1]
        np.abs(out[..., :n] - field[..., :n], out=out[..., :n])


def gradient_values(ev: CpuEvaluator, params, r) -> np.ndarray:
    """(|grad|, d/dx, d/dy) of output OUTPUT by the shader's central differences: the step
    is half a pixel, but not below 1e-4 (1 + |p|), so along x it depends on the column
    only and along y on the row. The shifted points are made a band of rows at a time
    (a few MB at any picture size)."""
    output = r.args[0]
    w, h = r.size
    px, py = r.view.pixel_size(r.size)
    cx, cy = r.view.centre
    xs = cx + (np.arange(w) + 0.5 - 0.5 * w) * px  # pixel centres as the evaluator's grid
    ys = cy - (np.arange(h) + 0.5 - 0.5 * h) * py  # row 0 at the top
    hx = np.maximum(0.5 * px, 1e-4 * (1.0 + np.abs(xs))).astype(np.float32)
    hy = np.maximum(0.5 * py, 1e-4 * (1.0 + np.abs(ys))).astype(np.float32)[:, None]
    out = np.empty((h, w, 3), np.float32)
    band = max(1, GRADIENT_BAND_PIXELS // w)
    for top in range(0, h, band):
        rows = slice(top, min(top + band, h))
        n = rows.stop - top
        at = np.empty((4, n, w, 2), np.float64)  # +x, -x, +y, -y
        at[..., 0], at[..., 1] = xs, ys[rows, None]
        at[0, ..., 0] += hx
        at[1, ..., 0] -= hx
        at[2, ..., 1] += hy[rows]
        at[3, ..., 1] -= hy[rows]
        f = ev.values_at(params, at.reshape(-1, 2), units=range(output, output + 1)).reshape(
            4, n, w
        )
        dx = (f[0] - f[1]) / (np.float32(2.0) * hx)
        dy = (f[2] - f[3]) / (np.float32(2.0) * hy[rows])
        out[rows, :, 0], out[rows, :, 1], out[rows, :, 2] = np.hypot(dx, dy), dx, dy
    return out


def mosaic_values(ev: CpuEvaluator, params, r) -> np.ndarray:
    """Every hidden neuron's field in its own tile: (value, neuron index; -1 in the gaps),
    the tile geometry of shaders/mosaic.frag.glsl."""
    w, h = r.size
    indices, layers = _mosaic_layout((w, h), ev.spec.hidden)
    out = np.empty((h, w, 2), np.float32)
    out[..., 1] = indices
    out[..., 0] = 0.0
    values = out.reshape(-1, 2)[:, 0]  # a view: pixels in row order
    # A tile shows the whole view: its pixels are larger by the number of tiles per side.
    scale = np.array(r.view.pixel_size(r.size), np.float64) * mosaic_tiles(ev.spec)
    for layer, (pixels, local, units) in enumerate(layers):
        if len(pixels):
            points = np.asarray(r.view.centre, np.float64) + local * scale
            values[pixels] = ev.values_at(params, points, layer, unit_of=units)[:, 0]
    return out


@lru_cache(maxsize=2)
def _mosaic_layout(size, hidden):
    """What of the mosaic depends on the picture size and widths only (~60 ms of NumPy at
    1080p, per frame before it was kept): the (H, W) neuron index plane (-1 in the gaps),
    and per hidden layer the flat pixels it shows, their offsets from their tile's centre
    in pixels (N, 2) and the unit each shows."""
    w, h = size
    cols, rows = mosaic_tiles_of(hidden)
    neurons = sum(hidden)
    # gl_FragCoord: pixel centres, y growing upwards (row 0 of the result is the top).
    x = np.arange(w, dtype=np.float64)[None, :] + 0.5
    y = (h - 0.5 - np.arange(h, dtype=np.float64))[:, None]
    tile_w, tile_h = w / cols, h / rows
    col = np.broadcast_to((x / tile_w).astype(np.int64), (h, w))
    row = np.broadcast_to(((h - y) / tile_h).astype(np.int64), (h, w))
    index = row * cols + col
    inside_x = x - col * tile_w
    inside_y = y - (h - (row + 1) * tile_h)
    half_gap = 0.5 * MOSAIC_GAP
    shown = (
        (index < neurons)
        & (inside_x >= half_gap)
        & (inside_y >= half_gap)
        & (inside_x <= tile_w - half_gap)
        & (inside_y <= tile_h - half_gap)
    )
    indices = np.where(shown, index, -1).astype(np.float32)
    layers, first = [], 0
    for width in hidden:
        mine = shown & (index >= first) & (index < first + width)
        local = np.stack([inside_x[mine] - 0.5 * tile_w, inside_y[mine] - 0.5 * tile_h], axis=-1)
        layers.append((np.flatnonzero(mine), local, index[mine] - first))
        first += width
    for array in (indices, *(a for layer in layers for a in layer)):
        array.flags.writeable = False  # shared by every frame of this size
    return indices, tuple(layers)
