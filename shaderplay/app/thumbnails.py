"""Thumbnails: every neuron's field, rendered by the GPU into one atlas texture
that the network diagram shows with imgui (one texture, many uv rectangles).

Cells are refreshed round-robin within a time budget per frame, so a wide
network costs a bounded slice of every frame, and not at all once every cell
shows the current weights (paused training).
Each cell shows the neuron's activation over the canvas's current domain.
GL calls only; used on the main thread.
"""

import math
import time

from imgui_bundle import imgui

from ..view import View
from .offscreen import colour_target, release_target
from .picture import has_mode, mode_string

CELL = 48  # pixels per thumbnail side
COLUMNS = 16
MAX_CELLS = 16 * 64  # the diagram shows at most 16 units of any layer
BUDGET_S = 0.003  # thumbnail rendering per frame


class Thumbnails:
    def __init__(self, ctx, renderer):
        self.ctx = ctx
        self.renderer = renderer
        self.fbo = None
        self.cells: dict[tuple[int, int], int] = {}  # (weight layer, unit) -> cell index
        self._order: list[tuple[int, int]] = []
        self._next = 0
        self._spec = None
        self._key = None  # the weights the cells are being brought up to
        self._done: set = set()  # cells that show them

    def _allocate(self, spec, shown: int) -> None:
        units = [(i, u) for i, n in enumerate(spec.sizes[1:]) for u in range(min(n, shown))]
        units = units[:MAX_CELLS]
        rows = max(1, math.ceil(len(units) / COLUMNS))
        size = (COLUMNS * CELL, rows * CELL)
        if self.fbo is None or self.fbo.size != size:
            self.release()
            self.fbo = colour_target(self.ctx, size)
        self.fbo.use()
        self.ctx.clear(0.1, 0.1, 0.12, 1.0)
        self.cells = {key: k for k, key in enumerate(units)}
        self._order = units
        self._next = 0
        self._spec = spec
        self._key, self._done = None, set()

    def refresh(self, spec, view: View, key, budget_s: float = BUDGET_S, shown: int = 16) -> None:
        """Redraw cells round-robin for about `budget_s` (at least one), and nothing
        once every cell shows the weights `key` names. Without a neuron mode in
        the renderer the cells stay blank."""
        if spec != self._spec:
            self._allocate(spec, shown)
        if key != self._key:
            self._key, self._done = key, set()
        if not has_mode("neuron") or len(self._done) == len(self._order):
            return
        start = time.perf_counter()
        while len(self._done) < len(self._order):
            layer, unit = self._order[self._next]
            self._next = (self._next + 1) % len(self._order)
            k = self.cells[layer, unit]
            x, y = (k % COLUMNS) * CELL, (k // COLUMNS) * CELL
            # colormap None: the neuron mode's own (a diverging map: sign matters)
            self.renderer.draw(view, (CELL, CELL), mode_string("neuron", layer, unit), None,
                               fbo=self.fbo, viewport=(x, y, CELL, CELL))
            self._done.add((layer, unit))
            if time.perf_counter() - start > budget_s:
                break

    @property
    def ready(self) -> bool:
        """False until the renderer has a neuron mode and a first refresh ran."""
        return self.fbo is not None and has_mode("neuron")

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
