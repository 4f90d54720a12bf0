"""The cells of a sweep: up to two varied settings, each cell one combination.

An Axis is one varied setting: the name shown (a key, or a command-line shortcut
such as "seed"), the preset keys it sets, the values and their labels. The first
axis runs along the sheet's columns, the second down its rows; cell (row, col)
is number row * columns + col, and its files are named by that number and its
values. Every cell's preset is read here, before any work, so a bad value is
refused at once with the preset file's rules and messages.
"""

import re
from dataclasses import dataclass
from itertools import product

from ..build import build
from ..config import Preset, mode_from_view
from ..errors import ShaderplayError, bad_value
from ..modes import parse_mode
from ..preset_schema import set_fields
from ..sources import read_preset
from ..view import parse_size, size_for
from .metrics import DEFAULT_STEPS

MAX_AXES = 2  # two varied settings make a grid; a third would need a sheet per value
CELL_LONGEST = 160  # pixels on a cell picture's longer side without a size


@dataclass(frozen=True)
class Axis:
    name: str  # as the user named it: "train.lr", or a shortcut such as "seed"
    keys: tuple[str, ...]  # the preset keys each value sets
    values: tuple  # the values, typed as a line of the preset file would have them
    labels: tuple[str, ...]  # each value as shown on the sheet and in the table

    def __post_init__(self):
        if not self.values:
            raise bad_value(f"vary {self.name}", [], "at least one value")
        if len(self.labels) != len(self.values):
            raise ShaderplayError(f"vary {self.name}: one label per value")


def axis(name: str, values, labels=None) -> Axis:
    """An Axis from the API's form: `name` a "table.key" or a tuple of them (all set
    to each value), the labels the values' text unless given."""
    keys = (name,) if isinstance(name, str) else tuple(name)
    values = tuple(values)
    shown = tuple(labels) if labels is not None else tuple(_label(v) for v in values)
    return Axis(name if isinstance(name, str) else ",".join(keys), keys, values, shown)


def _label(value) -> str:
    if isinstance(value, list | tuple):
        return ",".join(_label(v) for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Cell:
    index: int  # row * columns + col
    name: str  # its files' stem: the number, then the values
    values: tuple  # its value on each axis
    labels: tuple[str, ...]  # the same, as shown
    preset: Preset
    steps: int  # 0 for a preset without data to train on


@dataclass(frozen=True)
class Look:
    """How every cell is drawn: a view mode (None: each preset's own) in `size` pixels."""

    mode: str | None
    size: tuple[int, int]


@dataclass(frozen=True)
class Plan:
    axes: tuple[Axis, ...]
    cells: tuple[Cell, ...]
    look: Look
    title: str  # the preset's name and the settings every cell shares

    @property
    def columns(self) -> int:
        return len(self.axes[0].values) if self.axes else 1

    @property
    def rows(self) -> int:
        return len(self.axes[1].values) if len(self.axes) > 1 else 1


_UNSAFE = re.compile(r"[^A-Za-z0-9._=,+-]+")


def _file_name(index: int, axes, labels) -> str:
    """ "007_lr=0.001_seed=2": the number keeps names apart that the characters
    a file name cannot hold would make equal."""
    parts = [f"{a.name.rpartition('.')[2]}={label}" for a, label in zip(axes, labels)]
    return _UNSAFE.sub("_", "_".join([f"{index:03d}", *parts]))[:120]


def _read(preset, changes: dict) -> Preset:
    if isinstance(preset, Preset):
        return set_fields(preset, changes)
    return read_preset(preset, changes=changes)


def plan(preset, axes, changes=None, steps=None, mode=None, size=None) -> Plan:
    """Every cell of `preset` (a name, a .toml path or a Preset) with `changes`
    ({"table.key": value}) and then each combination of the axes' values; each cell
    trains `steps` (None: the preset's train.max_steps, else DEFAULT_STEPS)."""
    axes = tuple(axes)
    if len(axes) > MAX_AXES:
        names = [a.name for a in axes]
        raise bad_value("vary", names, f"at most {MAX_AXES} varied settings (a grid)")
    for i, a in enumerate(axes):  # two axes setting one key: the second's values won
        for b in axes[i + 1 :]:
            if set(a.keys) & set(b.keys):
                raise bad_value("vary", b.name, f"a setting other than {a.name}'s (set twice)")
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 1):
        raise bad_value("steps", steps, "an integer >= 1")
    if mode is not None:
        parse_mode(mode)
    changes = dict(changes or {})
    base = _read(preset, changes)
    cells = []
    columns = axes[0].values if axes else (None,)
    rows = axes[1].values if len(axes) > 1 else (None,)
    for index, (row, col) in enumerate(product(range(len(rows)), range(len(columns)))):
        at = (col, row)[: len(axes)]
        cell_changes = dict(changes)
        for a, i in zip(axes, at):
            cell_changes.update(dict.fromkeys(a.keys, a.values[i]))
        cell_preset = _read(preset, cell_changes)
        trains = cell_preset.target.name != "none"
        n = (steps or cell_preset.train.max_steps or DEFAULT_STEPS) if trains else 0
        if trains:
            cell_preset = set_fields(cell_preset, {"train.max_steps": n})
        values = tuple(a.values[i] for a, i in zip(axes, at))
        labels = tuple(a.labels[i] for a, i in zip(axes, at))
        name = _file_name(index, axes, labels)
        cells.append(Cell(index, name, values, labels, cell_preset, n))
    _check_cells(cells)
    cell_size = parse_size(size) if size is not None else size_for(base.view.domain, CELL_LONGEST)
    shared = [f"{k}={_label(v)}" for k, v in changes.items()]
    trained = sorted({c.steps for c in cells if c.steps})
    if trained:
        shared.insert(0, f"{'/'.join(map(str, trained))} steps")
    if "view.mode" not in {key for a in axes for key in a.keys}:
        shared.append(f"mode {mode or mode_from_view(base.view)}")
    title = ", ".join([base.name, *shared])
    return Plan(axes, tuple(cells), Look(mode, cell_size), title)


def _check_cells(cells) -> None:
    """build.py's rules between tables, cell by cell before any trains, until one cell
    passes them. A cell that breaks one is a row with its error, as a cell that
    diverges; where every cell does, the sweep is refused (its first cell's error),
    not a sheet of errors."""
    first = None
    for cell in cells:
        try:
            build(cell.preset)
            return
        except ShaderplayError as exc:
            first = first or exc
    if first is not None:
        raise first
