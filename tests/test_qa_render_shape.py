"""`render` keeps pixels square as `record` and the window do: the preset's
domain is widened to the picture's shape (before, a 4:3 domain in the default
512x512 came out stretched, circles as ellipses); without --size the picture
takes the domain's shape; an explicit --view is still drawn exactly. And the
regions mode reports the count of linear regions in view, as the issue asks."""

import numpy as np
import pytest

from shaderplay.build import build
from shaderplay.cli import main
from shaderplay.gpu.context import make_current
from shaderplay.presets import load_preset
from shaderplay.view import View, size_for

PRESET = """
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
def preset(tmp_path):
    path = tmp_path / "wide.toml"
    path.write_text(PRESET)
    return str(path)


def _render(gl_context, argv):
    try:
        assert main(["render", *argv]) == 0
    finally:
        make_current(gl_context)


def _want(preset, view, size):
    net = build(load_preset(preset))[0]
    w, h = size
    return net.forward(view.grid(size).reshape(-1, 2)).reshape(h, w, -1)


def test_preset_domain_keeps_pixels_square(gl_context, preset, tmp_path):
    out = tmp_path / "sq.npy"
    _render(gl_context, [preset, "-o", str(out), "--size", "20x20"])
    view = View((0.0, 0.0), 2.0, None)  # all of x in [-2, 2]; y widened to [-2, 2]
    assert np.abs(np.load(out) - _want(preset, view, (20, 20))).max() <= 1e-4


def test_default_size_takes_the_domains_shape(gl_context, preset, tmp_path):
    out = tmp_path / "default.npy"
    _render(gl_context, [preset, "-o", str(out)])
    assert np.load(out).shape[:2] == (256, 512)
    assert size_for((-1, 1, -2, 2)) == (256, 512) and size_for((0, 3, 0, 1)) == (512, 171)


def test_explicit_view_is_drawn_exactly(gl_context, preset, tmp_path):
    out = tmp_path / "exact.npy"
    _render(gl_context, [preset, "-o", str(out), "--size", "16x8", "--view", "-1,1,-1,1"])
    want = _want(preset, View.from_domain(-1, 1, -1, 1), (16, 8))
    assert np.abs(np.load(out) - want).max() <= 1e-4


def test_regions_mode_says_how_many_regions_are_in_view(gl_context, preset, tmp_path, capsys):
    from shaderplay.network import Network

    net = Network.random((2, 6, 6, 1), activation="relu", output="sigmoid", seed=3)
    path = tmp_path / "relu.npz"
    net.save(path)
    out = tmp_path / "regions.npy"
    _render(gl_context, [str(path), "-o", str(out), "--size", "40x40", "--mode", "regions"])
    count = len(np.unique(np.load(out)))
    assert count > 1 and f", {count} linear regions in view)" in capsys.readouterr().out
