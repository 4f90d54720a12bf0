"""Files panel: built-in presets, load/save presets (TOML), networks (.npz) and
runs (the timeline's snapshots, .npz), screenshots and recording.

Each kind of file has a typed path field with load and save buttons, and,
where the system has native file dialogs, "open..." and "save as..." buttons
that show one (dialogs.py: never blocking the frame). Files can also be
dropped onto the window. A failed load shows its message and changes nothing.
"""

from imgui_bundle import imgui

from ..presets import builtin_presets
from . import file_actions, run_actions, scopes, view_actions
from .widgets import DIM, help_marker


def draw(state, session) -> None:
    imgui.separator_text("Built-in presets")
    presets = builtin_presets()
    for name in presets:
        if imgui.selectable(name, state.source == name)[0]:
            file_actions.load_preset(state, session, name)
        about = presets[name] if isinstance(presets, dict) else ""
        if about:
            imgui.set_item_tooltip(str(about))
    _file_rows(
        state,
        session,
        "preset",
        "Preset file (.toml)",
        file_actions.load_preset,
        file_actions.save_preset,
        "The network, target, training and view settings.",
    )
    _file_rows(
        state,
        session,
        "network",
        "Network file (.npz)",
        file_actions.load_network,
        file_actions.save_network,
        "Architecture and the weights shown (DESIGN.md's .npz format).",
    )
    _file_rows(
        state,
        session,
        "run",
        "Run file (.npz)",
        file_actions.load_run,
        file_actions.save_run,
        "The timeline's weight snapshots: load one to scrub through it, or\n"
        "re-render it with `shaderplay record --animation playback --run FILE`.",
    )
    _snapshot_interval(state, session)
    imgui.separator_text("Pictures and video")
    if imgui.button("screenshot (P)"):
        view_actions.screenshot(state, session)
    imgui.same_line()
    if imgui.button("stop recording (V)" if state.recording else "record (V)"):
        view_actions.toggle_record(state, session)
    imgui.text_colored(DIM, f"from: {state.source}")
    if not state.dialogs:
        with scopes.text_wrap():
            imgui.text_colored(
                DIM,
                "No file dialogs here (zenity or kdialog would give them): "
                "type paths, or drop files onto the window.",
            )


def _file_rows(state, session, what: str, title: str, load, save, about: str) -> None:
    """A path field (state.<what>_path) with load and save buttons, and dialogs."""
    attr = f"{what}_path"
    imgui.separator_text(title)
    imgui.set_next_item_width(-1)
    changed, text = imgui.input_text(f"##{what}", getattr(state, attr))
    if changed:
        setattr(state, attr, text)
    if imgui.button(f"load##{what}"):
        load(state, session, getattr(state, attr))
    imgui.set_item_tooltip(f"load the {what} from the path above")
    imgui.same_line()
    if imgui.button(f"save##{what}"):
        save(state, session, getattr(state, attr))
    imgui.set_item_tooltip(f"save the {what} to the path above")
    if state.dialogs:
        imgui.same_line()
        if imgui.button(f"open...##{what}"):
            file_actions.file_dialog(state, session, f"load_{what}")
        imgui.same_line()
        if imgui.button(f"save as...##{what}"):
            file_actions.file_dialog(state, session, f"save_{what}")
    help_marker(about)


def _snapshot_interval(state, session) -> None:
    timeline = session.run.timeline
    imgui.set_next_item_width(6 * imgui.get_font_size())
    changed, every = imgui.input_int(
        "steps between snapshots",
        session.run.every,
        10,
        100,
        imgui.InputTextFlags_.enter_returns_true,
    )
    if changed and every != session.run.every:
        run_actions.set_snapshot_every(state, session, max(1, every))
    with scopes.text_wrap():
        imgui.text_colored(
            DIM, f"timeline: {len(timeline)} snapshots, now one every {timeline.every:,} steps"
        )
    imgui.set_item_tooltip(
        "a long run keeps at most a fixed number: past it every other\n"
        "snapshot is dropped and the interval doubles"
    )
