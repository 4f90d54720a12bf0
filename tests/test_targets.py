"""Built-in targets: every table entry yields a valid, deterministic Dataset;
bad names and parameters get a clear error."""

import numpy as np
import pytest

from shaderplay.config import TargetConfig
from shaderplay.errors import ShaderplayError
from shaderplay.point_sets import POINT_SETS
from shaderplay.target_functions import FUNCTIONS
from shaderplay.targets import builtin_targets, load_target, target_kind


def _check_shapes(d, n_points, test_fraction, n_out):
    n_test = round(n_points * test_fraction)
    assert d.x_train.shape == (n_points - n_test, 2) and d.x_test.shape == (n_test, 2)
    assert d.y_train.shape == (n_points - n_test, n_out) and d.y_test.shape == (n_test, n_out)
    for arr in (d.x_train, d.y_train, d.x_test, d.y_test):
        assert arr.dtype == np.float32 and np.all(np.isfinite(arr))


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_function_targets_sample_their_exact_field(name):
    d = load_target(name, n_points=500, test_fraction=0.3, seed=3)
    assert d.kind == "regression" and d.name == name and d.n_out == 1
    _check_shapes(d, 500, 0.3, 1)
    assert d.x_train.min() >= -1 and d.x_train.max() <= 1
    assert d.y_train.min() >= 0 and d.y_train.max() <= 1
    # Samples are the function's values at their points; the field reproduces them.
    np.testing.assert_allclose(d.field(d.x_train), d.y_train, atol=1e-6)
    np.testing.assert_allclose(d.field(d.x_test), d.y_test, atol=1e-6)
    # Not a constant: every target has something to learn.
    assert d.y_train.std() > 0.05


@pytest.mark.parametrize("name", list(POINT_SETS))
def test_point_sets_have_kind_labels_and_split(name):
    d = load_target(name, n_points=400, noise=0.05, test_fraction=0.25, seed=1)
    table = POINT_SETS[name]
    n_out = 4 if table.kind == "multiclass" else 1
    assert d.kind == table.kind == target_kind(TargetConfig(name=name))
    _check_shapes(d, 400, 0.25, n_out)
    y = np.concatenate([d.y_train, d.y_test])
    if d.kind == "binary":
        assert set(np.unique(y)) == {0.0, 1.0}
        assert abs(y.mean() - 0.5) < 0.01  # balanced classes
    elif d.kind == "multiclass":
        assert np.all(y.sum(axis=1) == 1) and set(np.unique(y)) == {0.0, 1.0}
        np.testing.assert_array_equal(y.sum(axis=0), [100] * 4)
    else:
        assert y.min() >= 0 and y.max() <= 1 and y.std() > 0.05
    assert np.abs(d.x_train).max() < 1.3  # in the frame, with room for the noise


@pytest.mark.parametrize("name", ["fancy_sine", "spiral", "blobs", "plane"])
def test_same_seed_same_arrays_other_seed_other_arrays(name):
    a, b, c = (load_target(name, n_points=200, noise=0.1, seed=s) for s in (7, 7, 8))
    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))
    assert not np.array_equal(a.x_train, c.x_train)


def test_domain_moves_the_samples_and_the_field_follows():
    d = load_target("rings", n_points=300, domain=(2.0, 6.0, -3.0, -1.0))
    assert d.domain == (2.0, 6.0, -3.0, -1.0)
    assert d.x_train[:, 0].min() >= 2 and d.x_train[:, 0].max() <= 6
    assert d.x_train[:, 1].min() >= -3 and d.x_train[:, 1].max() <= -1
    p = load_target("plane", n_points=300, domain=(0.0, 4.0, 0.0, 4.0))
    # The plane set is drawn in [-1, 1]² and mapped: its field maps points back.
    np.testing.assert_allclose(p.field(p.x_train), p.y_train, atol=1e-6)
    np.testing.assert_allclose(
        p.field(np.array([[0.0, 0.0], [4.0, 4.0]]))[:, 0], [0.0, 1.0], atol=1e-6
    )


def test_noise_perturbs_function_values_within_range():
    clean = load_target("product", n_points=300, seed=2)
    noisy = load_target("product", n_points=300, seed=2, noise=0.2)
    np.testing.assert_array_equal(clean.x_train, noisy.x_train)
    assert np.abs(clean.y_train - noisy.y_train).mean() > 0.05
    assert noisy.y_train.min() >= 0 and noisy.y_train.max() <= 1


def test_none_is_empty():
    d = load_target("none")
    assert d.kind == "none" and d.x_train.shape == (0, 2) and len(d.y_test) == 0 and d.field is None


def test_builtin_targets_lists_every_table():
    names = builtin_targets()
    assert set(FUNCTIONS) | set(POINT_SETS) | {"bottle", "shapes", "none"} <= set(names)
    assert all(isinstance(v, str) and v for v in names.values())


@pytest.mark.parametrize(
    "target, overrides, field",
    [
        ("fancy_sin", {}, "target.name"),
        ("spiral", {"n_points": 1}, "target.n_points"),
        ("spiral", {"n_points": 2.5}, "target.n_points"),
        ("spiral", {"noise": -0.1}, "target.noise"),
        ("spiral", {"noise": float("nan")}, "target.noise"),
        ("spiral", {"test_fraction": 1.0}, "target.test_fraction"),
        ("spiral", {"domain": (1.0, -1.0, -1.0, 1.0)}, "target.domain"),
        ("spiral", {"domain": (-1.0, 1.0, -1.0, float("inf"))}, "target.domain"),
        ("bottle", {"image_size": 0}, "target.image_size"),
        ("csv", {"path": "points.csv", "domain": (-2.0, 2.0, -2.0, 2.0)}, "target.domain"),
        ("image", {}, "target.path"),
        ("csv", {"path": "points.png"}, "target.path"),
        ("spiral", {"colour": True}, "target"),
        ("data.txt", {}, "target.name"),
    ],
)
def test_bad_targets_name_field_and_allowed(target, overrides, field):
    with pytest.raises(ShaderplayError) as err:
        load_target(target, **overrides)
    msg = str(err.value)
    assert msg.startswith(field) and "allowed" in msg and "\n" not in msg


def test_unknown_name_lists_the_builtins():
    with pytest.raises(ShaderplayError, match="fancy_sine.*spiral.*bottle.*none"):
        load_target("nope")
