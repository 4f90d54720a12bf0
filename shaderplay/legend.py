"""A picture's Legend drawn with Pillow beside it, never over its data: a band
below (what the values are, the colour bar with its range and where the range
comes from, class swatches, boundary layer colours), and the picture's own
layout around it: `side`'s two halves named above them with a divider between,
a mosaic's tiles labelled L:N in a strip above each tile row with the gaps
around each tile in its layer's colour, the representation plot's axes with
names and ticks on the left and below.

`plan(legend, width)` says how many pixels all that adds (`Plan.extra`), so a
recording of a fixed frame size renders its picture that much smaller;
`compose(picture, legend)` returns the whole frame. Text is Pillow's default
font (scalable) at a size that follows the width.
"""

from dataclasses import dataclass

import numpy as np

from . import colormaps
from .mode_legends import Legend
from .modes import mosaic_tiles_of, parse_mode
from .view import View

BACKGROUND = (24, 24, 28)
TEXT = (236, 236, 236)
DIM = (168, 168, 176)
DIVIDER = (236, 236, 236)
GAP_RGB = (20, 20, 26)  # the mosaic's gap colour as the colour pass writes it (0.08, 0.08, 0.1)
DIVIDER_PX = 3
MIN_FONT, MAX_FONT = 11, 26
MIN_WIDTH = 240  # a band narrower than this would wrap every word: the frame widens
PAD = 0.5  # of a font size: space around and between the band's rows


def font_px(width: int) -> int:
    """The text size for a picture `width` pixels wide: readable at 256, not huge at 4K."""
    return int(min(MAX_FONT, max(MIN_FONT, round(width / 42))))


def _font(px: int):
    from PIL import ImageFont

    return ImageFont.load_default(px)


@dataclass(frozen=True)
class Plan:
    font: int  # text size in pixels
    header: int  # the strip naming side's halves
    strip: int  # above each mosaic tile row
    rows: int  # mosaic tile rows
    left: int  # the plot's y axis
    axis: int  # the plot's x axis, below it
    divider: int  # columns between side's halves
    band: int  # the legend band at the bottom

    @property
    def extra(self) -> tuple[int, int]:
        """(columns, rows) the legend adds to the picture."""
        return (
            self.left + self.divider,
            self.header + self.strip * self.rows + self.axis + self.band,
        )


def plan(legend: Legend, width: int, font: int | None = None) -> Plan:
    """What `compose` adds around a picture in a frame `width` columns wide, with text
    `font` pixels high (default: as `font_px(width)`)."""
    px = font or font_px(width)
    line = px + max(2, px // 3)
    rows = mosaic_tiles_of([len(legend.tiles)])[1] if legend.tiles else 0
    plot = bool(legend.axes)
    return Plan(
        font=px,
        header=line + 4 if legend.halves else 0,
        strip=line if legend.tiles else 0,
        rows=rows,
        left=2 * line + _tick_width(px) if plot else 0,
        axis=2 * line + 4 if plot else 0,
        divider=DIVIDER_PX if legend.halves else 0,
        band=_band_height(legend, width, px),
    )


def compose(picture: np.ndarray, legend: Legend, font: int | None = None) -> np.ndarray:
    """The picture (H, W, 3) uint8 with its legend around it: (H + dh, W + dw, 3), text
    `font` pixels high (default: as `font_px(W)`)."""
    from PIL import Image, ImageDraw

    h, w = picture.shape[:2]
    font = font or font_px(w)
    p = plan(legend, max(w + plan(legend, w, font).extra[0], MIN_WIDTH), font)
    body = picture
    if legend.halves:
        body = _with_divider(body, p.divider)
    if legend.tiles:
        body = _mosaic_rows(body, legend, p)
    dw, dh = p.extra
    frame = Image.new("RGB", (max(w + dw, MIN_WIDTH), h + dh), BACKGROUND)
    frame.paste(Image.fromarray(body), (p.left, p.header))
    draw = ImageDraw.Draw(frame)
    f = _font(p.font)
    if legend.halves:
        half = w // 2
        for label, (x0, x1) in zip(legend.halves, ((0, half), (half + p.divider, w + p.divider))):
            _centred(draw, f, (x0 + x1) / 2, 2, label, TEXT)
        draw.rectangle((half, 0, half + p.divider - 1, p.header), fill=DIVIDER)
    if p.left and legend.box is not None:
        _axes(frame, draw, f, legend, p, (w, h))
    _band(draw, f, legend, p, frame.width, h + dh - p.band)
    return np.asarray(frame)


def band(legend: Legend, width: int, font: int | None = None) -> np.ndarray:
    """The legend's band alone (what the colours mean), at least `width` pixels wide:
    uint8 (h, w, 3); e.g. one legend shared by a sheet of pictures."""
    from PIL import Image, ImageDraw

    p = plan(legend, max(width, MIN_WIDTH), font or font_px(width))
    frame = Image.new("RGB", (max(width, MIN_WIDTH), p.band), BACKGROUND)
    _band(ImageDraw.Draw(frame), _font(p.font), legend, p, frame.width, 0)
    return np.asarray(frame)


def legend_by_default(mode: str, spec) -> bool:
    """A recording's default: a legend, but for outputs shown as RGB (art, images)."""
    return parse_mode(mode)[0].shown_kind(spec) != "rgb"


def fitted(renderer, view: View, size, mode: str, colormap=None, **opts) -> np.ndarray | None:
    """The picture of `mode` with its legend in exactly `size` (a video's frame): the
    picture rendered smaller by what the legend adds, showing at least `view`'s domain.
    None where the legend would not leave the picture at least half the frame (or the
    frame is too narrow for its text): draw the picture alone."""
    w, h = size
    p = plan(renderer.legend(mode, colormap, **opts), w)
    dw, dh = p.extra
    if w < MIN_WIDTH or (w - dw) * (h - dh) < w * h / 2:
        return None
    inner = (w - dw, h - dh)
    picture = renderer.image(View.fit(view.domain_for(size), inner), inner, mode, colormap, **opts)
    return compose(picture, renderer.legend(mode, colormap, **opts), p.font)


# --- the picture's own layout ----------------------------------------------------------
def _with_divider(picture: np.ndarray, px: int) -> np.ndarray:
    """side's halves (the left one W // 2 wide, as the renderer splits it) apart by `px`."""
    half = picture.shape[1] // 2
    bar = np.empty((picture.shape[0], px, 3), np.uint8)
    bar[:] = DIVIDER
    return np.concatenate([picture[:, :half], bar, picture[:, half:]], axis=1)


def _mosaic_rows(picture: np.ndarray, legend: Legend, p: Plan) -> np.ndarray:
    """The mosaic with each tile's gap in its layer's colour (the separators between
    layers) and a strip of tile labels above each tile row."""
    from PIL import Image, ImageDraw

    h, w = picture.shape[:2]
    cols, rows = mosaic_tiles_of([len(legend.tiles)])
    layers = [int(t.split(":")[0]) for t in legend.tiles]
    colours = (colormaps.palette(colormaps.LAYER_COLOURS, max(layers) + 1) * 255).astype(np.uint8)
    picture = picture.copy()
    # Pixel centres (i + 0.5) fall in tile floor((i + 0.5) / tile size), as in the shader.
    col_of = np.floor((np.arange(w) + 0.5) / (w / cols)).astype(int)
    row_of = np.floor((np.arange(h) + 0.5) / (h / rows)).astype(int)
    index = row_of[:, None] * cols + col_of[None, :]
    gap = np.all(picture == GAP_RGB, axis=2) & (index < len(layers))
    picture[gap] = colours[np.asarray(layers)[index[gap]]]
    font = _font(p.font)
    parts = []
    for r in range(rows):
        strip = Image.new("RGB", (w, p.strip), BACKGROUND)
        draw = ImageDraw.Draw(strip)
        tile_w = w / cols
        for c in range(cols):
            k = r * cols + c
            if k < len(layers) and draw.textlength(legend.tiles[k], font=font) <= tile_w - 2:
                colour = tuple(int(v) for v in colours[layers[k]])
                draw.text((c * tile_w + 2, 1), legend.tiles[k], fill=_lighter(colour), font=font)
        parts += [np.asarray(strip), picture[row_of == r]]
    return np.concatenate(parts, axis=0)


def _axes(frame, draw, font, legend: Legend, p: Plan, size) -> None:
    """The plot's axes: ticks and values along the left and bottom edges, the names."""
    from PIL import Image, ImageDraw

    w, h = size
    x0, x1, y0, y1 = legend.box
    top = p.header
    for v in nice_ticks(x0, x1):
        x = p.left + (v - x0) / (x1 - x0) * (w - 1)
        draw.line((x, top + h, x, top + h + 4), fill=DIM)
        _centred(draw, font, x, top + h + 5, f"{v:g}", DIM)
    _centred(draw, font, p.left + w / 2, top + h + 5 + p.font + 4, legend.axes[0], TEXT)
    for v in nice_ticks(y0, y1):
        y = top + (y1 - v) / (y1 - y0) * (h - 1)
        draw.line((p.left - 5, y, p.left - 1, y), fill=DIM)
        label = f"{v:g}"
        draw.text(
            (p.left - 7 - draw.textlength(label, font=font), y - p.font / 2), label, DIM, font
        )
    name = Image.new("RGB", (int(draw.textlength(legend.axes[1], font=font)) + 4, p.font + 4))
    name.paste(BACKGROUND, (0, 0, *name.size))
    ImageDraw.Draw(name).text((2, 0), legend.axes[1], fill=TEXT, font=font)
    name = name.rotate(90, expand=True)
    frame.paste(name, (2, max(top, int(top + h / 2 - name.height / 2))))


def nice_ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round values between lo and hi, at most about `most` of them."""
    span = hi - lo
    if not (np.isfinite(span) and span > 0):
        return []
    raw = span / most
    step = 10.0 ** np.floor(np.log10(raw))
    step *= next(m for m in (1, 2, 5, 10) if m * step >= raw)
    first = np.ceil(lo / step - 1e-9) * step
    return [round(float(v), 10) + 0.0 for v in np.arange(first, hi + 1e-9 * span, step)]


def _tick_width(px: int) -> int:
    return int(px * 3.2)


# --- the band ----------------------------------------------------------------------------
def _band_rows(legend: Legend) -> list[tuple[str, object]]:
    """What the band holds, top to bottom: ("text", str), ("bar", None), ("chips", items)."""
    rows = [("text", legend.shows)]
    if legend.kind in ("map", "tiles"):  # a bar before any picture set its range, too
        rows += [("bar", None), ("dim", f"range: {legend.source}")]
    elif legend.kind == "rgb" and legend.range is not None:
        rows += [("chips", legend.swatches), ("dim", _rgb_range(legend))]
    elif legend.swatches:
        rows.append(("chips", legend.swatches))
    if legend.lines:
        rows.append(("chips", (("boundaries:", None),) + legend.lines))
    if legend.points:
        rows.append(("chips", (("data points:", None),) + legend.points))
    if legend.note:
        rows.append(("dim", legend.note))
    if legend.tiles:
        rows.append(("dim", "tiles L:N = neuron N of weight layer L; gaps in the layer's colour"))
    return rows


def _rgb_range(legend: Legend) -> str:
    lo, hi = legend.range
    return f"each channel {lo:.4g} (dark) .. {hi:.4g} (full); range: {legend.source}"


def _wrap(text: str, font, width: float) -> list[str]:
    from PIL import Image, ImageDraw

    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and draw.textlength(trial, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + [line] if line else lines


def _chip_lines(items, font, width: float, px: int) -> list[list]:
    from PIL import Image, ImageDraw

    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    lines, line, x = [], [], 0.0
    for label, rgb in items:
        need = draw.textlength(label, font=font) + (px + 6 if rgb is not None else 0) + px
        if line and x + need > width:
            lines.append(line)
            line, x = [], 0.0
        line.append((label, rgb, x))
        x += need
    return lines + [line] if line else lines


def _band_height(legend: Legend, width: int, px: int) -> int:
    font = _font(px)
    inner = width - 2 * px
    line = px + max(2, px // 3)
    height = 2 * int(PAD * px)
    for kind, value in _band_rows(legend):
        if kind in ("text", "dim"):
            height += line * len(_wrap(value, font, inner))
        elif kind == "bar":
            height += 2 * line + 2
        else:
            height += line * len(_chip_lines(value, font, inner, px))
    return height


def _band(draw, font, legend: Legend, p: Plan, width: int, y: int) -> None:
    px = p.font
    line = px + max(2, px // 3)
    x0 = px
    inner = width - 2 * px
    y += int(PAD * px)
    for kind, value in _band_rows(legend):
        if kind in ("text", "dim"):
            for text in _wrap(value, font, inner):
                draw.text((x0, y), text, fill=TEXT if kind == "text" else DIM, font=font)
                y += line
        elif kind == "bar":
            _bar(draw, font, legend, x0, y, inner, px)
            y += 2 * line + 2
        else:
            for chips in _chip_lines(value, font, inner, px):
                for label, rgb, x in chips:
                    x += x0
                    if rgb is not None:
                        fill = tuple(round(c * 255) for c in rgb)
                        draw.rectangle((x, y + 1, x + px, y + px), fill=fill, outline=DIM)
                        x += px + 6
                    draw.text((x, y), label, fill=TEXT, font=font)
                y += line


def _bar(draw, font, legend: Legend, x0: int, y: int, width: int, px: int) -> None:
    """The colormap from lo to hi, with lo, hi (and 0, where it lies inside) below."""
    lut = colormaps.lut(legend.colormap or "viridis")
    for i in range(width):
        colour = lut[min(int(i / width * len(lut)), len(lut) - 1)]
        draw.line((x0 + i, y, x0 + i, y + px), fill=tuple(int(c) for c in colour))
    draw.rectangle((x0 - 1, y - 1, x0 + width, y + px + 1), outline=DIM)
    if legend.range is None:
        return
    lo, hi = legend.range
    marks = [(lo, 0.0), (hi, 1.0)]
    if lo < 0.0 < hi:
        marks.append((0.0, (0.0 - lo) / (hi - lo)))
    for value, t in marks:
        x = x0 + t * (width - 1)
        draw.line((x, y + px + 1, x, y + px + 4), fill=TEXT)
        label = f"{value:.4g}"
        tw = draw.textlength(label, font=font)
        draw.text((min(max(x - tw / 2, x0), x0 + width - tw), y + px + 4), label, TEXT, font)


def _centred(draw, font, x: float, y: float, text: str, fill) -> None:
    draw.text((x - draw.textlength(text, font=font) / 2, y), text, fill=fill, font=font)


def _lighter(rgb) -> tuple[int, int, int]:
    return tuple(int(c + (255 - c) * 0.35) for c in rgb)
