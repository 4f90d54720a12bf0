"""A preset's [view] is what `render` and `record` draw: its mode with the
layer/neuron fields, its points, the modes that show its target -- and a
trained .npz can borrow a preset's view and data (`render --preset`).
Without data, a mode or overlay that needs it is refused, never dropped."""

import numpy as np
import pytest
from PIL import Image

from shaderplay.build import build
from shaderplay.cli import main
from shaderplay.gpu.context import make_current
from shaderplay.presets import load_preset
from shaderplay.record.pngdir import frame_files
from shaderplay.view import View

PRESET = """
name = "tiny_sine"
[network]
hidden = [6, 5]
activation = "tanh"
seed = 2
[target]
name = "fancy_sine"
n_points = 60
[train]
optimizer = "adam"
lr = 0.02
batch_size = 16
[view]
domain = [-1.0, 1.0, -1.0, 1.0]
mode = "neuron"
layer = 1
neuron = 3
show_points = true
"""
W, H = 32, 24


@pytest.fixture
def preset(tmp_path):
    path = tmp_path / "tiny_sine.toml"
    path.write_text(PRESET)
    return str(path)


@pytest.fixture
def renderer(ctx):
    from shaderplay.gpu.renderer import Renderer

    r = Renderer(ctx)
    yield r
    r.release()


def _run(gl_context, argv):
    try:
        return main(argv)
    finally:
        make_current(gl_context)  # the command made (and freed) its own context


def _frames(folder):
    return [np.asarray(Image.open(p)) for p in frame_files(folder)]


def test_record_draws_the_presets_mode_and_points(gl_context, preset, tmp_path, renderer):
    out = tmp_path / "f/"
    argv = ["record", preset, "-o", str(out), "--frames", "1", "--size", f"{W}x{H}"]
    assert _run(gl_context, argv) == 0
    net, data, _ = build(load_preset(preset))
    renderer.set_network(net)
    view = View.fit((-1, 1, -1, 1), (W, H))
    want = renderer.image(view, (W, H), "neuron:1:3", "viridis", points=data)  # the preset's map
    assert np.array_equal(_frames(out)[0], want)
    other = renderer.image(view, (W, H), "neuron:0:0", "viridis", points=data)
    assert not np.array_equal(want, other)


@pytest.mark.parametrize("mode", ["target", "error", "side"])
def test_record_modes_that_show_the_target(gl_context, preset, tmp_path, renderer, mode):
    out = tmp_path / f"{mode}/"
    argv = [
        "record",
        preset,
        "-o",
        str(out),
        "--frames",
        "1",
        "--size",
        f"{W}x{H}",
        "--mode",
        mode,
        "--colormap",
        "viridis",
    ]
    assert _run(gl_context, argv) == 0
    net, data, _ = build(load_preset(preset))
    renderer.set_network(net)
    want = renderer.image(
        View.fit((-1, 1, -1, 1), (W, H)), (W, H), mode, "viridis", target=data, points=data
    )
    assert np.array_equal(_frames(out)[0], want)


def test_record_of_a_network_file_refuses_target_modes_and_points(
    gl_context, preset, tmp_path, capsys
):
    net, _, _ = build(load_preset(preset))
    path = tmp_path / "net.npz"
    net.save(path)
    for extra, field in ((["--mode", "error"], "--mode: got 'error'"), (["--points"], "--points")):
        argv = ["record", str(path), "-o", str(tmp_path / "x/"), "--frames", "1", *extra]
        assert _run(gl_context, argv) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"shaderplay: {field}") and err.count("\n") == 1, err
        assert "no data" in err
    assert not (tmp_path / "x").exists() or not list((tmp_path / "x").iterdir())


def test_render_a_trained_network_with_its_presets_view(gl_context, preset, tmp_path, renderer):
    net, data, _ = build(load_preset(preset))
    net.params[:] = np.random.default_rng(5).normal(0, 1, net.params.shape).astype(np.float32)
    path = tmp_path / "trained.npz"
    net.save(path)
    out = tmp_path / "trained.png"
    argv = [
        "render",
        str(path),
        "--preset",
        preset,
        "-o",
        str(out),
        "--size",
        f"{W}x{H}",
        "--mode",
        "error",
        "--points",
    ]
    assert _run(gl_context, argv) == 0
    renderer.set_network(net)
    view = View.fit((-1, 1, -1, 1), (W, H))
    want = renderer.image(view, (W, H), "error", target=data, points=data)
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
    gl_context, preset, tmp_path, capsys, extra, message
):
    net, _, _ = build(load_preset(preset))
    path = tmp_path / "net.npz"
    net.save(path)
    argv = ["render", str(path), "-o", str(tmp_path / "x.png"), "--size", "8x8", *extra]
    assert _run(gl_context, argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("shaderplay: " + message) and err.count("\n") == 1, err
    assert not (tmp_path / "x.png").exists()


def test_render_preset_option_needs_a_network_file(gl_context, preset, tmp_path, capsys):
    argv = ["render", preset, "--preset", preset, "-o", str(tmp_path / "x.png"), "--size", "8x8"]
    assert _run(gl_context, argv) == 2
    assert "--preset: got" in capsys.readouterr().err
