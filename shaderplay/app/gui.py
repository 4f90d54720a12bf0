"""The layout: a controls column on the left (tabs Network / Training / View /
Files), an inspection column on the right (diagram, plots, probe, status), the
canvas between them, and the notices over the canvas. H hides both columns and
the canvas takes the whole window.

`draw(...)` only reads `state` and calls actions; it returns the canvas
rectangle for the frame.
"""

from dataclasses import dataclass

from imgui_bundle import imgui

from . import (
    diagram,
    notices,
    panel_files,
    panel_network,
    panel_plots,
    panel_probe,
    panel_status,
    panel_timeline,
    panel_training,
    panel_view,
    scopes,
)
from .canvas import Rect

LEFT_EM, RIGHT_EM = 23.0, 24.0  # column widths in font heights
LABEL_EM = 9.0  # room kept right of each widget for its label and a (?) marker
MIN_CANVAS_EM = 16.0  # narrower than this: the columns float over the canvas instead
COLUMN = (
    imgui.WindowFlags_.no_move
    | imgui.WindowFlags_.no_resize
    | imgui.WindowFlags_.no_collapse
    | imgui.WindowFlags_.no_saved_settings
    | imgui.WindowFlags_.no_bring_to_front_on_focus
)
TABS = (
    ("Network", panel_network),
    ("Training", panel_training),
    ("View", panel_view),
    ("Files", panel_files),
)


@dataclass
class FrameInfo:
    """What the window measured this frame, for the status panel."""

    fps: float = 0.0
    storage: str = "-"
    renderer_name: str = "-"
    canvas_px: tuple[int, int] = (0, 0)
    scale: float = 1.0  # resolution of the canvas picture on screen, per side


def canvas_rect(state, width: float, height: float, timeline: bool = False) -> Rect:
    """The canvas between the columns, above the timeline strip when it shows."""
    below = min(panel_timeline.height(), height // 2) if timeline and state.show_ui else 0.0
    if not state.show_ui:
        return Rect(0.0, 0.0, width, height)
    font = imgui.get_font_size()
    left, right = LEFT_EM * font, RIGHT_EM * font
    if width - left - right < MIN_CANVAS_EM * font:
        return Rect(0.0, 0.0, width, height - below)
    return Rect(left, 0.0, width - left - right, height - below)


def draw(state, session, info: FrameInfo, thumbnails, size) -> Rect:
    width, height = size
    timeline = panel_timeline.shown(state, session)
    rect = canvas_rect(state, width, height, timeline)
    if state.show_ui:
        font = imgui.get_font_size()
        _left_column(state, session, LEFT_EM * font, height)
        _right_column(state, session, info, thumbnails, RIGHT_EM * font, width, height)
        if timeline:
            panel_timeline.draw(state, session, rect.x, rect.y + rect.h, rect.w)
    notices.divergence_banner(state, session, rect)
    notices.message_bar(state, rect)
    notices.help_window(state, rect)
    return rect


def _left_column(state, session, w: float, h: float) -> None:
    imgui.set_next_window_pos(imgui.ImVec2(0, 0))
    imgui.set_next_window_size(imgui.ImVec2(w, h))
    title = f"shaderplay - {state.preset.name}###controls"
    with scopes.window(title, COLUMN) as visible:
        if visible:
            with scopes.item_width(-LABEL_EM * imgui.get_font_size()):
                _tabs(state, session)
            state.tab = ""


def _tabs(state, session) -> None:
    with scopes.tab_bar("tabs") as shown:
        if not shown:
            return
        for name, module in TABS:
            flags = imgui.TabItemFlags_.set_selected if state.tab == name else 0
            with scopes.tab_item(name, flags) as selected:
                if selected:
                    imgui.spacing()
                    module.draw(state, session)


def _right_column(state, session, info, thumbnails, w: float, width: float, h: float) -> None:
    imgui.set_next_window_pos(imgui.ImVec2(width - w, 0))
    imgui.set_next_window_size(imgui.ImVec2(w, h))
    with scopes.window("Inspect", COLUMN) as visible:
        if not visible:
            return
        sections = (
            ("Network diagram", "diagram", lambda: diagram.draw(state, session, thumbnails)),
            ("Plots", "plots", lambda: panel_plots.draw(state, session)),
            ("Probe", "probe", lambda: panel_probe.draw(state, session)),
            ("Status", "status", lambda: panel_status.draw(state, session, info)),
        )
        for title, key, body in sections:
            imgui.set_next_item_open(state.panels.get(key, True), imgui.Cond_.once)
            opened = imgui.collapsing_header(title)
            state.panels[key] = opened
            if opened:
                body()
                imgui.spacing()
