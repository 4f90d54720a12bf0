"""PNG-folder sink: frame_00000.png, frame_00001.png, ... -- lossless, the
exact pixels that were rendered.

The folder is created if needed (in an existing parent folder).
`frame_NNNNN.png` files already in it (from an earlier recording) are
removed when the sink opens, as recording over an MP4 replaces it; nothing
else in the folder is touched. Each frame is written whole
(checks.atomic_file: a temporary name, flushed to the disk, renamed), so a
failure or a signal never leaves a half-written PNG: the folder holds
exactly the frames so far.
"""

import re
from pathlib import Path

from PIL import Image

from ..checks import atomic_file
from ..errors import ShaderplayError, bad_value
from .sink import FrameSink

FRAME_NAME = "frame_{:05d}.png"
_FRAME_FILE = re.compile(r"frame_\d{5,}\.png")


def frame_files(folder) -> list[Path]:
    """The recorded frames in a folder, in order."""
    return sorted(p for p in Path(folder).iterdir() if _FRAME_FILE.fullmatch(p.name))


class PngFolderSink(FrameSink):
    format = "png"

    def __init__(self, path, size, fps, compress_level: int = 1):
        super().__init__(path, size, fps)
        if not isinstance(compress_level, int) or not 0 <= compress_level <= 9:
            raise bad_value("png compress_level", compress_level, "an integer 0..9 (zlib level)")
        self.compress_level = compress_level  # 1: big frames stay fast; lossless at any level
        try:
            self.path.mkdir(exist_ok=True)  # its parent must exist, as for a video file
            for old in frame_files(self.path):
                old.unlink()
            probe = self.path / ".shaderplay-write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except FileExistsError:
            raise ShaderplayError(
                f"output {self.path}: is a file; "
                "allowed: a folder for PNG frames "
                "(or a name ending in .mp4 or .gif)."
            ) from None
        except OSError as exc:
            raise ShaderplayError(
                f"output {self.path}: cannot write PNG frames there "
                f"({exc.strerror}); "
                "allowed: a folder you can write to."
            ) from None
        self._start()

    def _write_frame(self, frame) -> None:
        final = self.path / FRAME_NAME.format(self.frames_written)
        with atomic_file(final, f"output {self.path}") as fh:
            image = Image.fromarray(frame, "RGB")
            image.save(fh, format="PNG", compress_level=self.compress_level)

    def _finish(self) -> int:
        return self.frames_written

    def _salvage(self, error: BaseException) -> int:
        return self.frames_written
