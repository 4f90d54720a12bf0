"""Actions on what the canvas shows and on the window's furniture: the view
(mode, colormap, neurons, domain, zoom, pan), the probe, overlays, panels,
screenshots and recording requests. They change `AppState` only (the session
is consulted to check a view).
"""

import time
from dataclasses import replace

import numpy as np

from ..colormaps import NAMES as COLORMAPS
from ..config import ViewConfig
from ..errors import ShaderplayError, bad_value, choose
from ..modes import MODES
from ..view import View
from .action import action, known

MIN_SCALE, MAX_SCALE = 1e-5, 1e5  # zoom limits (View.scale)


@action
def set_view(state, session=None, **changes) -> None:
    """Change [view] fields: mode, colormap, layer, neuron, show_points, domain.
    A new domain also moves the canvas there (it becomes "home")."""
    view = replace(state.preset.view, **known(ViewConfig, changes))
    if "domain" in changes:
        View.from_domain(*view.domain)  # refuses a bad domain with a clear message
        view = replace(view, domain=tuple(float(v) for v in view.domain))
    if session is not None:
        check_view(session, view)
    state.preset = replace(state.preset, view=view)
    if "domain" in changes:
        state.view = state.home


def check_view(session, view) -> None:
    """Refuse a view the renderer or the session's network cannot show (an unknown
    mode or colormap, a neuron that does not exist, a target mode without a field)."""
    mode = MODES[choose("view.mode", view.mode, MODES)]
    choose("view.colormap", view.colormap, COLORMAPS)
    if mode.needs_target and session.dataset.field is None:
        raise bad_value(
            "view.mode",
            view.mode,
            f"a mode without the target's field: target "
            f"{session.dataset.name!r} has points only (show them with 'data points')",
        )
    sizes = session.net.spec.sizes
    if "neuron" in mode.arg_names:  # the [view] fields layer and neuron pick a unit
        if not 0 <= view.layer < len(sizes) - 1:
            raise bad_value("view.layer", view.layer, f"a weight layer 0..{len(sizes) - 2}")
        if not 0 <= view.neuron < sizes[view.layer + 1]:
            raise bad_value("view.neuron", view.neuron, f"a unit 0..{sizes[view.layer + 1] - 1}")


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


RENDER_FLAGS = ("pre", "discrete")


@action
def set_render_flag(state, session=None, name: str = "", on: bool = True) -> None:
    """pre: neuron fields before their activation; discrete: hard class colours."""
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
    """Fast preview: a reduced-resolution canvas while training runs."""
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
    stamp = time.strftime("shaderplay-%Y%m%d-%H%M%S")
    state.screenshots.append(path or f"{stamp}-{state.frame}.png")


@action
def toggle_record(state, session=None, path: str | None = None) -> None:
    """Start or stop recording; the window opens and closes the recorder."""
    stamp = time.strftime("shaderplay-%Y%m%d-%H%M%S")
    state.recording = "" if state.recording else (path or f"{stamp}.mp4")
