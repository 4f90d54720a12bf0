"""`shaderplay render`: .npz or preset in, PNG or raw .npy out; bad arguments
get one clear line on stderr and exit status 2."""

import numpy as np
import pytest
from PIL import Image

from shaderplay import Network
from shaderplay.cli import main
from shaderplay.gpu.context import make_current
from shaderplay.view import View


@pytest.fixture
def net_file(tmp_path):
    net = Network.random((2, 12, 12, 3), activation="tanh", output="sigmoid", seed=4)
    path = tmp_path / "net.npz"
    net.save(path)
    return net, path


def _run(gl_context, argv):
    try:
        return main(argv)
    finally:
        make_current(gl_context)  # the command made (and freed) its own context


def test_npy_holds_the_raw_outputs(gl_context, net_file, tmp_path, capsys):
    net, path = net_file
    out = tmp_path / "out.npy"
    assert (
        _run(
            gl_context,
            ["render", str(path), "-o", str(out), "--size", "19x11", "--view", "-2,1,-1,3"],
        )
        == 0
    )
    values = np.load(out)
    assert values.dtype == np.float32 and values.shape == (11, 19, 3)
    grid = View.from_domain(-2, 1, -1, 3).grid((19, 11)).reshape(-1, 2)
    assert np.abs(values - net.forward(grid).reshape(11, 19, 3)).max() <= 1e-4
    assert "wrote" in capsys.readouterr().out


def test_png_is_the_colour_mapped_picture(gl_context, net_file, tmp_path):
    net, path = net_file
    out = tmp_path / "out.png"
    assert (
        _run(
            gl_context,
            ["render", str(path), "-o", str(out), "--size", "24x16", "--storage", "texture"],
        )
        == 0
    )
    img = np.asarray(Image.open(out))
    assert img.shape == (16, 24, 3)
    want = net.forward(View.fit((-1, 1, -1, 1), (24, 16)).grid((24, 16)).reshape(-1, 2)).reshape(
        16, 24, 3
    )
    assert np.abs(img.astype(float) - want * 255).max() <= 1.0


def test_preset_source_and_its_target(gl_context, tmp_path):
    from shaderplay.build import build
    from shaderplay.presets import load_preset

    out = tmp_path / "preset.png"
    assert _run(gl_context, ["render", "circle", "-o", str(out), "--size", "16x16"]) == 0
    assert np.asarray(Image.open(out)).shape == (16, 16, 3)
    # Modes that show the target get the preset's dataset.
    net, data, _ = build(load_preset("default"))
    npy = tmp_path / "target.npy"
    assert (
        _run(
            gl_context, ["render", "default", "-o", str(npy), "--size", "12x10", "--mode", "target"]
        )
        == 0
    )
    want = data.field(View.fit((-1, 1, -1, 1), (12, 10)).grid((12, 10)).reshape(-1, 2)).reshape(
        10, 12, -1
    )
    np.testing.assert_allclose(np.load(npy), want, atol=1e-6)


def test_points_and_boundaries_change_the_picture(gl_context, tmp_path):
    plain, marked = tmp_path / "plain.png", tmp_path / "marked.png"
    base = ["render", "circle", "--size", "48x48", "--view", "-1,1,-1,1"]
    assert _run(gl_context, base + ["-o", str(plain), "--mode", "output"]) == 0
    assert (
        _run(gl_context, base + ["-o", str(marked), "--mode", "output", "--points", "--boundaries"])
        == 0
    )
    a, b = (np.asarray(Image.open(p)).astype(int) for p in (plain, marked))
    assert (np.abs(a - b).sum(axis=2) > 30).mean() > 0.05


def test_neuron_mode_from_the_command_line(gl_context, net_file, tmp_path):
    net, path = net_file
    out = tmp_path / "n.npy"
    assert (
        _run(
            gl_context,
            ["render", str(path), "-o", str(out), "--size", "9x7", "--mode", "neuron:1:4", "--pre"],
        )
        == 0
    )
    grid = View.fit((-1, 1, -1, 1), (9, 7)).grid((9, 7)).reshape(-1, 2)
    want = net.forward_layers(grid)[1][0][:, 4].reshape(7, 9)
    assert np.abs(np.load(out)[..., 0] - want).max() <= 1e-4


@pytest.mark.parametrize(
    "args, message",
    [
        (["--mode", "nope"], "mode: got 'nope'"),
        (["--size", "12by12"], "size: got '12by12'"),
        (["--view", "0,1,2"], "view: got '0,1,2'"),
        (["--view", "1,0,0,1"], "XMIN < XMAX"),
        (["--colormap", "jet"], "colormap: got 'jet'"),
        (["--range", "0"], "--range: got '0'"),
        (["-o", "out.jpg"], "a path ending in .png"),
        (["-o", "no/such/dir/out.png"], "does not exist"),
        (["--mode", "error"], "only with a preset SOURCE"),
        (["--mode", "neuron:5:0"], "mode neuron: LAYER: got 5"),
    ],
)
def test_bad_arguments(gl_context, net_file, tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    _, path = net_file
    argv = ["render", str(path), "-o", "out.png"] + args
    assert _run(gl_context, argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("shaderplay: ") and err.count("\n") == 1


def test_malformed_files(gl_context, tmp_path, capsys):
    (tmp_path / "junk.npz").write_bytes(b"not a zip at all")
    assert (
        _run(gl_context, ["render", str(tmp_path / "junk.npz"), "-o", str(tmp_path / "a.png")]) == 2
    )
    assert "not a readable .npz" in capsys.readouterr().err
    assert (
        _run(gl_context, ["render", str(tmp_path / "missing.npz"), "-o", str(tmp_path / "a.png")])
        == 2
    )
    assert "no such file" in capsys.readouterr().err
