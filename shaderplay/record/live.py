"""LiveRecorder: the window's record button (V).

The window renders the canvas into an offscreen framebuffer at the
recording size and hands each frame to `add()`. Time in the video is
`frames / fps` -- the window advances its clock (and trains a fixed number
of steps) per recorded frame, so the film is deterministic and plays at the
speed it was meant to, however slowly frames were produced.

    rec = LiveRecorder()
    rec.start("clip.mp4", size=(1280, 720), fps=30)   # refuses bad paths here
    while rec.recording: rec.add(frame)                # uint8 (H, W, 3), row 0 top
    frames, seconds = rec.stop()

Odd sizes are padded by one repeated column/row for MP4 (the window's
canvas can have any size); `include_ui` is only remembered for the window,
which decides what it renders into the frame.
"""

import time

from ..errors import ShaderplayError
from .formats import format_of, open_sink
from .sink import FrameSink, RecordingError


class LiveRecorder:
    def __init__(self):
        self.sink: FrameSink | None = None
        self.include_ui = False
        self.fps = 30.0
        self.frames = 0
        self.last_message = ""  # what the last stop or failure said, for the status line
        self._started = 0.0

    @property
    def recording(self) -> bool:
        return self.sink is not None

    @property
    def elapsed(self) -> float:
        """Seconds of video recorded so far (frames / fps)."""
        return self.frames / self.fps

    @property
    def time_step(self) -> float:
        """Seconds of animation per recorded frame (1 / fps)."""
        return 1.0 / self.fps

    def start(self, path, size, fps: float = 30.0, include_ui: bool = False, **opts) -> None:
        """Begin recording to `path` (.mp4, .gif or a folder) at `size` = (W, H)."""
        if self.recording:
            raise ShaderplayError(
                f"recording: already recording to {self.sink.path}; "
                "allowed: stop() before start() again."
            )
        if format_of(path) == "mp4":
            opts.setdefault("pad", True)
        self.sink = open_sink(path, size, fps, **opts)
        self.fps = self.sink.fps
        self.include_ui = bool(include_ui)
        self.frames = 0
        self.last_message = ""
        self._started = time.perf_counter()

    def add(self, frame) -> None:
        """Record one frame. On an encoder failure the recording stops (the
        file keeps the frames so far) and RecordingError says so."""
        if not self.recording:
            raise ShaderplayError("recording: add() while not recording; allowed: start() first.")
        try:
            self.sink.write(frame)
        except RecordingError as exc:
            self.sink, self.frames, self.last_message = None, exc.frames, str(exc)
            raise
        self.frames += 1

    def stop(self) -> tuple[int, float]:
        """Finish the file; (frames in it, seconds of video)."""
        if not self.recording:
            return self.frames, self.elapsed
        sink, self.sink = self.sink, None
        try:
            self.frames = sink.close()
        except RecordingError as exc:
            self.frames, self.last_message = exc.frames, str(exc)
            raise
        wall = time.perf_counter() - self._started
        self.last_message = (
            f"recorded {self.frames} frames ({self.elapsed:.1f} s of video "
            f"in {wall:.1f} s) to {sink.path}"
        )
        return self.frames, self.elapsed

    def status(self) -> str:
        """'REC 00:04.2  126 frames' while recording, else the last message."""
        if not self.recording:
            return self.last_message
        minutes, seconds = divmod(self.elapsed, 60.0)
        return f"REC {int(minutes):02d}:{seconds:04.1f}  {self.frames} frames"
