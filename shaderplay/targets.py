"""Targets: what a network is fitted to, loaded as a `Dataset`.

`load_target(target, **overrides)` takes a built-in name, a path to an image
(a suffix of images.IMAGE_SUFFIXES) or a CSV file, or a `TargetConfig`;
keyword overrides are TargetConfig fields. The built-ins come from four tables:
- `FUNCTIONS` (target_functions.py): analytic functions of (x, y), sampled at
  `n_points` seeded uniform points of `domain`; `field` is the exact function;
- `POINT_SETS` (point_sets.py): 2-D classification and regression sets, drawn
  in [-1, 1]² and mapped linearly onto `domain`;
- `IMAGES` (images.py): built-in pictures, one sample per pixel;
- "none": no data, for exploring random networks (kind "none").
`name = "image"` / `"csv"` with `path` loads a file (see images.py and
csvdata.py); CSV files bring their own domain, so `domain` must stay at its
default for them; an image covers its own (images.py) unless `domain` says
where to place it; `n_points` does not apply to either. Relative paths
are relative to the working directory (a preset's, to its file's folder).

`test_fraction` of the samples (rounded) go to the test split; `seed` fixes
every random draw, so the same config gives the same arrays.
"""

from dataclasses import replace
from pathlib import Path

import numpy as np

from .config import TargetConfig, check_fields, coerce
from .csvdata import csv_dataset
from .dataset import Dataset
from .errors import ShaderplayError, bad_value
from .images import IMAGE_FILES, IMAGE_SUFFIXES, IMAGES, builtin_image_path, image_dataset, is_image
from .point_sets import POINT_SETS
from .target_functions import FUNCTIONS

FILE_KINDS = ("image", "csv")
DEFAULT_DOMAIN = TargetConfig().domain


def builtin_targets() -> dict[str, str]:
    """Every built-in target name -> one-line description."""
    out = {name: t.about for name, t in FUNCTIONS.items()}
    out.update({name: s.about for name, s in POINT_SETS.items()})
    out.update({name: about for name, (_, about) in IMAGES.items()})
    out["none"] = "no data: explore random networks"
    return out


def allowed_names() -> str:
    return (
        "one of " + ", ".join(builtin_targets()) + "; or 'image' / 'csv' with target.path; "
        f"or a path to a {', '.join(IMAGE_SUFFIXES)} or .csv file"
    )


def file_kind(path) -> str | None:
    """ "image" or "csv" for a path with such a suffix, else None."""
    return "image" if is_image(path) else "csv" if Path(path).suffix.lower() == ".csv" else None


def _as_config(target, overrides) -> TargetConfig:
    if isinstance(target, TargetConfig):
        cfg = target
    elif isinstance(target, (str, Path)):
        text = str(target)
        kind = (
            file_kind(text) if isinstance(target, Path) or text not in builtin_targets() else None
        )
        cfg = TargetConfig(name=kind, path=text) if kind else TargetConfig(name=text)
    else:
        raise bad_value(
            "target",
            type(target).__name__,
            "a target name, an image or CSV path, or a TargetConfig",
        )
    return replace(cfg, **{key: coerce("target", key, v) for key, v in overrides.items()})


def resolve(cfg: TargetConfig) -> tuple[str, str]:
    """(source, what): source is function/points/image/csv/none; `what` the
    table name or the file path. Errors list what is allowed."""
    name = cfg.name
    if cfg.path and name not in FILE_KINDS:  # it would be ignored: a silent wrong target
        raise bad_value(
            "target.path",
            cfg.path,
            f"only with target.name 'image' or 'csv' (target.name is {name!r}); "
            "set target.name too, or leave target.path out",
        )
    if name in FUNCTIONS:
        return "function", name
    if name in POINT_SETS:
        return "points", name
    if name in IMAGES:
        return "image", str(builtin_image_path(name))
    if name == "none":
        return "none", name
    if name in FILE_KINDS:
        files = "/".join(IMAGE_SUFFIXES) if name == "image" else ".csv"
        if not cfg.path:
            raise bad_value(
                "target.path", cfg.path, f"a path to a {files} file (target.name is {name!r})"
            )
        if file_kind(cfg.path) != name:
            allowed = f"a {IMAGE_FILES} file" if name == "image" else "a .csv file"
            raise bad_value("target.path", cfg.path, allowed)
        return name, cfg.path
    if file_kind(name):
        return file_kind(name), name
    raise bad_value("target.name", name, allowed_names())


def check_source(cfg: TargetConfig) -> TargetConfig:
    """The rules between [target] fields: a name (or file) that exists in a table,
    the default domain for CSV files (they bring their own), training points left."""
    source, _ = resolve(cfg)
    if source == "csv" and tuple(cfg.domain) != DEFAULT_DOMAIN:
        raise bad_value(
            "target.domain",
            list(cfg.domain),
            f"the default {list(DEFAULT_DOMAIN)} for CSV files, which bring their own domain "
            "(an image takes a domain: it is placed on that rectangle)",
        )
    if source in ("function", "points") and round(cfg.n_points * (1 - cfg.test_fraction)) < 1:
        raise bad_value(
            "target.test_fraction", cfg.test_fraction, "a fraction that leaves training points"
        )
    return cfg


def check_config(cfg: TargetConfig) -> TargetConfig:
    """`cfg` with every field checked and typed, then the rules between them."""
    return check_source(check_fields("target", cfg))


def _to_domain(points: np.ndarray, domain) -> np.ndarray:
    """Map the frame [-1, 1]² linearly onto `domain`."""
    lo = np.array([domain[0], domain[2]])
    hi = np.array([domain[1], domain[3]])
    return lo + (points + 1.0) * 0.5 * (hi - lo)


def _from_domain(points: np.ndarray, domain) -> np.ndarray:
    lo = np.array([domain[0], domain[2]])
    hi = np.array([domain[1], domain[3]])
    return (np.asarray(points, np.float64) - lo) / (0.5 * (hi - lo)) - 1.0


def _function_dataset(cfg: TargetConfig) -> Dataset:
    f = FUNCTIONS[cfg.name].f
    rng = np.random.default_rng(cfg.seed)
    d = cfg.domain
    points = np.stack(
        [rng.uniform(d[0], d[1], cfg.n_points), rng.uniform(d[2], d[3], cfg.n_points)], axis=1
    )
    values = f(points[:, 0], points[:, 1])
    split_seed = int(rng.integers(2**31))  # drawn before the noise: noise leaves the split alone
    if cfg.noise > 0:
        values = np.clip(values + rng.normal(0.0, cfg.noise, values.shape), 0.0, 1.0)

    def field(pts):
        pts = np.asarray(pts, np.float64).reshape(-1, 2)
        return f(pts[:, 0], pts[:, 1]).astype(np.float32)[:, None]

    data = Dataset.from_arrays(
        points,
        values,
        name=cfg.name,
        kind="regression",
        test_fraction=cfg.test_fraction,
        seed=split_seed,
    )
    return replace(data, domain=tuple(map(float, d)), field=field)


def _point_dataset(cfg: TargetConfig) -> Dataset:
    table = POINT_SETS[cfg.name]
    rng = np.random.default_rng(cfg.seed)
    points, y = table.make(rng, cfg.n_points, cfg.noise)
    field = None
    if table.field is not None:

        def field(pts):
            return table.field(_from_domain(np.reshape(pts, (-1, 2)), cfg.domain)).astype(
                np.float32
            )[:, None]

    data = Dataset.from_arrays(
        _to_domain(points, cfg.domain),
        y,
        name=cfg.name,
        kind=table.kind,
        test_fraction=cfg.test_fraction,
        seed=int(rng.integers(2**31)),
    )
    return replace(data, domain=tuple(map(float, cfg.domain)), field=field)


def load_target(target, **overrides) -> Dataset:
    """A built-in name, an image/CSV path or a TargetConfig -> Dataset."""
    return make_dataset(check_config(_as_config(target, overrides)))


def make_dataset(cfg: TargetConfig) -> Dataset:
    """The Dataset of a checked config (`check_config`, or a checked preset's)."""
    source, what = resolve(cfg)
    if source == "function":
        return _function_dataset(cfg)
    if source == "points":
        return _point_dataset(cfg)
    if source == "image":
        name = cfg.name if cfg.name in IMAGES else Path(what).stem
        placed = None if tuple(cfg.domain) == DEFAULT_DOMAIN else cfg.domain
        return image_dataset(
            what, name, cfg.color, cfg.image_size, cfg.noise, cfg.test_fraction, cfg.seed, placed
        )
    if source == "csv":
        return csv_dataset(what, Path(what).stem, cfg.noise, cfg.test_fraction, cfg.seed)
    empty = np.zeros((0, 2), np.float32)
    return Dataset(
        "none",
        "none",
        empty,
        np.zeros((0, 1), np.float32),
        empty,
        np.zeros((0, 1), np.float32),
        domain=tuple(map(float, cfg.domain)),
    )


def target_kind(cfg: TargetConfig) -> str:
    """The Dataset kind `cfg` gives, without loading where the tables know it."""
    source, what = resolve(cfg)
    if source == "function":
        return "regression"
    if source == "points":
        return POINT_SETS[what].kind
    if source == "none":
        return "none"
    return make_dataset(cfg).kind


__all__ = [
    "ShaderplayError",
    "builtin_targets",
    "check_config",
    "check_source",
    "file_kind",
    "load_target",
    "make_dataset",
    "resolve",
    "target_kind",
]
