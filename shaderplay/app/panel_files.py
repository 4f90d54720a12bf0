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
    imgui.separator_text("Preset file (.toml)")
    _path_row(state, "##preset", "preset_path")
    if imgui.button("load preset"):
        actions.load_preset(state, session, state.preset_path)
    imgui.same_line()
    if imgui.button("save preset"):
        actions.save_preset(state, session, state.preset_path)
    help_marker("A preset holds the network, target, training and view settings.")
    imgui.separator_text("Network file (.npz)")
    _path_row(state, "##network", "network_path")
    if imgui.button("load network"):
        actions.load_network(state, session, state.network_path)
    imgui.same_line()
    if imgui.button("save network"):
        actions.save_network(state, session, state.network_path)
    help_marker("Architecture and current weights (the .npz format of DESIGN.md).")
    imgui.separator_text("Pictures and video")
    if imgui.button("screenshot (P)"):
        actions.screenshot(state, session)
    imgui.same_line()
    if imgui.button("stop recording (V)" if state.recording else "record (V)"):
        actions.toggle_record(state, session)
    imgui.text_colored(DIM, f"from: {state.source}")


def _path_row(state, label: str, attr: str) -> None:
    imgui.set_next_item_width(-1)
    changed, text = imgui.input_text(label, getattr(state, attr))
    if changed:
        setattr(state, attr, text)
