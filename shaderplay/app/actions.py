"""Everything a user can do, as functions of (state, session[, arguments]):
here the ones that change the session (network, target, training, files);
the view and window ones live in view_actions, the timeline, latent and
file-dialog ones in run_actions; both are re-exported below.

Panels, keys, the canvas, dropped files and test scripts all go through here;
nothing else changes `AppState` or the `Session`. Each action either succeeds
or leaves both untouched and puts the error's one-paragraph message in
`state.message` (the `@action` wrapper): nothing the user set is lost by a
failed action, and the window stays usable.

Decisions where the brief is silent:
- changing only activations keeps the weights (the layout is the same), as
  users of the TF playground asked (#22); any other architecture or
  initialiser change draws new weights;
- changing the target keeps the weights when the output count is unchanged,
  so you watch the same network re-fit;
- "step" pauses training and runs exactly one optimiser step;
- "new seed" adds 1 to the network seed (reproducible, saved with the preset).
"""

from dataclasses import replace
from pathlib import Path

from ..config import NetConfig, TargetConfig, TrainConfig
from ..errors import bad_value
from . import render_args
from .action import action, known
from .run_actions import (  # noqa: F401  (re-exported, as the view actions below)
    _is_run_file,
    add_latent,
    advance_replay,
    describe_network,
    file_dialog,
    go_live,
    load_run,
    next_snapshot,
    previous_snapshot,
    remove_latent,
    resume_from_here,
    save_run,
    scrub,
    scrub_by,
    scrub_step,
    set_latent,
    set_snapshot_every,
    toggle_replay,
)
from .view_actions import (  # noqa: F401  (re-exported: one namespace for every action)
    dismiss_message,
    pan,
    quit,
    reset_view,
    screenshot,
    set_adaptive,
    set_log_loss,
    set_mode_arg,
    set_probe,
    set_render_flag,
    set_view,
    show_tab,
    toggle_boundary,
    toggle_fullscreen,
    toggle_help,
    toggle_record,
    toggle_ui,
    zoom,
)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


def _with(state, **tables):
    """The preset with some of its tables replaced (a new frozen object)."""
    return replace(state.preset, **tables)


def _per_layer(value, n: int) -> list:
    return [value] * n if isinstance(value, str) else list(value)


def _rebuild(state, session, preset, keep_weights=False, playing=None) -> None:
    playing = state.playing if playing is None else playing
    preset, mode_args = render_args.split_mode(preset)
    session.rebuild(preset, keep_weights=keep_weights, playing=playing)
    state.preset = preset
    state.mode_args = {**state.mode_args, **mode_args}
    state.diverged_at = None
    state.boundaries = tuple(i for i in state.boundaries if i < session.net.spec.depth)


# --- network ----------------------------------------------------------------------
@action
def set_network(state, session, **changes) -> None:
    """Change [network] fields (names as NetConfig's); rebuilds net and shader."""
    net = replace(state.preset.network, **known(NetConfig, changes))
    keep = set(changes) <= {"activation", "output"}
    _rebuild(state, session, _with(state, network=net), keep_weights=keep)


@action
def set_layer(state, session, index: int, width=None, activation=None, norm=None) -> None:
    """Change hidden layer `index`: its width, activation or normalisation."""
    cfg = state.preset.network
    n = len(cfg.hidden)
    if not 0 <= index < n:
        raise bad_value("layer", index, f"a hidden layer 0..{n - 1}")
    hidden, acts, norms = list(cfg.hidden), _per_layer(cfg.activation, n), _per_layer(cfg.norm, n)
    if width is not None:
        hidden[index] = int(width)
    if activation is not None:
        acts[index] = activation
    if norm is not None:
        norms[index] = norm
    net = replace(cfg, hidden=tuple(hidden), activation=tuple(acts), norm=tuple(norms))
    keep = width is None and norm is None
    _rebuild(state, session, _with(state, network=net), keep_weights=keep)


@action
def add_layer(state, session, width: int | None = None) -> None:
    """Append a hidden layer like the last one (16 tanh units on an empty net)."""
    cfg = state.preset.network
    n = len(cfg.hidden)
    acts, norms = _per_layer(cfg.activation, n), _per_layer(cfg.norm, n)
    last_w, last_a, last_n = (cfg.hidden[-1], acts[-1], norms[-1]) if n else (16, "tanh", "none")
    net = replace(
        cfg,
        hidden=(*cfg.hidden, int(width or last_w)),
        activation=(*acts, last_a),
        norm=(*norms, last_n),
    )
    _rebuild(state, session, _with(state, network=net))


@action
def remove_layer(state, session, index: int = -1) -> None:
    cfg = state.preset.network
    n = len(cfg.hidden)
    if n == 0:
        raise bad_value("layer", index, "a hidden layer to remove (this network has none)")
    index = index % n
    keep = [i for i in range(n) if i != index]
    acts, norms = _per_layer(cfg.activation, n), _per_layer(cfg.norm, n)
    net = replace(
        cfg,
        hidden=tuple(cfg.hidden[i] for i in keep),
        activation=tuple(acts[i] for i in keep),
        norm=tuple(norms[i] for i in keep),
    )
    _rebuild(state, session, _with(state, network=net))


@action
def reset_weights(state, session) -> None:
    """Re-draw the weights with the same seed; optimiser state and step count restart."""
    session.reset()
    state.diverged_at = None


@action
def new_seed(state, session) -> None:
    cfg = state.preset.network
    net = replace(cfg, seed=cfg.seed + 1)
    _rebuild(state, session, _with(state, network=net))


# --- target and training ------------------------------------------------------------
@action
def set_target(state, session, **changes) -> None:
    """Change [target] fields; keeps the weights when the output count stays the same.

    A target of another kind brings its usual loss (as a preset that names
    none would): bce for two classes, cross-entropy (linear output) for more,
    mse for regression. A target with a domain of its own (an image) moves
    the view there."""
    from ..presets import DEFAULT_LOSS
    from ..targets import target_kind

    target = replace(state.preset.target, **known(TargetConfig, changes))
    preset = _with(state, target=target)
    kind = target_kind(target)
    if kind != session.dataset.kind:
        train, net = preset.train, preset.network
        loss = DEFAULT_LOSS[kind]
        output = {"cross_entropy": "linear", "bce": "sigmoid"}.get(loss, net.output)
        if train.loss == "cross_entropy" and loss != "cross_entropy":
            output = "sigmoid"
        preset = replace(
            preset, train=replace(train, loss=loss), network=replace(net, output=output)
        )
    old_domain = session.dataset.domain
    _rebuild(state, session, preset, keep_weights=True)
    if session.dataset.domain != old_domain:
        state.preset = _with(state, view=replace(state.preset.view, domain=session.dataset.domain))
        state.view = state.home


@action
def set_train(state, session, **changes) -> None:
    """Change [train] fields; the running trainer takes them at its next chunk."""
    train = replace(state.preset.train, **known(TrainConfig, changes)).validate()
    session.configure(**changes)
    state.preset = _with(state, train=train)


@action
def toggle_play(state, session) -> None:
    set_playing(state, session, not state.playing)


@action
def set_playing(state, session, playing: bool) -> None:
    session.set_playing(bool(playing))
    state.playing = bool(playing)


@action
def step(state, session, n: int = 1) -> None:
    """Pause, then run `n` optimiser steps."""
    if state.playing:
        set_playing(state, session, False)
    session.step(int(n))


@action
def rollback(state, session) -> None:
    """Back to the last weights that were finite; training stays paused."""
    set_playing(state, session, False)
    session.rollback()
    state.diverged_at = None
    state.say("Rolled back to the last finite weights. Lower the learning rate, then press Space.")


def observe(state, session, snapshot) -> None:
    """Per frame: follow the trainer when it stopped itself (divergence: the
    banner; max_steps or target_loss: paused)."""
    state.playing = session.playing
    if snapshot is not None and snapshot.diverged and state.diverged_at is None:
        state.diverged_at = int(snapshot.diverged.step)


# --- files --------------------------------------------------------------------------
@action
def load_preset(state, session, name_or_path: str) -> None:
    from ..presets import load_preset as read

    preset = read(name_or_path)
    _rebuild(state, session, preset, playing=True)  # a preset starts afresh, training
    state.playing = session.playing
    state.source = str(name_or_path)
    state.view = state.home
    state.say(f"Loaded preset {name_or_path}.")


@action
def save_preset(state, session=None, path: str = "") -> None:
    from ..presets import save_preset as write

    path = path or state.preset_path
    write(state.preset, path)
    state.say(f"Saved preset to {path}.")


@action
def load_network(state, session, path: str = "") -> None:
    """Load a `.npz` network: its architecture and weights replace the current ones."""
    path = path or state.network_path
    session.load_network(path)
    describe_network(state, session)
    state.diverged_at = None
    state.say(f"Loaded network {path} ({session.net.param_count} parameters).")


@action
def save_network(state, session, path: str = "") -> None:
    path = path or state.network_path
    session.save_network(path)
    state.say(f"Saved network to {path}.")


@action
def drop_files(state, session, paths) -> None:
    """Files dropped on the window: an image becomes the target, a .toml a preset,
    a .npz a network or, if it holds snapshots, a run. The last usable file wins."""
    for p in paths:
        suffix = Path(p).suffix.lower()
        if suffix in IMAGE_SUFFIXES:
            set_target(state, session, name="image", path=str(p))
            state.image_path = str(p)
        elif suffix == ".toml":
            load_preset(state, session, str(p))
        elif suffix == ".npz" and _is_run_file(p):
            load_run(state, session, str(p))
        elif suffix == ".npz":
            load_network(state, session, str(p))
        else:
            state.say(
                f"dropped file: got {p!r}; allowed: an image ({', '.join(IMAGE_SUFFIXES)}), "
                f"a preset (.toml) or a network (.npz).",
                error=True,
            )
