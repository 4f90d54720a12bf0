"""An A/B film: two animations of the same length, frame i of each side by side,
each half drawn by its own renderer (the two networks may differ in shape) with
its own captions and a label naming what it is (`record --compare`)."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from .captions import draw_caption
from .film import Look, draw_frame
from .sink import FrameSink


def half_size(size) -> tuple[int, int]:
    """Each half's picture size in a frame of `size` (an odd width leaves one dark
    column at the right edge): the size the animations fit their views to."""
    return size[0] // 2, size[1]


def half(look: Look) -> Look:
    return replace(look, size=half_size(look.size))


def record_pair(pair, renderers, sink: FrameSink, looks, labels, progress=None) -> int:
    """Render frame i of both animations of `pair` into one frame of `sink`, left and
    right, `labels` in their bottom-left corners; the number of frames. `looks`: each
    half's Look (`half`, with each network's own picture options)."""
    width = sink.size[0]
    for animation, renderer in zip(pair, renderers):
        renderer.set_network(animation.net)
    n = min(a.n_frames for a in pair)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="frames") as worker:
        pending = [worker.submit(a.frame, 0) for a in pair]
        for i in range(n):
            frames = [p.result() for p in pending]
            if i + 1 < n:
                pending = [worker.submit(a.frame, i + 1) for a in pair]
            sides = []
            for frame, renderer, look, label in zip(frames, renderers, looks, labels):
                picture = draw_frame(renderer, frame, look)
                sides.append(draw_caption(picture, label, corner="bottom-left"))
            frame = np.concatenate(sides, axis=1)
            if frame.shape[1] < width:
                frame = np.pad(frame, ((0, 0), (0, width - frame.shape[1]), (0, 0)))
            sink.write(frame, copy=False)
            if progress is not None:
                progress.update(1)
    return n
