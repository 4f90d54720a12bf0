"""Recording: frames to MP4, GIF or PNG folders, live from the window or
headless from the command line. Training runs kept as weight snapshots (what
playback records) are shaderplay.runs."""

from .formats import FORMATS, format_of, open_sink
from .live import LiveRecorder
from .sink import FrameSink, RecordingError

__all__ = ["FORMATS", "FrameSink", "LiveRecorder", "RecordingError", "format_of", "open_sink"]
