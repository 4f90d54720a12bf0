"""A private X server (Xvfb) for running the window without a desktop: the
window tests and `shaderplay bench window` on a headless machine.

    with virtual_display() as display:   # ":1"; DISPLAY set inside the block
        ...
    with some_display(size) as name:     # the desktop's display, else a private Xvfb
        ...
"""

import contextlib
import os
import select
import shutil
import subprocess
import time

from ..errors import ShaderplayError

START_S = 15.0  # an Xvfb that has no display by then did not start


def available() -> bool:
    return shutil.which("Xvfb") is not None


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
    # Xvfb picks a free display itself and writes its number to -displayfd: two starts
    # at once that both took the same free-looking number shared one server, which
    # the first to finish then stopped under the other's windows.
    read, write = os.pipe()
    # -noreset: the server stays up when its last client (a window) closes.
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size[0]}x{size[1]}x24"]
        + ["-nolisten", "tcp", "-noreset"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        pass_fds=(write,),
    )
    os.close(write)
    n = _display_number(read, proc)
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


def _display_number(read: int, proc) -> int:
    """The display number the starting Xvfb `proc` writes to the pipe `read` (closed)."""
    text, end = b"", time.monotonic() + START_S
    with os.fdopen(read, "rb") as pipe:
        while not text.endswith(b"\n") and time.monotonic() < end:
            if not select.select([pipe], [], [], 0.1)[0]:
                continue
            chunk = os.read(pipe.fileno(), 16)
            if not chunk:  # Xvfb ended without a display
                break
            text += chunk
    if text.strip().isdigit():
        return int(text)
    proc.kill()
    err = proc.communicate()[1].decode(errors="replace").strip().splitlines()[-1:]
    raise ShaderplayError(f"Xvfb: did not start ({' '.join(err) or 'no message'}).")


@contextlib.contextmanager
def some_display(size=(1280, 800)):
    """The desktop's display where there is one, else a private Xvfb of `size` (DISPLAY
    set inside the block); yields its name for reports."""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        yield "this display"
        return
    with virtual_display(size):
        yield "Xvfb + Mesa llvmpipe"
