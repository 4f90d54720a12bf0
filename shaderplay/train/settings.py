"""Keyword arguments -> a validated TrainConfig, with errors that name the key."""

from dataclasses import fields, replace

from ..config import TrainConfig
from ..errors import ShaderplayError, bad_value

_TYPES = {f.name: type(f.default) for f in fields(TrainConfig)}


def _coerce(name: str, value):
    kind = _TYPES[name]
    if kind is str:
        if not isinstance(value, str):
            raise bad_value(f"train.{name}", value, "a name (string)")
        return value
    if isinstance(value, (str, bytes)) or isinstance(value, bool) and kind is not bool:
        raise bad_value(f"train.{name}", value, "an integer" if kind is int else "a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise bad_value(
            f"train.{name}", value, "an integer" if kind is int else "a number"
        ) from None
    if kind is int:
        if number != number or number != int(number):
            raise bad_value(f"train.{name}", value, "an integer")
        return int(number)
    return number


def make_config(base: TrainConfig | None = None, changes: dict | None = None) -> TrainConfig:
    """`base` (default TrainConfig()) with `changes` applied, type-checked and validated."""
    base = base if base is not None else TrainConfig()
    if not isinstance(base, TrainConfig):
        raise bad_value("config", type(base).__name__, "a TrainConfig")
    changes = dict(changes or {})
    unknown = sorted(set(changes) - set(_TYPES))
    if unknown:
        raise ShaderplayError(
            f"train: unknown setting {unknown[0]!r}; allowed: {', '.join(_TYPES)}."
        )
    return replace(base, **{k: _coerce(k, v) for k, v in changes.items()}).validate()
