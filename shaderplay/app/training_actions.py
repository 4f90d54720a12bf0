"""Actions on training: the target, the [train] settings, play / pause / step,
reset and roll back, as functions of (state, session, arguments). Whether
training runs is the session's to say (`session.playing`); nothing here keeps
a copy of it.

Choices made here:
- changing the network or the target starts from fresh weights (the seed's), so
  the picture shows the untrained network learning the new task;
- "step" pauses training and runs exactly `n` optimiser steps.
"""

from dataclasses import replace

from ..build import unreached
from ..config import TargetConfig, TrainConfig
from ..presets import DEFAULT_LOSS, default_output
from ..targets import FILE_KINDS, make_dataset, target_kind
from .action import action, known
from .network_actions import rebuild, with_tables


@action
def set_target(state, session, **changes) -> None:
    """Change [target] fields; the network starts again from fresh weights.

    A target of another kind brings the loss and output activation a preset
    naming neither would get (presets.py): bce for two classes, cross-entropy
    with a linear output for more, mse for regression (a linear output where a
    CSV's values go past the activation's, said in the message bar). A target with
    a domain of its own (an image) moves the view there."""
    if changes.get("name") not in (None, *FILE_KINDS) and "path" not in changes:
        changes["path"] = ""  # a named target after a file's: the file goes with it
    target = replace(state.preset.target, **known(TargetConfig, changes))
    preset = with_tables(state, target=target)
    kind = target_kind(target)
    if kind != session.dataset.kind:
        loss = DEFAULT_LOSS[kind]
        preset = replace(
            preset,
            train=replace(preset.train, loss=loss),
            network=replace(preset.network, output=default_output(loss)),
        )
    note = ""
    if kind == "regression" and target.path and preset.train.loss != "bce":
        output = preset.network.output  # a CSV of values past it (prices): a linear one
        if unreached(output, target, make_dataset(target)):
            preset = replace(preset, network=replace(preset.network, output="linear"))
            note = f"Output activation set to linear: the target's values go past {output}'s."
    old_domain = session.dataset.domain
    rebuild(state, session, preset)
    if session.dataset.domain != old_domain:
        view = replace(state.preset.view, domain=session.dataset.domain)
        state.preset = with_tables(state, view=view)
        state.view = state.home
    if note:
        state.say(note)


@action
def set_train(state, session, **changes) -> None:
    """Change [train] fields; the running trainer takes them at its next chunk."""
    train = replace(state.preset.train, **known(TrainConfig, changes)).validate()
    session.configure(**changes)
    state.preset = with_tables(state, train=train)


@action
def set_pace(state, session, steps: int = 0) -> None:
    """Play at `steps` steps per frame (0: as fast as the trainer goes); the preset
    keeps it as `train.pace`."""
    set_train(state, session, pace=int(steps))
    if state.preset.train.pace:
        state.watch_pace = state.preset.train.pace


@action
def toggle_fastest(state, session) -> None:
    """As fast as the trainer goes, or back to the last pace to watch it at."""
    set_pace(state, session, 0 if state.preset.train.pace else state.watch_pace)


@action
def toggle_play(state, session) -> None:
    set_playing(state, session, not session.playing)


@action
def set_playing(state, session, playing: bool) -> None:
    session.set_playing(bool(playing))


@action
def step(state, session, n: int = 1) -> None:
    """Pause, then run `n` optimiser steps."""
    if session.playing:
        set_playing(state, session, False)
    session.step(int(n))


@action
def reset_weights(state, session) -> None:
    """Fresh weights with the same seed, for the current network and target; optimiser
    state and step count restart (session.reset)."""
    session.reset()
    state.diverged_at = None


@action
def rollback(state, session) -> None:
    """Back to the last weights that were finite; training stays paused."""
    set_playing(state, session, False)
    session.rollback()
    state.diverged_at = None
    state.say("Rolled back to the last finite weights. Lower the learning rate, then press Space.")


def observe(state, session, snapshot) -> None:
    """Per frame: a divergence the trainer found shows as the transport bar's badge (it
    paused itself), and is said once."""
    if snapshot is not None and snapshot.diverged and state.diverged_at is None:
        state.diverged_at = int(snapshot.diverged.step)
        state.say(
            f"Training diverged at step {state.diverged_at:,}: the red badge under the "
            "canvas rolls back or resets.",
            error=True,
        )
