"""A GIF lasts as long as its frames at the asked rate: delays count
hundredths of a second, so 30 fps alternates 3/100 and 4/100 s (before, every
frame got 3/100 s and a 30 fps clip played 10% fast)."""

import numpy as np
import pytest
from PIL import Image

from shaderplay.record import open_sink


@pytest.mark.parametrize("fps, frames", [(30, 30), (24, 12), (25, 10), (7, 7)])
def test_gif_plays_for_frames_over_fps(tmp_path, fps, frames):
    path = tmp_path / "t.gif"
    with open_sink(path, (8, 6), fps) as sink:
        for k in range(frames):  # distinct frames: Pillow merges identical ones
            sink.write(np.full((6, 8, 3), 8 * k, np.uint8))
    gif = Image.open(path)
    delays = []
    for k in range(gif.n_frames):
        gif.seek(k)
        delays.append(gif.info["duration"])
    assert gif.n_frames == frames
    assert sum(delays) == pytest.approx(1000 * frames / fps, abs=10)
    assert max(delays) - min(delays) <= 10  # steady: neighbouring hundredths only


def test_identical_frames_merge_without_losing_time(tmp_path):
    path = tmp_path / "m.gif"
    with open_sink(path, (8, 6), 30) as sink:
        for k in range(30):
            sink.write(np.full((6, 8, 3), 100 if k < 20 else 200, np.uint8))
    gif = Image.open(path)
    delays = []
    for k in range(gif.n_frames):
        gif.seek(k)
        delays.append(gif.info["duration"])
    assert delays == [670, 330]  # 20 and 10 frames of a 1 s clip
