"""The activation table's NumPy and scalar forms agree, and each derivative
matches a float64 central finite difference."""

import math

import numpy as np
import pytest

from shaderplay import activations
from shaderplay.errors import ShaderplayError

Z = np.concatenate([np.linspace(-6, 6, 241), [-30.0, -1e-3, 1e-3, 30.0]])
Z = Z[np.abs(Z) > 1e-9]  # keep off the kinks of relu/leaky/elu


@pytest.mark.parametrize("name", activations.NAMES)
def test_numpy_matches_scalar(name):
    act = activations.get(name)
    expected = np.array([act.f(float(z)) for z in Z])
    np.testing.assert_allclose(act.np_f(Z), expected, rtol=1e-6, atol=1e-6)
    expected_d = np.array([act.df(float(z)) for z in Z])
    np.testing.assert_allclose(act.np_df(Z), expected_d, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", activations.NAMES)
def test_derivative_matches_finite_difference(name):
    act = activations.get(name)
    h = 1e-6
    zs = [z for z in np.linspace(-4, 4, 81) if abs(z) > 1e-3]
    for z in zs:
        numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
        assert math.isclose(act.df(z), numeric, rel_tol=1e-5, abs_tol=1e-6), (name, z)


def test_known_values():
    assert activations.get("relu").f(-2.0) == 0.0
    assert activations.get("leaky_relu").f(-2.0) == pytest.approx(-0.02)
    assert activations.get("gcu").f(math.pi) == pytest.approx(-math.pi)
    assert activations.get("gaussian").f(0.0) == 1.0
    assert activations.get("softsign").f(1.0) == 0.5
    # GELU is the exact erf form (PyTorch's default), not the tanh approximation.
    assert activations.get("gelu").f(1.0) == pytest.approx(0.8413447460685429, abs=1e-12)
    assert activations.get("gelu").np_f(np.array([1.0]))[0] == pytest.approx(
        0.8413447460685429, abs=2e-7
    )


def test_unknown_activation_names_the_choices():
    with pytest.raises(ShaderplayError, match=r"activation: got 'rellu'.*relu, leaky_relu"):
        activations.get("rellu")


def test_every_activation_has_a_glsl_function():
    from shaderplay.resources import shader_dir

    source = (shader_dir() / "activations.glsl").read_text()
    for act in activations.ACTIVATIONS.values():
        assert f"float {act.glsl}(float z)" in source, act.name
        assert f"vec4 {act.glsl}(vec4 z)" in source, act.name
