"""The timeline strip under the canvas: a slider over the run's weight
snapshots, like a video player's. Dragging it shows that snapshot everywhere
(canvas, diagram, probe, plots marker) and pauses training; "live" goes back
to the newest weights, "resume from here" trains on from the one shown,
"replay" plays the snapshots one per frame. [ and ] step through them."""

from imgui_bundle import imgui

from . import run_actions, scopes
from .widgets import DIM, STRIP_FLAGS

HEIGHT_EM = 2.3  # strip height in font heights


def shown(state, session) -> bool:
    """The strip shows with the panels, for a session that trains or holds a run."""
    return state.show_ui and (session.trainer is not None or len(session.run.timeline) > 1)


def height() -> float:
    return float(round(HEIGHT_EM * imgui.get_font_size()))  # whole units, as canvas sizes


def slider_label(timeline, index: int) -> str:
    """What the slider shows: the snapshot's step and its place among them."""
    n = len(timeline)
    return f"step {timeline.steps[index]:,}   ({index + 1} of {n})" if n else "no snapshots"


def draw(state, session, x: float, y: float, w: float) -> None:
    """The strip at (x, y), `w` wide, in window units."""
    imgui.set_next_window_pos(imgui.ImVec2(x, y))
    imgui.set_next_window_size(imgui.ImVec2(w, height()))
    imgui.set_next_window_bg_alpha(0.85)
    with scopes.window("##timeline", STRIP_FLAGS) as visible:
        if visible:
            _strip(state, session)


def _strip(state, session) -> None:
    timeline = session.run.timeline
    n = len(timeline)
    scrubbing = timeline.scrubbing
    font = imgui.get_font_size()
    if n > 1:
        if imgui.button("stop" if state.replaying else "replay"):
            run_actions.toggle_replay(state, session)
        imgui.set_item_tooltip("play the snapshots one per frame, like a video\n(V records it)")
        imgui.same_line()
    if scrubbing:
        if imgui.button("live"):
            run_actions.go_live(state, session)
        imgui.set_item_tooltip("back to the newest weights")
        imgui.same_line()
        if imgui.button("resume from here"):
            run_actions.resume_from_here(state, session)
        imgui.set_item_tooltip(
            "train on from this snapshot: later snapshots are dropped,\n"
            "the learning-rate schedule carries on from its step,\n"
            "the optimiser's moments start afresh"
        )
    else:
        imgui.align_text_to_frame_padding()
        imgui.text_colored(DIM, "timeline")
        imgui.set_item_tooltip(
            f"a snapshot every {timeline.every:,} steps; drag the slider "
            "to look back (training pauses); [ and ] step"
        )
    imgui.same_line()
    index = timeline.index if scrubbing else n - 1
    imgui.set_next_item_width(max(4 * font, imgui.get_content_region_avail().x - 9 * font))
    if n > 1:
        changed, new = imgui.slider_int(
            "##snapshot", index, 0, n - 1, slider_label(timeline, index)
        )
        if changed:
            run_actions.scrub(state, session, new)
    else:
        imgui.text_colored(DIM, "snapshots appear here as training runs")
    imgui.same_line()
    imgui.align_text_to_frame_padding()
    source = timeline.source.rsplit("/", 1)[-1] if timeline.source else ""
    imgui.text_colored(DIM, source or (f"{n} kept" if n else ""))
    if source:
        imgui.set_item_tooltip(f"run file {timeline.source}")
