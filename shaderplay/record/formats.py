"""The table of output formats and `open_sink`, which picks one from a path.

out.mp4           H.264 video (Mp4Sink)
out.gif           looping GIF (GifSink)
frames/ (or a name without a suffix, or an existing folder)
                  a folder of PNG frames (PngFolderSink)
"""

import inspect
from pathlib import Path

from ..errors import ShaderplayError, bad_value, choose
from .gif import GifSink
from .mp4 import Mp4Sink
from .pngdir import PngFolderSink
from .sink import FrameSink

FORMATS = {
    "mp4": Mp4Sink,
    "gif": GifSink,
    "png": PngFolderSink,
}
_ALLOWED = (
    "a name ending in .mp4 (H.264 video) or .gif (looping GIF), or a folder path (PNG frames)"
)


def format_of(path) -> str:
    """'mp4', 'gif' or 'png' (a folder) for an output path; refuses anything else."""
    text = str(path)
    path = Path(text)
    if text.endswith(("/", "\\")) or path.is_dir() or not path.suffix:
        return "png"
    suffix = path.suffix.lower()[1:]
    if suffix in ("mp4", "gif"):
        return suffix
    raise ShaderplayError(f"output {text}: unknown format '.{suffix}'; allowed: {_ALLOWED}.")


def open_sink(path, size, fps: float = 30.0, format: str | None = None, **opts) -> FrameSink:
    """Open a sink for `path` (format from its name unless `format` is given).

    `size` is (width, height) of the frames to come. Options by format:
    mp4 `preset`="veryfast", `crf`=18, `pad`=False; gif `loop`=0;
    png `compress_level`=1. Everything is checked here, before any frame.
    """
    fmt = choose("format", format, FORMATS) if format else format_of(path)
    sink = FORMATS[fmt]
    known = list(inspect.signature(sink.__init__).parameters)[4:]  # after self, path, size, fps
    for name in opts:
        if name not in known:
            raise bad_value(f"{fmt} option", name, ", ".join(known) or "none")
    return sink(path, size, fps, **opts)
