"""Frame sinks: where recorded frames go (MP4, GIF or a folder of PNGs).

Protocol, shared by every format:

    with open_sink("out.mp4", size=(W, H), fps=30) as sink:
        sink.write(frame)          # uint8 (H, W, 3), row 0 = top, RGB
    n = sink.frames_written        # or n = sink.close()

`size` is (width, height) like `render(size=...)`. Everything a user can get
wrong (unknown format, unwritable path, bad size or fps) is refused when the
sink opens, before the first frame. `write()` hands a copy of the frame to a
writer thread through a bounded queue, so rendering and training go on while
the encoder works, and memory stays bounded (the caller waits when the
encoder is behind).

When the encoder fails mid-way (it exits, the disk fills) the sink keeps
what it has: it closes a playable file of the frames written so far and
raises `RecordingError`, whose message says how many frames the file holds.
A KeyboardInterrupt in the caller's loop (Ctrl-C, or SIGTERM and SIGHUP
through shaderplay.interrupts) is handled by the `with` block: the frames
queued so far are written and the file is closed before the interrupt goes
on. Closing is shielded: a signal that arrives meanwhile waits until the
file is whole. Until then the frames live in a hidden partial file beside
the output, which replaces the output only once it is complete.
"""

import contextlib
import os
import queue
import threading
from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np

from .. import interrupts
from ..errors import ShaderplayError, bad_value

MAX_SIDE = 4096  # renderer FBOs and H.264 levels are happy up to here
MAX_PIXELS = 3840 * 2160  # 4K UHD, the largest output the CLI offers
QUEUE_FRAMES = 4  # frames in flight between the caller and the writer thread

_STOP = object()  # queue sentinel: no more frames


class RecordingError(ShaderplayError):
    """The encoder failed mid-way. `frames` is how many frames `path` holds."""

    def __init__(self, message: str, path: Path, frames: int):
        super().__init__(message)
        self.path = path
        self.frames = frames


def check_size(size, field: str = "size") -> tuple[int, int]:
    """(width, height) as ints, within what recording supports."""
    try:
        w, h = (int(v) for v in size)
        ok = (w, h) == tuple(size)
    except (TypeError, ValueError):
        ok = False
    if not ok or not (1 <= w <= MAX_SIDE and 1 <= h <= MAX_SIDE) or w * h > MAX_PIXELS:
        raise bad_value(
            field, size, f"(width, height), each 1..{MAX_SIDE}, at most 3840x2160 pixels"
        )
    return w, h


MIN_FPS = 0.01  # a frame each 100 s; a GIF's frame lasts at most 655.35 s


def check_fps(fps, field: str = "fps", maximum: float = 240.0) -> float:
    try:
        value = float(fps)
    except (TypeError, ValueError):
        value = float("nan")
    if not MIN_FPS <= value <= maximum:  # also refuses NaN
        raise bad_value(field, fps, f"a frame rate from {MIN_FPS:g} to {maximum:g}")
    return value


def check_writable_dir(folder: Path, path: Path) -> None:
    """Refuse now, not after the first frame, when `folder` cannot take files."""
    if not folder.is_dir():
        raise ShaderplayError(
            f"output {path}: folder {folder} does not exist; "
            "allowed: a path in an existing, writable folder."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ShaderplayError(
            f"output {path}: folder {folder} is not writable; "
            "allowed: a path in a folder you can write to."
        )


class FrameSink(ABC):
    """Base class: validation, the writer thread and the failure protocol.

    Subclasses implement `_write_frame(frame)` (called on the writer thread,
    in order), `_finish() -> int` (close the file normally; frames in it) and
    `_salvage(error) -> int` (close a playable file after `error`; frames in it).
    """

    format = ""

    def __init__(self, path, size, fps):
        self.path = Path(path)
        self.size = check_size(size)
        self.fps = check_fps(fps)
        self.frames_written = 0  # frames the writer thread has handed to the encoder
        self.saved_to = self.path  # where the frames are kept (another file if this fails)
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_FRAMES)
        self._error: BaseException | None = None
        self._closed = False
        self._result: RecordingError | None = None
        self._thread = threading.Thread(
            target=self._drain, name=f"{self.format}-writer", daemon=True
        )

    def _start(self) -> None:
        """Subclasses call this once their file/encoder is open."""
        self._thread.start()

    # --- the caller's side ---------------------------------------------------------
    def write(self, frame: np.ndarray, copy: bool = True) -> None:
        """Queue one uint8 (H, W, 3) RGB frame, row 0 at the top.

        `copy=False` hands the array over as it is: only for callers that
        will not change it afterwards (a freshly rendered frame)."""
        if self._closed:
            if self._result is not None:
                raise self._result
            raise ShaderplayError(
                f"output {self.path}: write() after close(); "
                "allowed: open a new sink for more frames."
            )
        w, h = self.size
        frame = np.asarray(frame)
        if frame.shape != (h, w, 3) or frame.dtype != np.uint8:
            raise bad_value(
                f"frame for {self.path}",
                f"{frame.dtype} array {frame.shape}",
                f"uint8 RGB of shape ({h}, {w}, 3) for a {w}x{h} recording",
            )
        if self._error is not None:
            self.close()  # raises the RecordingError with the frame count
        # A copy by default: callers may reuse their buffer while the writer still holds it.
        self._queue.put(
            np.array(frame, order="C", copy=True) if copy else np.ascontiguousarray(frame)
        )

    def close(self) -> int:
        """Write what is queued, close the file; frames it holds.

        Raises RecordingError (once; later calls return the count) when the
        encoder failed: the file then holds the frames written before it did.
        """
        if not self._closed:
            with interrupts.shielded():  # a signal now waits until the file is whole
                self._close()
        return self.frames_written

    def _close(self) -> None:
        self._closed = True
        self._queue.put(_STOP)
        self._thread.join()
        if self._error is None:
            try:
                self.frames_written = self._finish()
            except Exception as exc:  # the encoder failed on its last frames
                self._error = exc
        if self._error is not None:
            self._result = self._salvage_report(self._error)
            raise self._result

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            # Keep the caller's exception (KeyboardInterrupt, a render error):
            # the frames so far still end up in a closed, playable file.
            with contextlib.suppress(RecordingError):
                self.close()
        return False

    # --- the writer thread -------------------------------------------------------------
    def _drain(self) -> None:
        while True:
            frame = self._queue.get()
            if frame is _STOP:
                return
            if self._error is not None:
                continue  # keep emptying the queue so the caller never blocks forever
            try:
                self._write_frame(frame)
                self.frames_written += 1
            except BaseException as exc:
                self._error = exc

    def _salvage_report(self, error: BaseException) -> RecordingError:
        sent = self.frames_written
        try:
            kept = self._salvage(error)
            where = (
                f"{self.saved_to} holds the first {kept} frame{'s' * (kept != 1)} and is playable"
            )
        except Exception as exc:
            kept = 0
            where = f"nothing could be saved ({exc})"
        self.frames_written = kept
        message = (
            f"recording to {self.path} stopped after {sent} frames: {describe(error)}; {where}."
        )
        return RecordingError(message, self.path, kept)

    # --- subclass hooks ------------------------------------------------------------------
    @abstractmethod
    def _write_frame(self, frame: np.ndarray) -> None:
        """Encode one frame (writer thread)."""

    @abstractmethod
    def _finish(self) -> int:
        """Close the file after the last frame; frames it holds."""

    @abstractmethod
    def _salvage(self, error: BaseException) -> int:
        """Close a playable file of what was written before `error`; frames it holds."""


def describe(error: BaseException) -> str:
    """One line for an encoder or disk failure."""
    text = str(error).strip() or error.__class__.__name__
    return " ".join(text.split())
