"""The small frozen dataclasses passed between stages, one per preset table,
and the rule of every field.

Field names are the preset's TOML keys and the keyword arguments of the API
(`Trainer(net, target, **train_fields)`), so one name means one thing
everywhere. Each field declares its type (the annotation) and what values it
takes (`setting(default, rule)`, fields.py); `coerce(table, key, value)` is
the one way a value given in TOML, as a keyword argument or on the command
line becomes a field's value. Rules between fields of one table live with
the table's loader (preset_schema.py, targets.py), rules between tables in
build.py. Every message names `table.key`, the value and what is allowed.
"""

from dataclasses import dataclass, field, fields, replace
from itertools import takewhile

from . import colormaps, features
from .errors import ShaderplayError, bad_value, named, shown
from .fields import Integer, Number, OneOf, setting
from .fields import coerce as coerce_field
from .initializers import BIAS_INITS, WEIGHT_INITS
from .modes import parse_mode
from .optimizers import NAMES as OPTIMIZERS
from .schedules import NAMES as SCHEDULES
from .spec import ACTIVATION, MAX_DEPTH, MAX_FOURIER, MAX_LATENT, MAX_OUT, MAX_WIDTH, NORM, WIDTH

LOSSES = ("mse", "bce", "cross_entropy")
MAX_BATCH = 4096
MAX_POINTS = 1_000_000
MAX_IMAGE_SIZE = 2048
# Step counts fit the kernels' int64 table with room for the schedules' arithmetic
# (a restart period times restart_mult); steps per kernel call bound its trace buffer.
MAX_STEPS = 10**12
MAX_CHUNK = 100_000
MAX_THREADS = 4  # threads that may share one training step (kernels/team.py)
MAX_PER_FRAME = 1_000_000
MAX_FRAMES = 1_000_000  # a recording's frames: over nine hours at 30 fps
MAX_RESTART_MULT = 1000
# Init scales and latent values become float32 numbers that a layer sums and multiplies:
# this bound keeps them far from float32's overflow at 3.4e38.
MAX_MAGNITUDE = 1e6
MAX_COORD = 1e9  # domain coordinates: the shaders compute in float32
SEED = Integer(0, 2**63 - 1)
UNIT = Number(ge=0, lt=1)  # momentum and smoothing factors
NON_NEGATIVE = Number(ge=0)
SCALE = Number(ge=0, le=MAX_MAGNITUDE)
COUNT = Integer(0, MAX_STEPS)
PERIOD = Integer(1, MAX_STEPS)
FEATURE = OneOf(tuple(features.FEATURES))  # Fourier and latent inputs have keys of their own


def _widths(name, hidden):
    if len(hidden) > MAX_DEPTH:
        raise bad_value(name, list(hidden), f"at most {MAX_DEPTH} hidden layers")
    if not all(map(WIDTH.holds, hidden)):
        raise bad_value(name, list(hidden), f"widths, each {WIDTH.allowed}")


def _input_features(name, names):
    if not names or len(set(names)) != len(names):
        raise bad_value(name, list(names), "a non-empty list without repeats")
    FEATURE(name, names)


def _latent(name, values):
    if len(values) > MAX_LATENT:
        raise bad_value(name, list(values), f"at most {MAX_LATENT} values")
    for v in values:
        if not abs(v) <= MAX_MAGNITUDE:
            raise bad_value(
                name, v, f"a list of numbers in [-{MAX_MAGNITUDE:g}, {MAX_MAGNITUDE:g}]"
            )


def _domain(name, d):
    """[xmin, xmax, ymin, ymax]: within ±MAX_COORD, spanning a non-empty rectangle."""
    if not all(abs(v) <= MAX_COORD for v in d) or not (d[0] < d[1] and d[2] < d[3]):
        raise bad_value(
            name,
            list(d),
            f"[xmin, xmax, ymin, ymax] within ±{MAX_COORD:g}, xmin < xmax, ymin < ymax",
        )


def _mode(name, mode):
    """A name from the table of view modes, with its integer arguments ("neuron:1:3")."""
    try:
        parse_mode(mode)
    except ShaderplayError as exc:  # its message starts "mode: got ..."
        raise ShaderplayError(name + str(exc).removeprefix("mode")) from None


@dataclass(frozen=True)
class TrainConfig:
    """How to train. PyTorch's conventions and defaults throughout."""

    loss: str = setting("mse", OneOf(LOSSES))
    optimizer: str = setting("adam", OneOf(OPTIMIZERS))
    lr: float = setting(1e-3, Number(gt=0))
    momentum: float = setting(0.9, UNIT)  # for "momentum" and "nesterov"
    beta1: float = setting(0.9, UNIT)
    beta2: float = setting(0.999, UNIT)
    eps: float = setting(1e-8, NON_NEGATIVE)
    alpha: float = setting(0.99, UNIT)  # RMSProp smoothing
    # coupled L2 for sgd/rmsprop/adam, decoupled for adamw (as torch)
    weight_decay: float = setting(0.0, NON_NEGATIVE)
    schedule: str = setting("constant", OneOf(SCHEDULES))
    # linear warm-up from 0 over this many steps, then the schedule
    warmup_steps: int = setting(0, COUNT)
    step_size: int = setting(1000, PERIOD)  # "step": multiply by gamma every step_size steps
    gamma: float = setting(0.5, Number(gt=0, le=1))  # "step" and "exponential" (per step)
    cosine_steps: int = setting(10000, PERIOD)  # "cosine": anneal to lr_min over this many steps
    restart_period: int = setting(1000, PERIOD)  # "cosine_restarts": T_0
    restart_mult: int = setting(2, Integer(1, MAX_RESTART_MULT))  # "cosine_restarts": T_mult
    lr_min: float = setting(0.0, NON_NEGATIVE)
    # penalties l1 * sum|W| and l2 * sum W^2 over weight matrices (biases and norms exempt)
    l1: float = setting(0.0, NON_NEGATIVE)
    l2: float = setting(0.0, NON_NEGATIVE)
    clip_norm: float = setting(0.0, NON_NEGATIVE)  # global gradient-norm clip; 0 = off
    batch_size: int = setting(128, Integer(1, MAX_BATCH))
    seed: int = setting(0, SEED)
    max_steps: int = setting(0, COUNT)  # stop after this many steps; 0 = no limit
    # stop once the train loss is at or below; 0 = off
    target_loss: float = setting(0.0, NON_NEGATIVE)
    # stop once the schedule's rate is zero for good (train/schedule.zero_from); false: go on
    stop_at_zero_lr: bool = True
    # recordings: training steps per frame (the record command, V in the window); 0 = free
    steps_per_frame: int = setting(0, Integer(0, MAX_PER_FRAME))
    # the window plays at this many steps per frame, slow enough to watch the picture
    # learn; 0 = as fast as the trainer goes
    pace: int = setting(0, Integer(0, MAX_PER_FRAME))
    chunk_steps: int = setting(
        64, Integer(1, MAX_CHUNK)
    )  # steps per kernel call (GIL released) between snapshots
    # threads that share each step (the same results for any number); 0 = the CPU's cores
    # where a step is big enough to share, one while the window trains
    threads: int = setting(0, Integer(0, MAX_THREADS))

    def validate(self) -> "TrainConfig":
        """This config with every field checked (and typed), else a clear error."""
        return check_fields("train", self)


@dataclass(frozen=True)
class TargetConfig:
    """What to fit: a built-in name, "image" (path), "csv" (path) or "none"."""

    name: str = "fancy_sine"  # which names go with `path`: targets.py
    path: str = ""  # image or CSV file
    n_points: int = setting(4096, Integer(2, MAX_POINTS))  # samples / points of a 2-D set
    noise: float = setting(0.0, Number(ge=0, le=1))
    test_fraction: float = setting(0.2, Number(ge=0, lt=1))
    color: bool = False  # images: RGB (3 outputs) instead of grey
    # images: longest side in pixels after resizing
    image_size: int = setting(128, Integer(2, MAX_IMAGE_SIZE))
    # where the data lives
    domain: tuple[float, float, float, float] = setting((-1.0, 1.0, -1.0, 1.0), _domain)
    seed: int = setting(0, SEED)


@dataclass(frozen=True)
class NetConfig:
    """Architecture and initialisation as a preset's [network] table states it.

    `n_out` 0 means "what the target needs" (1 for most, 3 for RGB images,
    the class count for multi-class sets). `activation` and `norm` are one
    name for every hidden layer or a list with one per hidden layer.
    """

    hidden: tuple[int, ...] = setting((16, 16, 16), _widths)
    activation: str | tuple[str, ...] = setting("tanh", ACTIVATION)
    output: str = setting("sigmoid", ACTIVATION)
    norm: str | tuple[str, ...] = setting("none", NORM)
    features: tuple[str, ...] = setting(("x", "y"), _input_features)
    fourier: int = setting(0, Integer(0, MAX_FOURIER))
    fourier_scale: float = setting(1.0, Number(gt=0, le=MAX_MAGNITUDE))
    latent: tuple[float, ...] = setting((), _latent)
    n_out: int = setting(0, Integer(0, MAX_OUT))
    init: str = setting("he_uniform", OneOf(tuple(WEIGHT_INITS)))
    scale: float = setting(1.0, SCALE)
    bias_init: str = setting("zeros", OneOf(tuple(BIAS_INITS)))
    bias_scale: float = setting(0.0, SCALE)
    seed: int = setting(0, SEED)


@dataclass(frozen=True)
class ViewConfig:
    """What to show and where: the input domain and the view mode."""

    domain: tuple[float, float, float, float] = setting((-1.0, 1.0, -1.0, 1.0), _domain)
    mode: str = setting("output", _mode)
    colormap: str = setting("viridis", OneOf(colormaps.NAMES))
    layer: int = setting(0, Integer(0, MAX_DEPTH))  # neuron view: which weight layer
    neuron: int = setting(0, Integer(0, MAX_WIDTH - 1))  # neuron view: which unit
    show_points: bool = False


def mode_from_view(view: ViewConfig) -> str:
    """view.mode with the arguments it leaves out taken from the fields layer and
    neuron, as far as the mode has them in that order; the rest keep the mode's
    defaults. A mode given with arguments ("neuron:1:3") is used as it is."""
    if ":" in view.mode:
        return view.mode
    mode, _ = parse_mode(view.mode)
    given = {"layer": view.layer, "neuron": view.neuron}
    named = takewhile(given.__contains__, mode.arg_names)
    return ":".join([mode.name, *(str(given[arg]) for arg in named)])


@dataclass(frozen=True)
class Preset:
    name: str = "default"
    description: str = ""
    network: NetConfig = field(default_factory=NetConfig)
    target: TargetConfig = field(default_factory=TargetConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    view: ViewConfig = field(default_factory=ViewConfig)


@dataclass(frozen=True)
class RunMeta:
    """The entries of a run file's `run_meta` that the program reads (npz.py checks them
    when it reads one); any other entry is kept as it is."""

    snapshot_every: int = setting(100, PERIOD)  # steps between snapshots
    domain: tuple[float, float, float, float] = setting((-1.0, 1.0, -1.0, 1.0), _domain)


TABLES = {"network": NetConfig, "target": TargetConfig, "train": TrainConfig, "view": ViewConfig}
_FIELDS = {table: {f.name: f for f in fields(cls)} for table, cls in TABLES.items()}


def field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def coerce(table: str, key: str, value):
    """`value` as given (TOML, keyword argument, command line) -> the typed, checked
    value of `table.key`, else one error naming `table.key`, the value and what is
    allowed. `coerce("train", "lr", 1)` is 1.0."""
    name = named(f"{table}.{key}")
    if table not in TABLES:
        tables = ", ".join(f"[{t}]" for t in TABLES)
        raise bad_value(name, value, f"a key of the tables {tables}")
    known = _FIELDS[table]
    if key not in known:
        raise ShaderplayError(
            f"{name}: got {shown(value)}; allowed: keys of [{table}]: {', '.join(known)} "
            f"({shown(key)} is not one of them)."
        )
    return coerce_field(name, known[key], value)


def check_fields(table: str, config):
    """`config` (a table's dataclass) with every field checked and typed by its rule."""
    return replace(config, **{k: coerce(table, k, getattr(config, k)) for k in _FIELDS[table]})


__all__ = [
    "TABLES",
    "NetConfig",
    "Preset",
    "RunMeta",
    "TargetConfig",
    "TrainConfig",
    "ViewConfig",
    "check_fields",
    "coerce",
    "field_names",
    "mode_from_view",
    "replace",
]
