"""Learning-rate schedules: lr_at against closed forms (the kernel against lr_at, for every
schedule: tests/test_tables.py)."""

import math

import numpy as np
import pytest

from shaderplay.config import TrainConfig
from shaderplay.schedules import SCHEDULES
from shaderplay.train import lr_at
from shaderplay.train.schedule import zero_from

STEPS = np.arange(400)


def test_constant():
    np.testing.assert_array_equal(lr_at(TrainConfig(lr=0.3), STEPS), 0.3)


def test_step_decay():
    lr = lr_at(TrainConfig(lr=0.1, schedule="step", step_size=100, gamma=0.5), STEPS)
    assert lr[0] == lr[99] == pytest.approx(0.1)
    assert lr[100] == lr[199] == pytest.approx(0.05)
    assert lr[399] == pytest.approx(0.1 * 0.5**3)


def test_exponential():
    lr = lr_at(TrainConfig(lr=0.1, schedule="exponential", gamma=0.99), STEPS)
    np.testing.assert_allclose(lr, 0.1 * 0.99**STEPS, rtol=1e-12)


def test_cosine_anneals_then_holds_lr_min():
    cfg = TrainConfig(lr=0.1, schedule="cosine", cosine_steps=300, lr_min=0.001)
    lr = lr_at(cfg, STEPS)
    t = STEPS[:301]
    np.testing.assert_allclose(
        lr[:301], 0.001 + 0.099 * 0.5 * (1 + np.cos(np.pi * t / 300)), rtol=1e-12
    )
    assert lr[150] == pytest.approx(0.0505)
    np.testing.assert_array_equal(lr[300:], 0.001)


def test_cosine_restarts_periods_grow():
    cfg = TrainConfig(lr=0.1, schedule="cosine_restarts", restart_period=50, restart_mult=2)
    lr = lr_at(cfg, STEPS)
    # restarts at 0, 50, 150, 350: lr is back at its peak there and falls in between
    for start, length in ((0, 50), (50, 100), (150, 200), (350, 400)):
        assert lr[start] == pytest.approx(0.1)
        mid = start + length // 2
        if mid < len(lr):
            assert lr[mid] == pytest.approx(0.05)
    assert lr[49] == pytest.approx(0.05 * (1 + math.cos(math.pi * 49 / 50)))


def test_cosine_restarts_fixed_period():
    lr = lr_at(
        TrainConfig(lr=0.2, schedule="cosine_restarts", restart_period=40, restart_mult=1), STEPS
    )
    np.testing.assert_allclose(lr, 0.1 * (1 + np.cos(np.pi * (STEPS % 40) / 40)), rtol=1e-12)


def test_warmup_then_schedule_from_zero():
    cfg = TrainConfig(lr=0.1, warmup_steps=10, schedule="exponential", gamma=0.9)
    lr = lr_at(cfg, STEPS)
    np.testing.assert_allclose(lr[:10], 0.1 * np.arange(1, 11) / 10, rtol=1e-12)
    np.testing.assert_allclose(lr[10:20], 0.1 * 0.9 ** np.arange(10), rtol=1e-12)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_zero_from_is_where_the_rate_dies_for_good(name):
    tiny = np.finfo(np.float32).tiny
    for changes in ({}, {"lr_min": 1e-3}, {"gamma": 0.5, "step_size": 7}, {"gamma": 1.0}):
        cfg = TrainConfig(lr=0.1, schedule=name, warmup_steps=5, cosine_steps=40, **changes)
        step = zero_from(cfg)
        far = np.arange(0, 3_000_000, 997)
        if step is None:
            assert (lr_at(cfg, far).astype(np.float32) >= tiny).any()
            assert (lr_at(cfg, far[-50:]).astype(np.float32) >= tiny).any()
            continue
        assert lr_at(cfg, [step - 1])[0].astype(np.float32) >= tiny  # alive just before
        after = np.concatenate([step + np.arange(200), step + far])
        assert (lr_at(cfg, after).astype(np.float32) < tiny).all()
    assert zero_from(TrainConfig(lr=1e-39)) == 0
