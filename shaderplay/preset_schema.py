"""A preset's tables -> typed config dataclasses, and the checks on them.

`table_from_toml(cls, table, data)` turns one TOML table into `cls`
(NetConfig, TargetConfig, TrainConfig or ViewConfig), checking each key's
type against the dataclass annotation; `check_preset(preset)` validates
every field. Every error names the field as `table.key`, the value found and
what is allowed.
"""

import types
from dataclasses import fields
from typing import get_args, get_origin

from . import activations, checks, features
from .config import NetConfig, Preset, TrainConfig, ViewConfig
from .errors import ShaderplayError, bad_value, choose
from .initializers import BIAS_INITS, WEIGHT_INITS
from .spec import MAX_WIDTH, NORMS
from .targets import check_config

MAX_DEPTH = 128
MAX_FOURIER = 256
MAX_LATENT = 16
MAX_OUT = 64

_WORDS = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}


_CHECKS = {
    bool: lambda v: isinstance(v, bool),
    int: lambda v: isinstance(v, int) and not isinstance(v, bool),
    float: lambda v: (
        isinstance(v, (int, float)) and not isinstance(v, bool)
    ),  # TOML 1 is a float too
    str: lambda v: isinstance(v, str),
}


def _scalar(name, value, tp):
    if not _CHECKS[tp](value):
        raise bad_value(name, value, _WORDS[tp])
    return float(value) if tp is float else value


def _plural(tp) -> str:
    return _WORDS[tp].removeprefix("an ").removeprefix("a ") + "s"


def _describe(tp) -> str:
    if get_origin(tp) is types.UnionType:
        return " or ".join(_describe(t) for t in get_args(tp))
    if get_origin(tp) is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"a list of {_plural(args[0])}"
        return f"a list of {len(args)} {_plural(args[0])}"
    return _WORDS[tp]


def convert(name: str, value, tp):
    """`value` read from TOML as the annotated type `tp` (lists become tuples)."""
    origin = get_origin(tp)
    if origin is types.UnionType:
        for option in get_args(tp):
            if isinstance(value, list) == (get_origin(option) is tuple):
                try:
                    return convert(name, value, option)
                except ValueError:
                    break
        raise bad_value(name, value, _describe(tp))
    if origin is tuple:
        args = get_args(tp)
        variadic = len(args) == 2 and args[1] is Ellipsis
        if not isinstance(value, list) or (not variadic and len(value) != len(args)):
            raise bad_value(name, value, _describe(tp))
        try:
            return tuple(_scalar(name, v, args[0]) for v in value)
        except ValueError:
            raise bad_value(name, value, _describe(tp)) from None
    return _scalar(name, value, tp)


def table_from_toml(cls, table: str, data):
    """One TOML table -> an instance of `cls`; unknown keys list the allowed ones."""
    if not isinstance(data, dict):
        raise bad_value(f"[{table}]", data, "a table of key = value lines")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in data.items():
        if key not in known:
            raise bad_value(f"{table}.{key}", value, f"keys of [{table}]: {', '.join(known)}")
        values[key] = convert(f"{table}.{key}", value, known[key].type)
    return cls(**values)


# --- checks -----------------------------------------------------------------------


def _per_layer(name, value, options, depth):
    """One name for every hidden layer, or a list with one per hidden layer."""
    if isinstance(value, str):
        choose(name, value, options)
        return
    if len(value) != depth:
        raise bad_value(name, list(value), f"one name, or a list of {depth} (one per hidden layer)")
    for v in value:
        choose(name, v, options)


def check_network(net: NetConfig) -> NetConfig:
    if len(net.hidden) > MAX_DEPTH:
        raise bad_value("network.hidden", list(net.hidden), f"at most {MAX_DEPTH} hidden layers")
    for w in net.hidden:
        if isinstance(w, bool) or not isinstance(w, int) or not 1 <= w <= MAX_WIDTH:
            raise bad_value(
                "network.hidden", list(net.hidden), f"widths, each an integer 1..{MAX_WIDTH}"
            )
    _per_layer("network.activation", net.activation, activations.NAMES, len(net.hidden))
    choose("network.output", net.output, activations.NAMES)
    _per_layer("network.norm", net.norm, NORMS, len(net.hidden))
    if not net.features or len(set(net.features)) != len(net.features):
        raise bad_value("network.features", list(net.features), "a non-empty list without repeats")
    for f in net.features:
        choose("network.features", f, features.FEATURES)  # Fourier and latent have their own keys
    checks.integer("network.fourier", net.fourier, 0, MAX_FOURIER)
    checks.number("network.fourier_scale", net.fourier_scale, lambda v: v > 0, "a number > 0")
    if len(net.latent) > MAX_LATENT:
        raise bad_value("network.latent", list(net.latent), f"at most {MAX_LATENT} values")
    for v in net.latent:
        checks.number("network.latent", v, allowed="a list of finite numbers")
    checks.integer("network.n_out", net.n_out, 0, MAX_OUT)
    choose("network.init", net.init, WEIGHT_INITS)
    checks.number("network.scale", net.scale, lambda v: v >= 0, "a number >= 0")
    choose("network.bias_init", net.bias_init, BIAS_INITS)
    checks.number("network.bias_scale", net.bias_scale, lambda v: v >= 0, "a number >= 0")
    checks.integer("network.seed", net.seed, 0, 2**63 - 1)
    return net


def _check_mode(mode) -> None:
    """Against the renderer's table of modes ("name[:arg...]"), where it is importable."""
    try:
        from .modes import parse_mode
    except ImportError:
        return
    if not isinstance(mode, str):
        raise bad_value("view.mode", mode, "a string")
    try:
        parse_mode(mode)
    except ShaderplayError as exc:
        raise ShaderplayError(f"view.{exc}") from None  # its message starts "mode: got ..."


def _check_colormap(name) -> None:
    try:
        from .colormaps import NAMES
    except ImportError:
        return
    choose("view.colormap", name, NAMES)


def check_view(view: ViewConfig) -> ViewConfig:
    checks.domain("view.domain", view.domain)
    _check_mode(view.mode)
    _check_colormap(view.colormap)
    checks.integer("view.layer", view.layer, 0, MAX_DEPTH)
    checks.integer("view.neuron", view.neuron, 0, MAX_WIDTH - 1)
    checks.flag("view.show_points", view.show_points)
    return view


def check_preset(preset: Preset) -> Preset:
    """Validate every table; returns the preset unchanged."""
    for name in ("name", "description"):
        if not isinstance(getattr(preset, name), str):
            raise bad_value(name, getattr(preset, name), "a string")
    check_network(preset.network)
    check_config(preset.target)
    for f in fields(TrainConfig):  # validate() compares; non-finite floats from TOML slip past it
        if f.type is float:
            checks.number(f"train.{f.name}", getattr(preset.train, f.name))
    checks.integer("train.seed", preset.train.seed, 0, 2**63 - 1)
    preset.train.validate()
    check_view(preset.view)
    return preset
