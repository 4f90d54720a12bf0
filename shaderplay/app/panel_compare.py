"""The A/B section of the Training tab (pick a setting, type B's value, start or
stop) and, while comparing, both runs' loss curves in one plot and a row per
run: step, steps/s, training time, train and test loss (under the Plots)."""

import math

from imgui_bundle import imgui

from . import compare_actions, plots, scopes
from .compare import KEYS
from .widgets import DIM, combo, help_marker

RUN_COLUMNS = ("run", "step", "steps/s", "time", "loss", "test")  # time: in the kernel


def controls(state, session) -> None:
    """Setting, value, Start / Stop."""
    imgui.set_next_item_width(imgui.get_font_size() * 7)
    changed, key = combo("##ab key", state.compare_key, KEYS)
    if changed:
        state.compare_key = key
    imgui.same_line()
    imgui.set_next_item_width(imgui.get_font_size() * 6)
    _, state.compare_value = imgui.input_text("##ab value", state.compare_value)
    if imgui.button("Start A/B"):
        compare_actions.start_compare_typed(state, session, state.compare_key, state.compare_value)
    if session.compare is not None:
        imgui.same_line()
        if imgui.button("Stop A/B"):
            compare_actions.stop_compare(state, session)
    imgui.same_line()
    help_marker(
        "Train a copy of this run (B) with one setting changed, beside it (A) on the same "
        "data from step 0: the canvas shows A left, B right; play, pause and speed drive "
        "both. The value is read as in a preset (0.03, adam, relu)."
    )


def results(state, session) -> None:
    """Both runs' train loss in one plot and a row per run."""
    run_b = session.compare
    imgui.separator_text("A/B")
    a, b = run_b.labels
    curves = ((a, session.run.progress.loss), (b, run_b.progress.loss))
    plots.runs_plot(curves, state.log_loss)
    rows = (
        (a, session.snapshot, session.steps_per_second, run_b.a_clock.seconds),
        (b, run_b.snapshot, run_b.progress.steps_per_second, run_b.clock.seconds),
    )
    flags = imgui.TableFlags_.sizing_stretch_prop | imgui.TableFlags_.borders_inner_h
    with scopes.table("ab runs", len(RUN_COLUMNS), flags) as shown:
        if not shown:
            return
        for name in RUN_COLUMNS:
            imgui.table_setup_column(name)
        imgui.table_headers_row()
        for label, snap, rate, seconds in rows:
            imgui.table_next_row()
            for text in _cells(label, snap, rate, seconds):
                imgui.table_next_column()
                imgui.text(text)
    if run_b.trainer.stopped is not None:
        imgui.text_colored(DIM, f"B stopped: {run_b.trainer.why_stopped()}")


def _cells(label: str, snap, rate: float, seconds: float) -> tuple[str, ...]:
    step = snap.step if snap is not None else 0
    loss = snap.train_loss if snap is not None else math.nan
    test = snap.test_loss if snap is not None else math.nan
    return (
        label.split(":")[0],
        f"{step:,}",
        plots.si(rate),
        f"{seconds:.1f} s",
        "-" if loss != loss else f"{loss:.4g}",
        "-" if test != test else f"{test:.4g}",
    )
