"""Preset -> the objects that run it: a fresh Network, its Dataset and the
TrainConfig.

Rules where the preset leaves things to the target:
- `network.n_out = 0`: what the dataset needs — 1 for grey images, regression
  sets and binary sets, 3 for RGB images, k for k classes; 1 for "none".
- The input layer is `features` + 2·`fourier` (sin and cos per frequency) +
  one per `latent` value, in that order.
- `seed` (when given) replaces the network's, the target's and the
  trainer's seeds, so one number fixes initial weights, data and minibatch
  order (DESIGN.md, Determinism).
Combinations that cannot train are refused: BCE needs a sigmoid output
(probabilities), cross-entropy needs a multi-class target, an explicit
`n_out` must match the target.
"""

from dataclasses import replace

from .config import NetConfig, Preset, TrainConfig, field_names
from .dataset import Dataset
from .errors import bad_value
from .network import Network
from .preset_schema import check_preset
from .targets import load_target


def apply_seed(preset: Preset, seed: int) -> Preset:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise bad_value("seed", seed, "an integer >= 0")
    return replace(
        preset,
        network=replace(preset.network, seed=seed),
        target=replace(preset.target, seed=seed),
        train=replace(preset.train, seed=seed),
    )


def output_count(cfg: NetConfig, data: Dataset) -> int:
    if data.kind == "none":
        return cfg.n_out or 1
    if cfg.n_out and cfg.n_out != data.n_out:
        raise bad_value(
            "network.n_out",
            cfg.n_out,
            f"0 (from the target) or {data.n_out}, what target {data.name!r} gives",
        )
    return data.n_out


def check_training(cfg: NetConfig, train: TrainConfig, data: Dataset) -> None:
    if train.loss == "bce" and cfg.output != "sigmoid":
        raise bad_value(
            "network.output",
            cfg.output,
            "sigmoid, which train.loss = 'bce' needs (probabilities in (0, 1))",
        )
    if train.loss == "cross_entropy" and data.kind not in ("multiclass", "none"):
        raise bad_value(
            "train.loss",
            train.loss,
            f"mse or bce for the {data.kind} target {data.name!r}; cross_entropy needs "
            "a multi-class target such as blobs",
        )


def network_for(cfg: NetConfig, data: Dataset) -> Network:
    """A freshly initialised network for `data` as `cfg` describes it."""
    n_in = len(cfg.features) + 2 * cfg.fourier + len(cfg.latent)
    sizes = (n_in, *cfg.hidden, output_count(cfg, data))
    # Every other NetConfig field is a Network.random keyword of the same name.
    kwargs = {f: getattr(cfg, f) for f in field_names(NetConfig) if f not in ("hidden", "n_out")}
    return Network.random(sizes, **kwargs)


def build(preset: Preset, seed: int | None = None) -> tuple[Network, Dataset, TrainConfig]:
    """(network, dataset, train config) for `preset`, validated."""
    check_preset(preset)
    if seed is not None:
        preset = apply_seed(preset, seed)
    data = load_target(preset.target)
    check_training(preset.network, preset.train, data)
    net = network_for(preset.network, data)
    net.meta.update(preset=preset.name, target=data.name, kind=data.kind)
    return net, data, preset.train
