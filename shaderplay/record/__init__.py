"""Recording: frames to MP4, GIF or PNG folders, live from the window or
headless from the command line, and training runs kept as weight snapshots."""

from ..runs import RunFile, RunRecorder
from .formats import FORMATS, format_of, open_sink
from .live import LiveRecorder
from .sink import FrameSink, RecordingError

__all__ = [
    "FORMATS",
    "FrameSink",
    "LiveRecorder",
    "RecordingError",
    "RunFile",
    "RunRecorder",
    "format_of",
    "open_sink",
]
