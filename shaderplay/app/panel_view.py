"""View panel: what the canvas shows (every renderer mode, colormap, neuron,
boundary layers, data points, representation axes) and where (the domain)."""

from imgui_bundle import imgui

from ..colormaps import NAMES as COLORMAPS
from ..mode_legends import layer_lines
from ..modes import MODES, parse_mode
from . import view_actions
from .widgets import DIM, combo, help_marker


def draw(state, session) -> None:
    v = state.preset.view
    spec = session.net.spec
    changed, mode = combo("mode", v.mode, MODES)
    if changed:
        view_actions.set_view(state, session, mode=mode)
    imgui.set_item_tooltip(_about(v.mode))
    changed, cmap = combo("colormap", v.colormap, COLORMAPS)
    if changed:
        view_actions.set_view(state, session, colormap=cmap)
    _mode_args(state, session, v, spec)
    _flags(state, session, v, spec)
    changed, on = imgui.checkbox("legend", not state.render_opts.get("no_legend"))
    if changed:
        view_actions.set_render_flag(state, session, "no_legend", not on)
    imgui.set_item_tooltip("what the colours mean, over a corner of the canvas")
    changed, points = imgui.checkbox("data points", v.show_points)
    if changed:
        view_actions.set_view(state, session, show_points=points)
    changed, adaptive = imgui.checkbox("fast preview", state.adaptive)
    if changed:
        view_actions.set_adaptive(state, session, adaptive)
    help_marker(
        "While the view moves or the weights change, draw the canvas at a\n"
        "resolution that keeps the frame rate up; full size as soon as it holds\n"
        "still (screenshots and recordings always). Off: always full size."
    )
    _boundaries(state, session, spec)
    _domain(state, session)


def _about(mode: str) -> str:
    return MODES[mode].about if mode in MODES else mode


def _mode_args(state, session, v, spec) -> None:
    """One slider per integer argument of the mode: layer, neuron, and any other."""
    layer = min(v.layer, spec.depth - 1)
    width = spec.sizes[layer + 1]
    if v.mode not in MODES:
        return
    mode, defaults = parse_mode(v.mode)
    for arg in mode.arg_names:
        if arg == "layer":
            changed, new = imgui.slider_int("layer", layer + 1, 1, spec.depth)
            if changed:
                view_actions.set_view(state, session, layer=new - 1, neuron=0)
            help_marker("1 is the first hidden layer; the last is the output.")
        elif arg == "neuron":
            changed, unit = imgui.slider_int("neuron", min(v.neuron, width - 1), 0, width - 1)
            if changed:
                view_actions.set_view(state, session, neuron=unit)
            imgui.set_item_tooltip("clicking a node of the network diagram picks one too")
        else:  # unset: the mode's own default (representation: neurons 0 and 1)
            value = state.mode_args.get(arg, mode.named(defaults)[arg])
            changed, new = imgui.slider_int(arg, min(value, width - 1), 0, width - 1)
            if changed:
                view_actions.set_mode_arg(state, session, arg, new)


def _flags(state, session, v, spec) -> None:
    mode = MODES.get(v.mode)
    shows = [
        ("pre", "before the activation", mode is not None and "pre" in mode.options),
        ("discrete", "hard class colours", mode is not None and mode.shown_kind(spec) == "classes"),
    ]
    for name, label, relevant in shows:
        if relevant:
            changed, on = imgui.checkbox(label, bool(state.render_opts.get(name)))
            if changed:
                view_actions.set_render_flag(state, session, name, on)


def _boundaries(state, session, spec) -> None:
    imgui.separator_text("Boundaries")
    imgui.text_colored(DIM, "zero sets, in each layer's colour:")
    for i, (name, rgb) in enumerate(layer_lines(spec.depth, spec.depth)):
        if i % 4:
            imgui.same_line()
        imgui.color_button(f"##{name} colour", imgui.ImVec4(*rgb, 1.0), 0, _swatch())
        imgui.same_line(0, 2)
        changed, _ = imgui.checkbox(name, i in state.boundaries)
        if changed:
            view_actions.toggle_boundary(state, session, i)


def _swatch() -> imgui.ImVec2:
    side = imgui.get_frame_height() * 0.6
    return imgui.ImVec2(side, imgui.get_frame_height())


def _domain(state, session) -> None:
    imgui.separator_text("Domain")
    x0, x1, y0, y1 = state.domain
    imgui.text(f"x {x0:.5g} .. {x1:.5g}")
    imgui.text(f"y {y0:.5g} .. {y1:.5g}")
    imgui.text_colored(DIM, f"zoom x{state.home.scale / state.view.scale:.3g}")
    if imgui.button("reset view (Home)"):
        view_actions.reset_view(state, session)
    imgui.same_line()
    if imgui.button("make this home"):
        view_actions.set_view(state, session, domain=state.domain)
    help_marker(
        "Wheel: zoom about the cursor. Drag: pan. Double-click: reset.\n"
        "'make this home' stores the shown domain in the preset."
    )
    home = list(state.preset.view.domain)
    changed, values = imgui.input_float4(
        "home", imgui.ImVec4(*home), "%.3g", imgui.InputTextFlags_.enter_returns_true
    )
    if changed:
        view_actions.set_view(state, session, domain=(values.x, values.y, values.z, values.w))
    imgui.set_item_tooltip("xmin, xmax, ymin, ymax; Enter applies")
