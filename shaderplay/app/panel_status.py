"""Status panel: how fast things go and what runs where."""

from imgui_bundle import imgui

from . import scopes
from .widgets import DIM, ERROR_RED


def _si(v: float) -> str:
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(v) >= scale:
            return f"{v / scale:.3g}{unit}"
    return f"{v:.3g}"


def _number(v: float, fmt: str = ".5g") -> str:
    return "-" if v != v else format(v, fmt)  # NaN: not known (yet)


def rows(state, session, info) -> list[tuple[str, str]]:
    """(name, value) pairs; `info` is the window's FrameInfo."""
    snap = session.snapshot
    step = snap.step if snap else 0
    loss = snap.train_loss if snap else float("nan")
    test = snap.test_loss if snap else float("nan")
    return [
        ("fps", f"{info.fps:.1f}"),
        ("steps/s", _si(session.steps_per_second)),
        (
            "us/step",
            f"{snap.us_per_step:.1f}" if snap and snap.us_per_step == snap.us_per_step else "-",
        ),
        ("step", f"{step:,}"),
        ("examples", f"{step * state.preset.train.batch_size:,}"),
        ("train loss", _number(loss)),
        ("test loss", _number(test)),
        ("lr", _number(snap.lr, ".3g") if snap else "-"),
        ("parameters", f"{session.net.param_count:,}"),
        ("weights in", info.storage),
        (
            "canvas",
            f"{info.canvas_px[0]} x {info.canvas_px[1]} px"
            + ("" if info.scale >= 1.0 else f", drawn at {info.scale:.0%}"),
        ),
        ("GPU", info.renderer_name),
    ]


def draw(state, session, info) -> None:
    """The rows two by two (name, value, name, value); the GPU's long name last."""
    *pairs, (gpu_name, gpu) = rows(state, session, info)
    with scopes.table("status", 4, imgui.TableFlags_.sizing_stretch_prop) as shown:
        if shown:
            for k in range(4):  # names as wide as the widest, values share the rest
                flag = imgui.TableColumnFlags_.width_stretch if k % 2 else 0
                imgui.table_setup_column(f"c{k}", flag or imgui.TableColumnFlags_.width_fixed)
            for k, (name, value) in enumerate(pairs):
                if k % 2 == 0:
                    imgui.table_next_row()
                imgui.table_next_column()
                imgui.text_colored(DIM, name)
                imgui.table_next_column()
                imgui.text_wrapped(value)
    for hint in session.health():  # health.py: dead units, stuck outputs
        imgui.text_colored(ERROR_RED, hint.what)
        imgui.text_wrapped(f"{hint.where}: {hint.suggestion}")
    with scopes.text_wrap():
        imgui.text_colored(DIM, f"{gpu_name}: {gpu}")
