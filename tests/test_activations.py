"""Known values of some activations and the error for an unknown name; every row
against its other forms: tests/test_tables.py."""

import math

import numpy as np
import pytest

from shaderplay import activations
from shaderplay.errors import ShaderplayError


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
