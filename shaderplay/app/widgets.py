"""Small imgui helpers shared by the panels, in the `changed, value = widget(...)` idiom."""

from imgui_bundle import imgui

from . import scopes

ERROR_RED = imgui.ImVec4(1.0, 0.42, 0.38, 1.0)
DIM = imgui.ImVec4(0.62, 0.65, 0.70, 1.0)
OK_GREEN = imgui.ImVec4(0.45, 0.85, 0.5, 1.0)
# A fixed strip of the window (transport, timeline): no title, no moving, never on top.
STRIP_FLAGS = (
    imgui.WindowFlags_.no_decoration
    | imgui.WindowFlags_.no_move
    | imgui.WindowFlags_.no_saved_settings
    | imgui.WindowFlags_.no_bring_to_front_on_focus
    | imgui.WindowFlags_.no_scroll_with_mouse
)


def combo(label: str, value, options, flags: int = 0) -> tuple[bool, object]:
    """A combo over `options` (any values shown with str); keeps an unknown value shown.
    `flags`: imgui ComboFlags (no_arrow_button where a table cell is narrow)."""
    options = list(options)
    names = [str(o) for o in options]
    if value not in options:
        options.append(value)
        names.append(f"{value} (?)")
    index = options.index(value)
    with scopes.combo(label, names[index], flags) as opened:
        if opened:
            for i, name in enumerate(names):
                if imgui.selectable(name, i == index)[0]:
                    index = i
    return options[index] != value, options[index]


def on_release(state, label: str, widget, value, *args, **kwargs) -> tuple[bool, object]:
    """Draw `widget(label, shown, *args)` but report a change only when the user lets go.

    While dragging, the value shown lives in `state.edits[label]`; the caller
    applies it (e.g. rebuilds the network) once, on release or Enter.
    """
    shown = state.edits.get(label, value)
    changed, new = widget(label, shown, *args, **kwargs)
    if changed:
        state.edits[label] = new
    if imgui.is_item_deactivated_after_edit():
        final = state.edits.pop(label, new)
        return final != value, final
    if not imgui.is_item_active():
        state.edits.pop(label, None)
    return False, value


def help_marker(text: str) -> None:
    """A dim "(?)" after the previous widget that explains it on hover."""
    imgui.same_line()
    imgui.text_disabled("(?)")
    imgui.set_item_tooltip(text)


def log_slider(
    label: str, value: float, lo: float, hi: float, fmt: str = "%.2e"
) -> tuple[bool, float]:
    return imgui.slider_float(label, value, lo, hi, fmt, imgui.SliderFlags_.logarithmic)
