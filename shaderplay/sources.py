"""Where a network comes from, and what it becomes: a built-in preset name, a
preset .toml, a network .npz or a run .npz (from `record --save-run`).

    kind_of(text)        what `text` names, without loading it: "preset",
                         "network", "run", or a target file, "image" or "csv"
    read_preset(text)    a preset (name or .toml) with field changes and a seed
    load_source(text)    a Source: a preset built into a fresh network, its data,
                         training settings and view; a network file's network;
                         a run file's last weights and its snapshots (and the
                         view mode and colormap it was filmed in)
    with_preset(s, text) the weights of source `s` shown as a preset shows its
                         own network: its view, target and points

Field changes (`{"table.key": value}`, the command line's `--set`) count as
lines of the preset file. A .npz source's weights fix its network, so
`network.*` changes are refused there; `view.*` changes give it a view, and
`target.*` / `train.*` changes apply to the preset that `with_preset` brings.

The command line (render, record, export, train, window), the recorder and
the window's drop and Open all start here. Images and CSV files are targets,
not sources: `kind_of` names them so a drop can make them the target.
"""

from dataclasses import dataclass, replace

from .build import apply_seed, build
from .config import Preset, TrainConfig, ViewConfig
from .dataset import Dataset
from .errors import bad_value
from .images import image_view
from .network import Network
from .npz import is_run
from .preset_schema import set_fields
from .presets import load_preset
from .runs import RunFile
from .targets import file_kind

SOURCES = "a built-in preset name, a preset .toml, a network .npz or a run .npz"
DEFAULT_DOMAIN = (-1.0, 1.0, -1.0, 1.0)
RUN_VIEW = ("mode", "colormap")  # what a run file's meta may say of the view it was filmed in


@dataclass(frozen=True)
class Source:
    """What a source gives: always a network; a preset brings its dataset,
    training settings and seed; a run file its snapshots."""

    kind: str  # "preset", "network" or "run"
    net: Network
    preset: Preset | None = None
    dataset: Dataset | None = None
    train: TrainConfig | None = None
    run: RunFile | None = None
    seed: int | None = None
    look: ViewConfig | None = None  # a .npz source's view, from view.* changes

    @property
    def view(self) -> ViewConfig | None:
        return self.preset.view if self.preset is not None else self.look

    @property
    def domain(self) -> tuple[float, float, float, float]:
        """The view's domain; a run's, as saved; else -1,1,-1,1."""
        if self.view is not None:
            return tuple(self.view.domain)
        if self.run is not None and len(self.run.meta.get("domain", ())) == 4:
            return tuple(self.run.meta["domain"])
        return DEFAULT_DOMAIN


def kind_of(text) -> str:
    """ "network" or "run" for a .npz (told apart by the names inside it, no arrays
    read), "image" or "csv" for a target file, else "preset" (a built-in name or
    a .toml; loading it says what is wrong with anything else)."""
    text = str(text)
    if text.lower().endswith(".npz"):
        return "run" if is_run(text) else "network"
    return file_kind(text) or "preset"


def read_preset(text, seed: int | None = None, changes: dict | None = None) -> Preset:
    """The preset `text` names, with `{"table.key": value}` changes (as lines of its
    file) and then `seed` (network, data and minibatch order at once) applied."""
    preset = load_preset(text, changes)
    return preset if seed is None else apply_seed(preset, seed)


def _fixed_by_weights(changes: dict, allowed: tuple[str, ...], why: str) -> None:
    """Refuse the first change outside the tables `allowed` for a .npz source."""
    for dotted, value in changes.items():
        table = str(dotted).partition(".")[0]
        if table not in allowed:
            tables = ", ".join(f"{t}.*" for t in allowed)
            raise bad_value(str(dotted), value, f"{tables} settings with a .npz source ({why})")


FIXED = "its weights fix network.*"


def load_source(text, seed: int | None = None, changes: dict | None = None) -> Source:
    """The Source `text` names. A seed and field changes apply to presets; a network
    or run file's weights are fixed, and `view.*` changes give it a view."""
    kind = kind_of(text)
    if kind == "preset":
        preset = read_preset(text, seed, changes)
        net, data, train = build(preset)
        preset = replace(preset, view=image_view(preset.view, data))
        return Source(kind, net, preset, data, train, seed=preset.network.seed)
    if kind not in ("network", "run"):
        raise bad_value("source", str(text), SOURCES)
    if seed is not None:
        raise bad_value("seed", seed, "no seed with a .npz source (its weights are fixed)")
    _fixed_by_weights(changes or {}, ("view",), f"{FIXED}; no data or training here")
    run = RunFile.load(text) if kind == "run" else None
    source = Source(kind, Network.load(text), run=run)
    filmed = {k: run.meta[k] for k in RUN_VIEW if k in run.meta} if run is not None else {}
    if changes or filmed:  # a view of the source's own domain (a run's as filmed), changed
        look = Preset(view=replace(ViewConfig(), domain=source.domain, **filmed))
        source = replace(source, look=set_fields(look, changes or {}).view)
    return source


def with_preset(source: Source, text, changes: dict | None = None) -> Source:
    """`source`'s weights (and run) with the view, data and training settings of
    the preset `text` names (with `changes` but for `network.*`, which the weights
    fix), as that preset would show its own network."""
    _fixed_by_weights(changes or {}, ("target", "train", "view"), FIXED)
    preset = read_preset(text, changes=changes)
    _, data, train = build(preset)  # its own network checks the preset's rules
    preset = replace(preset, view=image_view(preset.view, data))
    return Source(source.kind, source.net, preset, data, train, run=source.run)


__all__ = ["SOURCES", "Source", "kind_of", "load_source", "read_preset", "with_preset"]
