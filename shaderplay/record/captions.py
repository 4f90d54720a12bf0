"""Captions and a loss sparkline drawn with NumPy into a recorded frame's band
(band.py), or into any picture.

Frames are uint8 (H, W, 3), row 0 at the top; drawing happens in place and
clips at the frame's edges. Sizes follow the frame: one font pixel is
`caption_scale(H)` frame pixels (1 below 360 rows, 4 at 1080p), so a
caption reads the same on a 480p GIF and a 4K video.
"""

import itertools
import math

import numpy as np

from .font import text_mask

MARGIN = 4  # font pixels between the frame edge and a box, and inside a box
BOX_ALPHA = 0.55  # how much the box behind text darkens the picture
TEXT_RGB = (255, 255, 255)
LINE_RGB = (255, 210, 80)


def caption_scale(height: int) -> int:
    return max(1, round(height / 240))


def _shade(frame: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> tuple[int, int, int, int]:
    """Darken frame[y0:y1, x0:x1] (clipped); the clipped box."""
    h, w = frame.shape[:2]
    x0, x1, y0, y1 = max(x0, 0), min(x1, w), max(y0, 0), min(y1, h)
    if x1 > x0 and y1 > y0:
        region = frame[y0:y1, x0:x1]
        region[:] = (region * (1.0 - BOX_ALPHA)).astype(np.uint8)
    return x0, y0, x1, y1


def _paint(frame: np.ndarray, mask: np.ndarray, x: int, y: int, rgb) -> None:
    """Set frame pixels under `mask` placed with its top-left at (x, y)."""
    h, w = frame.shape[:2]
    mh, mw = mask.shape
    fx0, fy0, fx1, fy1 = max(x, 0), max(y, 0), min(x + mw, w), min(y + mh, h)
    if fx1 <= fx0 or fy1 <= fy0:
        return
    sub = mask[fy0 - y : fy1 - y, fx0 - x : fx1 - x]
    frame[fy0:fy1, fx0:fx1][sub] = rgb


def draw_caption(
    frame: np.ndarray, text: str, corner: str = "top-left", scale: int | None = None
) -> np.ndarray:
    """Write `text` (newlines allowed) on a dark box in a corner of `frame`, one font
    pixel `scale` frame pixels (default: caption_scale of the frame's height)."""
    s = caption_scale(frame.shape[0]) if scale is None else scale
    mask = text_mask(text, s)
    pad = MARGIN * s
    bw, bh = mask.shape[1] + 2 * pad, mask.shape[0] + 2 * pad - s  # LINE has a blank row below
    h, w = frame.shape[:2]
    x = pad if "left" in corner else w - pad - bw
    y = pad if "top" in corner else h - pad - bh
    _shade(frame, x, y, x + bw, y + bh)
    _paint(frame, mask, x + pad, y + pad - s, TEXT_RGB)
    return frame


def sparkline_points(values, total: int, width: int, height: int, log: bool = True) -> np.ndarray:
    """Pixel positions (n, 2) as (col, row) of a curve of `values` in a
    width x height box: value i at column i * (width-1) / (total-1) (so the
    curve grows to the right as a run goes on), the smallest value on the
    bottom row, the largest on the top row (log10 scale if `log`)."""
    v = np.asarray(values, dtype=np.float64)
    keep = np.isfinite(v) & ((v > 0) if log else True)
    idx = np.flatnonzero(keep)
    if idx.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    v = np.log10(v[idx]) if log else v[idx]
    lo, hi = v.min(), v.max()
    frac = (v - lo) / (hi - lo) if hi > lo else np.full_like(v, 0.5)
    cols = idx * (width - 1) / max(total - 1, 1)
    rows = (1.0 - frac) * (height - 1)
    return np.stack([np.round(cols), np.round(rows)], axis=1).astype(np.int64)


def draw_sparkline(
    frame: np.ndarray,
    values,
    total: int | None = None,
    log: bool = True,
    corner: str = "bottom-right",
    height: int | None = None,
    scale: int | None = None,
) -> np.ndarray:
    """A small loss curve on a dark box in a corner of `frame`: `values` so
    far of `total` expected (default: as many as given); the curve `height`
    pixels high (default: a fifth of the frame, at most 40 font pixels)."""
    total = len(values) if total is None else total
    h, w = frame.shape[:2]
    s = caption_scale(h) if scale is None else scale
    pad = MARGIN * s
    bw, bh = min(w // 3, 160 * s), min(h // 5, 40 * s) if height is None else height
    x = w - 2 * pad - bw if "right" in corner else 2 * pad  # the curve; its box has a margin
    y = h - 2 * pad - bh if "bottom" in corner else 2 * pad
    _shade(frame, x - pad, y - pad, x + bw + pad, y + bh + pad)
    pts = sparkline_points(values, max(total, 1), bw, bh, log)
    if len(pts) == 0:
        return frame
    # Join consecutive points with enough samples that the line has no gaps.
    segments = [pts[:1]]
    for a, b in itertools.pairwise(pts):
        n = int(max(abs(b - a))) + 1
        t = np.linspace(0.0, 1.0, n + 1)[1:, None]
        segments.append(np.round(a + (b - a) * t).astype(np.int64))
    line = np.concatenate(segments)
    mask = np.zeros((bh + s, bw + s), dtype=bool)
    for dy in range(s):  # thickness: s pixels, like the font
        for dx in range(s):
            mask[line[:, 1] + dy, line[:, 0] + dx] = True
    _paint(frame, mask, x, y, LINE_RGB)
    end = pts[-1]
    dot = np.ones((3 * s, 3 * s), dtype=bool)
    _paint(frame, dot, x + int(end[0]) - s, y + int(end[1]) - s, TEXT_RGB)
    return frame


def loss_caption(step: int, loss: float) -> str:
    return f"step {step}" if not math.isfinite(loss) else f"step {step}  loss {loss:.4g}"
