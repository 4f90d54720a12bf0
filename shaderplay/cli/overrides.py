"""Preset settings on the command line, the same for every command that reads a
preset: `--set table.key=value` (the value is a TOML value: 1e-3, [30, 30],
true; a bare word is a string) and the shortcuts of SHORTCUTS, each exactly
one or more `--set`s. They apply in the order given (a later one for the same
key wins) as lines of the preset file would: the same rules and messages,
each message led by the flag that set the key, as a file's by the file:

    --lr: train.lr: got -1.0; allowed: a number > 0.

    shaderplay render neylon --set network.hidden=[30,30,30] --seed 3 -o art.png
"""

import argparse
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import ShaderplayError, bad_value
from ..preset_schema import parse_setting

# --- how a shortcut reads its text: (flag, text) -> the value of its keys ------------


def _integer(flag: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise bad_value(flag, text, "an integer") from None


def _at_least(low: int) -> Callable[[str, str], int]:
    def parse(flag: str, text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise bad_value(flag, text, f"an integer >= {low}") from None
        if value < low:
            raise bad_value(flag, value, f"an integer >= {low}")
        return value

    return parse


def _number(flag: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise bad_value(flag, text, "a number, e.g. 1e-3") from None


def _widths(flag: str, text: str) -> list[int]:
    try:
        return [int(w) for w in text.split(",")] if text.strip() else []
    except ValueError:
        raise bad_value(flag, text, "widths separated by commas, e.g. 30,30,30") from None


def _names(flag: str, text: str) -> str | list[str]:
    """One name, or names separated by commas (one per hidden layer)."""
    names = [name.strip() for name in text.split(",")]
    return names if len(names) > 1 else names[0]


def _name(flag: str, text: str) -> str:
    return text.strip()


# --- the shortcuts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shortcut:
    flag: str
    keys: tuple[str, ...]  # the preset keys it sets, all to the one value
    parse: Callable[[str, str], object]
    metavar: str
    help: str  # what it means; commands in `only` say it their way
    only: dict[str, str] | None = None  # command -> its help, where not every command takes it


SHORTCUTS = (
    Shortcut(
        "--seed",
        ("network.seed", "target.seed", "train.seed"),
        _at_least(0),
        "N",
        "one seed for the weights, the data and the minibatch order",
    ),
    Shortcut("--hidden", ("network.hidden",), _widths, "W,W,...", "hidden widths, e.g. 30,30,30"),
    Shortcut(
        "--activation",
        ("network.activation",),
        _names,
        "NAME[,NAME...]",
        "hidden activation, or one per hidden layer: relu, or relu,tanh,tanh",
    ),
    Shortcut("--output-activation", ("network.output",), _name, "NAME", "the output's activation"),
    Shortcut("--optimizer", ("train.optimizer",), _name, "NAME", "the optimiser, e.g. adam, sgd"),
    Shortcut("--lr", ("train.lr",), _number, "LR", "the learning rate, e.g. 1e-3"),
    Shortcut("--batch-size", ("train.batch_size",), _integer, "B", "the minibatch size"),
    Shortcut(
        "--threads",
        ("train.threads",),
        _integer,
        "N",
        "threads sharing each training step, the same results for any N (0: the cores, "
        "where a step is big enough; one while the window trains)",
    ),
    Shortcut(
        "--steps",
        ("train.max_steps",),
        _at_least(1),
        "N",
        "steps to train",
        only={
            "train": "steps to train; without it the preset's train.max_steps, else 5000",
            "record": "training: the film trains N steps, spread over --frames unless "
            "--steps-per-frame says otherwise",
            "window": "training stops after N steps",
        },
    ),
)


class _Given(argparse.Action):
    """Keeps every setting flag in the order given, as (flag, text)."""

    def __call__(self, parser, namespace, values, option_string=None):
        namespace.settings = (*namespace.settings, (self.option_strings[0], values))


def add_arguments(parser, command: str) -> None:
    """`--set` and the shortcuts `command` takes, in a group of their own."""
    group = parser.add_argument_group(
        "preset settings",
        "Change the preset as a line of its file would, in the order given (a later "
        "one for a key wins). A shortcut sets the keys shown with it, as --set does: "
        "--hidden 30,30,30 is --set network.hidden=[30,30,30].",
    )
    group.add_argument(
        "--set",
        action=_Given,
        dest="settings",
        metavar="TABLE.KEY=VALUE",
        help="a preset key and a TOML value, e.g. network.hidden=[30,30,30], "
        "network.activation=relu, train.lr=1e-3 (repeatable)",
    )
    for row in SHORTCUTS:
        if row.only is None or command in row.only:
            about = row.help if row.only is None else row.only[command]
            group.add_argument(
                row.flag,
                action=_Given,
                dest="settings",
                metavar=row.metavar,
                help=f"{about} (sets {', '.join(row.keys)})",
            )
    parser.set_defaults(settings=())


@dataclass(frozen=True)
class Settings:
    """What the setting flags asked for: `changes` as sources.py takes them, and
    which flag set each key (for messages)."""

    changes: dict  # {"table.key": value}
    flags: dict  # {"table.key": the flag that set it, "--set" or a shortcut}

    @contextmanager
    def named(self):
        """An error about a key set here names the flag that set it."""
        try:
            yield
        except ShaderplayError as exc:
            message = str(exc)
            for dotted, flag in self.flags.items():
                if message.startswith(dotted + ":"):
                    raise ShaderplayError(f"{flag}: {message}") from None
            raise


ROWS = {row.flag: row for row in SHORTCUTS}


def read(args) -> Settings:
    """The setting flags of `args`, each read (a bad text names its flag)."""
    changes, flags = {}, {}
    for flag, text in args.settings:
        if flag == "--set":
            dotted, value = parse_setting(text, "--set")
            changes[dotted], flags[dotted] = value, flag
            continue
        row = ROWS[flag]
        value = row.parse(flag, text)
        for dotted in row.keys:
            changes[dotted], flags[dotted] = value, flag
    return Settings(changes, flags)
