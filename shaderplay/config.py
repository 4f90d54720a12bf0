"""The small frozen dataclasses passed between stages, one per preset table.

Field names are the preset's TOML keys and the keyword arguments of the API
(`Trainer(net, target, **train_fields)`), so one name means one thing
everywhere. Validation lives in `validate()`; messages name field, value and
what is allowed.
"""

from dataclasses import dataclass, field, fields, replace

from .errors import bad_value, choose
from .optimizers import NAMES as OPTIMIZERS
from .schedules import NAMES as SCHEDULES

LOSSES = ("mse", "bce", "cross_entropy")
MAX_BATCH = 4096


def _positive(name, value, allow_zero=False):
    ok = value >= 0 if allow_zero else value > 0
    if not ok or value != value:
        raise bad_value(name, value, "a number >= 0" if allow_zero else "a number > 0")


@dataclass(frozen=True)
class TrainConfig:
    """How to train. PyTorch's conventions and defaults throughout."""

    loss: str = "mse"
    optimizer: str = "adam"
    lr: float = 1e-3
    momentum: float = 0.9  # for "momentum" and "nesterov"
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    alpha: float = 0.99  # RMSProp smoothing
    weight_decay: float = 0.0  # coupled L2 for sgd/rmsprop/adam, decoupled for adamw (as torch)
    schedule: str = "constant"
    warmup_steps: int = 0  # linear warm-up from 0 over this many steps, then the schedule
    step_size: int = 1000  # "step": multiply by gamma every step_size steps
    gamma: float = 0.5  # "step" and "exponential" (per step)
    cosine_steps: int = 10000  # "cosine": anneal to lr_min over this many steps
    restart_period: int = 1000  # "cosine_restarts": T_0
    restart_mult: int = 2  # "cosine_restarts": T_mult
    lr_min: float = 0.0
    l1: float = 0.0  # penalty l1 * sum|W| over weight matrices (biases and norms exempt)
    l2: float = 0.0  # penalty l2 * sum W^2 over weight matrices
    clip_norm: float = 0.0  # global gradient-norm clip; 0 = off
    batch_size: int = 128
    seed: int = 0
    max_steps: int = 0  # stop after this many steps; 0 = no limit
    target_loss: float = 0.0  # stop once the train loss is at or below; 0 = off
    steps_per_frame: int = 0  # window/recording pacing; 0 = free-running
    chunk_steps: int = 64  # steps per kernel call (GIL released) between snapshots

    def validate(self) -> "TrainConfig":
        choose("train.loss", self.loss, LOSSES)
        choose("train.optimizer", self.optimizer, OPTIMIZERS)
        choose("train.schedule", self.schedule, SCHEDULES)
        _positive("train.lr", self.lr)
        for name in ("momentum", "beta1", "beta2", "alpha"):
            v = getattr(self, name)
            if not 0.0 <= v < 1.0:
                raise bad_value(f"train.{name}", v, "a number in [0, 1)")
        for name in ("eps", "weight_decay", "l1", "l2", "clip_norm", "lr_min", "target_loss"):
            _positive(f"train.{name}", getattr(self, name), allow_zero=True)
        if not 0.0 < self.gamma <= 1.0:
            raise bad_value("train.gamma", self.gamma, "a number in (0, 1]")
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise bad_value("train.batch_size", self.batch_size, f"an integer 1..{MAX_BATCH}")
        for name in ("warmup_steps", "max_steps", "steps_per_frame"):
            if getattr(self, name) < 0:
                raise bad_value(f"train.{name}", getattr(self, name), "an integer >= 0")
        for name in ("step_size", "cosine_steps", "restart_period", "restart_mult", "chunk_steps"):
            if getattr(self, name) < 1:
                raise bad_value(f"train.{name}", getattr(self, name), "an integer >= 1")
        return self


@dataclass(frozen=True)
class TargetConfig:
    """What to fit: a built-in name, "image" (path), "csv" (path) or "none"."""

    name: str = "fancy_sine"
    path: str = ""  # image or CSV file
    n_points: int = 4096  # samples of an analytic function / points of a 2-D set
    noise: float = 0.0
    test_fraction: float = 0.2
    color: bool = False  # images: RGB (3 outputs) instead of grey
    image_size: int = 128  # images: longest side in pixels after resizing
    domain: tuple[float, float, float, float] = (-1.0, 1.0, -1.0, 1.0)  # where the data lives
    seed: int = 0


@dataclass(frozen=True)
class NetConfig:
    """Architecture and initialisation as a preset's [network] table states it.

    `n_out` 0 means "what the target needs" (1 for most, 3 for RGB images,
    the class count for multi-class sets).
    """

    hidden: tuple[int, ...] = (16, 16, 16)
    activation: str | tuple[str, ...] = "tanh"
    output: str = "sigmoid"
    norm: str | tuple[str, ...] = "none"
    features: tuple[str, ...] = ("x", "y")
    fourier: int = 0
    fourier_scale: float = 1.0
    latent: tuple[float, ...] = ()
    n_out: int = 0
    init: str = "he_uniform"
    scale: float = 1.0
    bias_init: str = "zeros"
    bias_scale: float = 0.0
    seed: int = 0


@dataclass(frozen=True)
class ViewConfig:
    """What to show and where: the input domain and the view mode."""

    domain: tuple[float, float, float, float] = (-1.0, 1.0, -1.0, 1.0)
    mode: str = "output"
    colormap: str = "viridis"
    layer: int = 0  # neuron view: which weight layer
    neuron: int = 0  # neuron view: which unit
    show_points: bool = False


@dataclass(frozen=True)
class Preset:
    name: str = "default"
    description: str = ""
    network: NetConfig = field(default_factory=NetConfig)
    target: TargetConfig = field(default_factory=TargetConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    view: ViewConfig = field(default_factory=ViewConfig)


def field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


__all__ = [
    "TrainConfig",
    "TargetConfig",
    "NetConfig",
    "ViewConfig",
    "Preset",
    "field_names",
    "replace",
]
