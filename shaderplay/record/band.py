"""The band under a recorded picture: what is written about the picture (the
caption, the loss curve) goes there, so nothing covers the data.

A frame of `size` (W, H) with a band is the picture rendered at (W, H - rows)
stacked over the band's parts, each a (h, W, 3) uint8 array painted on BAND_RGB:
`stack(picture, [caption_part(...), another_part, ...])`. The picture keeps its
view: a View with square pixels shows at least the same domain in a shorter
picture. Sizes follow the frame's height, as the caption font's (captions.py).
"""

import numpy as np

from .captions import MARGIN, caption_scale, draw_caption, draw_sparkline
from .font import LINE

BAND_RGB = (20, 20, 24)
CAPTION_LINES = 2  # text lines a caption band holds (step and loss, why training stopped)
MOST = 1 / 3  # of the frame's height, at most


def band_rows(size, lines: int = CAPTION_LINES) -> int:
    """Rows of a band holding `lines` lines of caption text in a frame of `size`."""
    s = caption_scale(size[1])
    return min(lines * LINE * s + 3 * MARGIN * s, int(size[1] * MOST))


def blank(width: int, rows: int) -> np.ndarray:
    part = np.empty((rows, width, 3), np.uint8)
    part[:] = BAND_RGB
    return part


def caption_part(size, rows: int, text: str, curve=None, total=None) -> np.ndarray:
    """A band part `rows` high for a frame of `size`: `text` at its left, the loss
    `curve` (values so far of `total`) at its right. Sizes follow the frame's, not the
    part's height."""
    part = blank(size[0], rows)
    s = caption_scale(size[1])
    if text:
        draw_caption(part, text, scale=s)
    if curve is not None and len(curve) > 1:
        height = max(rows - 4 * MARGIN * s, s)
        draw_sparkline(part, curve, total=total or len(curve), height=height, scale=s)
    return part


def stack(picture: np.ndarray, parts) -> np.ndarray:
    """The picture over its band's parts, top to bottom: one frame."""
    return np.concatenate([picture, *parts], axis=0)
