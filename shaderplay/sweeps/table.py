"""The sweep's table: one row per cell, in cell order, as results.csv holds it.

The varied settings come first (named as given, each value as shown on the
sheet), then what the cell measured. Accuracy is empty for regression and
losses for a preset without data; `error` says why a cell failed or stopped
early, `cell` names its files.
"""

import csv

from .. import checks
from .cell import Outcome
from .plan import Plan

MEASURED = (
    "seed",
    "steps",
    "train_loss",
    "test_loss",
    "train_accuracy",
    "test_accuracy",
    "us_per_step",
    "seconds",
)
TIMES = ("us_per_step", "seconds")  # the columns that differ from run to run


def columns(plan: Plan) -> list[str]:
    """The varied settings, then the measures (a varied "seed" is the seed column)."""
    varied = [a.name for a in plan.axes]
    return varied + [m for m in MEASURED if m not in varied] + ["cell", "error"]


def rows(plan: Plan, outcomes: dict[int, Outcome]) -> list[dict]:
    """The table of the cells done (`outcomes` by cell number), in cell order, the
    varied settings as their values (results.csv writes them as shown)."""
    table = []
    for cell in plan.cells:
        outcome = outcomes.get(cell.index)
        if outcome is None:
            continue
        row = {name: getattr(outcome, name) for name in MEASURED}
        row.update(zip((a.name for a in plan.axes), cell.values))
        row.update(cell=cell.name, error=outcome.error)
        table.append(row)
    return table


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.9g}"
    return str(value)


def write_csv(path, plan: Plan, table: list[dict]) -> None:
    """The table, each varied value written as the sheet shows it."""
    shown = {cell.name: dict(zip((a.name for a in plan.axes), cell.labels)) for cell in plan.cells}
    with checks.atomic_file(path, "results.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns(plan))
        for row in table:
            writer.writerow(_text({**row, **shown[row["cell"]]}[name]) for name in columns(plan))
