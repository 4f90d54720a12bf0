"""Colour mapping, drawing into a caller's framebuffer, compile errors that
keep the old program, the render() API and bad inputs."""

import shutil

import numpy as np
import pytest

from shaderplay import Network, colormaps
from shaderplay.errors import ShaderplayError
from shaderplay.gpu.context import bind_default_framebuffer, make_current
from shaderplay.render import render
from shaderplay.resources import shader_dir
from shaderplay.view import View

# The GLSL path; the CPU path has its own tests (test_cpu_*.py).
pytestmark = pytest.mark.renderer(evaluator="shader")


def _cpu_colours(values, colormap, lo, hi):
    """The colour pass in NumPy, from the values the GPU computed; None where a pixel's
    value sits within float error of a LUT bin edge (either colour is right there)."""
    t = np.clip((values.astype(np.float64) - lo) / (hi - lo), 0.0, 1.0)
    edge = np.abs(t * colormaps.LUT_SIZE - np.round(t * colormaps.LUT_SIZE)) < 1e-3
    return np.round(colormaps.apply(colormap, t) * 255).astype(np.uint8), edge


@pytest.mark.parametrize("colormap", ["viridis", "magma", "diverging", "grey", "viridis_bands"])
def test_one_output_goes_through_the_colormap(renderer, colormap):
    net = Network.random((2, 12, 12, 1), activation="tanh", output="tanh", seed=5)
    renderer.set_network(net)
    view, size = View.from_domain(-2, 2, -1, 1), (31, 17)
    values = renderer.values(view, size)[..., 0]
    img = renderer.image(view, size, colormap=colormap)
    assert img.shape == (17, 31, 3) and img.dtype == np.uint8
    want, edge = _cpu_colours(values, colormap, -1.0, 1.0)  # tanh output: range (-1, 1) by default
    np.testing.assert_array_equal(img[~edge], want[~edge])
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 5  # a picture, not a flat colour


def test_explicit_range_and_three_outputs_as_rgb(renderer):
    net = Network.random((2, 10, 3), activation="sin", output="linear", seed=6)
    renderer.set_network(net)
    view, size = View(), (20, 14)
    values = renderer.values(view, size)
    img = renderer.image(view, size, range=(-0.5, 0.5))
    want = np.round(np.clip(values + 0.5, 0.0, 1.0) * 255)
    assert np.abs(img.astype(int) - want).max() <= 1


def test_draw_into_a_framebuffer_viewport(renderer, ctx):
    net = Network.random((2, 9, 3), activation="tanh", seed=8)
    renderer.set_network(net)
    view, size = View((0.5, -0.25), 0.8), (37, 23)
    make_current(ctx)  # raw moderngl calls go to the current context
    target = ctx.texture((80, 60), 4)
    fbo = ctx.framebuffer(color_attachments=[target])
    try:
        fbo.use()
        ctx.clear(0.0, 0.0, 0.0, 1.0)
        renderer.draw(view, size, fbo=fbo, viewport=(10, 5, 37, 23))
        whole = np.frombuffer(fbo.read(components=3), np.uint8).reshape(60, 80, 3)[::-1]
        # The viewport's lower-left is (10, 5) in GL coordinates: rows 60-5-23 .. 60-5 from the top.
        inside = whole[32:55, 10:47]
        np.testing.assert_array_equal(inside, renderer.image(view, size))
        assert not whole[:32].any() and not whole[:, :10].any()  # nothing drawn outside
    finally:
        bind_default_framebuffer(ctx)
        fbo.release()
        target.release()


def test_nan_weights_show_magenta_not_black(renderer):
    net = Network.random((2, 4, 1), seed=0)
    net.b(1)[:] = np.nan
    renderer.set_network(net)
    img = renderer.image(View(), (8, 8))
    assert (img == [255, 0, 255]).all()


def test_compile_error_reports_lines_and_keeps_the_old_program(make_renderer, tmp_path):
    for f in shader_dir().glob("*.glsl"):
        shutil.copy(f, tmp_path)
    r = make_renderer(shader_root=tmp_path)
    net = Network.random((2, 6, 1), seed=1)
    r.set_network(net)
    before = r.image(View(), (16, 12))
    source = (tmp_path / "network.glsl").read_text().splitlines()
    line = next(i for i, text in enumerate(source, 1) if "sp_z[j] = acc;" in text)
    source[line - 1] = "        sp_z[j] = acc + undefined_thing;"
    (tmp_path / "network.glsl").write_text("\n".join(source) + "\n")
    with pytest.raises(ShaderplayError) as err:
        r.reload()
    text = str(err.value)
    assert f"network.glsl:{line}" in text and "undefined_thing" in text
    assert f">{line:5d} |         sp_z[j] = acc + undefined_thing;" in text
    np.testing.assert_array_equal(r.image(View(), (16, 12)), before)  # the old program still draws
    # A new architecture cannot compile either: the old network stays.
    with pytest.raises(ShaderplayError, match="network.glsl"):
        r.set_network(Network.random((2, 3, 3, 1), seed=2))
    assert r.spec == net.spec
    np.testing.assert_array_equal(r.image(View(), (16, 12)), before)


def test_render_api_matches_forward(ctx):
    net = Network.random((2, 16, 16, 3), activation="gelu", output="sigmoid", seed=9)
    out = render(net, size=(21, 15), view=(-3, 1, -2, 2))  # its own context, made current
    again = render(net, size="21x15", view="-3,1,-2,2")
    make_current(ctx)  # back to the test context for the fixture's error check
    assert out.dtype == np.float32 and out.shape == (15, 21, 3)
    grid = View.from_domain(-3, 1, -2, 2).grid((21, 15)).reshape(-1, 2)
    assert np.abs(out - net.forward(grid).reshape(15, 21, 3)).max() <= 1e-4
    np.testing.assert_array_equal(again, out)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda r: r.values(View(), (8, 8), mode="sideways"), "mode: got 'sideways'"),
        (lambda r: r.values(View(), (8, 8), mode="output:3"), "mode: got 'output:3'"),
        (lambda r: r.image(View(), (8, 8), colormap="rainbow"), "colormap: got 'rainbow'"),
        (lambda r: r.image(View(), (8, 8), range=(1, 1)), "range: got"),
        (lambda r: r.values(View(), (8, 8), contrast=2), "render option: got 'contrast'"),
        (lambda r: r.values(View(), "8x"), "size: got '8x'"),
        (lambda r: r.values((0, 1, 2), (8, 8)), "view: got"),
        (lambda r: r.upload(np.zeros(3, np.float32)), "params: got"),
        (lambda r: r.upload(np.zeros(r._net.packer.n_params)), "params: got 'float64"),
        (lambda r: r.set_network("net.npz"), "network: got 'str'"),
        (lambda r: r.draw(View(), (8, 8), fbo=None), "no screen"),
        (
            lambda r: r.draw(
                View(),
                (8, 8),
                fbo=r._surfaces.framebuffer("image", (8, 8), 1, "f1")[0],
                viewport=(0, 0, 4, 4),
            ),
            "viewport: got",
        ),
    ],
)
def test_bad_inputs_get_one_clear_message(renderer, call, match):
    renderer.set_network(Network.random((2, 4, 1), seed=0))
    with pytest.raises(ShaderplayError, match=match) as err:
        call(renderer)
    assert "\n" not in str(err.value)


def test_no_network_and_bad_storage(make_renderer):
    with pytest.raises(ShaderplayError, match="storage: got 'ssbo'"):
        make_renderer(storage="ssbo")
    with pytest.raises(ShaderplayError, match="set_network"):
        make_renderer().values(View(), (4, 4))


def test_missing_gl_says_what_to_install(monkeypatch):
    import moderngl

    from shaderplay.gpu import context

    def no_gl(**kwargs):
        raise Exception("libEGL.so: cannot open shared object file")

    monkeypatch.setattr(moderngl, "create_context", no_gl)
    with pytest.raises(ShaderplayError) as err:
        context.headless_context()
    text = str(err.value)
    assert "libEGL.so" in text and "apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri" in text
