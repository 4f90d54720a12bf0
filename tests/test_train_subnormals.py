"""Subnormal floats (below 1.2e-38) are flushed to zero inside the training kernels,
for the call only: a converging run fills gradients and optimiser moments with them,
and they slow every instruction that meets them (kernels/fpenv.py)."""

import numpy as np
import pytest
from numba import njit

from shaderplay.kernels.fpenv import X86, flush_subnormals, restore_fp
from shaderplay.network import Network
from shaderplay.train import Trainer

TINY = np.finfo(np.float32).tiny  # the smallest normal float32
pytestmark = pytest.mark.skipif(not X86, reason="FTZ/DAZ are x86's; elsewhere nothing changes")


def subnormals(a) -> int:
    return int(((a != 0) & (np.abs(a) < TINY)).sum())


@njit
def _halve_with_and_without_flush(a):
    saved = flush_subnormals()
    a[1] = a[0] * np.float32(0.5)
    restore_fp(saved)
    a[2] = a[0] * np.float32(0.5)


def test_the_flush_holds_between_its_two_calls_only():
    a = np.array([2e-38, 1, 1], np.float32)
    _halve_with_and_without_flush(a)
    assert a[1] == 0.0
    assert a[2] == np.float32(1e-38) and subnormals(a[2:]) == 1


def test_training_keeps_no_subnormal_moments_and_leaves_the_callers_arithmetic_alone():
    net = Network.random((2, 4, 1), activation="relu", output="sigmoid", seed=0)
    net.W(0)[0] = 0.0  # unit 0 never fires: its weights' gradient is exactly zero
    net.b(0)[0] = -1.0
    x = np.random.default_rng(0).uniform(-1, 1, (64, 2))
    trainer = Trainer(net, (x, (x[:, :1] > 0).astype(np.float32)), loss="bce", optimizer="adam")
    trainer._state[:] = 1e-40  # moments that b1 * m and b2 * v would keep subnormal
    trainer.run(3)
    assert subnormals(trainer._state) == 0
    assert subnormals(trainer.net.params) == 0
    # the caller's thread keeps IEEE arithmetic
    assert np.float32(2e-38) * np.float32(0.5) == np.float32(1e-38)
