"""Network: the flat parameter buffer, initialisers, the NumPy forward pass,
and the .npz format with its refusals."""

import numpy as np
import pytest

from shaderplay import Network, NetworkSpec
from shaderplay.errors import ShaderplayError
from shaderplay.initializers import WEIGHT_INITS
from shaderplay.npz import is_run, network_arrays


def _manual_forward(net, xy):
    h = np.asarray(xy, np.float64)
    for i in range(net.spec.depth):
        z = h @ net.W(i).T.astype(np.float64) + net.b(i)
        act = net.spec.layer_activations[i]
        h = {
            "tanh": np.tanh,
            "relu": lambda v: np.maximum(v, 0),
            "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
            "linear": lambda v: v,
        }[act](z)
    return h


def test_views_share_one_buffer():
    net = Network.random((2, 5, 4, 3), seed=0)
    assert net.params.dtype == np.float32 and net.params.ndim == 1
    assert net.params.size % 4 == 0
    assert net.W(0).shape == (5, 2) and net.b(1).shape == (4,) and net.W(2).shape == (3, 4)
    net.W(1)[2, 3] = 42.0
    assert 42.0 in net.params  # a view, not a copy
    assert net.param_count == 2 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3


def test_forward_matches_manual_math():
    net = Network.random((2, 7, 6, 2), activation=["relu", "tanh"], output="linear", seed=3)
    xy = np.random.default_rng(0).uniform(-2, 2, (50, 2))
    np.testing.assert_allclose(net.forward(xy), _manual_forward(net, xy), rtol=1e-12)


def test_layernorm_and_batchnorm_inference():
    net = Network.random((2, 6, 1), norm="layernorm", output="linear", seed=1)
    net.norm_param(0, "gamma")[:] = 2.0
    net.norm_param(0, "beta")[:] = 0.5
    xy = np.array([[0.3, -0.7], [1.0, 2.0]])
    z = xy @ net.W(0).T.astype(np.float64) + net.b(0)
    zn = (z - z.mean(1, keepdims=True)) / np.sqrt(z.var(1, keepdims=True) + 1e-5) * 2.0 + 0.5
    expected = np.tanh(zn) @ net.W(1).T.astype(np.float64) + net.b(1)
    np.testing.assert_allclose(net.forward(xy), expected, rtol=1e-6)

    bn = Network.random((2, 6, 1), norm="batchnorm", output="linear", seed=1)
    bn.norm_param(0, "mean")[:] = 0.25
    bn.norm_param(0, "var")[:] = 4.0
    z = xy @ bn.W(0).T.astype(np.float64) + bn.b(0)
    expected = np.tanh((z - 0.25) / np.sqrt(4.0 + 1e-5)) @ bn.W(1).T.astype(np.float64) + bn.b(1)
    np.testing.assert_allclose(bn.forward(xy), expected, rtol=1e-6)


def test_seed_reproducible_and_distinct():
    a = Network.random((2, 16, 1), seed=5)
    b = Network.random((2, 16, 1), seed=5)
    c = Network.random((2, 16, 1), seed=6)
    assert np.array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)


@pytest.mark.parametrize("init", sorted(WEIGHT_INITS))
def test_initialisers_have_the_stated_spread(init):
    net = Network.random((2, 400, 300, 1), init=init, scale=0.5, seed=0)
    w = net.W(1).astype(np.float64)  # fan_in 400, fan_out 300
    expected_std = {
        "uniform": 0.5 / np.sqrt(3),
        "normal": 0.5,
        "xavier_uniform": 0.5 * np.sqrt(2 / 700),
        "xavier_normal": 0.5 * np.sqrt(2 / 700),
        "he_uniform": 0.5 * np.sqrt(2 / 400),
        "he_normal": 0.5 * np.sqrt(2 / 400),
        "lecun_normal": 0.5 * np.sqrt(1 / 400),
        "constant": 0.0,
    }[init]
    assert w.std() == pytest.approx(expected_std, rel=0.02, abs=1e-9)
    if init == "constant":
        assert np.all(w == 0.5)


def test_features_fourier_and_latent():
    net = Network.random((2 + 6 + 1, 8, 1), fourier=3, fourier_scale=2.0, latent=(0.7,), seed=2)
    assert net.spec.features[2:] == ("fsin0", "fsin1", "fsin2", "fcos0", "fcos1", "fcos2", "z0")
    xy = np.array([[0.1, 0.2]])
    feats = net.input_features(xy)[0]
    phase = 2 * np.pi * net.fourier_b.astype(np.float64) @ xy[0]
    np.testing.assert_allclose(feats[2:5], np.sin(phase), rtol=1e-12)
    np.testing.assert_allclose(feats[5:8], np.cos(phase), rtol=1e-12)
    assert feats[8] == pytest.approx(0.7)
    net.latent[0] = -0.3
    assert net.input_features(xy)[0, 8] == pytest.approx(-0.3)


def test_engineered_features():
    spec = NetworkSpec(
        features=("x", "y", "x2", "y2", "xy", "sinx", "siny", "r"),
        hidden=(3,),
        activations=("relu",),
    )
    net = Network(spec)
    f = net.input_features(np.array([[3.0, 4.0]]))[0]
    np.testing.assert_allclose(f, [3, 4, 9, 16, 12, np.sin(3), np.sin(4), 5])


def test_npz_round_trip(tmp_path):
    net = Network.random(
        (2 + 4, 5, 5, 3),
        activation=["gelu", "sin"],
        output="sigmoid",
        norm=["layernorm", "batchnorm"],
        fourier=2,
        seed=4,
    )
    net.norm_param(1, "var")[:] = 3.0
    net.meta = {"steps": 12}
    path = tmp_path / "net.npz"
    net.save(path)
    back = Network.load(path)
    assert back.spec == net.spec
    assert np.array_equal(back.params, net.params)
    assert back.meta == {"steps": 12}
    data = np.load(path)
    assert data["W0"].shape == (5, 6) and data["W0"].dtype == np.float32
    assert list(data["sizes"]) == [6, 5, 5, 3]
    assert "ln_gamma0" in data and "bn_var1" in data and "bn_gamma1" in data


@pytest.mark.parametrize("norm", ["none", "layernorm", "batchnorm"])
def test_the_file_names_every_float_of_the_buffer_once(norm):
    """One key table serves writing and reading: each parameter sits in exactly one array."""
    net = Network.random((2 + 6 + 2, 5, 4, 2), norm=norm, fourier=3, latent=(0.1, 0.2), seed=1)
    net.params[:] = np.arange(net.layout.size)
    arrays = network_arrays(net.spec, net.params, {})
    values = np.sort(np.concatenate([a.ravel() for a in arrays.values() if a.dtype.kind == "f"]))
    padding = net.layout.size - len(values)  # the buffer is padded to a multiple of 4
    assert np.array_equal(values, np.arange(len(values))) and 0 <= padding <= 3


def test_is_run_peeks_at_the_names(tmp_path):
    from shaderplay.runs import RunRecorder

    net = Network.random((2, 3, 1), seed=0)
    net.save(tmp_path / "net.npz")
    rec = RunRecorder(net)
    rec.add(0, net.params)
    rec.save(tmp_path / "run.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    (tmp_path / "empty.npz").write_bytes(b"")
    (tmp_path / "cut.npz").write_bytes((tmp_path / "run.npz").read_bytes()[:300])
    np.save(tmp_path / "array.npy", np.zeros(3))
    (tmp_path / "array.npy").rename(tmp_path / "array.npz")
    names = ("net.npz", "run.npz", "junk.npz", "gone.npz", "empty.npz", "cut.npz", "array.npz")
    assert [is_run(tmp_path / f) for f in names] == [False, True, *[False] * 5]


@pytest.mark.parametrize(
    "content, says",
    [
        (b"", "not a readable .npz file (No data left in file)"),
        (b"PK\x03\x04 cut short", "not a readable .npz"),
        (b"\x93NUMPY", "not a readable .npz"),
    ],
)
def test_a_broken_source_file_is_one_paragraph_not_a_traceback(tmp_path, capsys, content, says):
    """An empty, truncated or mislabelled .npz named as a source (render, record, export,
    the window's drop) raised EOFError, BadZipFile or TypeError before its kind was known."""
    from shaderplay.cli import main

    path = tmp_path / "net.npz"
    path.write_bytes(content)
    assert main(["render", str(path), "-o", str(tmp_path / "a.png")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"shaderplay: network file {path}: ") and says in err
    assert "\n" not in err and "Traceback" not in err


def test_a_npy_array_named_as_a_network_says_what_it_is(tmp_path):
    np.save(tmp_path / "a.npy", np.zeros(3))
    with pytest.raises(ShaderplayError, match="a single .npy array, not a .npz archive"):
        Network.load(tmp_path / "a.npy")


def _rewrite(path, **changes):
    data = dict(np.load(path))
    for k, v in changes.items():
        if v is None:
            data.pop(k)
        else:
            data[k] = v
    with open(path, "wb") as fh:
        np.savez(fh, **data)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"W1": None}, r"missing key 'W1'"),
        ({"W0": np.zeros((3, 2), np.float32)}, r"key 'W0' has shape \(3, 2\), expected \(4, 2\)"),
        ({"b2": np.zeros((2,), np.float32)}, r"key 'b2' has shape \(2,\), expected \(1,\)"),
        ({"activations": np.array(["relu", "tanh"])}, r"'activations' has 2 entries, expected 3"),
        ({"activations": np.array(["relu", "bogus", "tanh"])}, r"activation: got 'bogus'"),
        ({"sizes": None}, r"missing key 'sizes'"),
        ({"features": np.array(["x", "w"])}, r"features: got 'w'"),
        ({"b0": np.array([1, np.nan, 0, 0], np.float32)}, r"'b0' holds NaN"),
    ],
)
def test_malformed_files_are_refused_by_name(tmp_path, change, message):
    path = tmp_path / "bad.npz"
    Network.random((2, 4, 3, 1), seed=0).save(path)
    _rewrite(path, **change)
    with pytest.raises(ShaderplayError, match=message):
        Network.load(path)


def test_not_a_network_file(tmp_path):
    path = tmp_path / "junk.npz"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(ShaderplayError, match="not a readable .npz"):
        Network.load(path)
    with pytest.raises(ShaderplayError, match="no such file"):
        Network.load(tmp_path / "missing.npz")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(sizes=(3, 4, 1)), r"sizes\[0\]: got 3; allowed: 2"),
        (dict(sizes=(2, 0, 1)), r"hidden\[0\] width: got 0"),
        (dict(sizes=(2, 4, 1), norm="groupnorm"), r"norm: got 'groupnorm'"),
        (dict(sizes=(2, 4, 1), init="orthogonal"), r"init: got 'orthogonal'"),
        (dict(sizes=(2, 4, 1), bias_init="ones"), r"bias_init: got 'ones'"),
    ],
)
def test_bad_random_arguments(kwargs, message):
    with pytest.raises(ShaderplayError, match=message):
        Network.random(**kwargs)
