"""The headless frame loop: animation -> renderer -> band of captions -> sink.

Three things run at once: the next frame's parameters are computed on a
worker thread (for a time-lapse that is the next `steps_per_frame` training
steps, in numba kernels that release the GIL), the main thread renders the
current frame (GL stays on the thread that owns the context), and the
sink's writer thread feeds the encoder. Frame i is the same whatever the
machine's speed: everything is indexed by frame, never by time.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ..legend import fitted
from .animations import Frame
from .band import band_rows, caption_part, stack
from .sink import FrameSink


@dataclass(frozen=True)
class Look:
    """How frames are drawn: the output size (W, H), the view mode and colormap,
    renderer options (e.g. range), and the captions."""

    size: tuple[int, int]
    mode: str = "output"
    colormap: str | None = "viridis"  # None: the mode's own map
    caption: bool = False
    sparkline: bool = False
    options: tuple = ()  # (name, value) pairs passed to Renderer.image
    legend: bool = False  # a legend band in the frame (legend.py), where it leaves room


def draw_frame(renderer, frame: Frame, look: Look) -> np.ndarray:
    """One frame: uint8 (H, W, 3), row 0 at the top; with captions, the picture over
    a band that holds them (band.py), so they never cover the data."""
    renderer.upload(frame.params)
    (w, h), rows = look.size, band_rows(look.size) if look.caption else 0
    size, opts = (w, h - rows), dict(look.options)
    picture = None
    if look.legend:  # None where the legend would leave the picture too little room
        picture = fitted(renderer, frame.view, size, look.mode, look.colormap, **opts)
    if picture is None:
        picture = renderer.image(frame.view, size, look.mode, look.colormap, **opts)
    if not rows:
        return picture
    curve = frame.curve if look.sparkline else None
    caption = caption_part(look.size, rows, frame.caption, curve, frame.curve_total)
    return stack(picture, [caption])


def record(animation, renderer, sink: FrameSink, look: Look, progress=None) -> int:
    """Render every frame of `animation` into `sink`; the number of frames.

    The sink is not closed here: callers use it as a context manager, so an
    error or Ctrl-C still closes a playable file of the frames so far.
    `progress` is anything with `update(n)` (a tqdm bar).
    """
    renderer.set_network(animation.net)
    n = animation.n_frames
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="frames") as worker:
        pending = worker.submit(animation.frame, 0)
        for i in range(n):
            frame = pending.result()
            if i + 1 < n:
                pending = worker.submit(animation.frame, i + 1)
            sink.write(draw_frame(renderer, frame, look), copy=False)  # a fresh array
            if progress is not None:
                progress.update(1)
    return n
