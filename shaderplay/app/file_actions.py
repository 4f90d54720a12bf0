"""Actions on files: presets (.toml), networks and runs (.npz), files dropped on
the window, and requests for a native file dialog, as functions of (state,
session, arguments). A failed load changes nothing and says why (`@action`).

Choices made here:
- a loaded preset starts afresh, training;
- a loaded network or run file replaces the network with its architecture;
  a run's last snapshot is live and paused, every snapshot on the timeline.
"""

from dataclasses import replace
from pathlib import Path

from ..errors import bad_value
from ..features import parse
from ..images import IMAGE_FILES
from ..presets import save_preset as write_preset
from ..sources import kind_of, read_preset
from ..targets import file_kind
from .action import action
from .network_actions import rebuild
from .render_args import draw_args
from .training_actions import set_target
from .view_actions import follow_network

PRESET_SUFFIX = ".toml"  # a dropped preset is a file; built-in names are picked in the panel
DROPPABLE = (
    f"an image ({IMAGE_FILES}) or a .csv file as the target, a preset ({PRESET_SUFFIX}), "
    "or a network or run file (.npz)"
)
DIALOG_PURPOSES = (
    "load_preset",
    "save_preset",
    "load_network",
    "save_network",
    "load_run",
    "save_run",
    "load_image",
)


def describe_network(state, session) -> None:
    """After a network or run file replaced the network: the preset's [network]
    table describes it (widths, activations, norms, inputs, latent values), so the
    panels show it, a saved preset names it and the next edit starts from it, and
    the view follows it. Initialisation fields stay (they made no difference to
    loaded weights)."""
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
    view, state.mode_args = follow_network(state.preset.view, state.mode_args, spec)
    state.preset = replace(state.preset, network=net_cfg, view=view)
    state.boundaries = tuple(i for i in state.boundaries if i < spec.depth)


# --- presets and networks -------------------------------------------------------------
@action
def load_preset(state, session, name_or_path: str) -> None:
    """A built-in preset by name or a .toml file, read as the command line reads it."""
    preset = read_preset(name_or_path)
    rebuild(state, session, preset, playing=True)  # a preset starts afresh, training
    state.source = str(name_or_path)
    state.view = state.home
    state.say(f"Loaded preset {name_or_path}.")


@action
def save_preset(state, session=None, path: str = "") -> None:
    path = path or state.preset_path
    write_preset(state.preset, path)
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


# --- run files --------------------------------------------------------------------------
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
            "mode": draw_args(state, session)[0],  # a replay shows it as the window did
            "colormap": state.preset.view.colormap,
        },
    )
    state.say(f"Saved {len(session.run.timeline)} snapshots to {path}.")


@action
def load_run(state, session, path: str = "") -> None:
    """A run file onto the timeline (its last weights live, paused)."""
    path = path or state.run_path
    session.load_run(path)
    describe_network(state, session)
    state.diverged_at = None
    state.run_path = str(path)
    timeline = session.run.timeline
    state.say(
        f"Loaded run {path}: {len(timeline)} snapshots, steps {timeline.steps[0]:,} to "
        f"{timeline.steps[-1]:,}. Drag the timeline to scrub."
    )


# --- dropped files and dialogs -----------------------------------------------------------
def use_target_file(state, session, path: str) -> None:
    """An image or CSV file as the target (a drop, or the target panel's "use")."""
    set_target(state, session, name=file_kind(path), path=path)
    state.image_path = path


# What a dropped file becomes, by its kind (sources.kind_of): a target file the
# target, a preset file the preset, a .npz the network or the run it holds.
DROPS = {
    "image": use_target_file,
    "csv": use_target_file,
    "preset": load_preset,
    "network": load_network,
    "run": load_run,
}


@action
def drop_files(state, session, paths) -> None:
    """Files dropped on the window, each by its kind (DROPS); the last usable one wins.
    Any other file gets a message saying what a drop takes; the next file still loads."""
    for p in map(str, paths):
        kind = kind_of(p)
        if kind == "preset" and Path(p).suffix.lower() != PRESET_SUFFIX:
            state.say(str(bad_value("dropped file", p, DROPPABLE)), error=True)
            continue
        DROPS[kind](state, session, p)


@action
def file_dialog(state, session=None, purpose: str = "load_preset") -> None:
    """Ask the window for a native file dialog; its answer runs the `purpose` action.
    Where there is none (no zenity/kdialog), the typed path fields do the same."""
    if purpose not in DIALOG_PURPOSES:
        raise bad_value("file dialog", purpose, "one of " + ", ".join(DIALOG_PURPOSES))
    state.dialog = purpose
