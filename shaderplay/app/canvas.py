"""The canvas: the rectangle of the window where the network's picture is drawn,
its mouse input (wheel zoom about the cursor, drag to pan, double-click to
reset, click to probe) and its labels (domain corners, probe marker).

Conventions: canvas rectangles are in window units, origin top-left, y down
(imgui's); the domain has y up. `state.view` (a `View`, square pixels) does
every conversion; `state.canvas_size` is the rectangle's size.
Input reaches the canvas only when imgui does not want the mouse.
"""

from dataclasses import dataclass

from imgui_bundle import imgui

from . import view_actions

ZOOM_STEP = 1.15  # per wheel notch
LABEL = imgui.ImVec4(1.0, 1.0, 1.0, 0.85)
SHADOW = imgui.ImVec4(0.0, 0.0, 0.0, 0.7)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px < self.x + self.w and self.y <= py < self.y + self.h

    @property
    def empty(self) -> bool:
        return self.w < 1 or self.h < 1


def viewport_px(rect: Rect, window_size, framebuffer_size) -> tuple[int, int, int, int]:
    """The canvas rectangle (window units, origin top-left, y down) as a GL viewport
    (x, y, w, h) in framebuffer pixels, origin bottom-left, y up.

    HiDPI: the framebuffer may have more pixels than the window has units (2x on
    a Retina display), possibly a different factor per axis; each axis is scaled
    by its own framebuffer / window ratio. The result is at least 1 x 1 and lies
    within the framebuffer.
    """
    (ww, wh), (fw, fh) = window_size, framebuffer_size
    sx, sy = fw / max(ww, 1), fh / max(wh, 1)
    x0, x1 = round(rect.x * sx), round((rect.x + rect.w) * sx)
    top, bottom = round(rect.y * sy), round((rect.y + rect.h) * sy)
    x0, x1 = min(max(x0, 0), fw), min(max(x1, 0), fw)
    top, bottom = min(max(top, 0), fh), min(max(bottom, 0), fh)
    return x0, fh - bottom, max(1, x1 - x0), max(1, bottom - top)


def _local(rect: Rect, px: float, py: float) -> tuple[float, float]:
    return px - rect.x, py - rect.y


def handle_mouse(state, session, rect: Rect) -> None:
    io = imgui.get_io()
    if io.want_capture_mouse or rect.empty:
        return
    mx, my = io.mouse_pos.x, io.mouse_pos.y
    inside = rect.contains(mx, my)
    if inside and io.mouse_wheel:
        view_actions.zoom(
            state, session, factor=ZOOM_STEP**io.mouse_wheel, pixel=_local(rect, mx, my)
        )
    total = imgui.get_mouse_drag_delta(imgui.MouseButton_.left, 0.0)
    pressed_at = (mx - total.x, my - total.y)  # where the drag began
    if imgui.is_mouse_dragging(imgui.MouseButton_.left, 0.0) and rect.contains(*pressed_at):
        d = io.mouse_delta
        if d.x or d.y:
            view_actions.pan(state, session, dpixels=(d.x, d.y))
    if not inside:
        return
    if imgui.is_mouse_double_clicked(imgui.MouseButton_.left):
        view_actions.reset_view(state, session)
    elif imgui.is_mouse_released(imgui.MouseButton_.left) and not _was_drag():
        point = state.view.pixel_to_domain(_local(rect, mx, my), state.canvas_size)
        view_actions.set_probe(state, session, point=tuple(point))


def _was_drag() -> bool:
    d = imgui.get_mouse_drag_delta(imgui.MouseButton_.left, 0.0)
    return abs(d.x) + abs(d.y) > imgui.get_io().mouse_drag_threshold


def draw_labels(state, rect: Rect) -> None:
    """Domain corner labels and the probe marker, over the picture, under the panels."""
    if rect.empty:
        return
    shown = state.domain
    dl = imgui.get_background_draw_list()
    pad = 6.0
    fs = imgui.get_font_size()
    shadowed_text(dl, rect.x + pad, rect.y + rect.h - fs - pad, f"({shown[0]:.4g}, {shown[2]:.4g})")
    top_right = f"({shown[1]:.4g}, {shown[3]:.4g})"
    tw = imgui.calc_text_size(top_right).x
    shadowed_text(dl, rect.x + rect.w - tw - pad, rect.y + pad, top_right)
    if state.probe is not None:
        lx, ly = state.view.domain_to_pixel(state.probe, state.canvas_size)
        px, py = rect.x + lx, rect.y + ly
        if rect.contains(px, py):
            col = imgui.color_convert_float4_to_u32(LABEL)
            shadow = imgui.color_convert_float4_to_u32(SHADOW)
            for c, t in ((shadow, 3.0), (col, 1.5)):
                dl.add_circle(imgui.ImVec2(px, py), 7.0, c, 0, t)
                dl.add_line(imgui.ImVec2(px - 12, py), imgui.ImVec2(px - 4, py), c, t)
                dl.add_line(imgui.ImVec2(px + 4, py), imgui.ImVec2(px + 12, py), c, t)
                dl.add_line(imgui.ImVec2(px, py - 12), imgui.ImVec2(px, py - 4), c, t)
                dl.add_line(imgui.ImVec2(px, py + 4), imgui.ImVec2(px, py + 12), c, t)


def shadowed_text(dl, x: float, y: float, text: str) -> None:
    """Text with a dark shadow so it reads on any colour map."""
    dl.add_text(imgui.ImVec2(x + 1, y + 1), imgui.color_convert_float4_to_u32(SHADOW), text)
    dl.add_text(imgui.ImVec2(x, y), imgui.color_convert_float4_to_u32(LABEL), text)
