"""Preset -> the objects that run it: a fresh Network, its Dataset and the
TrainConfig, after the rules between the preset's tables.

Rules where the preset leaves things to the target:
- `network.n_out = 0`: what the dataset needs — 1 for grey images, regression
  sets and binary sets, 3 for RGB images, k for k classes; 1 for "none".
- The input layer is `features` + 2·`fourier` (sin and cos per frequency) +
  one per `latent` value, in that order.
- `seed` (when given) replaces the network's, the target's and the
  trainer's seeds, so one number fixes initial weights, data and minibatch
  order (DESIGN.md, Determinism).
Combinations that cannot train or show are refused, here and nowhere else:
BCE needs an output activation with values in [0, 1] (its row's
`probability`), a CSV of values an output activation that reaches them,
cross-entropy a multi-class target, an explicit `n_out` the
target's, and the view's mode arguments (layer, neuron) must exist in the network.
"""

from dataclasses import replace

from . import activations
from .config import (
    NetConfig,
    Preset,
    TargetConfig,
    TrainConfig,
    ViewConfig,
    field_names,
    mode_from_view,
)
from .dataset import Dataset
from .errors import bad_value
from .modes import parse_mode
from .network import Network
from .preset_schema import check_preset
from .spec import NetworkSpec
from .targets import make_dataset, resolve

PROBABILITY_OUTPUTS = tuple(a.name for a in activations.ACTIVATIONS.values() if a.probability)


def apply_seed(preset: Preset, seed: int) -> Preset:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise bad_value("seed", seed, "an integer >= 0")
    return replace(
        preset,
        network=replace(preset.network, seed=seed),
        target=replace(preset.target, seed=seed),
        train=replace(preset.train, seed=seed),
    )


# --- rules between tables ------------------------------------------------------------


def check_bce_output(loss: str, output: str) -> None:
    """BCE takes probabilities: an output activation whose row says its values lie in [0, 1]."""
    if loss == "bce" and not activations.get(output).probability:
        names = " or ".join(PROBABILITY_OUTPUTS)
        allowed = f"{names} (values in [0, 1]), which train.loss = 'bce' needs"
        raise bad_value("network.output", output, allowed)


def unreached(output: str, target: TargetConfig, data: Dataset) -> str:
    """What a CSV's regression values need that `output` does not give ('' where it
    reaches them): values 10..90 trained against a sigmoid, silently, to a loss of
    thousands. Functions and images are made for [0, 1] (a wider target.domain takes
    a function past it, as its views show) and are not held to it."""
    if data.kind != "regression" or resolve(target)[0] != "csv":
        return ""
    ys = [y for y in (data.y_train, data.y_test) if len(y)]
    lo, hi = min(float(y.min()) for y in ys), max(float(y.max()) for y in ys)
    act = activations.get(output)
    if act.lo <= lo and hi <= act.hi:
        return ""
    return (
        f"an output activation whose values reach the target's [{lo:g}, {hi:g}] "
        f"(linear reaches any; {output} gives [{act.lo:g}, {act.hi:g}])"
    )


def output_count(cfg: NetConfig, data: Dataset) -> int:
    """`network.n_out` against the target: 0 takes the target's count."""
    if data.kind == "none":
        return cfg.n_out or 1
    if cfg.n_out and cfg.n_out != data.n_out:
        raise bad_value(
            "network.n_out",
            cfg.n_out,
            f"0 (from the target) or {data.n_out}, what target {data.name!r} gives",
        )
    return data.n_out


def check_training(preset: Preset, data: Dataset) -> None:
    """The rules between the preset's [network] and [train] and the data it made."""
    cfg, train = preset.network, preset.train
    check_bce_output(train.loss, cfg.output)
    needed = unreached(cfg.output, preset.target, data)
    if needed:
        raise bad_value("network.output", cfg.output, needed)
    if train.loss == "cross_entropy" and data.kind not in ("multiclass", "none"):
        raise bad_value(
            "train.loss",
            train.loss,
            f"mse or bce for the {data.kind} target {data.name!r}; cross_entropy needs "
            "a multi-class target such as blobs",
        )


def check_view(view: ViewConfig, spec: NetworkSpec) -> None:
    """The view's mode arguments (layer, neuron, ...) exist in this network."""
    mode, args = parse_mode(mode_from_view(view))
    mode.check(args, spec)


# --- objects ------------------------------------------------------------------------------


def network_for(cfg: NetConfig, data: Dataset) -> Network:
    """A freshly initialised network for `data` as `cfg` describes it."""
    n_in = len(cfg.features) + 2 * cfg.fourier + len(cfg.latent)
    sizes = (n_in, *cfg.hidden, output_count(cfg, data))
    # Every other NetConfig field is a Network.random keyword of the same name.
    kwargs = {f: getattr(cfg, f) for f in field_names(NetConfig) if f not in ("hidden", "n_out")}
    return Network.random(sizes, **kwargs)


def build(preset: Preset, seed: int | None = None) -> tuple[Network, Dataset, TrainConfig]:
    """(network, dataset, train config) for `preset`, every rule checked once."""
    preset = check_preset(preset)
    if seed is not None:
        preset = apply_seed(preset, seed)
    data = make_dataset(preset.target)
    check_training(preset, data)
    net = network_for(preset.network, data)
    check_view(preset.view, net.spec)
    net.meta.update(preset=preset.name, target=data.name, kind=data.kind)
    return net, data, preset.train
