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

import numpy as np

from .cpu_eval import CpuEvaluator
from .modes import MOSAIC_GAP, mosaic_tiles

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


def grid_values(ev: CpuEvaluator, params, r, entry: str, top_first: bool, out: np.ndarray,
                target=None) -> None:
    """A grid mode's values into `out` (H, W, S) (rows as `top_first` says). "classes"
    entries get the outputs; the caller turns them into (class, confidence)."""
    name, args = r.mode.name, dict(zip(r.mode.args, r.args))
    kw = {"top_first": top_first, "out": out}
    if name == "neuron":
        unit = args["neuron"]
        ev.values(params, r.view, r.size, args["layer"], bool(r.opts.get("pre")),
                  range(unit, unit + 1), **kw)
    elif name == "regions":
        ev.values(params, r.view, r.size, regions=True, **kw)
    else:
        ev.values(params, r.view, r.size, depth=args.get("layer") if name == "depth" else None, **kw)
    if name == "error":
        n = ev.spec.n_out
        field = target if top_first else target[::-1]
        np.abs(out[..., :n] - field[..., :n], out=out[..., :n])


def gradient_values(ev: CpuEvaluator, params, r) -> np.ndarray:
    """(|grad|, d/dx, d/dy) of output OUTPUT by the shader's central differences: the step
    is half a pixel, but not below 1e-4 (1 + |p|). In bands of rows, so the shifted points
    stay a few MB at any picture size."""
    output = r.args[0]
    w, h = r.size
    grid = r.view.grid(r.size)  # (H, W, 2) float64
    pixel = np.array(r.view.pixel_size(r.size), np.float64)
    out = np.empty((h, w, 3), np.float32)
    band = max(1, GRADIENT_BAND_PIXELS // w)
    for top in range(0, h, band):
        p = grid[top:top + band]
        step = np.maximum(0.5 * pixel, 1e-4 * (1.0 + np.abs(p))).astype(np.float32)
        shifts = np.zeros((4, *p.shape), np.float64)
        shifts[0, ..., 0], shifts[1, ..., 0] = step[..., 0], -step[..., 0]
        shifts[2, ..., 1], shifts[3, ..., 1] = step[..., 1], -step[..., 1]
        f = ev.values_at(params, (p + shifts).reshape(-1, 2), units=range(output, output + 1))
        f = f.reshape(4, *p.shape[:2])
        dx = (f[0] - f[1]) / (np.float32(2.0) * step[..., 0])
        dy = (f[2] - f[3]) / (np.float32(2.0) * step[..., 1])
        out[top:top + band] = np.stack([np.hypot(dx, dy), dx, dy], axis=-1)
    return out


def mosaic_values(ev: CpuEvaluator, params, r) -> np.ndarray:
    """Every hidden neuron's field in its own tile: (value, neuron index; -1 in the gaps),
    the tile geometry of shaders/mosaic.frag.glsl."""
    spec = ev.spec
    w, h = r.size
    cols, rows = mosaic_tiles(spec)
    neurons = sum(spec.hidden)
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
    shown = ((index < neurons) & (inside_x >= half_gap) & (inside_y >= half_gap)
             & (inside_x <= tile_w - half_gap) & (inside_y <= tile_h - half_gap))
    out = np.zeros((h, w, 2), np.float32)
    out[..., 1] = np.where(shown, index, -1)
    pixel = np.array(r.view.pixel_size(r.size), np.float64)
    centre = np.array(r.view.centre, np.float64)
    first = 0
    for layer, width in enumerate(spec.hidden):
        mine = shown & (index >= first) & (index < first + width)
        if mine.any():
            local = np.stack([inside_x[mine] - 0.5 * tile_w, inside_y[mine] - 0.5 * tile_h], axis=-1)
            points = centre + local * pixel * np.array([w / tile_w, h / tile_h])
            fields = ev.values_at(params, points, layer, unit_of=index[mine] - first)
            out[..., 0][mine] = fields[:, 0]
        first += width
    return out
