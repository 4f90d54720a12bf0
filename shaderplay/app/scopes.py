"""Dear ImGui's begin/end and push/pop pairs as context managers, so a panel
cannot forget an end, not even when its body raises.

Each yields what its begin returned (whether the body shows) and calls the
matching end as imgui wants it: always for windows and child windows, only
when the begin said so for tab bars, tab items, tables, tooltips, tree nodes
and plots; pushes are always popped.

    with scopes.table("layers", 5, flags) as shown:
        if shown:
            ...
"""

from contextlib import contextmanager

from imgui_bundle import imgui, implot


@contextmanager
def window(name: str, flags: int = 0):
    """A window; yields whether its contents show (not collapsed or clipped)."""
    visible, _ = imgui.begin(name, None, flags)
    try:
        yield visible
    finally:
        imgui.end()


@contextmanager
def closable_window(name: str, flags: int = 0):
    """A window with a close button; yields (contents show, still open)."""
    shown = imgui.begin(name, True, flags)
    try:
        yield shown
    finally:
        imgui.end()


@contextmanager
def child(name: str, size, child_flags: int = 0, window_flags: int = 0):
    visible = imgui.begin_child(name, size, child_flags, window_flags)
    try:
        yield visible
    finally:
        imgui.end_child()


@contextmanager
def _conditional(began: bool, end):
    try:
        yield began
    finally:
        if began:
            end()


def tab_bar(name: str):
    return _conditional(imgui.begin_tab_bar(name), imgui.end_tab_bar)


def tab_item(label: str, flags: int = 0):
    return _conditional(imgui.begin_tab_item_simple(label, flags), imgui.end_tab_item)


def table(name: str, columns: int, flags: int = 0):
    return _conditional(imgui.begin_table(name, columns, flags), imgui.end_table)


def tooltip():
    return _conditional(imgui.begin_tooltip(), imgui.end_tooltip)


def combo(label: str, preview: str, flags: int = 0):
    return _conditional(imgui.begin_combo(label, preview, flags), imgui.end_combo)


def popup(name: str):
    return _conditional(imgui.begin_popup(name), imgui.end_popup)


def tree_node(label: str):
    return _conditional(imgui.tree_node(label), imgui.tree_pop)


def plot(name: str, size, flags: int = 0):
    """An ImPlot plot; yields whether it shows (its setup and items go inside)."""
    return _conditional(implot.begin_plot(name, size, flags), implot.end_plot)


@contextmanager
def _pushed(push, pop, *args):
    push(*args)
    try:
        yield
    finally:
        pop()


def item_id(key):
    """Widgets inside get ids under `key` (a loop's index): same labels, no clash."""
    return _pushed(imgui.push_id, imgui.pop_id, key)


def style_colour(which: int, colour):
    return _pushed(imgui.push_style_color, imgui.pop_style_color, which, colour)


def style_var(which: int, value):
    return _pushed(imgui.push_style_var, imgui.pop_style_var, which, value)


def item_width(width: float):
    return _pushed(imgui.push_item_width, imgui.pop_item_width, width)


def text_wrap(at: float = 0.0):
    """Text inside wraps at `at` (0: the window's right edge)."""
    return _pushed(imgui.push_text_wrap_pos, imgui.pop_text_wrap_pos, at)


def colormap(which):
    """ImPlot items inside use colormap `which`."""
    return _pushed(implot.push_colormap, implot.pop_colormap, which)
