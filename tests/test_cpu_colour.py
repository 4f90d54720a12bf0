"""The CPU colour pass (cpu/colour.py) against shaders/colour.frag.glsl on the
same float values, and the Renderer's software-GL pictures that use it."""

import numpy as np
import pytest

from shaderplay import Network
from shaderplay.cpu import colour as cpu_colour
from shaderplay.gpu.context import bind_default_framebuffer
from shaderplay.view import View

H, W = 24, 40
pytestmark = pytest.mark.renderer(evaluator="cpu")


def _shader_colours(renderer, values, kind, channels, colormap, value_range, discrete=False):
    """The GL colour pass over `values` (H, W, <=4), row 0 at the top: uint8 (H, W, 3)."""
    h, w = values.shape[:2]
    texture = renderer._surfaces.data("display", values)
    fbo, _ = renderer._surfaces.framebuffer("image", (w, h), 1, "f1")
    renderer._colour_pass(
        texture, kind, channels, colormap, value_range, discrete, fbo, (0, 0, w, h)
    )
    return np.frombuffer(fbo.read(components=3), np.uint8).reshape(h, w, 3)[::-1]


def _values(seed, channels):
    rng = np.random.default_rng(seed)
    values = rng.uniform(-1.4, 1.4, (H, W, 4)).astype(np.float32)
    values[0, :5, 0] = [np.nan, np.inf, -np.inf, -1.0, 1.0]  # bad values and the range's ends
    values[1, :9, 0] = np.linspace(-1, 1, 9)  # colormap entry edges
    values[2, 0, channels - 1] = np.nan  # a bad value in the last channel in use
    values[..., channels:] = np.nan  # channels not in use never make a pixel magenta
    return values


@pytest.mark.parametrize("colormap", ["viridis", "diverging_bands", "grey"])
def test_colormap_pictures_equal_the_shaders(renderer, colormap):
    values = _values(1, 1)
    want = _shader_colours(renderer, values, "map", 1, colormap, (-1.0, 1.0))
    got = cpu_colour.colour(values, "map", 1, colormap, (-1.0, 1.0))
    assert np.array_equal(got, want)
    assert tuple(got[0, 0]) == tuple(got[0, 1]) == tuple(got[0, 2]) == (255, 0, 255)
    assert len(np.unique(got.reshape(-1, 3), axis=0)) >= 12  # a real spread of colours (bands too)


@pytest.mark.parametrize("channels", [2, 3])
def test_rgb_pictures_equal_the_shaders(renderer, channels):
    values = _values(2, channels)
    want = _shader_colours(renderer, values, "rgb", channels, "viridis", (-0.5, 1.2))
    got = cpu_colour.colour(values, "rgb", channels, "viridis", (-0.5, 1.2))
    assert np.abs(got.astype(int) - want).max() <= 1  # rounding of the last bit only
    assert np.mean(got != want) < 0.01
    assert tuple(got[2, 0]) == (255, 0, 255)
    if channels == 2:
        assert not got[..., 2][np.any(got != (255, 0, 255), axis=2)].any()  # no blue


@pytest.mark.parametrize("discrete", [False, True])
def test_class_pictures_equal_the_shaders(renderer, discrete):
    rng = np.random.default_rng(3)
    values = np.zeros((H, W, 4), np.float32)
    # Classes in 4 x 5 blocks (edges to mark), indices past the 10 colours wrap.
    values[..., 0] = np.kron(rng.integers(0, 13, (H // 4, W // 5)), np.ones((4, 5)))
    values[..., 1] = rng.uniform(-0.2, 1.2, (H, W))
    values[3, 3, 1] = np.nan
    want = _shader_colours(renderer, values, "classes", 2, "viridis", (0.0, 1.0), discrete)
    got = cpu_colour.colour(values, "classes", 2, "viridis", (0.0, 1.0), discrete)
    assert np.abs(got.astype(int) - want).max() <= 1
    assert np.mean(got != want) < 0.01
    assert tuple(got[3, 3]) == (255, 0, 255)
    bottom_up = cpu_colour.colour(
        np.ascontiguousarray(values[::-1]),
        "classes",
        2,
        "viridis",
        (0.0, 1.0),
        discrete,
        top_first=False,
    )
    assert np.array_equal(bottom_up[::-1], got)  # the edge test looks at the right neighbour rows


def _net(n_out=1):
    return Network.random((2, 12, 9, n_out), activation="tanh", output="sigmoid", scale=2.0, seed=5)


def test_image_on_the_cpu_path_never_runs_the_gl_colour_pass(renderer, monkeypatch):
    view, size = View((0.1, 0.0), 1.2, None), (W, H)
    renderer.set_network(_net())
    through_gl = renderer.image(view, size, boundaries=[])  # an overlay: drawn with GL
    monkeypatch.setattr(
        type(renderer), "_colour_pass", lambda *a, **k: pytest.fail("GL colour pass")
    )
    picture = renderer.image(view, size)
    assert picture.shape == (H, W, 3) and len(np.unique(picture.reshape(-1, 3), axis=0)) > 10
    # The GL route shows the CPU's colours as they are: the same bytes.
    assert np.array_equal(picture, through_gl)


@pytest.mark.parametrize("mode, n_out", [("output", 3), ("classes", 1), ("neuron:1:2", 1)])
def test_draw_shows_the_same_bytes_as_image(renderer, ctx, mode, n_out):
    view, size = View((-0.2, 0.3), 0.9, None), (W, H)
    renderer.set_network(_net(n_out))
    picture = renderer.image(view, size, mode)
    fbo = ctx.simple_framebuffer(size, components=4)
    renderer.draw(view, size, mode, fbo=fbo, viewport=(0, 0, *size))
    drawn = np.frombuffer(fbo.read(components=3), np.uint8).reshape(H, W, 3)[::-1]
    bind_default_framebuffer(ctx)  # never release the bound framebuffer
    fbo.release()
    assert np.array_equal(drawn, picture)
    assert renderer.values(view, size, mode).shape[2] == {"output": 3, "classes": 2}.get(mode, 1)


def test_region_hash_and_mosaic_tile_pictures_equal_the_shaders(renderer):
    rng = np.random.default_rng(4)
    hashes = np.zeros((H, W, 4), np.float32)
    hashes[..., 0] = rng.integers(0, 1 << 24, (H, W))
    want = _shader_colours(renderer, hashes, "hash", 1, "viridis", (0.0, 1.0))
    got = cpu_colour.colour(hashes, "hash", 1, "viridis", (0.0, 1.0))
    assert np.abs(got.astype(int) - want).max() <= 1 and np.mean(got != want) < 0.01
    assert len(np.unique(got.reshape(-1, 3), axis=0)) > 100  # neighbouring hashes spread apart
    tiles = _values(5, 2)
    tiles[..., 1] = np.where(rng.random((H, W)) < 0.3, -1.0, 3.0)  # gaps between tiles
    tiles[2, 0, 1] = 3.0
    want = _shader_colours(renderer, tiles, "tiles", 2, "diverging", (-1.0, 1.0))
    got = cpu_colour.colour(tiles, "tiles", 2, "diverging", (-1.0, 1.0))
    assert np.array_equal(got, want)
    gap = tiles[..., 1] < 0
    assert len(np.unique(got[gap & np.isfinite(tiles[..., 0])], axis=0)) == 1
