"""Captions and sparklines drawn into frames with NumPy."""

import numpy as np

from shaderplay.record.captions import (
    LINE_RGB,
    TEXT_RGB,
    caption_scale,
    draw_caption,
    draw_sparkline,
    loss_caption,
    sparkline_points,
)
from shaderplay.record.font import GLYPH_H, GLYPH_W, GLYPHS, glyph


def grey(w, h, value=100):
    return np.full((h, w, 3), value, np.uint8)


def test_font_table_is_complete_and_unambiguous():
    assert all(g.shape == (GLYPH_H, GLYPH_W) for g in GLYPHS.values())
    needed = "0123456789abcdefghijklmnopqrstuvwxyz .-+:=/%()e"
    assert set(needed) <= set(GLYPHS)
    assert len({g.tobytes() for g in GLYPHS.values()}) == len(GLYPHS)
    assert np.array_equal(glyph("S"), glyph("s"))  # upper case drawn as lower
    assert np.array_equal(glyph("~"), glyph("?"))


def test_caption_draws_the_text_in_a_dark_box_top_left():
    for w, h in ((320, 240), (960, 540)):
        frame = grey(w, h)
        text = loss_caption(1200, 0.0125)
        assert text == "step 1200  loss 0.0125"
        draw_caption(frame, text)
        s = caption_scale(h)
        white = np.all(frame == TEXT_RGB, axis=2)
        # Every lit font pixel becomes an s x s block of white, nothing else is white.
        assert white.sum() == sum(int(glyph(c).sum()) for c in text) * s * s
        changed = np.any(frame != 100, axis=2)
        rows, cols = np.nonzero(changed)
        assert rows.max() < h // 4 and cols.max() < w  # a band at the top
        assert cols.min() > 0 and rows.min() > 0  # inset from the edges
        assert np.all(frame[changed & ~white] < 100)  # the box darkens


def test_captions_differ_by_text_and_clip_at_small_sizes():
    a, b = grey(200, 100), grey(200, 100)
    draw_caption(a, "step 10")
    draw_caption(b, "step 11")
    assert not np.array_equal(a, b)
    tiny = grey(16, 12)
    draw_caption(tiny, "a caption far wider than the frame")  # clipped, no error
    assert tiny.shape == (12, 16, 3)


def test_sparkline_points_follow_the_values():
    pts = sparkline_points([1.0, 0.1, 0.01], total=5, width=101, height=11, log=True)
    # log10: 0, -1, -2 -> top, middle, bottom rows; columns 0, 25, 50 of 100.
    assert pts.tolist() == [[0, 0], [25, 5], [50, 10]]
    lin = sparkline_points([2.0, np.nan, 4.0], total=3, width=11, height=5, log=False)
    assert lin.tolist() == [[0, 4], [10, 0]]  # NaN skipped, larger value on top


def test_sparkline_descends_for_a_falling_loss():
    frame = grey(640, 360, 0)
    loss = np.exp(-np.arange(50) / 10.0)
    draw_sparkline(frame, loss, total=100)
    ys, xs = np.nonzero(np.all(frame == LINE_RGB, axis=2))
    assert xs.min() > 640 // 2 and ys.min() > 360 * 2 // 3  # bottom-right corner
    first, last = ys[xs == xs.min()].mean(), ys[xs == xs.max()].mean()
    assert first < last  # y grows downwards in the frame: the curve falls
    # Half the run so far: the curve spans about half the box.
    box = xs.max() - xs.min()
    assert 0.4 < box / (min(640 // 3, 160 * caption_scale(360))) < 0.6
