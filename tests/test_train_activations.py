"""The numba activation dispatch on an unknown code, and the float32 math it uses against
NumPy; every row of the table through the dispatch: tests/test_tables.py."""

import numpy as np
import pytest

from shaderplay.activations import ACTIVATIONS
from shaderplay.kernels.activate import activate
from shaderplay.kernels.jit import fexp, flog, fsigmoid, ftanh, kernel

# Dense over the interesting range, plus saturation and values near 0 (kinks, expm1, log1p).
Z = np.concatenate(
    [np.linspace(-6.0, 6.0, 481), [-40.0, -12.0, 12.0, 40.0, 0.0, 1e-4, -1e-4, 3e-7]]
)
Z = Z.astype(np.float32)


def test_unknown_code_poisons_instead_of_passing_through():
    H, D = Z.copy(), np.empty_like(Z)
    activate(len(ACTIVATIONS), H, D)
    assert np.isnan(H).all() and np.isnan(D).all()


@kernel
def _apply(which, x, out):
    for i in range(x.size):
        if which == 0:
            out[i] = fexp(x[i])
        elif which == 1:
            out[i] = flog(x[i])
        elif which == 2:
            out[i] = ftanh(x[i])
        else:
            out[i] = fsigmoid(x[i])


@pytest.mark.parametrize(
    "which, x, reference",
    [
        (0, np.linspace(-80.0, 80.0, 20001), np.exp),
        (1, np.exp(np.linspace(-100.0, 88.0, 20001)), np.log),
        (1, np.array([1e-40, 1e-44, 1.0, 2.0, 0.5]), np.log),  # subnormals, exact points
        (2, np.linspace(-12.0, 12.0, 20001), np.tanh),
        (3, np.linspace(-80.0, 80.0, 20001), lambda v: 1.0 / (1.0 + np.exp(-v))),
    ],
)
def test_fast_float32_functions_are_accurate(which, x, reference):
    x = x.astype(np.float32)
    out = np.empty_like(x)
    _apply(which, x, out)
    exact = reference(x.astype(np.float64))
    # Relative 5e-7 (about 4 float32 ulp); for log, whose value crosses 0, absolute 2e-7 too.
    np.testing.assert_allclose(out, exact, rtol=5e-7, atol=2e-7 if which == 1 else 0.0)


def test_log_of_zero_and_negative():
    x = np.array([0.0, -1.0], np.float32)
    out = np.empty_like(x)
    _apply(1, x, out)
    assert out[0] == -np.inf and np.isnan(out[1])
