"""Learning-rate schedules: one scalar function, run by the kernel (compiled)
and by `lr_at` (plain Python, for plotting the schedule in the window).

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
"""

import math

import numpy as np

from ..config import SCHEDULES, TrainConfig
from ..kernels.jit import inline

CONSTANT, STEP, EXPONENTIAL, COSINE, COSINE_RESTARTS = (
    SCHEDULES.index(n) for n in ("constant", "step", "exponential", "cosine", "cosine_restarts")
)


def scheduled_lr(schedule, step, lr, warmup, step_size, gamma, cosine_steps, period, mult, lr_min):
    """The learning rate of optimiser step `step` (0-based); see the module docstring."""
    if step < warmup:
        return lr * (step + 1) / warmup
    t = step - warmup
    if schedule == STEP:
        return lr * gamma ** (t // step_size)
    if schedule == EXPONENTIAL:
        return lr * gamma**t
    if schedule == COSINE:
        if t >= cosine_steps:
            return lr_min
        return lr_min + (lr - lr_min) * 0.5 * (1.0 + math.cos(math.pi * t / cosine_steps))
    if schedule == COSINE_RESTARTS:
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


def schedule_args(config: TrainConfig) -> tuple:
    """The arguments of `scheduled_lr` after `step`, taken from a TrainConfig."""
    return (
        SCHEDULES.index(config.schedule),
        float(config.lr),
        int(config.warmup_steps),
        int(config.step_size),
        float(config.gamma),
        int(config.cosine_steps),
        int(config.restart_period),
        int(config.restart_mult),
        float(config.lr_min),
    )


def lr_at(config: TrainConfig, steps) -> np.ndarray:
    """Learning rates (float64) of the given 0-based optimiser steps; pure Python."""
    steps = np.asarray(steps, dtype=np.int64)
    kind, lr, *rest = schedule_args(config)
    flat = [scheduled_lr(kind, int(s), lr, *rest) for s in steps.ravel()]
    return np.array(flat, dtype=np.float64).reshape(steps.shape)
