"""A private X server (Xvfb) for running the window without a desktop: the
window tests and `shaderplay bench window` on a headless machine.

    with virtual_display() as display:   # ":93"; DISPLAY set inside the block
        ...
    with some_display(size) as name:     # the desktop's display, else a private Xvfb
        ...
"""

import contextlib
import os
import shutil
import subprocess
import time
from pathlib import Path

from ..errors import ShaderplayError


def available() -> bool:
    return shutil.which("Xvfb") is not None


def _free_display() -> int:
    for n in range(90, 500):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise ShaderplayError(
        "Xvfb: no free display number in :90..:499; allowed: fewer X servers running."
    )


@contextlib.contextmanager
def virtual_display(size=(1280, 800), set_env: bool = True):
    """Start `Xvfb :N -screen 0 WxHx24`, yield ":N", stop it afterwards.

    With `set_env`, DISPLAY points at it inside the block (restored after)."""
    if not available():
        raise ShaderplayError(
            "Xvfb: not installed; allowed: install it (apt-get install xvfb) "
            "or run "
            "where there is a display."
        )
    n = _free_display()
    # -noreset: the server stays up when its last client (a window) closes.
    proc = subprocess.Popen(
        [
            "Xvfb",
            f":{n}",
            "-screen",
            "0",
            f"{size[0]}x{size[1]}x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    socket = Path(f"/tmp/.X11-unix/X{n}")
    end = time.monotonic() + 15.0
    while not socket.exists() and proc.poll() is None and time.monotonic() < end:
        time.sleep(0.05)
    if not socket.exists():
        proc.kill()
        err = proc.communicate()[1].decode(errors="replace").strip().splitlines()[-1:]
        raise ShaderplayError(f"Xvfb :{n}: did not start ({' '.join(err) or 'no message'}).")
    old = os.environ.get("DISPLAY")
    if set_env:
        os.environ["DISPLAY"] = f":{n}"
    try:
        yield f":{n}"
    finally:
        if set_env:
            if old is None:
                os.environ.pop("DISPLAY", None)
            else:
                os.environ["DISPLAY"] = old
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def some_display(size=(1280, 800)):
    """The desktop's display where there is one, else a private Xvfb of `size` (DISPLAY
    set inside the block); yields its name for reports."""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        yield "this display"
        return
    with virtual_display(size):
        yield "Xvfb + Mesa llvmpipe"
