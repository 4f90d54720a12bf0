"""Keyword arguments -> a validated TrainConfig, through the fields' own rules
(config.coerce, as for TOML), so errors name `train.key`; step counts given to the
trainer's methods."""

from dataclasses import replace

from ..config import TrainConfig, coerce
from ..errors import bad_value
from ..fields import convert


def make_config(base: TrainConfig | None = None, changes: dict | None = None) -> TrainConfig:
    """`base` (default TrainConfig()) with `changes` applied, type-checked and validated."""
    base = base if base is not None else TrainConfig()
    if not isinstance(base, TrainConfig):
        raise bad_value("config", type(base).__name__, "a TrainConfig")
    values = {key: coerce("train", key, value) for key, value in (changes or {}).items()}
    return replace(base, **values).validate()


def step_count(name: str, n) -> int:
    """`n` as a count of steps (an integer >= 0), else a clear error naming `name`."""
    n = convert(name, n, int)
    if n < 0:
        raise bad_value(name, n, "an integer >= 0")
    return n
