"""`sweep()`: a preset trained and drawn once per combination of varied settings.

    from shaderplay import sweep
    result = sweep("xor", vary={"train.lr": [0.003, 0.03, 0.3], "network.seed": [0, 1]},
                   steps=2000, out="xor-sweep")
    result.table      # one dict per cell: the varied values, losses, accuracies, times
    result.sheet      # the contact sheet, uint8 (H, W, 3)

The folder gets sheet.png, results.csv and cells/NAME.npz and cells/NAME.png
for every cell, each file written whole (checks.atomic_file) as its cell
finishes. An interrupt (Ctrl-C) keeps the cells done and writes the sheet and
table of them before it goes on.
"""

import os
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import checks
from ..errors import bad_value
from ..legend import band
from .cell import Outcome
from .plan import Axis, Plan, axis, plan
from .sheet import draw_sheet
from .table import rows, write_csv


@dataclass(frozen=True)
class SweepResult:
    table: list[dict]  # one row per cell done, in cell order (results.csv)
    sheet: np.ndarray  # the contact sheet (sheet.png)
    folder: Path
    complete: bool  # every cell ran (False after an interrupt)


def _axes(vary) -> tuple[Axis, ...]:
    """`vary` as Axes: {key or (keys...): values} or Axis objects."""
    if vary is None:
        return ()
    if isinstance(vary, Mapping):
        return tuple(axis(name, values) for name, values in vary.items())
    return tuple(vary)


def _folder(out) -> Path:
    if out is None:
        return Path(tempfile.mkdtemp(prefix="shaderplay-sweep-"))
    if not str(out).strip():  # Path("") is the current folder: its files would mix in
        raise bad_value("out", str(out), "a folder's path")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise bad_value("out", str(folder), "a folder (this is a file)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a read-only disk, a folder not ours
        raise bad_value("out", str(folder), f"a folder you can create ({exc.strerror})") from None
    checks.output_file("out", folder / "sheet.png")
    return folder


def _save_png(path: Path, picture: np.ndarray, field: str) -> None:
    from PIL import Image

    with checks.atomic_file(path, field) as fh:
        Image.fromarray(picture).save(fh, format="PNG")


def _save_cell(cells: Path, name: str, outcome: Outcome) -> None:
    if outcome.npz is not None:
        with checks.atomic_file(cells / f"{name}.npz", "cell network") as fh:
            fh.write(outcome.npz)
    if outcome.picture is not None:
        _save_png(cells / f"{name}.png", outcome.picture, "cell picture")


def _executor(the_plan: Plan, workers, ray):
    if ray is not None:
        if workers is not None:
            raise bad_value("workers", workers, "no worker count with ray (Ray places the tasks)")
        from .on_ray import run_on_ray

        return run_on_ray(the_plan.cells, the_plan.look, ray)
    from .pool import run_local

    count = (os.cpu_count() or 1) if workers is None else workers
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise bad_value("workers", workers, "an integer >= 1")
    return run_local(the_plan.cells, the_plan.look, count)


def shared_legend(the_plan: Plan, outcomes: dict[int, Outcome]) -> np.ndarray | None:
    """The cells' legend as one band, where every drawn cell has the same one (a fixed
    range, the same classes); None where they differ (each picture's own auto range)."""
    legends = [o.legend for o in outcomes.values() if o.legend is not None]
    if not legends or any(legend != legends[0] for legend in legends):
        return None
    return band(legends[0], the_plan.look.size[0])


def sweep(
    preset,
    vary=None,
    *,
    steps: int | None = None,
    changes: dict | None = None,
    mode: str | None = None,
    size=None,
    workers: int | None = None,
    ray: str | None = None,
    out=None,
    progress: bool = True,
) -> SweepResult:
    """Train and draw `preset` (a name, a .toml path or a Preset) once per combination
    of `vary`'s values ({"table.key": [values]}, at most two keys; a tuple of keys sets
    them all to each value), with `changes` ({"table.key": value}) for every cell.

    `steps`: each cell's training (default the preset's train.max_steps, else 5000;
    none for target none). `mode`/`size`: the cells' view mode (default each preset's)
    and picture size (W, H). `workers`: local processes (default one per core), or `ray`:
    a Ray address ("auto", "ray://HEAD:10001", "local"). `out`: the folder (default a
    new temporary one). The files do not depend on where the cells ran."""
    the_plan = plan(preset, _axes(vary), changes, steps, mode, size)
    runner = _executor(the_plan, workers, ray)
    folder = _folder(out)
    cells = folder / "cells"
    cells.mkdir(exist_ok=True)
    names = {cell.index: cell.name for cell in the_plan.cells}
    outcomes: dict[int, Outcome] = {}

    from tqdm import tqdm

    bar = tqdm(
        total=len(the_plan.cells), file=sys.stderr, unit="cell", desc="sweep", disable=not progress
    )
    try:
        for outcome in runner:
            _save_cell(cells, names[outcome.index], outcome)
            outcomes[outcome.index] = outcome
            bar.update(1)
            failed = sum(1 for o in outcomes.values() if o.error)
            bar.set_postfix(failed=failed, refresh=False)
    finally:  # finished or interrupted: the sheet and table of the cells done
        bar.close()
        runner.close()
        table = rows(the_plan, outcomes)
        sheet = draw_sheet(the_plan, outcomes, shared_legend(the_plan, outcomes))
        if outcomes:
            write_csv(folder / "results.csv", the_plan, table)
            _save_png(folder / "sheet.png", sheet, "sheet.png")
        if len(outcomes) < len(the_plan.cells):
            done = f"{len(outcomes)} of {len(the_plan.cells)} cells"
            print(f"sweep: stopped early; kept {done} in {folder}", file=sys.stderr)
    return SweepResult(table, sheet, folder, len(outcomes) == len(the_plan.cells))


__all__ = ["SweepResult", "sweep"]
