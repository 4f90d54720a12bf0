"""Actions on an A/B comparison: start run B beside the window's run (A) with one
setting changed, and stop it (compare.py holds B; the session keeps it as
`session.compare` and paces it with A).

Choices made here:
- starting resets A to its first weights, so both runs start at step 0 together
  and their curves line up;
- one comparison at a time: a new one replaces the last;
- A's network or target changing (a rebuild), a resume or a loaded run ends it
  (the session closes B with A's trainer), as does stopping.
"""

from ..preset_schema import parse_setting
from .action import action
from .compare import Compare, dotted


@action
def start_compare(state, session, key: str = "train.lr", value=0.03) -> None:
    """Train B, A's preset with `key` (seed, lr, optimizer, activation, norm or a
    network.* / train.* field) set to `value`, beside A from step 0."""
    session.require_trainer("A/B")
    run_b = Compare(state.preset, session.dataset, key, value)  # raises before A changes
    session.reset()
    state.diverged_at = None
    session.set_compare(run_b)
    state.say(f"A/B: {run_b.labels[0]} | {run_b.labels[1]}")


@action
def start_compare_typed(state, session, key: str, text: str) -> None:
    """`start_compare` with the value as typed, read as a preset's value is (0.03, adam)."""
    key, value = parse_setting(f"{dotted(key)}={text}", "A/B value")
    start_compare(state, session, key=key, value=value)


@action
def stop_compare(state, session) -> None:
    """End run B; A trains on alone."""
    session.set_compare(None)
