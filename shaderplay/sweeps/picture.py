"""A cell's picture, and the task the executors run.

Each process (a pool worker or a Ray worker) makes one
headless GL context and Renderer the first time it draws and keeps them. The
renderer computes the values with the numba evaluator (`evaluator="cpu"`), the
same arithmetic in every process; only overlays (boundary lines, data points)
go through GL.
"""

import threading

import numba

from ..config import mode_from_view
from ..errors import bad_value
from ..modes import parse_mode
from ..view import View
from .cell import Outcome, run_cell
from .plan import Cell, Look

_process = threading.local()  # GL contexts belong to the thread that made them


def _renderer():
    if getattr(_process, "renderer", None) is None:
        from ..gpu.context import headless_context
        from ..gpu.renderer import Renderer

        _process.renderer = Renderer(headless_context(), evaluator="cpu")
    return _process.renderer


def options(mode: str, data, show_points: bool) -> dict:
    """The renderer's options for `mode` over a preset's data: the target for modes
    that show it, the points where the view shows them."""
    row = parse_mode(mode)[0]
    if row.needs_target and (data is None or data.field is None):
        raise bad_value("mode", mode, "a mode that does not need the target's values here")
    opts = {}
    if row.target and data.kind != "none":
        opts["target"] = data
    if show_points and data.kind != "none":
        opts["points"] = data
    return opts


def draw(net, data, preset, look: Look):
    """`net` in the preset's view (its mode and colormap, or `look.mode` with the
    mode's own colormap): (uint8 (H, W, 3), the picture's Legend)."""
    mode = look.mode or mode_from_view(preset.view)
    colormap = preset.view.colormap if look.mode is None else None
    opts = options(mode, data, preset.view.show_points)
    renderer = _renderer()
    renderer.set_network(net)
    view = View.fit(preset.view.domain, look.size)
    picture = renderer.image(view, look.size, mode, colormap, **opts)
    return picture, renderer.legend(mode, colormap, **opts)


def cell_task(cell: Cell, look: Look) -> Outcome:
    """One cell, trained single-threaded (numba's threads are the process's, so N
    cells on N processes share the cores without contention)."""
    numba.set_num_threads(1)
    return run_cell(cell, look, draw)
