"""Actions on what the canvas shows and on the window's furniture: the view
(mode, colormap, neurons, domain, zoom, pan), the probe, overlays, panels,
screenshots and recording requests. They change `AppState` only (the session
is consulted to check a view).
"""

import time
from dataclasses import replace

import numpy as np

from ..checks import has_suffix
from ..config import ViewConfig
from ..errors import ShaderplayError, bad_value
from ..modes import Mode, parse_mode
from ..preset_schema import set_fields
from ..view import View
from . import render_args
from .action import action

MIN_SCALE, MAX_SCALE = 1e-5, 1e5  # zoom limits (View.scale)


@action
def set_view(state, session=None, **changes) -> None:
    """Change [view] fields: mode, colormap, layer, neuron, show_points, domain, each
    checked by its field's rule. A mode may carry its arguments ("neuron:1:3"), as in a
    preset. A new domain also moves the canvas there (it becomes "home")."""
    changed = set_fields(state.preset, {f"view.{key}": value for key, value in changes.items()})
    preset, extra = render_args.split_mode(changed)
    mode_args = {**state.mode_args, **extra}
    if "domain" in changes:
        View.from_domain(*preset.view.domain)  # refuses coordinates float32 cannot show
    if session is not None:
        check_view(session, preset.view, mode_args)
    state.preset, state.mode_args = preset, mode_args
    if "domain" in changes:
        state.view = state.home


def shown_mode(view, mode_args: dict) -> tuple[Mode, tuple[int, ...]]:
    """The mode row and the arguments the canvas draws `view` with."""
    return parse_mode(render_args.mode_string(view.mode, view.layer, view.neuron, mode_args))


def check_view(session, view, mode_args: dict) -> None:
    """Refuse a view the session's network cannot show (see `check_shown`)."""
    check_shown(session.net.spec, session.dataset, view, mode_args)


def check_shown(spec, dataset, view, mode_args: dict) -> None:
    """Refuse a view a network of `spec` on `dataset` cannot show: arguments of the mode
    that the network lacks (its row's check), a target mode without a target field."""
    mode, args = shown_mode(view, mode_args)
    mode.check(args, spec)
    if mode.needs_target and dataset.field is None:
        raise bad_value(
            "view.mode",
            view.mode,
            f"a mode without the target's field: target "
            f"{dataset.name!r} has points only (show them with 'data points')",
        )


def follow_network(view, mode_args: dict, spec) -> tuple[ViewConfig, dict]:
    """`view` and the window's mode arguments moved onto a network of `spec` that
    replaced the one they were set on: each argument of the shown mode the network
    lacks becomes the nearest its row allows (a narrowed layer's last unit, a layer
    that is left), and the [view] layer and neuron stay inside the network."""
    mode, args = shown_mode(view, mode_args)
    named = mode.named(args)
    for arg in mode.args:  # in order: a unit's layer is settled first
        if arg.allowed(named[arg.name], named, spec) is None:
            continue
        fits = [
            v
            for v in range(max(spec.sizes) + 1)
            if arg.allowed(v, {**named, arg.name: v}, spec) is None
        ]
        if not fits:
            break  # nothing like it in this network: the view's check says so
        named[arg.name] = min(fits, key=lambda v, was=named[arg.name]: abs(v - was))
    view = replace(view, **{k: named.pop(k) for k in render_args.VIEW_FIELDS if k in named})
    layer = min(view.layer, spec.depth - 1)
    view = replace(view, layer=layer, neuron=min(view.neuron, spec.sizes[layer + 1] - 1))
    return view, {**mode_args, **named}


@action
def zoom(state, session=None, factor: float = 1.25, pixel=None, center=None) -> None:
    """Zoom by `factor` (> 1 zooms in) about a canvas `pixel` (x, y from the top-left,
    window units) or a domain point `center`; default the canvas centre."""
    size = state.canvas_size
    if center is not None:
        pixel = state.view.domain_to_pixel(np.asarray(center, np.float64), size)
    if pixel is None:
        pixel = (size[0] / 2, size[1] / 2)
    view = state.view.zoom_about(pixel, factor, size)
    if not MIN_SCALE <= view.scale <= MAX_SCALE:
        raise ShaderplayError(
            f"zoom: limit reached (half the shown height must stay within "
            f"{MIN_SCALE:g}..{MAX_SCALE:g}; float32 runs out of digits beyond)."
        )
    state.view = view


@action
def pan(state, session=None, dpixels=(0.0, 0.0)) -> None:
    """Move the picture by `dpixels` (x right, y down, window units), as a drag does."""
    state.view = state.view.pan(dpixels, state.canvas_size)


@action
def reset_view(state, session=None) -> None:
    state.view = state.home


@action
def set_probe(state, session=None, point=None) -> None:
    state.probe = None if point is None else (float(point[0]), float(point[1]))


@action
def set_mode_arg(state, session=None, name: str = "", value: int = 0) -> None:
    """An integer argument of the view mode other than layer and neuron (e.g. the
    two neurons a representation view uses as axes)."""
    if int(value) < 0:
        raise bad_value(f"view mode {name}", value, "an integer >= 0")
    state.mode_args = {**state.mode_args, name: int(value)}


RENDER_FLAGS = ("pre", "discrete", "no_legend")


@action
def set_render_flag(state, session=None, name: str = "", on: bool = True) -> None:
    """pre: neuron fields before their activation; discrete: hard class colours;
    no_legend: the canvas without its legend."""
    if name not in RENDER_FLAGS:
        raise bad_value("render flag", name, "one of " + ", ".join(RENDER_FLAGS))
    state.render_opts = {**state.render_opts, name: bool(on)}


@action
def toggle_boundary(state, session, layer: int) -> None:
    on = set(state.boundaries) ^ {int(layer)}
    state.boundaries = tuple(sorted(on))


# --- window furniture ---------------------------------------------------------------
@action
def set_log_loss(state, session=None, on: bool = True) -> None:
    state.log_loss = bool(on)


@action
def set_adaptive(state, session=None, on: bool = True) -> None:
    """Fast preview: a reduced-resolution canvas while the view moves or the weights
    change, full resolution once it holds still."""
    state.adaptive = bool(on)


@action
def show_tab(state, session=None, name: str = "Network") -> None:
    """Bring a controls tab (Network, Training, View, Files) to the front."""
    state.tab = name


@action
def toggle_ui(state, session=None) -> None:
    state.show_ui = not state.show_ui


@action
def toggle_help(state, session=None) -> None:
    state.show_help = not state.show_help


@action
def toggle_fullscreen(state, session=None) -> None:
    state.fullscreen = not state.fullscreen


@action
def quit(state, session=None) -> None:
    state.quit = True


@action
def dismiss_message(state, session=None) -> None:
    state.message = None


@action
def screenshot(state, session=None, path: str | None = None) -> None:
    """Ask the window for a PNG of the canvas (taken from an offscreen framebuffer)."""
    if path is not None and not has_suffix(path, ".png"):
        raise bad_value("screenshot path", path, "a path ending in .png")
    stamp = time.strftime("shaderplay-%Y%m%d-%H%M%S")
    state.screenshots.append(path or f"{stamp}-{state.frame}.png")


@action
def toggle_record(state, session=None, path: str | None = None) -> None:
    """Start or stop recording; the window opens and closes the recorder."""
    stamp = time.strftime("shaderplay-%Y%m%d-%H%M%S")
    state.recording = "" if state.recording else (path or f"{stamp}.mp4")
