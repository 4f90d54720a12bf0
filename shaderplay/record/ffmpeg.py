"""The ffmpeg binary that imageio-ffmpeg ships: finding it, running it, and
reading a video back (tests, frame counts after a failure)."""

import os
import subprocess
from pathlib import Path

from ..errors import ShaderplayError


def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise ShaderplayError(
            f"video encoder: the ffmpeg binary of imageio-ffmpeg is missing ({exc}); "
            "allowed: reinstall imageio-ffmpeg, or record a GIF or a PNG folder."
        ) from None


def own_process_group() -> dict:
    """Popen arguments that start ffmpeg in a process group of its own. A
    terminal's Ctrl-C signals the whole foreground group; an encoder killed by
    it would lose its look-ahead frames and be reported as failing. Kept out,
    it is closed by shaderplay like any finished recording."""
    if os.name == "posix":
        return {"process_group": 0}
    return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}


def exit_reason(returncode: int, stderr_tail: str) -> str:
    """'ffmpeg was killed (signal 9)' / 'ffmpeg exited with code 1: <its last line>'."""
    how = (
        f"ffmpeg was killed (signal {-returncode})"
        if returncode < 0
        else f"ffmpeg exited with code {returncode}"
    )
    last = [line for line in stderr_tail.splitlines() if line.strip()]
    return f"{how}: {last[-1].strip()}" if last else how


def run_ffmpeg(args: list[str], what: str) -> None:
    """Run ffmpeg to completion; a failure raises with its last error line."""
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise OSError(f"{what}: {exit_reason(done.returncode, done.stderr)}")


def count_frames(path: Path) -> int:
    """Video frames in a file, counted by ffmpeg without decoding."""
    import imageio_ffmpeg

    return int(imageio_ffmpeg.count_frames_and_secs(str(path))[0])
