"""The key map: one table, read by the keyboard handler and by the help panel.

Keys reach the app only when imgui does not want the keyboard (no text field
being edited), so typing "r" into a path field never resets the weights.
"""

from imgui_bundle import imgui

from . import network_actions, run_actions, training_actions, view_actions

K = imgui.Key
KEYMAP = (
    # label shown in help, keys, action (state, session) -> None, what it does
    ("Space", (K.space,), training_actions.toggle_play, "play / pause training"),
    ("Right", (K.right_arrow,), training_actions.step, "one training step (pauses)"),
    ("R", (K.r,), training_actions.reset_weights, "reset the weights (same seed)"),
    ("M", (K.m,), training_actions.toggle_fastest, "max speed / back to the watching pace"),
    ("N", (K.n,), network_actions.new_seed, "new seed: new random weights"),
    ("[", (K.left_bracket,), run_actions.previous_snapshot, "timeline: previous snapshot"),
    ("]", (K.right_bracket,), run_actions.next_snapshot, "timeline: next snapshot"),
    ("Home", (K.home,), view_actions.reset_view, "reset the view (also: double-click)"),
    ("H", (K.h,), view_actions.toggle_ui, "hide / show the panels"),
    ("?", (K.slash, K.f1), view_actions.toggle_help, "this key map (also F1)"),
    ("F", (K.f,), view_actions.toggle_fullscreen, "fullscreen"),
    ("P, F12", (K.p, K.f12), view_actions.screenshot, "screenshot of the canvas (PNG)"),
    ("V", (K.v,), view_actions.toggle_record, "start / stop recording a video"),
    ("Esc", (K.escape,), view_actions.quit, "quit"),
)
MOUSE_HELP = (
    ("Wheel", "zoom about the cursor"),
    ("Drag", "pan"),
    ("Double-click", "reset the view"),
    ("Click", "probe: every neuron's activation at that point"),
)


def handle_keys(state, session) -> None:
    """Run the action of each key pressed this frame (no auto-repeat except stepping)."""
    if imgui.get_io().want_capture_keyboard:
        return
    for _label, keys, action, _about in KEYMAP:
        # Holding Right keeps stepping, holding [ or ] keeps scrubbing.
        repeat = action in (
            training_actions.step,
            run_actions.previous_snapshot,
            run_actions.next_snapshot,
        )
        if any(imgui.is_key_pressed(k, repeat) for k in keys):
            action(state, session)
