"""What the canvas shows, as the renderer's arguments: the mode string (with
its integer arguments, e.g. "neuron:1:3"), the colormap and the options.

The view settings live in the preset ([view] mode, layer, neuron, ...) and
the window state (boundary layers, representation axes); the renderer's
tables say which of them a mode takes, so this module follows the renderer
as it grows and never passes an option it would refuse.
"""

from dataclasses import replace

from ..gpu import renderer as gpu_renderer

from ..modes import MODES, parse_mode


def mode_string(name: str, layer: int = 0, neuron: int = 0, extra: dict | None = None) -> str:
    """`name` with the integer arguments its Mode declares: "layer" and "neuron"
    from the view settings, any other from `extra` (0 when unset)."""
    mode = MODES.get(name)
    if mode is None:
        return name  # the renderer refuses it with a message naming what is allowed
    _, defaults = parse_mode(name)  # the mode's own defaults (representation: neurons 0, 1)
    values = {**dict(zip(mode.args, defaults)), **(extra or {})}
    values.update({k: v for k, v in (("layer", layer), ("neuron", neuron)) if k in mode.args})
    return ":".join([name, *(str(int(values[arg])) for arg in mode.args)])


def split_mode(preset):
    """A preset's view.mode may carry arguments ("depth:1", "neuron:1:3", as
    render and record take it); the window keeps the bare name, with layer and
    neuron in [view] and any other argument in AppState.mode_args.
    Returns (preset, mode_args)."""
    view = preset.view
    if ":" not in view.mode:
        return preset, {}
    mode, args = parse_mode(view.mode)
    values = dict(zip(mode.args, args))
    view = replace(
        view,
        mode=mode.name,
        layer=values.pop("layer", view.layer),
        neuron=values.pop("neuron", view.neuron),
    )
    return replace(preset, view=view), values


def mode_args(name: str) -> tuple[str, ...]:
    mode = MODES.get(name)
    return tuple(mode.args) if mode is not None else ()


def supports(option: str) -> bool:
    """Whether the renderer takes `option` (boundaries, points, ...) in draw()."""
    return option in getattr(gpu_renderer, "OPTIONS", ())


def draw_args(state, session) -> tuple[str, str, dict]:
    """(mode, colormap, options) for Renderer.draw/image."""
    v = state.preset.view
    mode = MODES.get(v.mode)
    data = session.dataset
    wanted = {
        "boundaries": tuple(state.boundaries) or None,
        "points": data if v.show_points and len(data.x_train) else None,
        "target": data if getattr(mode, "needs_target", False) else None,
        "pre": (True if state.render_opts.get("pre") and "neuron" in mode_args(v.mode) else None),
        "discrete": True if state.render_opts.get("discrete") else None,
    }
    opts = {k: val for k, val in wanted.items() if supports(k) and val is not None}
    return mode_string(v.mode, v.layer, v.neuron, state.mode_args), v.colormap, opts


def has_mode(name: str) -> bool:
    return name in MODES
