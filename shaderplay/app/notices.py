"""Small windows over the canvas that tell the user something for a moment: the
message bar (it fades; lasting states are badges in the transport bar) and the
key map (?)."""

import time

from imgui_bundle import imgui

from . import canvas_legend, scopes, view_actions
from .keys import KEYMAP, MOUSE_HELP
from .widgets import DIM, ERROR_RED

SHOWN_S = {False: 4.0, True: 8.0}  # seconds a notice / an error shows
FADE_S = 1.0  # the last second it fades out
BAR = (
    imgui.WindowFlags_.no_decoration
    | imgui.WindowFlags_.no_move
    | imgui.WindowFlags_.no_saved_settings
    | imgui.WindowFlags_.always_auto_resize
    | imgui.WindowFlags_.no_focus_on_appearing
)
BG = imgui.Col_.window_bg
ERROR_BG = imgui.ImVec4(0.30, 0.07, 0.07, 0.95)
INFO_BG = imgui.ImVec4(0.1, 0.12, 0.16, 0.9)


MARGIN = 8.0  # window units between the bar and the canvas's edges or the legend
MIN_BESIDE_EM = 12  # the narrowest bar beside the legend; a narrower canvas centres it


def bar_span(rect, width: float, font: float) -> tuple[float, float]:
    """(x, width) of a message bar of at most `width` at the canvas's foot: left of the
    legend's band in the bottom-right corner (a message drawn over it could not be
    read, nor the legend), or centred where the canvas is too narrow for both."""
    beside = rect.w - canvas_legend.band_width(rect) - 3 * MARGIN
    if beside >= MIN_BESIDE_EM * font:
        return rect.x + MARGIN, min(width, beside)
    width = min(width, rect.w - 2 * MARGIN)
    return rect.x + max(MARGIN, (rect.w - width) / 2), width


def _place(rect, width: float) -> float:
    """Place the bar above the corner label at the canvas's foot; the width it has."""
    font = imgui.get_font_size()
    x, width = bar_span(rect, width, font)
    y = rect.y + rect.h - 2.0 * font
    imgui.set_next_window_pos(imgui.ImVec2(x, y), imgui.Cond_.always, imgui.ImVec2(0.0, 1.0))
    imgui.set_next_window_size_constraints(imgui.ImVec2(0, 0), imgui.ImVec2(width, 1e4))
    return width


def message_alpha(msg, now: float) -> float:
    """How opaque `msg` is at `now`: 1, then fading to 0 over its last FADE_S seconds."""
    left = SHOWN_S[msg.error] - (now - msg.at)
    return min(1.0, max(0.0, left / FADE_S))


def message_bar(state, rect) -> None:
    msg = state.message
    if msg is None:
        return
    alpha = message_alpha(msg, time.monotonic())
    if alpha <= 0.0:
        state.message = None
        return
    width = _place(rect, 40 * imgui.get_font_size())
    bg = ERROR_BG if msg.error else INFO_BG
    with (
        scopes.style_var(imgui.StyleVar_.alpha, alpha),
        scopes.style_colour(BG, bg),
        scopes.window("##message", BAR) as visible,
    ):
        if not visible:
            return
        with scopes.text_wrap(width - 50):
            if msg.error:
                imgui.text_colored(ERROR_RED, msg.text)
            else:
                imgui.text(msg.text)
        imgui.same_line()
        if imgui.small_button("x"):
            view_actions.dismiss_message(state)


def help_window(state, rect) -> None:
    if not state.show_help:
        return
    imgui.set_next_window_pos(
        imgui.ImVec2(rect.x + rect.w / 2, rect.y + rect.h / 2),
        imgui.Cond_.always,
        imgui.ImVec2(0.5, 0.5),
    )
    flags = (
        imgui.WindowFlags_.always_auto_resize
        | imgui.WindowFlags_.no_collapse
        | imgui.WindowFlags_.no_saved_settings
    )
    with scopes.closable_window("Keys and mouse (? closes)", flags) as (visible, keep):
        if visible:
            _key_map()
    if not keep:
        view_actions.toggle_help(state)


def _key_map() -> None:
    for label, _keys, _fn, about in KEYMAP:
        imgui.text(f"{label:<8}")
        imgui.same_line(8 * imgui.get_font_size())
        imgui.text_colored(DIM, about)
    imgui.separator()
    for label, about in MOUSE_HELP:
        imgui.text(label)
        imgui.same_line(8 * imgui.get_font_size())
        imgui.text_colored(DIM, about)
