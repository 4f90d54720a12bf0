"""The canvas's legend, drawn with imgui's draw list from the renderer's Legend
(mode_legends.py, the same data legend.py draws into PNGs and videos): a band
with a translucent background in the canvas's bottom-right corner (what the
values are, the colour bar with its range and where it comes from, class
swatches, boundary layer colours), and the picture's own labels: `side`'s
halves named with a divider between them, the mosaic's tiles labelled L:N in
their layer's colour, the representation plot's axis names and ticks.

Drawn on the background draw list: over the picture, under the panels.
"""

from functools import cache

from imgui_bundle import imgui

from .. import colormaps
from ..errors import ShaderplayError
from ..legend import nice_ticks
from ..modes import mosaic_tiles_of

BAND_RGBA = (0.07, 0.07, 0.09, 0.72)
CHIP_RGBA = (0.07, 0.07, 0.09, 0.6)
TEXT_RGBA = (0.93, 0.93, 0.93, 1.0)
DIM_RGBA = (0.7, 0.7, 0.74, 1.0)
MAX_BAND_W = 380.0  # window units; at most BAND_SHARE of the canvas's width,
BAND_SHARE = 0.5  # but MIN_BAND_W where the canvas has that much (text wraps below it)
MIN_BAND_W = 220.0
BAR_STEPS = 48  # gradient quads of the colour bar
MIN_TILE_LABEL = 28.0  # tiles narrower than this go unlabelled
PAD = 6.0


def draw(state, rect, renderer, draw_args) -> None:
    """The legend of what `renderer` drew last with `draw_args` (mode, colormap, options)
    over the canvas rectangle `rect` (window units), unless the View tab turned it off."""
    if rect.empty or state.render_opts.get("no_legend"):
        return
    mode, colormap, opts = draw_args
    try:
        legend = renderer.legend(mode, colormap, **opts)
    except ShaderplayError:  # a mode this network cannot show: the message bar says why
        return
    dl = imgui.get_background_draw_list()
    dl.push_clip_rect(imgui.ImVec2(rect.x, rect.y), imgui.ImVec2(rect.x + rect.w, rect.y + rect.h))
    if legend.tiles:
        _tiles(dl, rect, legend)
    if legend.halves:
        _halves(dl, rect, legend)
    if legend.axes and legend.box is not None:
        _axes(dl, rect, legend)
    _band(dl, rect, legend)
    dl.pop_clip_rect()


def _u32(rgba) -> int:
    return imgui.color_convert_float4_to_u32(imgui.ImVec4(*rgba))


def _rgb255(rgb, alpha: float = 1.0) -> int:
    return _u32((*(float(c) for c in rgb), alpha))


def _text(dl, x: float, y: float, text: str, rgba=TEXT_RGBA) -> None:
    dl.add_text(imgui.ImVec2(x, y), _u32(rgba), text)


def _width(text: str) -> float:
    return imgui.calc_text_size(text).x


def _wrap(text: str, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and _width(trial) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + [line] if line else lines


def _rows(legend, width: float) -> list[tuple[str, object]]:
    """The band's rows: ("text" | "dim", line), ("bar", None), ("chip", (label, rgb))."""
    rows = [("text", line) for line in _wrap(legend.shows, width)]
    if legend.kind in ("map", "tiles"):
        rows.append(("bar", None))
        rows += [("dim", line) for line in _wrap(f"range: {legend.source}", width)]
    rows += [("chip", item) for item in legend.swatches]
    for title, items in (("boundaries", legend.lines), ("data points", legend.points)):
        if items:
            rows.append(("dim", title))
            for label, rgb in items:
                rows.append(("chip", (label, rgb)) if rgb is not None else ("text", label))
    rows += [("dim", line) for line in _wrap(legend.note, width)]
    return rows


def band_width(rect) -> float:
    """The band's width over a canvas `rect` (window units), its background included."""
    return min(MAX_BAND_W, max(rect.w * BAND_SHARE, min(MIN_BAND_W, rect.w)))


def _band(dl, rect, legend) -> None:
    """The band in the bottom-right corner; a plot's in the top-right (its x axis is
    along the bottom), below the domain label there."""
    fs = imgui.get_font_size()
    width = band_width(rect) - 2 * PAD
    rows = _rows(legend, width)
    heights = [2.2 * fs + 2 if kind == "bar" else fs + 2 for kind, _ in rows]
    x0, height = rect.x + rect.w - width - 2 * PAD, sum(heights) + 2 * PAD
    y = rect.y + fs + 2 * PAD if legend.axes else rect.y + rect.h - height
    dl.add_rect_filled(
        imgui.ImVec2(x0, y), imgui.ImVec2(rect.x + rect.w, y + height), _u32(BAND_RGBA), 4.0
    )
    x, y = x0 + PAD, y + PAD
    for (kind, value), h in zip(rows, heights):
        if kind == "bar":
            _bar(dl, x, y, width, fs, legend)
        elif kind == "chip":
            label, rgb = value
            dl.add_rect_filled(
                imgui.ImVec2(x, y + 2), imgui.ImVec2(x + fs - 2, y + fs), _rgb255(rgb)
            )
            _text(dl, x + fs + 4, y, label)
        else:
            _text(dl, x, y, value, TEXT_RGBA if kind == "text" else DIM_RGBA)
        y += h


@cache
def _bar_colours(colormap: str) -> tuple[int, ...]:
    """The packed colours at the BAR_STEPS + 1 edges of the colour bar's steps (the
    same every frame: packing them took ~0.5 ms of each)."""
    lut = colormaps.lut(colormap)
    edges = (lut[min(int(k / BAR_STEPS * len(lut)), len(lut) - 1)] for k in range(BAR_STEPS + 1))
    return tuple(_rgb255(c / 255.0) for c in edges)


def _bar(dl, x: float, y: float, width: float, fs: float, legend) -> None:
    colours = _bar_colours(legend.colormap or "viridis")
    step = width / BAR_STEPS
    for k in range(BAR_STEPS):
        ca, cb = colours[k], colours[k + 1]
        p0, p1 = imgui.ImVec2(x + k * step, y), imgui.ImVec2(x + (k + 1) * step + 0.5, y + fs)
        dl.add_rect_filled_multi_color(p0, p1, ca, cb, cb, ca)
    if legend.range is None:
        return
    lo, hi = legend.range
    marks = [(lo, 0.0), (hi, 1.0)] + ([(0.0, -lo / (hi - lo))] if lo < 0.0 < hi else [])
    for value, t in marks:
        label = f"{value:.4g}"
        cx = x + t * width
        dl.add_line(imgui.ImVec2(cx, y + fs), imgui.ImVec2(cx, y + fs + 3), _u32(TEXT_RGBA))
        lx = min(max(cx - _width(label) / 2, x), x + width - _width(label))
        _text(dl, lx, y + fs + 2, label)


def _chip_text(dl, x: float, y: float, text: str, rgba=TEXT_RGBA) -> None:
    """Text on a small translucent chip, readable on any picture."""
    fs = imgui.get_font_size()
    dl.add_rect_filled(
        imgui.ImVec2(x - 2, y - 1), imgui.ImVec2(x + _width(text) + 2, y + fs), _u32(CHIP_RGBA)
    )
    _text(dl, x, y, text, rgba)


def _tiles(dl, rect, legend) -> None:
    """Each tile's L:N in its top-left corner, in its layer's colour (lightened)."""
    cols, rows = mosaic_tiles_of([len(legend.tiles)])
    tw, th = rect.w / cols, rect.h / rows
    if tw < MIN_TILE_LABEL:
        return
    layers = [int(t.split(":")[0]) for t in legend.tiles]
    colours = colormaps.palette(colormaps.LAYER_COLOURS, max(layers) + 1)
    for k, label in enumerate(legend.tiles):
        if _width(label) + 6 > tw:
            continue
        rgb = 0.6 * colours[layers[k]] + 0.4
        x, y = rect.x + (k % cols) * tw + 3, rect.y + (k // cols) * th + 2
        _chip_text(dl, x, y, label, (*rgb, 1.0))
        dl.add_rect(
            imgui.ImVec2(rect.x + (k % cols) * tw, rect.y + (k // cols) * th),
            imgui.ImVec2(rect.x + (k % cols + 1) * tw, rect.y + (k // cols + 1) * th),
            _rgb255(colours[layers[k]], 0.9),
        )


def _halves(dl, rect, legend) -> None:
    mid = rect.x + rect.w / 2
    dl.add_line(imgui.ImVec2(mid, rect.y), imgui.ImVec2(mid, rect.y + rect.h), _u32(TEXT_RGBA), 2)
    for label, centre in zip(legend.halves, (rect.x + rect.w / 4, rect.x + 3 * rect.w / 4)):
        _chip_text(dl, centre - _width(label) / 2, rect.y + PAD, label)


def _axes(dl, rect, legend) -> None:
    """Ticks along the canvas's left and bottom edges, the axis names beside them."""
    x0, x1, y0, y1 = legend.box
    fs = imgui.get_font_size()
    bottom = rect.y + rect.h
    for v in nice_ticks(x0, x1):
        x = rect.x + (v - x0) / (x1 - x0) * rect.w
        dl.add_line(imgui.ImVec2(x, bottom), imgui.ImVec2(x, bottom - 5), _u32(DIM_RGBA))
        _text(dl, x + 2, bottom - fs - 4, f"{v:g}", DIM_RGBA)
    for v in nice_ticks(y0, y1):
        y = rect.y + (y1 - v) / (y1 - y0) * rect.h
        dl.add_line(imgui.ImVec2(rect.x, y), imgui.ImVec2(rect.x + 5, y), _u32(DIM_RGBA))
        _text(dl, rect.x + 7, y - fs / 2, f"{v:g}", DIM_RGBA)
    _chip_text(
        dl, rect.x + rect.w / 2 - _width(legend.axes[0]) / 2, bottom - 2.2 * fs, legend.axes[0]
    )
    _chip_text(dl, rect.x + PAD, rect.y + PAD, f"y: {legend.axes[1]}")
