"""Every view mode through the CPU path of software GL (gpu/cpu_pass.py, cpu/modes.py)
against the fragment shaders on the same network: the same values and the
same pictures, and no GL values pass on the way. (tests/test_render_modes.py
holds both paths to NumPy.)"""

import numpy as np
import pytest

from shaderplay import Network
from shaderplay.gpu.renderer import Renderer
from shaderplay.view import View

VIEW = View((0.15, -0.1), 1.4, None)
SIZE = (47, 31)
MODES = ["depth:0", "error", "gradient:1", "regions", "mosaic", "neuron:1:2", "classes", "output"]


NET = Network.random(
    (2, 7, 7, 3),
    activation=["relu", "tanh"],
    output="sigmoid",
    bias_init="uniform",
    bias_scale=0.5,
    norm=["none", "layernorm"],
    seed=21,
)


@pytest.fixture
def pair(renderer_pair):
    for r in renderer_pair.values():
        r.set_network(NET)
    return renderer_pair


def _field(xy):
    return np.stack([0.5 + 0.5 * np.sin(2 * xy[:, 0]), xy[:, 1] ** 2, np.abs(xy[:, 0])], axis=1)


def _opts(mode):
    return {"target": _field} if mode == "error" else {}


@pytest.mark.parametrize("mode", MODES)
def test_cpu_values_and_pictures_match_the_shaders(pair, mode, monkeypatch):
    want = pair["shader"].values(VIEW, SIZE, mode, **_opts(mode))
    want_picture = pair["shader"].image(VIEW, SIZE, mode, **_opts(mode))
    monkeypatch.setattr(Renderer, "_values_pass", lambda *a, **k: pytest.fail("a GL values pass"))
    got = pair["cpu"].values(VIEW, SIZE, mode, **_opts(mode))
    picture = pair["cpu"].image(VIEW, SIZE, mode, **_opts(mode))
    assert got.shape == want.shape and picture.shape == want_picture.shape
    if mode == "regions":  # hashes: equal but where a pre-activation is ~0 at the pixel
        assert np.mean(got != want) < 0.02 and len(np.unique(got)) > 4
    elif mode.startswith("gradient"):  # differences of nearby values amplify float32 noise
        assert np.abs(got - want).max() <= 1e-3 * np.abs(want).max()
    else:
        assert np.abs(got - want).max() <= 1e-4
    if mode == "mosaic":
        assert np.array_equal(got[..., 1], want[..., 1])  # the same tiles and gaps
    differ = np.any(picture != want_picture, axis=2)
    assert differ.mean() <= 0.02, mode  # colormap entries flip at their edges
    assert len(np.unique(picture.reshape(-1, 3), axis=0)) > 3


def test_a_drawn_mode_goes_through_the_cpu_colours(pair, ctx):
    """draw() (the window) shows the CPU's colours: the same bytes as image()."""
    from shaderplay.gpu.context import bind_default_framebuffer

    cpu = pair["cpu"]
    for mode in ("mosaic", "regions", "gradient:0"):
        fbo = ctx.simple_framebuffer(SIZE, components=4)
        cpu.draw(VIEW, SIZE, mode, fbo=fbo, viewport=(0, 0, *SIZE))
        drawn = np.frombuffer(fbo.read(components=3), np.uint8).reshape(SIZE[1], SIZE[0], 3)[::-1]
        bind_default_framebuffer(ctx)
        fbo.release()
        assert np.array_equal(drawn, cpu.image(VIEW, SIZE, mode)), mode


def test_more_outputs_than_a_texture_holds_stay_with_the_shader(renderer_pair):
    net = Network.random((2, 5, 6), activation="tanh", seed=2)  # 6 outputs: class colours
    shader, cpu = renderer_pair["shader"], renderer_pair["cpu"]
    for r in (shader, cpu):
        r.set_network(net)
    np.testing.assert_array_equal(cpu.values(VIEW, SIZE), shader.values(VIEW, SIZE))
    assert (
        np.abs(cpu.values(VIEW, SIZE, "depth:0") - shader.values(VIEW, SIZE, "depth:0")).max()
        <= 1e-4
    )
