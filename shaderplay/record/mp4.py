"""MP4 sink: H.264, yuv420p, BT.709 tagged, `+faststart` -- plays in browsers,
QuickTime and phones.

Raw rgb24 frames are piped to the ffmpeg binary of imageio-ffmpeg. ffmpeg
writes an MPEG transport stream first (to a hidden `.NAME.partial.ts` next
to the output) and the sink remuxes it into the MP4 when it closes (a
stream copy: no second encode). A transport stream has no index to finish,
so when ffmpeg dies mid-way (killed, disk full) everything it had muxed is
still there and still becomes a playable MP4; only the few frames in the
encoder's look-ahead are lost, and the error message says how many frames
the file holds. When even the MP4 cannot be written (no room left for it),
the stream is kept as `NAME.partial.ts`, which players play as it is.

yuv420p needs even width and height. An odd size is refused when the sink
opens, unless `pad=True`: then the last column/row is repeated once on the
right/bottom (never a silent resize; a repeated edge rather than black, as
4:2:0 chroma would smear black into the picture's edge pixels).
"""

import contextlib
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..checks import commit
from ..errors import ShaderplayError, bad_value, choose
from .ffmpeg import count_frames, exit_reason, ffmpeg_exe, own_process_group, run_ffmpeg
from .sink import FrameSink, check_writable_dir

X264_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
)


class Mp4Sink(FrameSink):
    format = "mp4"

    def __init__(self, path, size, fps, preset: str = "veryfast", crf: int = 18, pad: bool = False):
        super().__init__(path, size, fps)
        choose("mp4 preset", preset, X264_PRESETS)
        if not isinstance(crf, int) or not 0 <= crf <= 51:
            raise bad_value("mp4 crf", crf, "an integer 0..51 (lower is better; 18 looks lossless)")
        w, h = self.size
        if (w % 2 or h % 2) and not pad:
            even = f"{w + w % 2}x{h + h % 2} or {max(w - w % 2, 2)}x{max(h - h % 2, 2)}"
            raise ShaderplayError(
                f"output {self.path}: size {w}x{h}: H.264 yuv420p needs an even width and height; "
                f"allowed: an even size such as {even}, or pad=True to repeat the edge column/row."
            )
        self.output_size = (w + w % 2, h + h % 2)
        self._check_target()
        self.partial = self.path.with_name(f".{self.path.name}.partial.ts")
        try:
            self._ts = open(self.partial, "wb")
        except OSError as exc:
            raise ShaderplayError(
                f"output {self.path}: cannot write next to it ({exc.strerror}); "
                "allowed: a path in a folder you can write to."
            ) from None
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            self._command(preset, crf),
            stdin=subprocess.PIPE,
            stdout=self._ts,
            stderr=self._log,
            **own_process_group(),
        )
        self._start()

    def _check_target(self) -> None:
        check_writable_dir(self.path.parent if str(self.path.parent) else Path("."), self.path)
        if self.path.is_dir():
            raise ShaderplayError(
                f"output {self.path}: is a folder; "
                "allowed: a file name ending in .mp4 "
                "(a folder path records PNG frames)."
            )

    def _command(self, preset: str, crf: int) -> list[str]:
        w, h = self.output_size
        rate = Fraction(self.fps).limit_denominator(1001)
        # Convert with the BT.709 matrix and say so in the stream: players
        # assume BT.709 for HD, and an untagged BT.601 conversion shifts colours.
        # (setparams: ffmpeg takes the tags from the frames, not from -colorspace.)
        filters = (
            "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
            "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709"
        )
        return [
            ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostats",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-s",
            f"{w}x{h}",
            "-framerate",
            f"{rate.numerator}/{rate.denominator}",
            "-i",
            "pipe:0",
            "-an",
            "-vf",
            filters,
            "-c:v",
            "libx264",
            "-preset",
            preset,
            "-crf",
            str(crf),
            "-f",
            "mpegts",
            "pipe:1",
        ]

    # --- writer-thread side --------------------------------------------------------
    def _write_frame(self, frame) -> None:
        if self.output_size != self.size:
            w, h = self.size
            extra = ((0, self.output_size[1] - h), (0, self.output_size[0] - w), (0, 0))
            frame = np.pad(frame, extra, mode="edge")
        try:
            self.process.stdin.write(frame.data)
        except (BrokenPipeError, ValueError):
            raise OSError(self._encoder_exit()) from None

    def _encoder_exit(self) -> str:
        returncode = self.process.wait()
        self._log.seek(0)
        return exit_reason(returncode, self._log.read()[-2000:].decode("utf-8", "replace"))

    def _end_encoder(self) -> int:
        with contextlib.suppress(BrokenPipeError, OSError):
            self.process.stdin.close()
        returncode = self.process.wait()
        self._ts.close()
        return returncode

    def _remux(self) -> None:
        """The transport stream becomes the MP4 (stream copy, index at the front)."""
        staging = self.path.with_name(f".{self.path.name}.staging.mp4")
        try:
            # -f: a stream of a few frames is too short for ffmpeg to guess its format.
            run_ffmpeg(
                [
                    "-f",
                    "mpegts",
                    "-i",
                    str(self.partial),
                    "-map",
                    "0:v:0",
                    "-c",
                    "copy",
                    "-movflags",
                    "+faststart",
                    "-f",
                    "mp4",
                    str(staging),
                ],
                f"writing {self.path}",
            )
            commit(staging, self.path)
        finally:
            staging.unlink(missing_ok=True)
        self.partial.unlink(missing_ok=True)

    def _finish(self) -> int:
        if self._end_encoder() != 0:
            raise OSError(self._encoder_exit())
        self._log.close()
        if self.frames_written == 0:  # closed before any frame: no video, no file
            self.partial.unlink(missing_ok=True)
            return 0
        self._remux()
        return self.frames_written

    def _salvage(self, error: BaseException) -> int:
        if self.process.poll() is None:
            self._end_encoder()  # the failure was ours (a write), not ffmpeg's: let it flush
        self._ts.close()
        self._log.close()
        try:
            self._remux()
        except OSError:  # no room for the MP4 (a full disk): the stream itself plays
            if self.partial.stat().st_size == 0:
                self.partial.unlink()
                raise
            self.saved_to = self.path.with_name(f"{self.path.stem}.partial.ts")
            self.partial.replace(self.saved_to)
            return count_frames(self.saved_to)
        return count_frames(self.path)
