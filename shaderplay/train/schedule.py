"""Learning-rate schedules (the table: shaderplay/schedules.py): one scalar
function, run by the kernel (compiled) and by `lr_at` (plain Python, for
plotting the schedule in the window).

`step` is the 0-based index of the optimiser step about to be taken.
- warm-up: for step < warmup_steps, lr * (step + 1) / warmup_steps; the
  schedule below then runs on t = step - warmup_steps.
- constant: lr.
- step: lr * gamma ** (t // step_size)                  (torch StepLR)
- exponential: lr * gamma ** t                          (torch ExponentialLR)
- cosine: lr_min + (lr - lr_min) (1 + cos(pi t / cosine_steps)) / 2 for
  t <= cosine_steps, then lr_min (torch CosineAnnealingLR would rise again).
- cosine_restarts: SGDR with T_0 = restart_period, T_mult = restart_mult
  (torch CosineAnnealingWarmRestarts): the cosine restarts from lr at the
  end of each period, the periods growing by restart_mult.

`zero_from` gives the step from which a schedule's rate stays below the
smallest normal float32 for good: the kernels update in float32 with
subnormals flushed, so from there on no step changes a weight.
"""

import math

import numpy as np

from ..config import TrainConfig
from ..kernels.jit import inline
from ..schedules import SCHEDULES
from .hyper import FLOAT, INT, hyper_vectors

CONSTANT, STEP, EXPONENTIAL, COSINE, COSINE_RESTARTS = (
    SCHEDULES[n].code for n in ("constant", "step", "exponential", "cosine", "cosine_restarts")
)
_SCHEDULE, _WARMUP, _STEP_SIZE, _COSINE_STEPS, _PERIOD, _MULT = (
    INT[n]
    for n in (
        "schedule",
        "warmup_steps",
        "step_size",
        "cosine_steps",
        "restart_period",
        "restart_mult",
    )
)
_LR, _LR_MIN, _GAMMA = (FLOAT[n] for n in ("lr", "lr_min", "gamma"))


def scheduled_lr(step, hyper, ihyper):
    """The learning rate of optimiser step `step` (0-based) under the TrainConfig in
    hyper, ihyper (train/hyper.py); see the module docstring."""
    schedule, warmup, lr, lr_min = ihyper[_SCHEDULE], ihyper[_WARMUP], hyper[_LR], hyper[_LR_MIN]
    if step < warmup:
        return lr * (step + 1) / warmup
    t = step - warmup
    if schedule == STEP:
        return lr * hyper[_GAMMA] ** (t // ihyper[_STEP_SIZE])
    if schedule == EXPONENTIAL:
        return lr * hyper[_GAMMA] ** t
    if schedule == COSINE:
        cosine_steps = ihyper[_COSINE_STEPS]
        if t >= cosine_steps:
            return lr_min
        return lr_min + (lr - lr_min) * 0.5 * (1.0 + math.cos(math.pi * t / cosine_steps))
    if schedule == COSINE_RESTARTS:
        period, mult = ihyper[_PERIOD], ihyper[_MULT]
        length = period
        if mult == 1:
            t = t % period
        else:
            while t >= length:
                t -= length
                length *= mult
        return lr_min + (lr - lr_min) * 0.5 * (1.0 + math.cos(math.pi * t / length))
    return lr


scheduled_lr_jit = inline(scheduled_lr)


_TINY = np.finfo(np.float32).tiny


def _dead(lr: float) -> bool:
    """Whether rate `lr` moves no weight: below the smallest normal float32 once rounded."""
    return np.float32(lr) < _TINY


def _first_dead_power(lr: float, gamma: float) -> int | None:
    """The least k with lr * gamma**k dead (as the formula computes it); None if none."""
    if _dead(lr):
        return 0
    if gamma >= 1.0:
        return None
    k = max(0, int(math.log(_TINY / lr) / math.log(gamma)) - 2)  # just below the answer
    while not _dead(lr * gamma**k):
        k += 1
    return k


def zero_from(config: TrainConfig) -> int | None:
    """The first 0-based step from which every learning rate of `config`'s schedule is dead
    (see the module docstring); None where the rate never stays there."""
    cfg = config
    lr, warmup = float(cfg.lr), int(cfg.warmup_steps)
    if _dead(lr):
        return 0
    schedule = SCHEDULES[cfg.schedule].code
    if schedule == STEP:
        k = _first_dead_power(lr, cfg.gamma)
        return None if k is None else warmup + k * cfg.step_size
    if schedule == EXPONENTIAL:
        k = _first_dead_power(lr, cfg.gamma)
        return None if k is None else warmup + k
    if schedule == COSINE and _dead(cfg.lr_min):
        return warmup + cfg.cosine_steps
    return None  # constant and restarts come back to lr; cosine holds a live lr_min


def lr_at(config: TrainConfig, steps) -> np.ndarray:
    """Learning rates (float64) of the given 0-based optimiser steps; pure Python."""
    steps = np.asarray(steps, dtype=np.int64)
    hyper, ihyper = hyper_vectors(config, 0, 0)
    # Python numbers, as the kernel's scalars: NumPy scalars would take other code paths.
    hyper, ihyper = [float(v) for v in hyper], [int(v) for v in ihyper]
    flat = [scheduled_lr(int(s), hyper, ihyper) for s in steps.ravel()]
    return np.array(flat, dtype=np.float64).reshape(steps.shape)
