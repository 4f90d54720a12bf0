"""Thumbnails: every neuron's field, rendered by the GPU into one atlas texture
that the network diagram shows with imgui (one texture, many uv rectangles).

Cells are refreshed round-robin, `per_frame` neurons each frame, so a wide
network costs a bounded slice of every frame; a new architecture redraws all.
Each cell shows the neuron's activation over the canvas's current domain.
GL calls only; used on the main thread.
"""

import math

from imgui_bundle import imgui

from ..view import View
from .picture import has_mode, mode_string

CELL = 48  # pixels per thumbnail side
COLUMNS = 16
MAX_CELLS = 16 * 64  # the diagram shows at most 16 units of any layer


class Thumbnails:
    def __init__(self, ctx, renderer, per_frame: int = 8):
        self.ctx = ctx
        self.renderer = renderer
        self.per_frame = per_frame
        self.fbo = None
        self.cells: dict[tuple[int, int], int] = {}  # (weight layer, unit) -> cell index
        self._order: list[tuple[int, int]] = []
        self._next = 0
        self._spec = None

    def _allocate(self, spec, shown: int) -> None:
        units = [(i, u) for i, n in enumerate(spec.sizes[1:]) for u in range(min(n, shown))]
        units = units[:MAX_CELLS]
        rows = max(1, math.ceil(len(units) / COLUMNS))
        size = (COLUMNS * CELL, rows * CELL)
        if self.fbo is None or self.fbo.size != size:
            self.release()
            texture = self.ctx.texture(size, 4)
            self.fbo = self.ctx.framebuffer(color_attachments=[texture])
        self.fbo.use()
        self.ctx.clear(0.1, 0.1, 0.12, 1.0)
        self.cells = {key: k for k, key in enumerate(units)}
        self._order = units
        self._next = 0
        self._spec = spec

    def refresh(self, spec, view: View, colormap: str, shown: int = 16, all_cells=False) -> None:
        """Redraw the next few cells (all of them after an architecture change).
        Without a neuron mode in the renderer the cells stay blank."""
        if spec != self._spec:
            self._allocate(spec, shown)
            all_cells = True
        if not has_mode("neuron"):
            return
        count = len(self._order) if all_cells else min(self.per_frame, len(self._order))
        for _ in range(count):
            layer, unit = self._order[self._next]
            self._next = (self._next + 1) % len(self._order)
            k = self.cells[layer, unit]
            x, y = (k % COLUMNS) * CELL, (k // COLUMNS) * CELL
            self.renderer.draw(view, (CELL, CELL), mode_string("neuron", layer, unit), colormap,
                               fbo=self.fbo, viewport=(x, y, CELL, CELL))

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
            for t in self.fbo.color_attachments:
                t.release()
            self.fbo.release()
            self.fbo = None
