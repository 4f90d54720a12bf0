"""Training panel: the target and every [train] setting, with a plot of the
learning-rate schedule (play, step and speed are the transport bar's). Target
changes rebuild the data set; training settings go to the running trainer."""

from imgui_bundle import imgui

from .. import optimizers, schedules
from ..config import LOSSES, MAX_BATCH
from ..targets import builtin_targets
from . import file_actions, panel_compare, plots, scopes, training_actions
from .widgets import DIM, combo, help_marker, log_slider, on_release

FILE_TARGETS = ("image", "csv")


def draw(state, session) -> None:
    if session.trainer is None:
        imgui.text_colored(
            DIM,
            "Target 'none': a random network, nothing to train.\nPick a target below to train it.",
        )
    imgui.separator_text("Target")
    _target(state, session)
    imgui.separator_text("Optimiser")
    _optimiser(state, session)
    imgui.separator_text("Learning rate")
    _schedule(state, session)
    imgui.separator_text("Batches and penalties")
    _batches(state, session)
    imgui.separator_text("Recording")
    _recording_pace(state, session)
    if session.trainer is not None:
        imgui.separator_text("A/B run")
        panel_compare.controls(state, session)


def _recording_pace(state, session) -> None:
    cfg = state.preset.train
    changed, spf = imgui.input_int("steps/frame", cfg.steps_per_frame, 1, 10)
    if changed:
        training_actions.set_train(state, session, steps_per_frame=max(0, spf))
    help_marker(
        "Recordings (V, and the record command): exactly n training steps per frame.\n"
        "0: what the trainer managed per frame when recording began.\n"
        "The speed you watch at is the bar under the canvas (train.pace)."
    )


def _target(state, session) -> None:
    cfg = state.preset.target
    names = [*builtin_targets(), *FILE_TARGETS]
    changed, name = combo("target", cfg.name, names)
    if changed and name not in FILE_TARGETS:
        training_actions.set_target(state, session, name=name, path="")
    imgui.set_item_tooltip(builtin_targets().get(cfg.name, "a file: " + cfg.path))
    changed, path = imgui.input_text("file", state.image_path)
    if changed:
        state.image_path = path
    imgui.same_line()
    if imgui.button("use"):
        file_actions.drop_files(state, session, [state.image_path])
    imgui.set_item_tooltip(
        "Use this image (.png/.jpg) or .csv as the target.\n"
        "Dropping a file onto the window does the same."
    )
    if state.dialogs:
        imgui.same_line()
        if imgui.button("open..."):
            file_actions.file_dialog(state, session, "load_image")
    data = session.dataset
    with scopes.text_wrap():
        imgui.text_colored(
            DIM,
            f"{data.kind}, {len(data.x_train):,} train / "
            f"{len(data.x_test):,} test, "
            f"{data.n_out} output{'s' if data.n_out > 1 else ''}",
        )
    changed, n = on_release(
        state,
        "points",
        imgui.slider_int,
        cfg.n_points,
        16,
        65536,
        "%d",
        imgui.SliderFlags_.logarithmic,
    )
    if changed:
        training_actions.set_target(state, session, n_points=n)
    changed, noise = on_release(state, "noise", imgui.slider_float, cfg.noise, 0.0, 0.5, "%.2f")
    if changed:
        training_actions.set_target(state, session, noise=noise)
    changed, frac = on_release(
        state, "test split", imgui.slider_float, cfg.test_fraction, 0.0, 0.9, "%.2f"
    )
    if changed:
        training_actions.set_target(state, session, test_fraction=frac)
    imgui.set_item_tooltip("fraction of the samples held out as the test split")
    if cfg.name == "image" or (data.kind == "regression" and data.n_out == 3):
        changed, color = imgui.checkbox("colour", cfg.color)
        if changed:
            training_actions.set_target(state, session, color=color)


def _optimiser(state, session) -> None:
    cfg = state.preset.train
    changed, loss = combo("loss", cfg.loss, LOSSES)
    if changed:
        training_actions.set_train(state, session, loss=loss)
    changed, opt = combo("optimiser", cfg.optimizer, optimizers.NAMES)
    if changed:
        training_actions.set_train(state, session, optimizer=opt)
    row = optimizers.get(cfg.optimizer)
    imgui.set_item_tooltip(row.about)
    for name in row.fields:
        _number(state, session, name)


def _schedule(state, session) -> None:
    cfg = state.preset.train
    changed, lr = log_slider("lr", cfg.lr, 1e-5, 1.0)
    if changed:
        training_actions.set_train(state, session, lr=lr)
    changed, sched = combo("schedule", cfg.schedule, schedules.NAMES)
    if changed:
        training_actions.set_train(state, session, schedule=sched)
    row = schedules.get(cfg.schedule)
    imgui.set_item_tooltip(row.about)
    for name in ("warmup_steps", *row.fields):
        _number(state, session, name)
    plots.schedule_plot(cfg, session.step_count)


def _batches(state, session) -> None:
    cfg = state.preset.train
    changed, bs = imgui.slider_int(
        "batch size", cfg.batch_size, 1, MAX_BATCH, "%d", imgui.SliderFlags_.logarithmic
    )
    if changed:
        training_actions.set_train(state, session, batch_size=bs)
    for name in ("l1", "l2", "weight_decay", "clip_norm"):
        _number(state, session, name)
    help_marker(
        "l1, l2: penalties on the weight matrices; weight_decay: the optimiser's own\n"
        "(decoupled for adamw); clip_norm: global gradient-norm clip, 0 = off."
    )


# Field -> (widget kind, low, high); logarithmic sliders for rates, 0 allowed as "off". A
# field not listed gets a plain number box.
RANGES = {
    "momentum": ("f", 0.0, 0.999),
    "alpha": ("f", 0.0, 0.999),
    "beta1": ("f", 0.0, 0.999),
    "beta2": ("f", 0.9, 0.99999),
    "eps": ("log", 1e-10, 1e-2),
    "gamma": ("f", 0.01, 1.0),
    "lr_min": ("log", 0.0, 1e-1),
    "l1": ("log", 0.0, 1e-1),
    "l2": ("log", 0.0, 1e-1),
    "weight_decay": ("log", 0.0, 1e-1),
    "clip_norm": ("f", 0.0, 10.0),
    "warmup_steps": ("i", 0, 10000),
    "step_size": ("i", 1, 100000),
    "cosine_steps": ("i", 1, 1000000),
    "restart_period": ("i", 1, 100000),
    "restart_mult": ("i", 1, 4),
}


def _number(state, session, name: str) -> None:
    value = getattr(state.preset.train, name)
    kind, lo, hi = RANGES.get(name, ("box", 0, 0))
    if kind == "box" and isinstance(value, int):
        changed, v = imgui.input_int(name, value)
    elif kind == "box":
        changed, v = imgui.input_float(name, value, format="%.6g")
    elif kind == "i":
        changed, v = imgui.slider_int(
            name, int(value), lo, hi, "%d", imgui.SliderFlags_.logarithmic
        )
    elif kind == "log":
        changed, v = imgui.slider_float(
            name, float(value), lo, hi, "%.2e", imgui.SliderFlags_.logarithmic
        )
    else:
        changed, v = imgui.slider_float(name, float(value), lo, hi, "%.4g")
    if changed:
        training_actions.set_train(state, session, **{name: v})
