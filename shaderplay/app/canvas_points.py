"""Data points over a reduced canvas picture, drawn by imgui at the window's full
resolution in their class colours. A picture rendered at a fraction of the
canvas's pixels and stretched over it turned them into dark blobs; once the
picture is sharp again the renderer draws them itself (as in screenshots)."""

import numpy as np
from imgui_bundle import imgui

from ..gpu.overlays import point_rows

RADIUS = 4.0  # pixels, the renderer's point size at full resolution
RIM = imgui.color_convert_float4_to_u32(imgui.ImVec4(0.1, 0.1, 0.1, 1.0))
MOST = 3000  # a preview draws at most this many points (evenly thinned)


def preview_rows(dataset) -> np.ndarray:
    """The renderer's point rows (x, y, r, g, b, a, hollow) for `dataset`, thinned to MOST."""
    rows = point_rows(dataset)
    if len(rows) > MOST:
        rows = rows[np.linspace(0, len(rows) - 1, MOST).astype(int)]
    return rows


def packed(rgba: np.ndarray) -> np.ndarray:
    """(N, 4) floats 0..1 -> imgui's packed colours (ABGR, uint32)."""
    c = np.round(np.clip(rgba, 0.0, 1.0) * 255).astype(np.uint32)
    return c[:, 0] | c[:, 1] << 8 | c[:, 2] << 16 | c[:, 3] << 24


def draw(rows: np.ndarray, view, rect) -> None:
    """Discs (train) and rings (test) with a dark rim, over the canvas `rect`."""
    if not len(rows):
        return
    xy = view.domain_to_pixel(rows[:, :2], (rect.w, rect.h)) + (rect.x, rect.y)
    inside = (
        (xy[:, 0] >= rect.x) & (xy[:, 0] < rect.x + rect.w)
        & (xy[:, 1] >= rect.y) & (xy[:, 1] < rect.y + rect.h)
    )  # fmt: skip
    colours, hollow = packed(rows[:, 2:6]), rows[:, 6] > 0.5
    dl = imgui.get_background_draw_list()
    for (x, y), colour, ring in zip(xy[inside], colours[inside], hollow[inside], strict=True):
        centre = imgui.ImVec2(float(x), float(y))
        if ring:
            dl.add_circle(centre, RADIUS - 1.5, int(colour), 12, 3.0)
        else:
            dl.add_circle_filled(centre, RADIUS, int(colour), 12)
        dl.add_circle(centre, RADIUS, RIM, 12, 1.0)
