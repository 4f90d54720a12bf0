"""Files panel: built-in presets, load/save presets (TOML) and networks (.npz),
screenshots and recording. Paths are typed into fields (files can also be
dropped onto the window); a failed load shows its message and changes nothing."""

from imgui_bundle import imgui

from ..presets import builtin_presets
from . import actions
from .widgets import DIM, help_marker


def draw(state, session) -> None:
    imgui.separator_text("Built-in presets")
    presets = builtin_presets()
    for name in presets:
        if imgui.selectable(name, state.source == name)[0]:
            actions.load_preset(state, session, name)
        about = presets[name] if isinstance(presets, dict) else ""
        if about:
            imgui.set_item_tooltip(str(about))
    _file_rows(state, session, "preset", "Preset file (.toml)", actions.load_preset,
               actions.save_preset, "The network, target, training and view settings.")
    _file_rows(state, session, "network", "Network file (.npz)", actions.load_network,
               actions.save_network, "Architecture and current weights (DESIGN.md's .npz format).")
    imgui.separator_text("Pictures and video")
    if imgui.button("screenshot (P)"):
        actions.screenshot(state, session)
    imgui.same_line()
    if imgui.button("stop recording (V)" if state.recording else "record (V)"):
        actions.toggle_record(state, session)
    imgui.text_colored(DIM, f"from: {state.source}")


def _file_rows(state, session, what: str, title: str, load, save, about: str) -> None:
    """A path field (state.<what>_path) with load and save buttons."""
    attr = f"{what}_path"
    imgui.separator_text(title)
    imgui.set_next_item_width(-1)
    changed, text = imgui.input_text(f"##{what}", getattr(state, attr))
    if changed:
        setattr(state, attr, text)
    if imgui.button(f"load {what}"):
        load(state, session, getattr(state, attr))
    imgui.same_line()
    if imgui.button(f"save {what}"):
        save(state, session, getattr(state, attr))
    help_marker(about)
