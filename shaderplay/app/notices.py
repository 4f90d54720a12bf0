"""Small windows over the canvas that tell the user something: the divergence
banner, the message bar and the key map (?)."""

from imgui_bundle import imgui

from . import scopes, training_actions, view_actions
from .keys import KEYMAP, MOUSE_HELP
from .widgets import DIM, ERROR_RED

INFO_FRAMES = 240  # an info message fades after about 4 s at 60 fps
BAR = (
    imgui.WindowFlags_.no_decoration
    | imgui.WindowFlags_.no_move
    | imgui.WindowFlags_.no_saved_settings
    | imgui.WindowFlags_.always_auto_resize
    | imgui.WindowFlags_.no_focus_on_appearing
)
BG = imgui.Col_.window_bg
DIVERGED_BG = imgui.ImVec4(0.45, 0.08, 0.08, 0.95)
ERROR_BG = imgui.ImVec4(0.30, 0.07, 0.07, 0.95)
INFO_BG = imgui.ImVec4(0.1, 0.12, 0.16, 0.9)


def _place(rect, top: bool, width: float) -> None:
    x = rect.x + max(8.0, (rect.w - width) / 2)
    # At the bottom, clear of the corner labels.
    y = rect.y + 8.0 if top else rect.y + rect.h - 2.0 * imgui.get_font_size()
    imgui.set_next_window_pos(
        imgui.ImVec2(x, y), imgui.Cond_.always, imgui.ImVec2(0.0, 0.0 if top else 1.0)
    )
    imgui.set_next_window_size_constraints(
        imgui.ImVec2(0, 0), imgui.ImVec2(min(width, rect.w - 16), 1e4)
    )


def divergence_banner(state, session, rect) -> None:
    if state.diverged_at is None:
        return
    _place(rect, True, 34 * imgui.get_font_size())
    with scopes.style_colour(BG, DIVERGED_BG), scopes.window("##diverged", BAR) as visible:
        if visible:
            _divergence(state, session)


def _divergence(state, session) -> None:
    why = session.divergence.reason if session.divergence else "a non-finite value"
    imgui.text(f"Training diverged at step {state.diverged_at:,} ({why}).")
    imgui.text(
        "Training is paused. Roll back to the last finite weights (lowering the\n"
        "learning rate first is wise), or reset."
    )
    if imgui.button("roll back"):
        training_actions.rollback(state, session)
    imgui.same_line()
    if imgui.button("reset weights"):
        training_actions.reset_weights(state, session)
    imgui.same_line()
    if imgui.button("lr / 10 and roll back"):
        training_actions.set_train(state, session, lr=state.preset.train.lr / 10)
        training_actions.rollback(state, session)


def message_bar(state, rect) -> None:
    msg = state.message
    if msg is None:
        return
    if not msg.error and state.frame - msg.frame > INFO_FRAMES:
        state.message = None
        return
    width = 40 * imgui.get_font_size()
    _place(rect, False, width)
    bg = ERROR_BG if msg.error else INFO_BG
    with scopes.style_colour(BG, bg), scopes.window("##message", BAR) as visible:
        if not visible:
            return
        with scopes.text_wrap(min(width, rect.w - 16) - 50):
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
