"""A TrainConfig as the kernels read it: two vectors laid out by the config's fields.

`hyper` (float64) holds every float field of TrainConfig and `ihyper` (int64)
every integer field, in the dataclass's order, then the run's codes: the loss,
optimiser and schedule codes (their tables' `code`), the batch size in use
(the configured one capped at the training set), the count of trainable
floats and how an output row reads as a class (results.ACCURACY_KIND).
A kernel finds a field by `FLOAT[name]` / `INT[name]`, constants that
numba freezes, so a new TrainConfig field reaches the kernels with no index
kept by hand.
"""

from dataclasses import fields

import numpy as np

from .. import optimizers, schedules
from ..config import LOSSES, TrainConfig

_FLOATS = tuple(f.name for f in fields(TrainConfig) if type(f.default) is float)
_INTS = tuple(f.name for f in fields(TrainConfig) if type(f.default) is int)
_RUN = ("loss", "optimizer", "schedule", "batch", "n_trainable", "classes")
FLOAT = {name: k for k, name in enumerate(_FLOATS)}
INT = {name: k for k, name in enumerate(_INTS + _RUN)}


def hyper_vectors(
    config: TrainConfig, batch: int, n_trainable: int, classes: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """TrainConfig -> (hyper float64, ihyper int64), indexed by FLOAT and INT."""
    run = {
        "loss": LOSSES.index(config.loss),
        "optimizer": optimizers.get(config.optimizer).code,
        "schedule": schedules.get(config.schedule).code,
        "batch": batch,
        "n_trainable": n_trainable,
        "classes": classes,
    }
    hyper = np.array([getattr(config, name) for name in _FLOATS], np.float64)
    ihyper = np.array([getattr(config, name) for name in _INTS] + [run[n] for n in _RUN], np.int64)
    return hyper, ihyper
