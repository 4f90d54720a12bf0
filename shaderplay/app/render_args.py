"""What the canvas shows, as the renderer's arguments: the mode string (with
its integer arguments, e.g. "neuron:1:3"), the colormap and the options.

The view settings live in the preset ([view] mode, layer, neuron, ...) and
the window state (boundary layers, representation axes); the mode's row says
which of them it takes: an argument named like a [view] field (layer, neuron)
takes that field, any other comes from AppState.mode_args.
"""

from dataclasses import replace

from ..images import data_frame
from ..modes import MODES, parse_mode

VIEW_FIELDS = ("layer", "neuron")  # mode arguments kept as [view] fields


def mode_string(name: str, layer: int = 0, neuron: int = 0, extra: dict | None = None) -> str:
    """`name` with the integer arguments its Mode declares: "layer" and "neuron"
    from the view settings, any other from `extra` (0 when unset)."""
    mode = MODES.get(name)
    if mode is None:
        return name  # the renderer refuses it with a message naming what is allowed
    _, defaults = parse_mode(name)  # the mode's own defaults (representation: neurons 0, 1)
    values = {**mode.named(defaults), **(extra or {})}
    fields = dict(zip(VIEW_FIELDS, (layer, neuron)))
    values.update({k: v for k, v in fields.items() if k in mode.arg_names})
    return ":".join([name, *(str(int(values[arg])) for arg in mode.arg_names)])


def split_mode(preset):
    """A preset's view.mode may carry arguments ("depth:1", "neuron:1:3", as
    render and record take it); the window keeps the bare name, with layer and
    neuron in [view] and any other argument in AppState.mode_args.
    Returns (preset, mode_args)."""
    view = preset.view
    if ":" not in view.mode:
        return preset, {}
    mode, args = parse_mode(view.mode)
    values = mode.named(args)
    view = replace(
        view,
        mode=mode.name,
        layer=values.pop("layer", view.layer),
        neuron=values.pop("neuron", view.neuron),
    )
    return replace(preset, view=view), values


def mode_args(name: str) -> tuple[str, ...]:
    mode = MODES.get(name)
    return mode.arg_names if mode is not None else ()


def draw_args(state, session) -> tuple[str, str, dict]:
    """(mode, colormap, options) for Renderer.draw/image."""
    v = state.preset.view
    mode = MODES.get(v.mode)
    data = session.dataset
    wanted = {
        "boundaries": tuple(state.boundaries) or None,
        "points": data if v.show_points and len(data.x_train) else None,
        "frame": data_frame(data) if mode is not None and "points" in mode.overlays else None,
        "target": data if mode is not None and mode.needs_target else None,
        "pre": True if state.render_opts.get("pre") and _reads("pre", mode) else None,
        "discrete": True if state.render_opts.get("discrete") else None,
    }
    opts = {k: val for k, val in wanted.items() if val is not None}
    return mode_string(v.mode, v.layer, v.neuron, state.mode_args), v.colormap, opts


def _reads(option: str, mode) -> bool:
    return mode is not None and option in mode.options
