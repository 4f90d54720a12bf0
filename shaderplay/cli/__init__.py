"""`shaderplay` command line: one module per subcommand, imported lazily so
`shaderplay presets` does not pay for numba or GL start-up.

Each module in COMMANDS has `add_arguments(parser)` and `run(args) -> int`.
`shaderplay [PRESET]` with no subcommand opens the window.
Errors a user can cause (ShaderplayError) print one paragraph to stderr and
exit with status 2; so does a first word that is neither a command nor a preset
but close to a command ("rendr": did you mean render?). Python's RuntimeWarnings
(NumPy's overflow or NaN notes) are not shown: what they warn of reaches the user
as an error or in the picture, without a source line before it. SIGINT, SIGTERM
and SIGHUP end a command through the same cleanup (shaderplay.interrupts) and
exit with 128 + the signal's number.
"""

import argparse
import atexit
import contextlib
import difflib
import importlib
import os
import signal
import sys
import threading
import warnings
from pathlib import Path

from .. import interrupts
from ..errors import ShaderplayError
from ..presets import preset_dir
from .parser import Parser

COMMANDS = {
    # name: (module, one-line help)
    "train": (".train", "train a preset headless, print the final loss, --save NET.npz"),
    "presets": (".presets", "list the built-in presets (or print one as TOML)"),
    "window": (".window", "open the window on a preset (the default command)"),
    "render": (".render", "headless picture of a network or preset: PNG, or raw .npy values"),
    "record": (".record", "headless video of training, zoom, weight scale, morph or a saved run"),
    "sweep": (
        ".sweep",
        "train and draw a preset per combination of settings: contact sheet, table",
    ),
    "explore": (
        ".explore",
        "the articles' findings, one recipe each: list, make one, or all + a page",
    ),
    "export": (".export", "one self-contained Shadertoy shader of a network, weights baked in"),
    "bench": (".bench", "throughput figures: bench train (numba trainer vs PyTorch), ..."),
}


def _build_parser(name: str, module) -> argparse.ArgumentParser:
    parser = Parser(prog=f"shaderplay {name}".strip(), description=module.__doc__)
    module.add_arguments(parser)
    return parser


def _usage() -> str:
    lines = [
        "usage: shaderplay [PRESET]          open the window (default preset when omitted)",
        "       shaderplay COMMAND [...]     one of:",
    ]
    lines += [f"         {name:<10} {help_}" for name, (_, help_) in COMMANDS.items()]
    lines.append("       shaderplay COMMAND --help    options of a command")
    return "\n".join(lines)


def _misspelt_command(word: str) -> str | None:
    """The paragraph for a first word that names no command, preset or file but is close
    to a command; None for anything else (the window's preset loading says what is wrong)."""
    if word.startswith("-") or Path(word).suffix or "/" in word or "\\" in word:
        return None
    if (preset_dir() / f"{word}.toml").is_file():
        return None
    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    if not close:
        return None
    return (
        f"{word!r} is not a command or a built-in preset; did you mean `shaderplay "
        f"{close[0]}`? (commands: {', '.join(COMMANDS)}; `shaderplay --help` lists them)"
    )


def main(argv=None) -> int:
    """Run the command line (`argv`: sys.argv's tail); its exit status. A command run
    from the command line itself (argv None) ends the process here: see `_end`."""
    from_shell = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    code = _run(argv)
    if from_shell:
        _end(code)
    return code


def _command(argv: list[str]) -> str:
    """The command `argv` names: its first word, else the window (the default)."""
    return argv[0] if argv and argv[0] in COMMANDS else "window"


def _end(code: int) -> None:
    """Leave without the interpreter's shutdown once the command is done: every file is
    closed or written atomically by now, and the exit handlers still run. The shutdown
    itself only tears down objects, which took ~0.17 s of a 1 s `render` (numba's,
    LLVM's and the GL driver's); and numba and LLVM tearing themselves down under a
    still-running background thread (a first compile, a trainer's chunk) ended a window
    stopped mid-compile or by SIGTERM in a crash. A thread that is not a daemon is
    waited for by the usual exit."""
    main_thread = threading.main_thread()
    if any(t is not main_thread and not t.daemon for t in threading.enumerate()):
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`)
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(code)


def _run(argv: list[str]) -> int:
    warnings.simplefilter("ignore", RuntimeWarning)
    if argv and argv[0] in ("-h", "--help"):
        print(_usage())
        return 0
    name = _command(argv)
    if argv and argv[0] == name:
        rest = argv[1:]
    else:  # no command named: the window's options
        rest = argv
        typo = _misspelt_command(argv[0]) if argv else None
        if typo is not None:
            print(f"shaderplay: {typo}", file=sys.stderr)
            return 2
    for arg in rest:  # argparse reads "--flag=--" as an empty list, not as the text "--"
        if arg.startswith("--") and arg.endswith("=--"):
            print(
                f"shaderplay: {arg[:-3]}: got '--'; allowed: a value of the flag's kind "
                "('--' alone ends the options of a command line).",
                file=sys.stderr,
            )
            return 2
    module = importlib.import_module(COMMANDS[name][0], __name__)
    args = _build_parser("" if name == "window" else name, module).parse_args(rest)
    try:
        with interrupts.handled():  # SIGTERM and SIGHUP end a command as Ctrl-C does
            return int(module.run(args) or 0)
    except ShaderplayError as exc:
        print(f"shaderplay: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print(f"shaderplay: interrupted ({interrupts.signal_name(exc)})", file=sys.stderr)
        return interrupts.exit_status(exc)
    except BrokenPipeError:  # the reader of our output left (`| head`): stop as SIGPIPE would
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to flush
        return 128 + signal.SIGPIPE


if __name__ == "__main__":
    sys.exit(main())
