"""Actions on the run's timeline: scrub through its snapshots, replay them, go
back to live, train on from a snapshot, and the snapshot interval, as
functions of (state, session, arguments). Run files are loaded and saved by
file_actions.

Choices made here:
- scrubbing pauses training; play (Space) or a single step while scrubbing
  first goes back to live, "resume from here" trains on from the scrubbed
  snapshot and drops what came after it.
"""

from ..errors import ShaderplayError, bad_value
from .action import action


@action
def scrub(state, session, index: int = 0) -> None:
    """Show snapshot `index` of the timeline (training pauses)."""
    session.scrub(int(index))


@action
def scrub_step(state, session, step: int = 0) -> None:
    """Show the last snapshot at or before training step `step`."""
    session.scrub(session.run.timeline.index_at_step(int(step)))


@action
def scrub_by(state, session, delta: int = -1) -> None:
    """`delta` snapshots later (earlier if negative) than the one shown; from live,
    -1 is the snapshot before the newest."""
    timeline = session.run.timeline
    shown = timeline.index if timeline.scrubbing else len(timeline) - 1
    if len(timeline) > 1:
        scrub(state, session, max(0, min(len(timeline) - 1, shown + int(delta))))


@action
def previous_snapshot(state, session) -> None:
    scrub_by(state, session, -1)


@action
def next_snapshot(state, session) -> None:
    scrub_by(state, session, 1)


@action
def toggle_replay(state, session) -> None:
    """Play the timeline's snapshots one per frame (from the start, or from the one
    shown when scrubbing), like a video; again to stop."""
    if state.replaying:
        state.replaying = False
        return
    timeline = session.run.timeline
    if len(timeline) < 2:
        raise bad_value("replay", f"{len(timeline)} snapshot(s)", "a timeline of two or more")
    start = timeline.index if timeline.scrubbing and timeline.index < len(timeline) - 1 else 0
    scrub(state, session, start)
    state.replaying = True


def advance_replay(state, session) -> None:
    """Per frame while replaying: the next snapshot; stops at the last one."""
    timeline = session.run.timeline
    if not state.replaying:
        return
    if not timeline.scrubbing or timeline.index >= len(timeline) - 1:
        state.replaying = False
        return
    scrub(state, session, timeline.index + 1)


@action
def go_live(state, session) -> None:
    """Back to the newest weights (training stays paused until play)."""
    state.replaying = False
    session.go_live()


@action
def resume_from_here(state, session, index: int | None = None) -> None:
    """Train on from the scrubbed snapshot (or `index`); later snapshots are dropped."""
    if index is None and not session.run.scrubbing:
        raise bad_value(
            "resume from here",
            "the live run",
            "a snapshot picked on the timeline first (drag the timeline slider)",
        )
    session.resume_from(index, playing=True)
    state.diverged_at = None
    try:
        session.check_room_to_train()
    except ShaderplayError:  # resumed, but at max_steps: paused, and the message says why
        session.set_playing(False)
        raise
    state.say(
        f"Training on from step {session.run.base:,}: the learning-rate schedule carries "
        "on, the optimiser's moments start afresh."
    )


@action
def set_snapshot_every(state, session, every: int = 100) -> None:
    """Keep a snapshot every `every` training steps from now on."""
    session.run.set_every(every)
