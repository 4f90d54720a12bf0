"""Actions on an A/B comparison: start run B beside the window's run (A) with one
or more settings changed, and stop it (compare.py holds B; the session keeps it
as `session.compare` and paces it with A).

Choices made here:
- starting resets A to its first weights, so both runs start at step 0 together
  and their curves line up; starting again while comparing (B's settings
  changed in the A/B section) restarts both the same way;
- one comparison at a time: a new one replaces the last;
- A's network or target changing (a rebuild), a resume or a loaded run ends it
  (the session closes B with A's trainer), as does stopping.
"""

import json
import math

from ..checks import atomic_file
from ..errors import ShaderplayError, bad_value
from .action import action
from .compare import Compare
from .compare_settings import rows_of, trained_values

DEFAULT = {"lr": 0.03}  # B's change when a script names none


@action
def start_compare(state, session, key: str | None = None, value=None, changes=None) -> None:
    """Train B, A's preset with settings changed, beside A from step 0. `changes`:
    {setting: value} or ["setting=value", ...] (a value read as in a preset: 0.03,
    adam); or `key`, `value`: one change. A setting is seed, lr, optimizer,
    activation, norm, hidden, scale, batch_size or a network.* / train.* field."""
    session.require_trainer("A/B")
    if key is not None and changes is not None:
        raise bad_value("start_compare", {"key": key, "changes": changes}, "key or changes")
    if key is not None:
        changes = {key: value}
    changes = DEFAULT if changes is None else changes
    run_b = Compare(state.preset, session.dataset, changes)  # raises before A changes
    session.reset()
    state.diverged_at = None
    session.set_compare(run_b)
    state.compare_rows = rows_of(run_b.preset, run_b.changes)  # the A/B section shows B's
    state.say(f"A/B: {run_b.labels[0]} | {run_b.labels[1]}")


@action
def stop_compare(state, session) -> None:
    """End run B; A trains on alone."""
    session.set_compare(None)


@action
def save_compare(state, session, path: str = "compare.json") -> None:
    """Write the A/B rows to `path` as JSON: per run its label, the changed settings as
    it trains with them, step, steps/s, training seconds, train and test loss."""
    run_b = session.compare
    if run_b is None:
        raise ShaderplayError("save_compare: no A/B comparison is running (start_compare).")
    runs = run_b.rows(session.snapshot, session.steps_per_second)
    trained = (
        (state.preset, session.trainer.config),
        (run_b.preset, run_b.trainer.config),
    )
    report = [
        {
            "run": name,
            "label": text,
            "settings": trained_values(preset, config, run_b.changes),
            "step": int(snap.step) if snap is not None else 0,
            "steps_per_second": _number(rate),
            "seconds": seconds,
            "train_loss": _number(snap.train_loss if snap is not None else math.nan),
            "test_loss": _number(snap.test_loss if snap is not None else math.nan),
        }
        for (name, snap, rate, seconds), text, (preset, config) in zip(
            runs, run_b.labels, trained, strict=True
        )
    ]
    with atomic_file(path, "save_compare") as fh:
        fh.write(json.dumps(report, indent=1).encode())
    state.say(f"A/B rows saved to {path}")


def _number(value: float) -> float | None:
    """JSON has no NaN: a loss not measured yet is null."""
    return None if value != value else float(value)
