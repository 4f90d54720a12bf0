"""The layout: a controls column on the left (tabs Network / Training / View /
Files), an inspection column on the right (diagram, plots, probe above the
status, which stays at the column's foot), the canvas between them, and under
the canvas the transport bar and the timeline strip. H hides everything but
the canvas.

Where two columns would leave the canvas less than half the window's width,
the inspection column becomes the left column's "Inspect" tab. Columns are
resizable (drag their inner edge) and collapsible (their title bar's arrow):
the canvas takes the room they leave.

`draw(...)` only reads `state` and calls actions; it returns the canvas
rectangle for the frame.
"""

from dataclasses import dataclass, field
from functools import partial

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
    panel_transport,
    panel_view,
    scopes,
)
from .canvas import Rect

LEFT_EM, RIGHT_EM = 24.0, 24.0  # default column widths in font heights
MIN_COLUMN_EM = 16.0  # the narrowest a column can be dragged
COLLAPSED_EM = 11.0  # a collapsed column: its title bar only, this wide
LABEL_EM = 9.0  # room kept right of each widget for its label and a (?) marker
MIN_CANVAS_EM = 16.0  # narrower than this: the columns float over the canvas instead
COLUMN = (
    imgui.WindowFlags_.no_move
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
    # Where the parts that must stay in sight were drawn: name -> (x, y, w, h), window units
    # ("canvas", "transport", "status"), for layout checks (the script's report_layout).
    rects: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Layout:
    """Where everything goes this frame, in window units."""

    canvas: Rect
    left: float  # width of the left column (0: none)
    right: float  # width of the right column (0: none: the Inspect tab holds it)
    bottom: float  # height of the transport bar and timeline strip under the canvas


def column_width(state, side: str, font: float) -> float:
    """A column's width as the user left it (collapsed: only its title bar)."""
    if state.collapsed.get(side, False):
        return 0.0
    default = (LEFT_EM if side == "left" else RIGHT_EM) * font
    return state.column_widths.get(side, default)


def layout(state, width: float, height: float, timeline: bool = False) -> Layout:
    if not state.show_ui:
        return Layout(Rect(0.0, 0.0, width, height), 0.0, 0.0, 0.0)
    font = imgui.get_font_size()
    below = panel_transport.height() + (panel_timeline.height() if timeline else 0.0)
    below = min(below, height // 2)
    left, right = column_width(state, "left", font), column_width(state, "right", font)
    if width - left - right < width / 2:  # one column: the right one becomes a tab
        right = 0.0
    if width - left - right < MIN_CANVAS_EM * font:  # the columns float over the canvas
        return Layout(Rect(0.0, 0.0, width, height - below), left, right, below)
    return Layout(Rect(left, 0.0, width - left - right, height - below), left, right, below)


def canvas_rect(state, width: float, height: float, timeline: bool = False) -> Rect:
    """The canvas between the columns, above the transport bar and timeline strip."""
    return layout(state, width, height, timeline).canvas


def draw(state, session, info: FrameInfo, thumbnails, size) -> Rect:
    width, height = size
    timeline = panel_timeline.shown(state, session)
    at = layout(state, width, height, timeline)
    rect = at.canvas
    info.rects = {"canvas": (rect.x, rect.y, rect.w, rect.h)}
    if state.show_ui:
        inspect = partial(_inspect, state, session, info, thumbnails)
        _left_column(state, session, height, inspect if not at.right else None)
        if at.right:
            _right_column(state, width, height, inspect)
        y = rect.y + rect.h
        panel_transport.draw(state, session, rect.x, y, rect.w)
        info.rects["transport"] = (rect.x, y, rect.w, panel_transport.height())
        if timeline:
            panel_timeline.draw(state, session, rect.x, y + panel_transport.height(), rect.w)
    notices.message_bar(state, rect)
    notices.help_window(state, rect)
    return rect


def _column(state, side: str, title: str, x: float, height: float):
    """A column window, resizable between MIN_COLUMN_EM and half the window."""
    font = imgui.get_font_size()
    collapsed = state.collapsed.get(side, False)
    w = COLLAPSED_EM * font if collapsed else column_width(state, side, font)
    width = imgui.get_io().display_size.x
    imgui.set_next_window_pos(imgui.ImVec2(x(w), 0))
    imgui.set_next_window_size(imgui.ImVec2(w, height))
    most = max(MIN_COLUMN_EM * font, width / 2 - MIN_COLUMN_EM * font)
    imgui.set_next_window_size_constraints(
        imgui.ImVec2(min(w, MIN_COLUMN_EM * font), 0), imgui.ImVec2(max(w, most), height)
    )
    return scopes.window(title, COLUMN)


def _measure(state, side: str) -> None:
    """After a column's begin: its collapsed state and the width it was dragged to."""
    collapsed = imgui.is_window_collapsed()
    state.collapsed[side] = collapsed
    if not collapsed:
        state.column_widths[side] = imgui.get_window_width()


def _left_column(state, session, h: float, inspect) -> None:
    title = f"shaderplay - {state.preset.name}###controls"
    with _column(state, "left", title, lambda w: 0.0, h) as visible:
        _measure(state, "left")
        if visible:
            with scopes.item_width(-LABEL_EM * imgui.get_font_size()):
                _tabs(state, session, inspect)
            state.tab = ""


def _tabs(state, session, inspect) -> None:
    tabs = [(name, lambda m=module: m.draw(state, session)) for name, module in TABS]
    if inspect is not None:
        tabs.append(("Inspect", inspect))
    with scopes.tab_bar("tabs") as shown:
        if not shown:
            return
        for name, body in tabs:
            flags = imgui.TabItemFlags_.set_selected if state.tab == name else 0
            with scopes.tab_item(name, flags) as selected:
                if selected:
                    imgui.spacing()
                    body()


def _right_column(state, width: float, h: float, inspect) -> None:
    with _column(state, "right", "Inspect", lambda w: width - w, h) as visible:
        _measure(state, "right")
        if visible:
            inspect()


def _inspect(state, session, info, thumbnails) -> None:
    """Diagram, plots and probe, scrolling above the status, which always shows."""
    status_h = state.status_height or 8 * imgui.get_font_size()
    sections = (
        (
            "Network diagram",
            "diagram",
            lambda: diagram.draw(state, session, thumbnails, info.rects),
        ),
        ("Plots", "plots", lambda: panel_plots.draw(state, session)),
        ("Probe", "probe", lambda: panel_probe.draw(state, session)),
    )
    with scopes.child("sections", imgui.ImVec2(0, -status_h)) as visible:
        if visible:
            for title, key, body in sections:
                _section(state, title, key, body)
    top = imgui.get_cursor_screen_pos()
    _section(state, "Status", "status", lambda: panel_status.draw(state, session, info))
    bottom = imgui.get_cursor_screen_pos().y
    state.status_height = bottom - top.y + imgui.get_style().item_spacing.y
    info.rects["status"] = (top.x, top.y, imgui.get_content_region_avail().x, bottom - top.y)


def _section(state, title: str, key: str, body) -> None:
    imgui.set_next_item_open(state.panels.get(key, True), imgui.Cond_.once)
    opened = imgui.collapsing_header(title)
    state.panels[key] = opened
    if opened:
        body()
        imgui.spacing()
