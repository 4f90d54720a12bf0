"""The view modes' values computed on the CPU (software GL), as their fragment
shaders compute them: each function of CPU_MODES returns (H, W, C) float32,
rows in the Job's order, the channels the shader writes. A mode's row in
shaderplay/modes.py names its function here (Mode.cpu).

"output", "depth", "classes", "neuron" and "regions" are one pass of the numba
evaluator over the view's grid. "error" subtracts the target field the
renderer already holds; "target" is that field. "gradient" and "mosaic" sample
the network at points of their own (four shifted points per pixel; a point
inside a neuron's tile), which the evaluator takes as a list; their geometry
follows the shaders line by line in float64, where the shaders use float32.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..modes import MOSAIC_GAP, mosaic_tiles, mosaic_tiles_of
from ..view import View
from .evaluator import CpuEvaluator

MAX_OUTPUTS = 4  # one RGBA texture: more outputs are shown as classes, by the shader
GRADIENT_BAND_PIXELS = 1 << 16  # pixels per band of the gradient's shifted points (~4 MB)


@dataclass
class Job:
    """One picture of one mode for the CPU: its pixels (`view`, `size`; rows top first,
    or bottom first as a texture holds them), the mode's named arguments, the "pre"
    option, the target's field (H, W, n_out) top first for modes that compare with it,
    and the buffers reused frame to frame (a fresh array faults in its pages)."""

    view: View
    size: tuple[int, int]
    args: dict
    pre: bool
    top_first: bool
    target: np.ndarray | None
    buffers: dict  # top_first -> float32 (H, W, S)
    least: int = 1  # channels a buffer holds at least (2 where outputs become classes)

    def buffer(self, channels: int) -> np.ndarray:
        w, h = self.size
        shape = (h, w, max(channels, self.least))
        held = self.buffers.get(self.top_first)
        if held is None or held.shape != shape:
            held = self.buffers[self.top_first] = np.empty(shape, np.float32)
        return held

    def rows(self, top_first: np.ndarray) -> np.ndarray:
        """Values computed top first, in the job's row order."""
        return top_first if self.top_first else np.ascontiguousarray(top_first[::-1])


@dataclass(frozen=True)
class CpuMode:
    values: Callable[[CpuEvaluator, np.ndarray, Job], np.ndarray]
    all_outputs: bool = False  # evaluates every output: for nets of at most MAX_OUTPUTS


def output_values(ev: CpuEvaluator, params, job: Job) -> np.ndarray:
    out = job.buffer(ev.spec.n_out)
    return ev.values(params, job.view, job.size, top_first=job.top_first, out=out)


def depth_values(ev: CpuEvaluator, params, job: Job) -> np.ndarray:
    """The output layer reading hidden layer LAYER."""
    out = job.buffer(ev.spec.n_out)
    depth = job.args["layer"]
    return ev.values(params, job.view, job.size, top_first=job.top_first, out=out, depth=depth)


def classes_values(ev: CpuEvaluator, params, job: Job) -> np.ndarray:
    n = ev.spec.n_out
    out = job.buffer(max(n, 2))
    ev.values(params, job.view, job.size, top_first=job.top_first, out=out)
    classes_from_outputs(out, n)
    return out


def neuron_values(ev: CpuEvaluator, params, job: Job) -> np.ndarray:
    unit = job.args["neuron"]
    units = range(unit, unit + 1)
    layer, out = job.args["layer"], job.buffer(1)
    return ev.values(params, job.view, job.size, layer, job.pre, units, job.top_first, out)


def regions_values(ev: CpuEvaluator, params, job: Job) -> np.ndarray:
    out = job.buffer(1)
    return ev.values(params, job.view, job.size, top_first=job.top_first, out=out, regions=True)


def error_values(ev: CpuEvaluator, params, job: Job) -> np.ndarray:
    """|prediction - target| per output."""
    n = ev.spec.n_out
    out = output_values(ev, params, job)
    field = job.target if job.top_first else job.target[::-1]
    np.abs(out[..., :n] - field[..., :n], out=out[..., :n])
    return out


def target_values(ev: CpuEvaluator, params, job: Job) -> np.ndarray:
    """The target's field itself (no network pass): what the renderer holds."""
    n = ev.spec.n_out
    out = job.buffer(n)
    out[..., :n] = job.target[..., :n] if job.top_first else job.target[::-1, :, :n]
    return out


def classes_from_outputs(values: np.ndarray, n: int) -> None:
    """(H, W, >= 2) outputs in channels 0..n-1 -> (class, confidence, 0, ...) in place, as
    shaders/classes.frag.glsl computes them: one output is a probability (class 1 above
    0.5, confidence |2p - 1|); several are scored by softmax (class = argmax,
    confidence = (p_max - 1/n) / (1 - 1/n))."""
    out = values[..., :n]
    if n == 1:
        p = out[..., 0].copy()
        values[..., 0] = p > 0.5
        values[..., 1] = np.abs(2.0 * p - 1.0)
    else:
        best = np.argmax(out, axis=-1)
        top = np.max(out, axis=-1, keepdims=True)
        share = 1.0 / np.exp(out - top).sum(axis=-1)
        values[..., 1] = (share - 1.0 / n) / (1.0 - 1.0 / n)
        values[..., 0] = best
    values[..., 2:] = 0.0


def gradient_values(ev: CpuEvaluator, params, job: Job) -> np.ndarray:
    """(|grad|, d/dx, d/dy) of output OUTPUT by the shader's central differences: the step
    is half a pixel, but not below 1e-4 (1 + |p|), so along x it depends on the column
    only and along y on the row. The shifted points are made a band of rows at a time
    (a few MB at any picture size)."""
    output = job.args["output"]
    w, h = job.size
    px, py = job.view.pixel_size(job.size)
    cx, cy = job.view.centre
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
    return job.rows(out)


def mosaic_values(ev: CpuEvaluator, params, job: Job) -> np.ndarray:
    """Every hidden neuron's field in its own tile: (value, neuron index; -1 in the gaps),
    the tile geometry of shaders/mosaic.frag.glsl."""
    w, h = job.size
    indices, layers = _mosaic_layout((w, h), ev.spec.hidden)
    out = np.empty((h, w, 2), np.float32)
    out[..., 1] = indices
    out[..., 0] = 0.0
    values = out.reshape(-1, 2)[:, 0]  # a view: pixels in row order
    # A tile shows the whole view: its pixels are larger by the number of tiles per side.
    scale = np.array(job.view.pixel_size(job.size), np.float64) * mosaic_tiles(ev.spec)
    for layer, (pixels, local, units) in enumerate(layers):
        if len(pixels):
            points = np.asarray(job.view.centre, np.float64) + local * scale
            values[pixels] = ev.values_at(params, points, layer, unit_of=units)[:, 0]
    return job.rows(out)


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
    # Shared by every frame of this size; the units stay writable, as evaluate_grid's one
    # compiled signature takes them (a read-only array would be copied every frame).
    for array in (indices, *(a for pixels, local, _ in layers for a in (pixels, local))):
        array.flags.writeable = False
    return indices, tuple(layers)


CPU_MODES = {
    "output": CpuMode(output_values, all_outputs=True),
    "depth": CpuMode(depth_values, all_outputs=True),
    "classes": CpuMode(classes_values, all_outputs=True),
    "error": CpuMode(error_values, all_outputs=True),
    "target": CpuMode(target_values, all_outputs=True),
    "neuron": CpuMode(neuron_values),
    "regions": CpuMode(regions_values),
    "gradient": CpuMode(gradient_values),
    "mosaic": CpuMode(mosaic_values),
}


def cpu_mode(mode, spec) -> CpuMode | None:
    """The CPU function of a mode's row for this network (None: the shaders compute it)."""
    if mode.cpu is None:
        return None
    found = CPU_MODES[mode.cpu]
    return None if found.all_outputs and spec.n_out > MAX_OUTPUTS else found
