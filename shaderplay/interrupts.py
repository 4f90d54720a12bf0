"""How a command ends when it is told to: SIGINT (Ctrl-C), SIGTERM (`kill`,
`timeout`, a logout) and SIGHUP (a closed terminal) all raise `Interrupted`, a
KeyboardInterrupt, in the main thread. Every ending then unwinds through the
same `with` and `finally` blocks: a recording closes a playable file, a write
leaves the old file or the whole new one.

Code that must not be cut short (closing a recording, writing a file) runs
under `shielded()`: a signal that arrives inside is held and raised when the
block ends. After the first signal, later ones only say the command is
finishing: SIGKILL is what stops it at once.

    with interrupts.handled():      # the command line, around a command
        ...
"""

import signal
import sys
import threading
from contextlib import contextmanager

SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Interrupted(KeyboardInterrupt):
    """A signal asked the command to stop; `signum` says which."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def signal_name(exc: BaseException) -> str:
    """'SIGTERM' for an Interrupted, 'SIGINT' for a plain KeyboardInterrupt."""
    return signal.Signals(getattr(exc, "signum", signal.SIGINT)).name


def exit_status(exc: BaseException) -> int:
    """128 + the signal's number, as a shell reports a command a signal ended (130: Ctrl-C)."""
    return 128 + getattr(exc, "signum", signal.SIGINT)


class _State:
    depth = 0  # shielded() blocks the main thread is inside
    held: int | None = None  # a signal that arrived inside one, raised when it ends
    ending = False  # a signal came already: later ones only say so


def _handler(signum, frame) -> None:
    if _State.ending:
        print(
            f"shaderplay: {signal.Signals(signum).name}: still finishing the files "
            "(SIGKILL stops at once, leaving them unfinished)",
            file=sys.stderr,
        )
        return
    _State.ending = True
    if _State.depth:
        _State.held = signum
        return
    raise Interrupted(signum)


@contextmanager
def handled():
    """Signals in SIGNALS raise Interrupted inside the block (main thread only;
    elsewhere the block runs as it is). The handlers before are put back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {s: signal.signal(s, _handler) for s in SIGNALS}
    _State.ending, _State.held = False, None
    try:
        yield
    finally:
        for s, previous in before.items():
            signal.signal(s, previous)


@contextmanager
def shielded():
    """Run the block whole: a signal arriving inside is raised when it ends
    (unless the block raised an error of its own, which then goes on)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers run on the main thread only
        return
    _State.depth += 1
    try:
        yield
    finally:
        _State.depth -= 1
    if _State.depth == 0 and _State.held is not None:
        signum, _State.held = _State.held, None
        raise Interrupted(signum)
