"""The A/B section of the Training tab (B's settings as rows of a setting and the
value typed for it, add and remove rows, start, restart with the rows as they
are, stop) and, while comparing, both runs' loss curves in one plot and a row
per run: step, steps/s, training time, train and test loss (under the Plots)."""

import math

from imgui_bundle import imgui

from . import compare_actions, plots, scopes
from .compare_settings import KEYS, as_text, dotted, new_row, value_of
from .widgets import DIM, combo, help_marker

RUN_COLUMNS = ("run", "step", "steps/s", "time", "loss", "test")  # time: in the kernel
KEY_SHARE = 0.45  # of a row's width: the setting's combo; the value field takes the rest


def controls(state, session) -> None:
    """A row per setting B changes, "+ setting", Start (Restart while comparing) / Stop."""
    rows = state.compare_rows
    for i, row in enumerate(rows):
        with scopes.item_id(i):
            if _row(state, row, removable=len(rows) > 1):
                del rows[i]
                break
    if imgui.button("+ setting"):
        rows.append(new_row(state.preset, rows))
    imgui.set_item_tooltip("Change one more setting in B.")
    run_b = session.compare
    if imgui.button("Start A/B" if run_b is None else "Restart A/B"):
        changes = [f"{key}={text}" for key, text in rows]
        compare_actions.start_compare(state, session, changes=changes)
    if run_b is not None:
        imgui.same_line()
        if imgui.button("Stop A/B"):
            compare_actions.stop_compare(state, session)
    help_marker(
        "Train a copy of this run (B) with the settings above changed, beside it (A) on the\n"
        "same data from step 0: the canvas shows A left, B right; play, pause and speed\n"
        "drive both. A value is read as in a preset (0.03, adam, relu, [8, 8]).\n"
        "Restart: B takes the rows as they are now; both runs start again from step 0."
    )
    if run_b is not None:
        with scopes.text_wrap():
            imgui.text_colored(DIM, "B runs with " + ", ".join(run_b.parts[1]))


def _row(state, row: list[str], removable: bool) -> bool:
    """One setting's combo and value field (a new setting starts from A's value); whether
    its remove button was pressed."""
    spacing = imgui.get_style().item_spacing.x
    button = imgui.get_frame_height()
    width = imgui.get_content_region_avail().x - button - 2 * spacing
    options = [*KEYS, *([row[0]] if row[0] not in KEYS else [])]
    imgui.set_next_item_width(width * KEY_SHARE)
    changed, key = combo("##ab key", row[0], options)
    if changed:
        row[:] = [key, as_text(value_of(state.preset, dotted(key)))]
    imgui.same_line()
    imgui.set_next_item_width(width * (1 - KEY_SHARE))
    _, row[1] = imgui.input_text("##ab value", row[1])
    if not removable:
        return False
    imgui.same_line()
    pressed = imgui.button("x", imgui.ImVec2(button, button))
    imgui.set_item_tooltip("Remove this setting from B.")
    return pressed


def results(state, session) -> None:
    """Each run's changed settings, both runs' train loss in one plot and a row per run."""
    run_b = session.compare
    imgui.separator_text("A/B")
    with scopes.text_wrap():
        for name, shown, colour in zip("AB", run_b.parts, plots.RUN_COLOURS, strict=True):
            imgui.text_colored(colour, f"{name}: " + ", ".join(shown))
    curves = (("A", session.run.progress.loss), ("B", run_b.progress.loss))
    plots.runs_plot(curves, state.log_loss)
    rows = run_b.rows(session.snapshot, session.steps_per_second)
    flags = imgui.TableFlags_.sizing_stretch_prop | imgui.TableFlags_.borders_inner_h
    with scopes.table("ab runs", len(RUN_COLUMNS), flags) as shown:
        if not shown:
            return
        for name in RUN_COLUMNS:
            imgui.table_setup_column(name)
        imgui.table_headers_row()
        for name, snap, rate, seconds in rows:
            imgui.table_next_row()
            for text in _cells(name, snap, rate, seconds):
                imgui.table_next_column()
                imgui.text(text)
    if run_b.trainer.stopped is not None:
        imgui.text_colored(DIM, f"B stopped: {run_b.trainer.why_stopped()}")


def _cells(name: str, snap, rate: float, seconds: float) -> tuple[str, ...]:
    step = snap.step if snap is not None else 0
    loss = snap.train_loss if snap is not None else math.nan
    test = snap.test_loss if snap is not None else math.nan
    return (
        name,
        f"{step:,}",
        plots.si(rate),
        f"{seconds:.1f} s",
        "-" if loss != loss else f"{loss:.4g}",
        "-" if test != test else f"{test:.4g}",
    )
