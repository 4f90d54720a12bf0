"""What the canvas shows, as the renderer's arguments: the mode string (with
its integer arguments, e.g. "neuron:1:3"), the colormap and the options.

The view settings live in the preset ([view] mode, layer, neuron, ...) and
the window state (boundary layers, representation axes); the renderer's
tables say which of them a mode takes, so this module follows the renderer
as it grows and never passes an option it would refuse.
"""

from ..gpu import renderer as gpu_renderer
from ..gpu.modes import MODES


def mode_string(name: str, layer: int = 0, neuron: int = 0, axes=(0, 1)) -> str:
    """`name` with the arguments its Mode declares, filled from the view settings."""
    mode = MODES.get(name)
    if mode is None:
        return name  # the renderer refuses it with a message naming what is allowed
    values = {"layer": layer, "neuron": neuron, "unit": neuron, "x": axes[0], "y": axes[1],
              "a": axes[0], "b": axes[1]}
    return ":".join([name, *(str(values.get(arg, 0)) for arg in mode.args)])


def draw_args(state, session) -> tuple[str, str, dict]:
    """(mode, colormap, options) for Renderer.draw/image."""
    v = state.preset.view
    wanted = {"boundaries": tuple(state.boundaries),
              "points": session.dataset if v.show_points else None}
    accepted = getattr(gpu_renderer, "OPTIONS", ())
    opts = {k: val for k, val in wanted.items() if k in accepted and val is not None}
    return mode_string(v.mode, v.layer, v.neuron, state.axes), v.colormap, opts


def has_mode(name: str) -> bool:
    return name in MODES
