"""The transport bar under the canvas, always on screen with the panels, as in
TensorFlow Playground: play / pause, one step, reset, the speed (steps per
frame on a log scale up to "max", free-running), the step and epoch count,
train and test loss, accuracy for classifiers, and the badges of lasting
states (diverged, recording) with what can be done about them."""

from imgui_bundle import imgui

from . import scopes, training_actions, view_actions
from .widgets import DIM, ERROR_RED, STRIP_FLAGS

HEIGHT_EM = 3.9  # two rows, in font heights
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 0)  # 0: max
DIVERGED_BG = imgui.ImVec4(0.55, 0.10, 0.10, 1.0)
SPINNER = "|/-\\"


def height() -> float:
    return float(round(HEIGHT_EM * imgui.get_font_size()))


def speed_index(pace: int) -> int:
    """The SPEEDS entry nearest `pace` (0: the last, max)."""
    if not pace:
        return len(SPEEDS) - 1
    return min(range(len(SPEEDS) - 1), key=lambda i: abs(SPEEDS[i] - pace) / SPEEDS[i])


def speed_label(pace: int) -> str:
    return "max speed" if not pace else f"{pace:,} step{'s' if pace > 1 else ''}/frame"


def numbers(state, session) -> str:
    """Step, epoch, losses and accuracy of the snapshot on screen."""
    snap = session.snapshot
    step = snap.step if snap is not None else 0
    n_train = max(1, len(session.dataset.x_train))
    epoch = step * state.preset.train.batch_size / n_train
    parts = [f"step {step:,}", f"epoch {epoch:,.1f}"]
    if snap is not None:
        parts.append(f"loss {_loss(snap.train_loss)} / {_loss(snap.test_loss)}")
    accuracy = session.run.progress.accuracy
    if session.dataset.n_classes and len(accuracy):
        parts.append(f"accuracy {accuracy.last(1):.1%}")
    return "   ".join(parts)


def _loss(v: float) -> str:
    return "-" if v != v else f"{v:.3g}"


def draw(state, session, x: float, y: float, w: float) -> None:
    imgui.set_next_window_pos(imgui.ImVec2(x, y))
    imgui.set_next_window_size(imgui.ImVec2(w, height()))
    with scopes.window("##transport", STRIP_FLAGS) as visible:
        if visible:
            if session.trainer is None:
                imgui.text_colored(DIM, "Target 'none': nothing to train (Training tab: a target).")
            else:
                _controls(state, session)
                _readout(state, session)


def _controls(state, session) -> None:
    font = imgui.get_font_size()
    if imgui.button("pause" if session.playing else "play", imgui.ImVec2(4 * font, 0)):
        training_actions.toggle_play(state, session)
    imgui.set_item_tooltip("Space")
    imgui.same_line()
    if imgui.button("step"):
        training_actions.step(state, session, 1)
    imgui.set_item_tooltip("one training step (Right arrow; pauses)")
    imgui.same_line()
    if imgui.button("reset"):
        training_actions.reset_weights(state, session)
    imgui.set_item_tooltip("R: same seed, fresh weights and optimiser")
    imgui.same_line()
    pace = state.preset.train.pace
    imgui.set_next_item_width(9 * font)
    changed, index = imgui.slider_int("##speed", speed_index(pace), 0, len(SPEEDS) - 1, "")
    if changed:
        training_actions.set_pace(state, session, SPEEDS[index])
    imgui.set_item_tooltip("training speed: steps per frame, log scale; right end: max")
    imgui.same_line()
    if imgui.button(speed_label(pace) + "###fastest"):
        training_actions.toggle_fastest(state, session)
    imgui.set_item_tooltip(
        "click: as fast as the trainer goes, and back\n(M; the preset's train.pace is its own)"
    )
    _badges(state, session)


def _readout(state, session) -> None:
    waited = session.preparing()
    if waited:  # a spinner and the seconds: the trainer is loading or compiling its kernels
        spin = SPINNER[int(waited * 4) % len(SPINNER)]
        imgui.text_colored(DIM, f"{spin} preparing the trainer, {waited:.0f} s")
        imgui.set_item_tooltip(
            "numba loads the training kernels (a second), or compiles them once\n"
            "after an install (setup.sh does it ahead); pan, zoom and edit meanwhile"
        )
        return
    imgui.text(numbers(state, session))
    imgui.set_item_tooltip(
        "the shown weights' step; epochs: samples seen / training set size;\n"
        "loss: train / test (the held-out split); accuracy on the test split"
    )


def _badges(state, session) -> None:
    """Lasting states as small buttons after the controls, never over the picture."""
    if state.recording:
        imgui.same_line()
        with scopes.style_colour(imgui.Col_.text, ERROR_RED):
            if imgui.small_button("REC"):
                view_actions.toggle_record(state, session)
        imgui.set_item_tooltip(f"recording {state.recording}; click or V stops")
    if state.diverged_at is None:
        return
    imgui.same_line()
    with scopes.style_colour(imgui.Col_.button, DIVERGED_BG):
        if imgui.small_button(f"diverged at {state.diverged_at:,}"):
            imgui.open_popup("diverged")
    imgui.set_item_tooltip("training paused itself; click for what to do")
    with scopes.popup("diverged") as shown:
        if shown:
            _divergence(state, session)


def _divergence(state, session) -> None:
    why = session.divergence.reason if session.divergence else "a non-finite value"
    imgui.text(f"Training diverged at step {state.diverged_at:,} ({why}).")
    imgui.text_colored(
        DIM, "Roll back to the last finite weights (lower the learning rate\nfirst), or reset."
    )
    if imgui.button("roll back"):
        training_actions.rollback(state, session)
        imgui.close_current_popup()
    imgui.same_line()
    if imgui.button("reset weights"):
        training_actions.reset_weights(state, session)
        imgui.close_current_popup()
    imgui.same_line()
    if imgui.button("lr / 10 and roll back"):
        training_actions.set_train(state, session, lr=state.preset.train.lr / 10)
        training_actions.rollback(state, session)
        imgui.close_current_popup()
