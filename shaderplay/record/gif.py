"""GIF sink: looping, one 256-colour palette per frame, never dithered.

A frame of at most 256 colours (a colormap's picture often is) keeps every
colour exactly: its palette is its colours. A frame with more is reduced by
Pillow's fast octree without dithering: smooth fields band by a few levels
instead of the scattered dots Floyd-Steinberg dithering left (over a caption
band, each frame's palette spent on the text, they drew dotted lines across
smooth areas that the MP4 of the same frames did not have). On a smooth RGB
field of 160x88 pixels: dithered, 60% of the pixels stand out from both
neighbours; undithered, 0.4%, at 3 ms a frame (1 ms exactly at 256 colours).

Frames are streamed as they arrive (on the writer thread) into a hidden
`.NAME.partial.gif` next to the output, which is a whole GIF after every
frame: the frames so far and the trailer byte, which the next frame
overwrites. So a recording that ends any way at all (a signal, a full disk,
even SIGKILL for the partial file) holds every frame written so far; the
sink renames it over the output when it closes. As Pillow's own writer does,
each frame after the first stores only the box that changed, with its own
palette, and a frame equal to the one before adds its time to it.

GIF delays count hundredths of a second: frame k gets the hundredths
between its start and the next frame's on the exact clock (30 fps: 3, 3, 4,
3, 3, 4, ...), so a clip plays for frames / fps seconds. Browsers slow down
delays under 2/100 s, hence fps <= 50.
"""

import struct
from pathlib import Path

import numpy as np
from PIL import GifImagePlugin, Image

from ..checks import commit
from ..errors import ShaderplayError
from .sink import FrameSink, check_fps, check_writable_dir

MAX_GIF_FPS = 50.0
MAX_DELAY = 0xFFFF  # hundredths: a GIF delay is 16 bits
TRAILER = b";"


def delay_hundredths(k: int, fps: float) -> int:
    """Frame k lasts from round(100 k / fps) to round(100 (k+1) / fps), at least 2/100 s."""
    return max(2, round(100 * (k + 1) / fps) - round(100 * k / fps))


def changed_box(before: np.ndarray, after: np.ndarray) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of the pixels that differ; None when none does."""
    differs = np.any(before != after, axis=2)
    rows, cols = np.flatnonzero(differs.any(axis=1)), np.flatnonzero(differs.any(axis=0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _quantized(frame: np.ndarray) -> Image.Image:
    """`frame` as a palette image: exact where it has at most 256 colours, else the
    octree's 256 without dithering."""
    image = Image.fromarray(frame, "RGB")
    colours = image.getcolors(256)
    if colours is None:  # the octree's palette, each pixel its nearest colour in it
        palette = image.quantize(256, method=Image.Quantize.FASTOCTREE)
        return image.quantize(palette=palette, dither=Image.Dither.NONE)
    keys = np.sort(np.array([r << 16 | g << 8 | b for _, (r, g, b) in colours], np.uint32))
    rgb = frame.astype(np.uint32)
    packed = rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2]
    indexed = Image.fromarray(np.searchsorted(keys, packed).astype(np.uint8), "P")
    palette = np.stack([keys >> 16, keys >> 8 & 255, keys & 255], axis=1).astype(np.uint8)
    indexed.putpalette(palette.tobytes())
    return indexed


class GifSink(FrameSink):
    format = "gif"

    def __init__(self, path, size, fps, loop: int = 0):
        check_fps(fps, "gif fps", MAX_GIF_FPS)
        super().__init__(path, size, fps)
        check_writable_dir(self.path.parent if str(self.path.parent) else Path("."), self.path)
        if self.path.is_dir():
            raise ShaderplayError(
                f"output {self.path}: is a folder; allowed: a file name ending in .gif."
            )
        self.loop = int(loop)  # 0 = forever
        self.partial = self.path.with_name(f".{self.path.name}.partial.gif")
        try:  # claim a file now so an unwritable path is refused before any frame
            self._file = open(self.partial, "w+b", buffering=0)  # nothing held back
        except OSError as exc:
            raise ShaderplayError(
                f"output {self.path}: cannot write next to it ({exc.strerror}); "
                "allowed: a path in a folder you can write to."
            ) from None
        self._end = 0  # where the trailer sits: the end of the last whole frame
        self._shown: np.ndarray | None = None  # the last frame as a viewer shows it
        self._delay = (0, 0)  # the last frame's (file offset of its delay, hundredths)
        self._start()

    # --- writer-thread side --------------------------------------------------------
    def _write_frame(self, frame) -> None:
        delay = delay_hundredths(self.frames_written, self.fps)
        image = _quantized(frame)
        shown = np.asarray(image.convert("RGB"))
        if self._shown is None:
            info = {"loop": self.loop, "duration": 10 * delay, "disposal": 1}
            header, _ = GifImagePlugin.getheader(image, None, info)
            self._append(header, image, (0, 0, *self.size), delay, local_palette=False)
        else:
            box = changed_box(self._shown, shown)
            at, total = self._delay
            if box is None and total + delay <= MAX_DELAY:
                self._patch(at, total + delay)  # the same picture, shown for longer
                return
            self._append([], image, box or (0, 0, 1, 1), delay, local_palette=True)
        self._shown = shown

    def _append(self, header, image, box, delay: int, local_palette: bool) -> None:
        part = image if box == (0, 0, *self.size) else image.crop(box)
        params = {"duration": 10 * delay, "disposal": 1, "include_color_table": local_palette}
        data = GifImagePlugin.getdata(part, box[:2], **params)
        assert bytes(data[0][:2]) == b"!\xf9", "each frame starts with its control block"
        head = b"".join(bytes(h) for h in header)
        frame = b"".join(bytes(d) for d in data)
        self._put(self._end, head + frame + TRAILER)
        self._delay = (self._end + len(head) + 4, delay)  # after '!', 0xF9, size and flags
        self._end += len(head) + len(frame)

    def _patch(self, at: int, delay: int) -> None:
        self._put(at, struct.pack("<H", delay))
        self._delay = (at, delay)

    def _put(self, at: int, data: bytes) -> None:
        """`data` into the file at `at`, all of it (an OSError otherwise). Unbuffered: in
        the file now, so a process killed later still leaves these frames."""
        self._file.seek(at)
        view = memoryview(data)
        while view:
            view = view[self._file.write(view) :]

    # --- closing -----------------------------------------------------------------------
    def _close_file(self) -> int:
        """End the file after the last whole frame and put it in the output's place."""
        f = self._file
        if self.frames_written == 0:  # no frame, no file (the output stays as it was)
            f.close()
            self.partial.unlink(missing_ok=True)
            return 0
        try:
            f.truncate(self._end)  # a frame cut short, if any (and room for the trailer)
            self._put(self._end, TRAILER)
        finally:
            f.close()
        commit(self.partial, self.path)
        return self.frames_written

    def _finish(self) -> int:
        return self._close_file()

    def _salvage(self, error: BaseException) -> int:
        return self._close_file()
