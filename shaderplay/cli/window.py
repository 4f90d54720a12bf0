"""Open the window on a preset: the network trains live behind the panels.

PRESET is a built-in name (see `shaderplay presets`) or a .toml file; the
default built-in preset when omitted; --set and its shortcuts change it as a
line of its file would. Press ? in the window for the keys.
"""

from pathlib import Path

from . import overrides


def add_arguments(parser) -> None:
    parser.add_argument(
        "preset",
        nargs="?",
        default="default",
        help="built-in preset name or .toml file (default: %(default)s)",
    )
    parser.add_argument("--size", default="1280x800", help="window size WxH (default: %(default)s)")
    parser.add_argument(
        "--script",
        default=None,
        type=Path,
        help="JSON list of actions to run at given frames (demos, tests)",
    )
    parser.add_argument(
        "--frames", type=int, default=0, help="quit after this many frames (0: run until closed)"
    )
    parser.add_argument(
        "--no-vsync", action="store_true", help="do not wait for the display's refresh"
    )
    parser.add_argument(
        "--max-fps",
        type=float,
        default=60.0,
        help="frames per second at most; 0 draws as fast as possible (default: %(default)s)",
    )
    overrides.add_arguments(parser, "window")


def run(args) -> int:
    from ..app.loop import run as run_window
    from ..app.script import Script
    from ..errors import bad_value
    from ..sources import read_preset
    from ..view import parse_size

    settings = overrides.read(args)
    with settings.named():
        preset = read_preset(args.preset, changes=settings.changes)
    if args.frames < 0:
        raise bad_value("--frames", args.frames, "an integer >= 0")
    if not (args.max_fps == 0 or 0.1 <= args.max_fps <= 1000):  # 1e-9: a frame in 30 years
        raise bad_value("--max-fps", args.max_fps, "0 (no limit) or a number from 0.1 to 1000")
    script = Script.load(args.script) if args.script else None
    with settings.named():  # the rules between tables are checked as the window starts
        run_window(
            preset,
            source=args.preset,
            size=parse_size(args.size),
            script=script,
            max_frames=args.frames,
            vsync=not args.no_vsync,
            max_fps=args.max_fps,
        )
    return 0
