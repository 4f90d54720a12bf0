"""Actions on the run's timeline (scrub, back to live, resume from a snapshot,
run files), on latent inputs, and file-dialog requests. `actions` re-exports
them: panels, keys, dropped files and scripts find every action in one place.

Decisions where the brief is silent:
- scrubbing pauses training; play (Space) or a single step while scrubbing
  first goes back to live, "resume from here" trains on from the scrubbed
  snapshot and drops what came after it;
- a loaded run file replaces the network with the run's architecture, its
  last snapshot live and paused (like loading a network), every snapshot on
  the timeline;
- a latent value is edited in place (a buffer write: same weights, no
  rebuild); adding or removing a latent input changes the first layer's
  shape, so the network is re-drawn from its seed.
"""

from dataclasses import replace

from ..errors import ShaderplayError, bad_value
from ..features import parse
from .action import action

DIALOG_PURPOSES = (
    "load_preset",
    "save_preset",
    "load_network",
    "save_network",
    "load_run",
    "save_run",
    "load_image",
)


def _is_run_file(path) -> bool:
    """A `.npz` holding snapshots (a run file) rather than one network."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            return "snapshots" in data.files
    except (OSError, ValueError):
        return False  # load_network then says what is wrong with it


def describe_network(state, session) -> None:
    """After a network or run file replaced the network: the preset's [network]
    table describes it (widths, activations, norms, inputs, latent values), so the
    panels show it, a saved preset names it and the next edit starts from it.
    Initialisation fields stay (they made no difference to loaded weights)."""
    spec, cfg = session.net.spec, state.preset.network
    keep_auto = cfg.n_out == 0 and session.dataset.kind != "none"
    latent = tuple(float(v) for v in session.net.latent) if spec.n_latent else ()
    net_cfg = replace(
        cfg,
        hidden=spec.hidden,
        activation=spec.activations,
        output=spec.output_activation,
        norm=spec.norms,
        features=tuple(f for f in spec.features if parse(f)[0] == "fixed"),
        fourier=spec.n_fourier,
        latent=latent,
        n_out=0 if keep_auto else spec.n_out,
    )
    state.preset = replace(state.preset, network=net_cfg)
    state.boundaries = tuple(i for i in state.boundaries if i < spec.depth)


# --- timeline -------------------------------------------------------------------------
@action
def scrub(state, session, index: int = 0) -> None:
    """Show snapshot `index` of the timeline (training pauses)."""
    session.scrub(int(index))
    state.playing = session.playing


@action
def scrub_step(state, session, step: int = 0) -> None:
    """Show the last snapshot at or before training step `step`."""
    session.scrub(session.timeline.index_at_step(int(step)))
    state.playing = session.playing


@action
def scrub_by(state, session, delta: int = -1) -> None:
    """`delta` snapshots later (earlier if negative) than the one shown; from live,
    -1 is the snapshot before the newest."""
    timeline = session.timeline
    shown = timeline.index if timeline.scrubbing else len(timeline) - 1
    if len(timeline) > 1:
        scrub(state, session, max(0, min(len(timeline) - 1, shown + int(delta))))


def previous_snapshot(state, session) -> None:
    scrub_by(state, session, -1)


def next_snapshot(state, session) -> None:
    scrub_by(state, session, 1)


@action
def toggle_replay(state, session) -> None:
    """Play the timeline's snapshots one per frame (from the start, or from the one
    shown when scrubbing), like a video; again to stop."""
    if state.replaying:
        state.replaying = False
        return
    timeline = session.timeline
    if len(timeline) < 2:
        raise bad_value("replay", f"{len(timeline)} snapshot(s)", "a timeline of two or more")
    start = timeline.index if timeline.scrubbing and timeline.index < len(timeline) - 1 else 0
    scrub(state, session, start)
    state.replaying = True


def advance_replay(state, session) -> None:
    """Per frame while replaying: the next snapshot; stops at the last one."""
    timeline = session.timeline
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
    if index is None and not session.timeline.scrubbing:
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
    finally:
        state.playing = session.playing
    state.say(
        f"Training on from step {session.step_base:,}: the learning-rate schedule carries "
        "on, the optimiser's moments start afresh."
    )


@action
def set_snapshot_every(state, session, every: int = 100) -> None:
    """Keep a snapshot every `every` training steps from now on."""
    session.set_snapshot_every(every)


@action
def save_run(state, session, path: str = "") -> None:
    """The timeline's snapshots as a run file (`shaderplay record --animation playback`)."""
    path = path or state.run_path
    session.save_run(
        path,
        {
            "preset": state.preset.name,
            "seed": state.preset.network.seed,
            "domain": list(state.preset.view.domain),
        },
    )
    state.say(f"Saved {len(session.timeline)} snapshots to {path}.")


@action
def load_run(state, session, path: str = "") -> None:
    """A run file onto the timeline (its last weights live, paused)."""
    path = path or state.run_path
    session.load_run(path)
    describe_network(state, session)
    state.playing = False
    state.diverged_at = None
    state.run_path = str(path)
    timeline = session.timeline
    state.say(
        f"Loaded run {path}: {len(timeline)} snapshots, steps {timeline.steps[0]:,} to "
        f"{timeline.steps[-1]:,}. Drag the timeline to scrub."
    )


# --- latent inputs ----------------------------------------------------------------------
@action
def set_latent(state, session, index: int = 0, value: float = 0.0) -> None:
    """Latent input `index` to `value`, live: the weights stay, the picture follows."""
    session.set_latent(int(index), float(value))
    latent = list(state.preset.network.latent)
    latent[int(index)] = float(value)
    state.preset = replace(
        state.preset, network=replace(state.preset.network, latent=tuple(latent))
    )


@action
def add_latent(state, session, value: float = 0.0) -> None:
    from .actions import set_network

    set_network(state, session, latent=(*state.preset.network.latent, float(value)))


@action
def remove_latent(state, session, index: int = -1) -> None:
    from .actions import set_network

    latent = list(state.preset.network.latent)
    if not latent:
        raise bad_value("latent input", index, "one to remove (this network has none)")
    del latent[int(index) % len(latent)]
    set_network(state, session, latent=tuple(latent))


# --- file dialogs -----------------------------------------------------------------------
@action
def file_dialog(state, session=None, purpose: str = "load_preset") -> None:
    """Ask the window for a native file dialog; its answer runs the `purpose` action.
    Where there is none (no zenity/kdialog), the typed path fields do the same."""
    if purpose not in DIALOG_PURPOSES:
        raise bad_value("file dialog", purpose, "one of " + ", ".join(DIALOG_PURPOSES))
    state.dialog = purpose
