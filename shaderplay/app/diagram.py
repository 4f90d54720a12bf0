"""Network diagram: a column of nodes per layer, each hidden and output node a
live thumbnail of its field (rendered by the GPU into an atlas, see
thumbnails.py); edges coloured by the sign of the weight (blue positive,
orange negative) and thickened by its size. Click a node to show that neuron
on the canvas; hover it for its bias and incoming weights.

Wide layers show their first MAX_SHOWN units and a "+k" note under them;
hovering a node shows its picture large. A deep network (columns narrower
than MIN_COLUMN_EM) scrolls sideways instead of squeezing its nodes. Where the
thumbnails' cost lets them refresh only every SLOW_S or more, a line under the
diagram says how often (they may be that much older than the canvas).
"""

import numpy as np
from imgui_bundle import imgui

from ..health import dead_units
from . import scopes, view_actions
from .thumbnails import SHOWN_UNITS

MAX_SHOWN = SHOWN_UNITS
HEIGHT_EM = 18.0  # the diagram's height budget in font heights: plots and status fit below
MIN_COLUMN_EM = 3.0  # narrower layer columns than this: the diagram scrolls sideways
ZOOM_PX = 128.0  # side of the picture in a node's tooltip
POSITIVE = (0.33, 0.62, 1.0)
NEGATIVE = (1.0, 0.55, 0.2)
DEAD_GREY = (0.35, 0.35, 0.38)
SLOW_S = 0.5  # thumbnails refreshed less often than this: the diagram says so


def _u32(rgb, alpha: float) -> int:
    return imgui.color_convert_float4_to_u32(imgui.ImVec4(*rgb, alpha))


def edge_colours(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per weight of `w` (out, in): the line's packed ImGui colour (ABGR, uint32;
    blue positive, orange negative, more opaque when larger) and its thickness;
    thickness 0 for weights under 3% of the largest (not drawn)."""
    t = np.abs(w) / (float(np.max(np.abs(w))) or 1.0)
    rgb = np.where((w > 0)[..., None], POSITIVE, NEGATIVE)
    rgba = np.concatenate([rgb, (0.15 + 0.75 * t)[..., None]], axis=-1)
    c = np.round(np.clip(rgba, 0, 1) * 255).astype(np.uint32)
    packed = c[..., 0] | c[..., 1] << 8 | c[..., 2] << 16 | c[..., 3] << 24
    return packed, np.where(t < 0.03, 0.0, 0.5 + 2.5 * t)


def layout(sizes, width: float, max_height: float, font: float):
    """Node size and centres: {(column, unit): (x, y)} in diagram units, and the height."""
    shown = [min(n, MAX_SHOWN) for n in sizes]
    columns = len(sizes)
    gap_x = width / columns
    node = float(np.clip(min(gap_x * 0.6, (max_height - font) / max(shown) * 0.8), 10.0, 48.0))
    step_y = node * 1.25
    height = max(shown) * step_y + font
    centres = {}
    for c, n in enumerate(shown):
        top = (height - font - n * step_y) / 2 + step_y / 2
        for u in range(n):
            centres[c, u] = (gap_x * (c + 0.5), top + u * step_y)
    return node, centres, height


def draw(state, session, thumbnails, rects: dict | None = None) -> None:
    """The diagram; a network with more layers than fit side by side scrolls sideways.
    `rects` (the frame's drawn rectangles) gets "thumbnail": the first hidden node's."""
    font = imgui.get_font_size()
    sizes = session.latest_network().spec.sizes
    avail = imgui.get_content_region_avail().x
    width = max(avail, len(sizes) * MIN_COLUMN_EM * font)
    rects = {} if rects is None else rects
    if width <= avail:
        _draw(state, session, thumbnails, width, rects)
    else:
        height = layout(sizes, width, HEIGHT_EM * font, font)[2]
        bar = imgui.get_style().scrollbar_size + 2 * imgui.get_style().window_padding.y
        size = imgui.ImVec2(avail, height + bar)
        flags = imgui.WindowFlags_.horizontal_scrollbar
        with scopes.child("##diagram", size, 0, flags) as visible:
            if visible:
                _draw(state, session, thumbnails, width, rects)
    if thumbnails.interval >= SLOW_S:
        imgui.text_disabled(f"thumbnails: every {thumbnails.interval:.1f} s")
        imgui.set_item_tooltip(
            "A large network: the neuron pictures cost too much to refresh every frame;\n"
            "they refresh this often at most and may be that much older than the canvas."
        )


def _draw(state, session, thumbnails, width: float, rects: dict) -> None:
    net = session.latest_network()
    sizes = net.spec.sizes
    font = imgui.get_font_size()
    node, centres, height = layout(sizes, width, HEIGHT_EM * font, font)
    origin = imgui.get_cursor_screen_pos()
    ox, oy = origin.x, origin.y
    imgui.invisible_button("##diagram", imgui.ImVec2(width, height))
    hovered_area = imgui.is_item_hovered()
    clicked = imgui.is_item_clicked(imgui.MouseButton_.left)
    dl = imgui.get_window_draw_list()
    # Only the columns in sight: a deep net's diagram scrolls, and its hidden edges
    # were most of the diagram's 7 ms a frame (27 layers).
    left, right = dl.get_clip_rect_min().x - ox - node, dl.get_clip_rect_max().x - ox + node
    seen = [left <= centres[c, 0][0] <= right for c in range(len(sizes))]
    # Edges first, under the nodes.
    for i in range(len(sizes) - 1):
        if not (seen[i] or seen[i + 1]):
            continue
        colours, widths = edge_colours(net.W(i)[:MAX_SHOWN, :MAX_SHOWN])
        for k, j in zip(*np.nonzero(widths)):
            (x0, y0), (x1, y1) = centres[i, j], centres[i + 1, k]
            dl.add_line(
                imgui.ImVec2(ox + x0 + node / 2, oy + y0),
                imgui.ImVec2(ox + x1 - node / 2, oy + y1),
                int(colours[k, j]),
                float(widths[k, j]),
            )
    mouse = imgui.get_mouse_pos()
    view = state.preset.view
    dead = dead_units(session.health())  # health.py: drawn greyed out
    for (c, u), (x, y) in centres.items():
        if not seen[c]:
            continue
        p0 = imgui.ImVec2(ox + x - node / 2, oy + y - node / 2)
        p1 = imgui.ImVec2(ox + x + node / 2, oy + y + node / 2)
        if c == 0:
            dl.add_rect_filled(p0, p1, _u32((0.22, 0.24, 0.28), 1.0), 3.0)
            name = net.spec.features[u]
            tw = imgui.calc_text_size(name).x
            dl.add_text(
                imgui.ImVec2(ox + x - tw / 2, oy + y - font / 2), _u32((1, 1, 1), 0.9), name
            )
        elif not thumbnails.ready:
            dl.add_rect_filled(p0, p1, _u32((0.3, 0.32, 0.36), 1.0), 3.0)
        else:
            if (c, u) == (1, 0):
                rects["thumbnail"] = (p0.x, p0.y, node, node)
            uv0, uv1 = thumbnails.uv(c - 1, u)
            dl.add_image(thumbnails.texture_ref, p0, p1, uv0, uv1)
            selected = view.mode == "neuron" and view.layer == c - 1 and view.neuron == u
            dl.add_rect(
                p0, p1, _u32((1, 1, 1), 0.95 if selected else 0.25), 2.0, 2.0 if selected else 1.0
            )
        if (c - 1, u) in dead:
            dl.add_rect_filled(p0, p1, _u32(DEAD_GREY, 0.75), 3.0)
        inside = p0.x <= mouse.x < p1.x and p0.y <= mouse.y < p1.y
        if inside and hovered_area and c > 0:
            _tooltip(net, c - 1, u, thumbnails)
            if clicked:
                view_actions.set_view(state, session, mode="neuron", layer=c - 1, neuron=u)
    for c, n in enumerate(sizes):
        if n > MAX_SHOWN:
            x, _ = centres[c, 0]
            note = f"+{n - MAX_SHOWN}"
            tw = imgui.calc_text_size(note).x
            dl.add_text(
                imgui.ImVec2(ox + x - tw / 2, oy + height - font), _u32((1, 1, 1), 0.6), note
            )


def _tooltip(net, layer: int, unit: int, thumbnails) -> None:
    w = net.W(layer)[unit]
    rows = [" ".join(f"{v:+.3f}" for v in w[i : i + 6]) for i in range(0, min(len(w), 12), 6)]
    shown = "\n  ".join(rows) + (f" ... ({len(w)} in all)" if len(w) > 12 else "")
    act = net.layout.layers[layer].activation
    where = "output" if layer == net.spec.depth - 1 else f"layer {layer + 1}"
    with scopes.tooltip() as visible:
        if not visible:
            return
        if thumbnails.ready:
            uv0, uv1 = thumbnails.uv(layer, unit)
            imgui.image(thumbnails.texture_ref, imgui.ImVec2(ZOOM_PX, ZOOM_PX), uv0, uv1)
        imgui.text(
            f"{where}, unit {unit} ({act})\nbias {float(net.b(layer)[unit]):+.4f}\n"
            f"weights in:\n  {shown}\nclick: show this neuron on the canvas"
        )
