"""Probe panel: click a point of the canvas, see every neuron's activation there.

Computed with the NumPy oracle (`Network.forward_layers`) on the newest
weight snapshot, so it updates live while training runs. Each layer is a strip
of cells: blue positive, red negative, brighter for larger |value| (scaled per
layer); hover a cell for its numbers.
"""

import numpy as np
from imgui_bundle import imgui

from . import view_actions
from .widgets import DIM


def _colour(v: float, scale: float) -> int:
    t = float(np.clip(abs(v) / scale, 0.0, 1.0)) if scale > 0 else 0.0
    base = (0.16, 0.17, 0.20)
    hue = (0.30, 0.62, 1.0) if v >= 0 else (1.0, 0.38, 0.30)
    r, g, b = (base[i] + t * (hue[i] - base[i]) for i in range(3))
    return imgui.color_convert_float4_to_u32(imgui.ImVec4(r, g, b, 1.0))


def draw(state, session) -> None:
    if state.probe is None:
        imgui.text_wrapped(
            "Click the canvas to probe a point: every neuron's activation there shows here, live."
        )
        return
    x, y = state.probe
    imgui.text(f"at ({x:.4g}, {y:.4g})")
    imgui.same_line()
    if imgui.small_button("clear"):
        view_actions.set_probe(state, session, None)
        return
    net = session.latest_network()
    layers = net.forward_layers(np.array([[x, y]]))
    feats = net.input_features(np.array([[x, y]]))[0]
    _strip("in", list(net.spec.features), feats, feats)
    for i, (pre, post) in enumerate(layers):
        last = i == len(layers) - 1
        name = "out" if last else f"L{i + 1}"
        _strip(f"{name} {net.layout.layers[i].activation}", None, pre[0], post[0])
    out = layers[-1][1][0]
    imgui.text_colored(DIM, "output " + ", ".join(f"{v:.4g}" for v in out))


def _strip(label: str, names, pre: np.ndarray, post: np.ndarray) -> None:
    imgui.align_text_to_frame_padding()
    imgui.text(f"{label:<12}")
    imgui.same_line(7.5 * imgui.get_font_size())
    avail = imgui.get_content_region_avail().x
    n = len(post)
    cell = max(8.0, min(16.0, avail / max(n, 1) - 1.0))
    per_row = max(1, int(avail // (cell + 1)))
    origin = imgui.get_cursor_screen_pos()
    draw_list = imgui.get_window_draw_list()
    scale = float(np.max(np.abs(post))) or 1.0
    rows = (n + per_row - 1) // per_row
    mouse = imgui.get_mouse_pos()
    for j, v in enumerate(post):
        cx = origin.x + (j % per_row) * (cell + 1)
        cy = origin.y + (j // per_row) * (cell + 1)
        draw_list.add_rect_filled(
            imgui.ImVec2(cx, cy), imgui.ImVec2(cx + cell, cy + cell), _colour(float(v), scale)
        )
        if cx <= mouse.x < cx + cell and cy <= mouse.y < cy + cell and imgui.is_window_hovered():
            what = names[j] if names else f"neuron {j}"
            imgui.set_tooltip(f"{what}\npre-activation {pre[j]:.5g}\noutput {v:.5g}")
    imgui.dummy(imgui.ImVec2(avail, rows * (cell + 1)))
