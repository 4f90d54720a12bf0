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

import numpy as np

from ..errors import bad_value
from ..features import parse
from ..presets import load_preset as read_preset
from ..presets import save_preset as write_preset
from .action import action
from .network_actions import rebuild
from .training_actions import set_target

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
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


# --- presets and networks -------------------------------------------------------------
@action
def load_preset(state, session, name_or_path: str) -> None:
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


@action
def file_dialog(state, session=None, purpose: str = "load_preset") -> None:
    """Ask the window for a native file dialog; its answer runs the `purpose` action.
    Where there is none (no zenity/kdialog), the typed path fields do the same."""
    if purpose not in DIALOG_PURPOSES:
        raise bad_value("file dialog", purpose, "one of " + ", ".join(DIALOG_PURPOSES))
    state.dialog = purpose
