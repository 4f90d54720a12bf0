"""Thumbnails: every shown neuron's field over the canvas's view (a square
around its centre), in one atlas texture that the network diagram shows with
imgui (one texture, many uv rectangles). Colours as the renderer's neuron
mode: the diverging map, blue low, white middle, red high, over the
activation's range where it has one (tanh -1..1, sigmoid 0..1, ...); an
unbounded activation (relu, linear, ...) over -m..m, m the unit's largest
|value| in its cell, so a small field still shows its shape (0 stays white).

Cost stays bounded: a new refresh starts only when the weights or the view
changed, and no sooner than MIN_INTERVAL_S after the last one began nor
before the last one's cost fits in DUTY of the time since (a slow network
refreshes less often, never taking more than a tenth of the frame time).

How a refresh draws depends on the GL. On a GPU each cell is one neuron-mode
pass of the renderer, drawn round-robin within BUDGET_S a frame. On software
GL (llvmpipe) per-neuron passes cost O(depth^2 x width) network layers per
cell (measured 0.2-0.4 ms a 48-pixel cell for the default 2-32-32-16-1 net,
seconds for the 27-layer one); the NumPy oracle's `forward_layers` gives every neuron
of every layer from one pass over a CELL x CELL grid (about 1 ms), written
into the atlas with one texture write.

GL calls only on the main thread.
"""

import math
import time

import numpy as np
from imgui_bundle import imgui

from ..activations import ACTIVATIONS
from ..colormaps import lut
from ..modes import MODES
from ..view import View
from .offscreen import colour_target, release_target
from .render_args import mode_string

CELL = 64  # pixels per thumbnail side (a node's tooltip shows it large)
COLUMNS = 16
SHOWN_UNITS = 10  # the diagram shows at most this many units of any layer
MAX_CELLS = 1024
BUDGET_S = 0.003  # GPU path: cell rendering per frame
MIN_INTERVAL_S = 0.1  # at most ten refreshes a second while the weights change
DUTY = 0.1  # and at most this share of the time spent refreshing
NEURON = MODES["neuron"]  # every cell is this mode's picture of one unit
COLORMAP = NEURON.colormap
RANGE_GRID = 16  # GPU path: samples per side for the unbounded units' ranges


class Thumbnails:
    def __init__(self, ctx, renderer):
        self.ctx = ctx
        self.renderer = renderer
        self.fbo = None
        self.cells: dict[tuple[int, int], int] = {}  # (weight layer, unit) -> cell index
        self._order: list[tuple[int, int]] = []
        self._spec = None
        self._shown = None  # key of the weights and view the atlas shows in full
        self._pass = None  # key of the refresh in progress
        self._pending: list[tuple[int, int]] = []  # its cells still to draw (GPU path)
        self._began = 0.0  # when it began
        self._cost = 0.0  # seconds spent on it so far
        self._next = 0.0  # the next refresh may begin then
        self._ranges = None  # per cell: the values shown as the map's two ends
        self.refreshes = 0  # completed refreshes (tests, status)

    @property
    def software(self) -> bool:
        """Whether the renderer computes neuron fields on the CPU (software GL)."""
        return self.renderer.evaluator == "cpu"

    def _allocate(self, spec, shown: int) -> None:
        units = [(i, u) for i, n in enumerate(spec.sizes[1:]) for u in range(min(n, shown))]
        units = units[:MAX_CELLS]
        rows = max(1, math.ceil(len(units) / COLUMNS))
        size = (COLUMNS * CELL, rows * CELL)
        if self.fbo is None or self.fbo.size != size:
            self.release()
            self.fbo = colour_target(self.ctx, size, linear=True)
        self.fbo.use()
        self.ctx.clear(0.1, 0.1, 0.12, 1.0)
        self.cells = {key: k for k, key in enumerate(units)}
        self._order = units
        self._spec = spec
        self._shown, self._pass, self._pending, self._next = None, None, [], 0.0

    def refresh(
        self, net, view: View, key, now: float | None = None, shown: int = SHOWN_UNITS
    ) -> bool:
        """Bring the atlas up to network `net` over `view`; `key` names both (the same
        key: nothing to do). True when a refresh completed on this call."""
        if net.spec != self._spec:
            self._allocate(net.spec, shown)
        now = time.perf_counter() if now is None else now
        if self._pass is None:
            if key == self._shown or now < self._next:
                return False
            self._pass, self._began, self._cost = key, now, 0.0
            self._pending = [] if self.software else list(self._order)
            self._ranges = None
        start = time.perf_counter()
        if self.software:
            self._draw_all(net, view)
        else:
            self._draw_some(net, view, start)
        self._cost += time.perf_counter() - start
        if self._pending:
            return False
        self._shown, self._pass = self._pass, None
        self._next = self._began + max(MIN_INTERVAL_S, self._cost / DUTY)
        self.refreshes += 1
        return True

    def _draw_some(self, net, view: View, start: float) -> None:
        """GPU: neuron passes of the renderer for BUDGET_S (at least one cell)."""
        if self._ranges is None:  # a coarse NumPy pass for the unbounded units' ranges
            grid = View(view.centre, view.scale, None).grid((RANGE_GRID, RANGE_GRID))
            self._ranges = unit_ranges(net, net.forward_layers(grid.reshape(-1, 2)), self._order)
        while self._pending:
            layer, unit = self._pending.pop(0)
            k = self.cells[layer, unit]
            x, y = (k % COLUMNS) * CELL, (k // COLUMNS) * CELL
            # colormap None: the neuron mode's own (a diverging map: sign matters)
            self.renderer.draw(
                view,
                (CELL, CELL),
                mode_string(NEURON.name, layer, unit),
                None,
                fbo=self.fbo,
                viewport=(x, y, CELL, CELL),
                range=self._ranges[k],
            )
            if time.perf_counter() - start > BUDGET_S:
                break

    def _draw_all(self, net, view: View) -> None:
        """Software GL: every cell from one NumPy pass, one texture write."""
        atlas = atlas_image(net, view, self._order, self.fbo.size)
        self.fbo.color_attachments[0].write(atlas)

    @property
    def units(self) -> list[tuple[int, int]]:
        """The (weight layer, unit) pairs with a cell, in cell order."""
        return list(self._order)

    @property
    def ready(self) -> bool:
        """False until the atlas exists."""
        return self.fbo is not None

    @property
    def texture_ref(self):
        return imgui.ImTextureRef(self.fbo.color_attachments[0].glo)

    def uv(self, layer: int, unit: int):
        """uv rectangle of a cell; GL textures have v up, imgui's images v down."""
        k = self.cells.get((layer, unit), 0)
        w, h = self.fbo.size
        x, y = (k % COLUMNS) * CELL, (k // COLUMNS) * CELL
        return imgui.ImVec2(x / w, (y + CELL) / h), imgui.ImVec2((x + CELL) / w, y / h)

    def release(self) -> None:
        if self.fbo is not None:
            release_target(self.fbo)
            self.fbo = None


def atlas_image(net, view: View, units, size) -> np.ndarray:
    """(H, W, 4) uint8 atlas of `size` (W, H) as a GL texture holds it (row 0 at the
    bottom): cell k of `units` ((weight layer, unit) pairs) at column k % COLUMNS,
    row k // COLUMNS from the bottom, each the unit's field over a CELL x CELL
    square of `view`, y up inside the cell."""
    w, h = size
    atlas = np.zeros((h, w, 4), np.uint8)
    atlas[..., :3] = (26, 26, 31)
    atlas[..., 3] = 255
    square = View(view.centre, view.scale, None)
    layers = net.forward_layers(square.grid((CELL, CELL)).reshape(-1, 2))
    table = lut(COLORMAP)
    ranges = unit_ranges(net, layers, units)
    for layer in sorted({layer for layer, _ in units}):
        ks = [k for k, (i, _) in enumerate(units) if i == layer]
        lo, hi = (np.array([ranges[k][e] for k in ks]) for e in (0, 1))
        fields = layers[layer][1][:, [units[k][1] for k in ks]]  # (CELL * CELL, cells)
        t = np.nan_to_num(np.clip((fields - lo) / (hi - lo), 0.0, 1.0), nan=0.5)
        index = np.minimum((t * len(table)).astype(np.int64), len(table) - 1)
        colours = table[index].reshape(CELL, CELL, len(ks), 3)[::-1]  # bottom row first
        for c, k in enumerate(ks):
            x, y = (k % COLUMNS) * CELL, (k // COLUMNS) * CELL
            atlas[y : y + CELL, x : x + CELL, :3] = colours[:, :, c]
    return atlas


def unit_ranges(net, layers, units) -> list[tuple[float, float]]:
    """Per (layer, unit): the values shown as the colormap's two ends. `layers` is
    `forward_layers` over some samples of the view."""
    out = []
    for layer, unit in units:
        if ACTIVATIONS[net.spec.layer_activations[layer]].bounded:
            out.append(NEURON.default_range((layer, unit), net.spec))
        else:
            values = np.abs(layers[layer][1][:, unit])
            top = float(np.max(values[np.isfinite(values)], initial=0.0)) or 1.0
            out.append((-top, top))
    return out
