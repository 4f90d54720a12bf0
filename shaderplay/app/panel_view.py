"""View panel: what the canvas shows (every renderer mode, colormap, neuron,
boundary layers, data points, representation axes) and where (the domain)."""

from imgui_bundle import imgui

from ..colormaps import NAMES as COLORMAPS
from ..gpu.modes import MODES
from . import actions
from .widgets import DIM, combo, help_marker


def draw(state, session) -> None:
    v = state.preset.view
    spec = session.net.spec
    changed, mode = combo("mode", v.mode, MODES)
    if changed:
        actions.set_view(state, session, mode=mode)
    imgui.set_item_tooltip(_about(v.mode))
    changed, cmap = combo("colormap", v.colormap, COLORMAPS)
    if changed:
        actions.set_view(state, session, colormap=cmap)
    if v.mode == "neuron":
        _neuron(state, session, v, spec)
    if v.mode == "representation":
        _axes(state, session, v, spec)
    changed, points = imgui.checkbox("data points", v.show_points)
    if changed:
        actions.set_view(state, session, show_points=points)
    changed, adaptive = imgui.checkbox("fast preview while training", state.adaptive)
    if changed:
        actions.set_adaptive(state, session, adaptive)
    help_marker("While weights change, draw the canvas at a resolution that keeps the\n"
                "frame rate up (sharpened once training pauses). Off: always full size.")
    imgui.separator_text("Boundaries")
    imgui.text_colored(DIM, "zero sets of each layer's neurons:")
    for i in range(spec.depth):
        if i % 4:
            imgui.same_line()
        name = "out" if i == spec.depth - 1 else f"L{i + 1}"
        changed, _ = imgui.checkbox(name, i in state.boundaries)
        if changed:
            actions.toggle_boundary(state, session, i)
    imgui.separator_text("Domain")
    x0, x1, y0, y1 = state.domain
    imgui.text(f"x {x0:.5g} .. {x1:.5g}")
    imgui.text(f"y {y0:.5g} .. {y1:.5g}")
    imgui.text_colored(DIM, f"zoom x{state.home.scale / state.view.scale:.3g}")
    if imgui.button("reset view (Home)"):
        actions.reset_view(state, session)
    imgui.same_line()
    if imgui.button("make this home"):
        actions.set_view(state, session, domain=state.domain)
    help_marker("Wheel: zoom about the cursor. Drag: pan. Double-click: reset.\n"
                "'make this home' stores the shown domain in the preset.")
    home = list(state.preset.view.domain)
    changed, values = imgui.input_float4("home", imgui.ImVec4(*home), "%.3g",
                                         imgui.InputTextFlags_.enter_returns_true)
    if changed:
        actions.set_view(state, session, domain=(values.x, values.y, values.z, values.w))
    imgui.set_item_tooltip("xmin, xmax, ymin, ymax; Enter applies")


def _about(mode: str) -> str:
    return MODES[mode].about if mode in MODES else mode


def _neuron(state, session, v, spec) -> None:
    layer = min(v.layer, spec.depth - 1)
    changed, new_layer = imgui.slider_int("layer", layer + 1, 1, spec.depth)
    if changed:
        actions.set_view(state, session, layer=new_layer - 1, neuron=0)
    n = spec.sizes[layer + 1]
    changed, unit = imgui.slider_int("neuron", min(v.neuron, n - 1), 0, n - 1)
    if changed:
        actions.set_view(state, session, neuron=unit)
    help_marker("Layer 1 is the first hidden layer; the last is the output.\n"
                "Clicking a node of the network diagram does the same.")


def _axes(state, session, v, spec) -> None:
    layer = min(v.layer, spec.depth - 1)
    changed, new_layer = imgui.slider_int("layer", layer + 1, 1, spec.depth)
    if changed:
        actions.set_view(state, session, layer=new_layer - 1)
    n = spec.sizes[layer + 1]
    a, b = (min(k, n - 1) for k in state.axes)
    changed, a2 = imgui.slider_int("x axis neuron", a, 0, n - 1)
    changed_b, b2 = imgui.slider_int("y axis neuron", b, 0, n - 1)
    if changed or changed_b:
        actions.set_axes(state, session, axes=(a2, b2))
