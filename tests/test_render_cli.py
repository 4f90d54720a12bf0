"""`shaderplay render`: .npz or preset in, PNG or raw .npy out; square pixels;
a preset's [view] (also borrowed by a network file with --preset); bad
arguments get one clear line on stderr and exit status 2."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from shaderplay import Network
from shaderplay.build import build
from shaderplay.cli import main
from shaderplay.gpu.context import make_current
from shaderplay.presets import load_preset
from shaderplay.view import View, size_for


@pytest.fixture
def net_file(tmp_path):
    net = Network.random((2, 12, 12, 3), activation="tanh", output="sigmoid", seed=4)
    path = tmp_path / "net.npz"
    net.save(path)
    return net, path


XOR = """name = "tiny_xor"
[network]
hidden = [4]
[target]
name = "xor"
n_points = 40
"""


@pytest.fixture
def xor(tmp_path):
    path = tmp_path / "xor.toml"
    path.write_text(XOR)
    return str(path)


WIDE = """
name = "wide"
[network]
hidden = [5]
activation = "tanh"
output = "sigmoid"
seed = 1
[target]
name = "none"
[view]
domain = [-2.0, 2.0, -1.0, 1.0]
"""


@pytest.fixture
def wide(tmp_path):
    path = tmp_path / "wide.toml"
    path.write_text(WIDE)
    return str(path)


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
            ["render", str(path), "-o", str(out), "--size", "24x16", "--storage", "texture"]
            + ["--no-legend"],
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
    out = tmp_path / "preset.png"
    argv = ["render", "circle", "-o", str(out), "--size", "16x16", "--no-legend"]
    assert _run(gl_context, argv) == 0
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
    base = ["render", "circle", "--size", "48x48", "--view", "-1,1,-1,1", "--no-legend"]
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
        (["--size", "-64x64"], "size: got '-64x64'"),  # a value, not argparse's usage text
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


# --- options that would be silently ignored, output paths a user gets wrong ----------------
# Refused in CLI words: --pre outside the neuron mode, and a target mode on a point-set target
# (which has no field to show) names --points, not the API's points=. A folder where a file
# should go, a place nobody can write: one clear line and exit status 2, never a traceback.


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--pre"], "--pre: got True; allowed: only with --mode neuron"),
        (["--mode", "error"], "--mode: got 'error'; allowed: a mode that does not show the target"),
        (["--mode", "side"], "(draw them with --points)"),
    ],
)
def test_refused_in_cli_words(gl_context, xor, tmp_path, capsys, extra, message):
    out = tmp_path / "x.png"
    code = _run(gl_context, ["render", xor, "-o", str(out), "--size", "8x8", *extra])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("shaderplay: ") and err.count("\n") == 1, err
    assert message in err and "points=" not in err
    assert not out.exists()


def test_pre_with_the_neuron_mode_still_works(gl_context, xor, tmp_path):
    argv = ["render", xor, "-o", str(tmp_path / "n.png"), "--size", "8x8"]
    assert _run(gl_context, [*argv, "--pre", "--mode", "neuron:0:1"]) == 0


def test_comparing_with_a_target_of_another_shape_is_refused(gl_context, tmp_path, capsys):
    path = tmp_path / "rgb.npz"
    Network.random((2, 4, 3), seed=0).save(path)  # 3 outputs; the default preset's target has 1
    argv = ["render", str(path), "--preset", "default", "--mode", "error"]
    code = _run(gl_context, [*argv, "-o", str(tmp_path / "e.png"), "--size", "8x8"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("shaderplay: --mode: got 'error'") and err.count("\n") == 1
    assert "1 outputs, what target 'fancy_sine' has (this network has 3)" in err


def test_render_into_a_folder_is_refused(gl_context, net_file, tmp_path, capsys):
    _, path = net_file
    folder = tmp_path / "picture.png"
    folder.mkdir()
    assert _run(gl_context, ["render", str(path), "-o", str(folder), "--size", "8x8"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("shaderplay: ") and err.count("\n") == 1, err
    assert "-o/--output" in err and "is a folder" in err


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_render_where_nothing_can_be_written(gl_context, net_file, capsys):
    _, path = net_file
    out = Path("/proc") / "picture.png"
    assert _run(gl_context, ["render", str(path), "-o", str(out), "--size", "8x8"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("shaderplay: ") and err.count("\n") == 1, err
    assert "-o/--output" in err and str(out) in err


def test_bare_representation_from_the_cli(gl_context, tmp_path):
    # A bare "representation" plots neurons 0 and 1 of layer 0 (not neuron 0 against itself).
    pictures = {}
    for mode in ("representation", "representation:0:0:1"):
        out = tmp_path / f"{mode.replace(':', '_')}.png"
        argv = ["render", "spiral", "-o", str(out), "--size", "48x48", "--mode", mode]
        assert _run(gl_context, argv) == 0
        pictures[mode] = np.asarray(Image.open(out))
    assert np.array_equal(pictures["representation"], pictures["representation:0:0:1"])


def test_render_cli_refuses_a_view_beyond_float32_in_one_line(gl_context, tmp_path, capsys):
    path = tmp_path / "n.npz"
    Network.random((2, 3, 1), seed=0).save(path)
    argv = ["render", str(path), "-o", str(tmp_path / "a.png"), "--view=-1e40,1e40,-1,1"]
    code = _run(gl_context, argv)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("shaderplay: view: got") and err.count("\n") == 1


# --- square pixels: a preset's domain is widened to the picture's shape (a 4:3 domain in
# the default 512x512 came out stretched); without --size the picture takes the domain's
# shape; an explicit --view is drawn exactly. -----------------------------------------------


def _render(gl_context, argv):
    assert _run(gl_context, ["render", *argv]) == 0


def _want(preset, view, size):
    net = build(load_preset(preset))[0]
    w, h = size
    return net.forward(view.grid(size).reshape(-1, 2)).reshape(h, w, -1)


def test_preset_domain_keeps_pixels_square(gl_context, wide, tmp_path):
    out = tmp_path / "sq.npy"
    _render(gl_context, [wide, "-o", str(out), "--size", "20x20"])
    view = View((0.0, 0.0), 2.0, None)  # all of x in [-2, 2]; y widened to [-2, 2]
    assert np.abs(np.load(out) - _want(wide, view, (20, 20))).max() <= 1e-4


def test_default_size_takes_the_domains_shape(gl_context, wide, tmp_path):
    out = tmp_path / "default.npy"
    _render(gl_context, [wide, "-o", str(out)])
    assert np.load(out).shape[:2] == (256, 512)
    assert size_for((-1, 1, -2, 2)) == (256, 512) and size_for((0, 3, 0, 1)) == (512, 171)


def test_explicit_view_is_drawn_exactly(gl_context, wide, tmp_path):
    out = tmp_path / "exact.npy"
    _render(gl_context, [wide, "-o", str(out), "--size", "16x8", "--view", "-1,1,-1,1"])
    want = _want(wide, View.from_domain(-1, 1, -1, 1), (16, 8))
    assert np.abs(np.load(out) - want).max() <= 1e-4


def test_regions_mode_says_how_many_regions_are_in_view(gl_context, tmp_path, capsys):
    net = Network.random((2, 6, 6, 1), activation="relu", output="sigmoid", seed=3)
    path = tmp_path / "relu.npz"
    net.save(path)
    out = tmp_path / "regions.npy"
    _render(gl_context, [str(path), "-o", str(out), "--size", "40x40", "--mode", "regions"])
    count = len(np.unique(np.load(out)))
    assert count > 1 and f", {count} linear regions in view)" in capsys.readouterr().out


# --- a preset's [view], borrowed by a trained network file with --preset; without data, a
# mode or overlay that needs it is refused, never dropped ----------------------------------


def test_render_a_trained_network_with_its_presets_view(
    gl_context, sine_preset, tmp_path, renderer
):
    net, data, _ = build(load_preset(sine_preset))
    net.params[:] = np.random.default_rng(5).normal(0, 1, net.params.shape).astype(np.float32)
    path = tmp_path / "trained.npz"
    net.save(path)
    out = tmp_path / "trained.png"
    argv = [
        "render",
        str(path),
        "--preset",
        sine_preset,
        "-o",
        str(out),
        "--size",
        "32x24",
        "--mode",
        "error",
        "--points",
        "--no-legend",
    ]
    assert _run(gl_context, argv) == 0
    renderer.set_network(net)
    view = View.fit((-1, 1, -1, 1), (32, 24))
    want = renderer.image(view, (32, 24), "error", target=data, points=data)
    assert np.array_equal(np.asarray(Image.open(out)), want)


@pytest.mark.parametrize(
    "extra, message",
    [
        (
            ["--points"],
            "--points: got True; allowed: data points only with a preset SOURCE, or "
            "--preset PRESET",
        ),
        (
            ["--mode", "side"],
            "--mode: got 'side'; allowed: a mode showing the target only with a "
            "preset SOURCE, or --preset PRESET",
        ),
    ],
)
def test_render_of_a_network_file_without_data_says_how(
    gl_context, sine_preset, tmp_path, capsys, extra, message
):
    net, _, _ = build(load_preset(sine_preset))
    path = tmp_path / "net.npz"
    net.save(path)
    argv = ["render", str(path), "-o", str(tmp_path / "x.png"), "--size", "8x8", *extra]
    assert _run(gl_context, argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("shaderplay: " + message) and err.count("\n") == 1, err
    assert not (tmp_path / "x.png").exists()


def test_render_preset_option_needs_a_network_file(gl_context, sine_preset, tmp_path, capsys):
    out = str(tmp_path / "x.png")
    argv = ["render", sine_preset, "--preset", sine_preset, "-o", out, "--size", "8x8"]
    assert _run(gl_context, argv) == 2
    assert "--preset: got" in capsys.readouterr().err
