"""The contact sheet: every cell's picture on one page, with the varied values
as column (and row) labels and each cell's result under its picture.

One varied setting: the cells in reading order, wrapped into a near-square
block, each labelled with its value. Two: a grid, the first setting's values
over the columns and the second's beside the rows. A cell that failed shows an
empty tile and the start of its error; a legend strip (what the colours mean),
where one is given, goes under the grid.
"""

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .cell import Outcome
from .plan import Plan

PAD, LINE = 6, 15  # pixels between tiles; one text line
BACKGROUND, INK, FAINT, ALERT = (255, 255, 255), (20, 20, 20), (110, 110, 110), (190, 30, 30)
EMPTY = (215, 215, 215)  # a tile without a picture
MIN_WIDTH = 360  # room for the title line
ONE_ROW_MAX = 6  # one varied setting: up to this many cells in one row, then a square block


def _font():
    return ImageFont.load_default(size=11)


def result_text(outcome: Outcome | None) -> tuple[str, tuple]:
    """The line under a cell and its colour: the test loss (the train loss without a
    test split) and the accuracy of classifiers, as the sheet's key line says."""
    if outcome is None:
        return "not run", FAINT
    if outcome.error and outcome.picture is None:
        return f"failed: {outcome.error}", ALERT
    if outcome.train_loss is None:
        return "untrained", FAINT
    test = outcome.test_loss is not None
    text = f"{outcome.test_loss if test else outcome.train_loss:.3g}"
    accuracy = outcome.test_accuracy if test else outcome.train_accuracy
    if accuracy is not None:
        text += f", {accuracy:.1%}"
    return text + (" (diverged)" if outcome.error else ""), ALERT if outcome.error else INK


def key_line(outcomes: dict[int, Outcome]) -> str:
    """What the numbers under the cells are."""
    done = [o for o in outcomes.values() if o.train_loss is not None]
    if not done:
        return ""
    loss = "test loss" if any(o.test_loss is not None for o in done) else "train loss"
    both = any(o.train_accuracy is not None for o in done)
    return f"under each cell: {loss}" + (", accuracy" if both else "")


def _named(axis, label: str) -> str:
    """A value with its key's last part ("lr = 0.01"); the title and table name it whole."""
    return f"{axis.name.rpartition('.')[2]} = {label}"


def _measure(text: str, font) -> int:
    return math.ceil(font.getlength(text))


def _fit(draw, text: str, width: int, font) -> str:
    """`text` cut (with an ellipsis) to `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def _layout(plan: Plan) -> tuple[int, int, bool]:
    """Tile columns, tile rows, and whether each tile carries its own label."""
    n = len(plan.cells)
    if len(plan.axes) == 2:
        return plan.columns, plan.rows, False
    columns = n if n <= ONE_ROW_MAX else math.ceil(math.sqrt(n))
    return columns, math.ceil(n / columns), bool(plan.axes)


def draw_sheet(plan: Plan, outcomes: dict[int, Outcome], legend=None) -> np.ndarray:
    """The sheet as uint8 (H, W, 3). `legend`: an (h, w, 3) picture put under the grid."""
    font = _font()
    w, h = plan.look.size
    columns, rows, own_labels = _layout(plan)
    grid = len(plan.axes) == 2
    left = PAD
    if grid:  # room for the row labels, up to a tile's width
        down = plan.axes[1]
        longest = max(_measure(_named(down, label), font) for label in down.labels)
        left += min(longest, max(w, 120)) + PAD
    top = PAD + LINE + (LINE if grid else 0)  # the title, then the column labels
    tile_w, tile_h = w + PAD, h + (2 if own_labels else 1) * LINE + PAD
    width = max(left + columns * tile_w + PAD, MIN_WIDTH)
    height = top + rows * tile_h + PAD
    if legend is not None:
        width = max(width, legend.shape[1] + 2 * PAD)
        height += legend.shape[0] + PAD
    page = Image.new("RGB", (width, height), BACKGROUND)
    pen = ImageDraw.Draw(page)
    title = "; ".join(filter(None, [plan.title, key_line(outcomes)]))
    pen.text((PAD, PAD), _fit(pen, title, width - 2 * PAD, font), fill=INK, font=font)
    if grid:
        across, down = plan.axes
        for c, label in enumerate(across.labels):
            text = _fit(pen, _named(across, label), w, font)
            pen.text((left + c * tile_w, PAD + LINE), text, fill=INK, font=font)
        for r, label in enumerate(down.labels):
            y = top + r * tile_h + h // 2 - LINE // 2
            text = _fit(pen, _named(down, label), left - 2 * PAD, font)
            pen.text((PAD, y), text, fill=INK, font=font)
    for i, cell in enumerate(plan.cells):
        x, y = left + (i % columns) * tile_w, top + (i // columns) * tile_h
        if own_labels:
            label = _named(plan.axes[0], cell.labels[0])
            pen.text((x, y), _fit(pen, label, w, font), fill=INK, font=font)
            y += LINE
        outcome = outcomes.get(cell.index)
        picture = outcome.picture if outcome is not None else None
        if picture is None:
            pen.rectangle((x, y, x + w - 1, y + h - 1), fill=EMPTY)
        else:
            page.paste(Image.fromarray(picture), (x, y))
        text, colour = result_text(outcome)
        pen.text((x, y + h + 1), _fit(pen, text, w, font), fill=colour, font=font)
    if legend is not None:
        page.paste(Image.fromarray(legend), (PAD, top + rows * tile_h))
    return np.asarray(page)
