"""The numba evaluator of the software-GL fast path against the float64 NumPy
oracle (`Network.forward` on `View.grid`): random architectures, single neurons
before and after their activation, deep and wide nets (every input feature:
tests/test_tables.py)."""

import threading

import numpy as np
import pytest
from test_render import random_case

from shaderplay import Network
from shaderplay.cpu import boundaries as cpu_boundaries
from shaderplay.cpu.evaluator import CpuEvaluator, evaluate
from shaderplay.errors import ShaderplayError
from shaderplay.gpu.overlays import boundary_mask, layer_colours
from shaderplay.view import View

TOL = 1e-4  # max abs error on outputs in [0, 1]


def _grid(view, size):
    return view.grid(size).reshape(-1, 2)


@pytest.mark.parametrize("seed", range(12))
def test_random_networks_match_the_oracle(seed):
    net, view, size = random_case(seed)
    got = evaluate(net, view, size)
    want = net.forward(_grid(view, size)).reshape(size[1], size[0], -1)
    assert got.dtype == np.float32 and got.shape == want.shape
    assert np.abs(got - want).max() <= TOL


@pytest.mark.parametrize(
    "sizes, activation", [((2, *(30,) * 27, 1), "tanh"), ((2, *(400,) * 14, 1), "relu")]
)
def test_deep_and_wide_networks(sizes, activation):
    net = Network.random(
        sizes,
        activation=activation,
        output="sigmoid",
        init="xavier_uniform",
        bias_init="uniform",
        bias_scale=0.3,
        seed=1,
    )
    view, size = View((0.4, -0.3), 1.7, 1.3), (9, 7)
    want = net.forward(_grid(view, size)).reshape(7, 9, 1)
    assert np.abs(evaluate(net, view, size) - want).max() <= TOL


def test_single_neurons_before_and_after_their_activation():
    net = Network.random(
        (2, 12, 7, 2),
        activation=["gelu", "tanh"],
        norm=["layernorm", "batchnorm"],
        bias_init="uniform",
        bias_scale=0.5,
        seed=4,
    )
    net.norm_param(1, "mean")[:] = np.linspace(-0.3, 0.3, 7)
    net.norm_param(1, "var")[:] = np.linspace(0.5, 2.0, 7)
    view, size = View((0.1, 0.2), 2.0, 1.5), (11, 13)
    layers = net.forward_layers(_grid(view, size))
    ev = CpuEvaluator(net.spec)
    for layer, unit in ((0, 5), (1, 0), (1, 6), (2, 1)):
        for pre in (False, True):
            got = ev.values(net.params, view, size, layer, pre, range(unit, unit + 1))
            want = layers[layer][int(not pre)][:, unit].reshape(13, 11, 1)
            assert np.abs(got - want).max() <= TOL, (layer, unit, pre)
    every = ev.values(net.params, view, size, layer=1)
    assert np.abs(every - layers[1][1].reshape(13, 11, 7)).max() <= TOL


def test_rows_bottom_first_and_a_wider_out_array():
    net = Network.random((2, 9, 3), activation="sin", seed=2)
    view, size = View((0.0, 0.0), 1.0, None), (10, 4)
    ev = CpuEvaluator(net.spec)
    top = ev.values(net.params, view, size)
    out = np.full((4, 10, 4), -7.0, np.float32)
    assert ev.values(net.params, view, size, top_first=False, out=out) is out
    assert np.array_equal(out[::-1, :, :3], top) and np.all(out[..., 3] == -7.0)


def test_bad_arguments_are_refused():
    net = Network.random((2, 5, 1), seed=0)
    ev = CpuEvaluator(net.spec)
    with pytest.raises(ShaderplayError, match="params"):
        ev.values(net.params[:-4], None, (4, 4))
    with pytest.raises(ShaderplayError, match="params"):
        ev.values(net.params.astype(np.float64), None, (4, 4))
    with pytest.raises(ShaderplayError, match="layer"):
        ev.values(net.params, None, (4, 4), layer=2)
    with pytest.raises(ShaderplayError, match="units"):
        ev.values(net.params, None, (4, 4), layer=0, units=range(3, 6))
    with pytest.raises(ShaderplayError, match="out"):
        ev.values(net.params, None, (4, 4), out=np.zeros((4, 5, 1), np.float32))
    with pytest.raises(ShaderplayError, match="size"):
        ev.values(net.params, None, (0, 4))
    two = Network.random((2, 8, 3, 2), seed=0)
    ev2 = CpuEvaluator(two.spec)
    with pytest.raises(ShaderplayError, match=r"out: got 'float32 \(3, 4, 1\)'.*\(3, 4, >= 2\)"):
        ev2.values(two.params, None, (4, 3), out=np.zeros((3, 4, 1), np.float32))
    for depth in (0, 2, -1, True):  # layer 0 is 8 wide, the last 3: no depth but 1
        with pytest.raises(ShaderplayError, match="depth"):
            ev2.values(two.params, None, (4, 3), depth=depth)
    assert ev2.values(two.params, None, (4, 3), depth=1).shape == (3, 4, 2)
    points = np.zeros((5, 2))
    with pytest.raises(ShaderplayError, match="unit_of"):
        ev2.values_at(two.params, points, 0, unit_of=[0, 1, 2, 3, 8])
    with pytest.raises(ShaderplayError, match="points"):
        ev2.values_at(two.params, np.zeros((5, 3)))


def test_points_and_one_unit_per_point():
    net = Network.random((2, 6, 4, 2), activation="tanh", seed=3)
    ev = CpuEvaluator(net.spec)
    points = np.random.default_rng(0).uniform(-2, 2, (37, 2))
    layers = net.forward_layers(points)
    assert np.abs(ev.values_at(net.params, points) - layers[-1][1]).max() <= TOL
    pick = np.arange(37) % 4
    got = ev.values_at(net.params, points, 1, unit_of=pick)
    assert got.shape == (37, 1)
    assert np.abs(got[:, 0] - layers[1][1][np.arange(37), pick]).max() <= TOL


def test_read_only_and_strided_arrays_take_the_one_compiled_kernel():
    """numba compiles anew for a read-only or strided array (another type to it): such
    arrays are copied, and one compile of evaluate_grid serves every call."""
    from shaderplay.cpu.evaluator import evaluate_grid

    net = Network.random((2, 6, 4, 2), activation="tanh", seed=3)
    ev = CpuEvaluator(net.spec)
    points = np.random.default_rng(0).uniform(-2, 2, (37, 2))
    pick = np.arange(37) % 4
    want = ev.values_at(net.params, points, 1, unit_of=pick)
    frozen_params, frozen_points, frozen_pick = net.params.copy(), points.copy(), pick.copy()
    for a in (frozen_params, frozen_points, frozen_pick):
        a.flags.writeable = False
    np.testing.assert_array_equal(
        ev.values_at(frozen_params, frozen_points, 1, unit_of=frozen_pick), want
    )
    strided = np.repeat(net.params, 2)[::2]
    view = View.from_domain(-1, 1, -1, 1)
    np.testing.assert_array_equal(
        ev.values(strided, view, (5, 4)), ev.values(net.params, view, (5, 4))
    )
    assert len(evaluate_grid.signatures) == 1


# --- the Renderer's hook: the same pictures through either path -----------------------


@pytest.mark.parametrize("seed", [3, 8])
def test_both_paths_give_the_same_values_and_pictures(renderer_pair, seed):
    net, view, size = random_case(seed)
    for r in renderer_pair.values():
        r.set_network(net)
    shader, cpu = renderer_pair["shader"], renderer_pair["cpu"]
    assert (shader.evaluator, cpu.evaluator) == ("shader", "cpu")
    want = net.forward(_grid(view, size)).reshape(size[1], size[0], -1)
    assert np.abs(cpu.values(view, size) - want).max() <= TOL
    assert np.abs(cpu.values(view, size) - shader.values(view, size)).max() <= TOL
    for mode, opts in (("output", {}), ("neuron:0:0", {"pre": True})):
        a, b = shader.image(view, size, mode, **opts), cpu.image(view, size, mode, **opts)
        assert np.mean(np.any(a != b, axis=2)) <= 0.02, mode  # colormap entries flip at edges
        assert np.abs(a.astype(int) - b).max() <= 8, mode
    # Boundary lines: the shader takes z's slope from its 2x2 pixel quad, the CPU as
    # numpy.gradient does, so edges differ in shade; the lines lie on the same pixels.
    lines = [
        np.abs(r.image(view, size, "boundaries").astype(int) - r.image(view, size)).sum(2) > 30
        for r in (shader, cpu)
    ]
    assert lines[1].sum() > 0 and (lines[0] & lines[1]).sum() >= 0.9 * (lines[0] | lines[1]).sum()


def test_cpu_boundary_lines_are_the_zero_sets_by_numpy_gradient():
    """Each chosen neuron's line covers 0.75 + 0.5 - |z| / |numpy.gradient(z)| of a pixel
    (z its pre-activation after the norm, float32), laid "over" the picture."""
    net = Network.random((2, 7, 5, 1), activation="tanh", norm=["layernorm", "none"], seed=4)
    ev = CpuEvaluator(net.spec)
    view, size = View.from_domain(-1.5, 1.5, -1, 1), (45, 30)
    picture = np.random.default_rng(1).integers(0, 256, (30, 45, 4)).astype(np.uint8)
    got = picture.copy()
    mask, _ = boundary_mask(net.spec, [(0, 2), (1, 4)])
    colours = layer_colours(net.spec.depth)
    cpu_boundaries.draw(ev, net.params, view, size, mask, colours, 1.5, got)
    colour, alpha = np.zeros((30, 45, 3)), np.zeros((30, 45, 1))
    for layer, unit in ((0, 2), (1, 4)):
        z = ev.values(net.params, view, size, layer=layer, pre=True)[..., unit].astype(np.float64)
        cover = np.clip(1.25 - np.abs(z) / np.hypot(*np.gradient(z)), 0, 1)[..., None]
        colour = colour * (1 - cover) + np.asarray(colours[layer][:3]) * cover
        alpha = alpha * (1 - cover) + cover
    want = np.clip(255 * colour + picture[..., :3] * (1 - alpha) + 0.5, 0, 255).astype(np.uint8)
    assert (alpha > 0.5).sum() > 20  # lines in view: the comparison means something
    assert np.abs(got[..., :3].astype(int) - want).max() <= 1
    np.testing.assert_array_equal(got[..., 3], picture[..., 3])


@pytest.mark.parametrize("sizes, output", [((2, 9, 7, 1), "sigmoid"), ((2, 9, 7, 3), "linear")])
def test_class_colours_on_the_cpu_match_the_shader(renderer_pair, sizes, output, monkeypatch):
    """Classifier presets open in "classes": on llvmpipe its values come from the CPU."""
    from shaderplay.gpu import cpu_pass

    net = Network.random(sizes, activation="tanh", output=output, scale=2.0, seed=4)
    view, size = View((0.1, -0.2), 1.5, None), (23, 17)
    for r in renderer_pair.values():
        r.set_network(net)
    a = renderer_pair["shader"].values(view, size, "classes")
    calls = []
    evaluate = cpu_pass.CpuEvaluator.values
    monkeypatch.setattr(
        cpu_pass.CpuEvaluator,
        "values",
        lambda self, *args, **kw: calls.append(1) or evaluate(self, *args, **kw),
    )
    b = renderer_pair["cpu"].values(view, size, "classes")
    assert calls, "the CPU path did not compute the classes"
    assert a.shape == b.shape == (17, 23, 2)
    out = net.forward(_grid(view, size)).reshape(17, 23, -1)
    if sizes[-1] == 1:
        sure = np.abs(out[..., 0] - 0.5) > 1e-4  # pixels not on the boundary itself
    else:
        top2 = np.sort(out, axis=-1)[..., -2:]
        sure = top2[..., 1] - top2[..., 0] > 1e-4
    assert sure.mean() > 0.9 and len(np.unique(b[..., 0])) > 1  # both classes in view
    assert np.array_equal(a[..., 0][sure], b[..., 0][sure])
    assert np.abs(a[..., 1] - b[..., 1]).max() <= 1e-4
    pa = renderer_pair["shader"].image(view, size, "classes")
    pb = renderer_pair["cpu"].image(view, size, "classes")
    assert np.mean(np.any(pa != pb, axis=2)) <= 0.02


def test_a_neuron_and_then_the_outputs_on_the_cpu(renderer_pair):
    net = Network.random((2, 6, 5, 2), activation="tanh", seed=9)
    cpu = renderer_pair["cpu"]
    cpu.set_network(net)
    view, size = View((0.2, 0.1), 1.3, None), (12, 8)
    layers = net.forward_layers(_grid(view, size))
    got = cpu.values(view, size, "neuron:1:4")
    assert np.abs(got[..., 0] - layers[1][1][:, 4].reshape(8, 12)).max() <= TOL
    # The texture's unused channels do not keep the neuron's values.
    both = cpu.values(view, size)
    assert both.shape == (8, 12, 2) and np.abs(both - layers[2][1].reshape(8, 12, 2)).max() <= TOL
    cpu.set_network(Network.random((2, 6, 5, 2), activation="tanh", seed=10))  # new weights
    assert np.abs(cpu.values(view, size) - both).max() > 1e-3


def test_auto_takes_the_cpu_on_software_gl_and_the_environment_can_force(
    ctx, make_renderer, monkeypatch
):
    from shaderplay.cpu.ahead import prepare
    from shaderplay.gpu.context import is_software
    from shaderplay.gpu.cpu_pass import EVALUATOR_ENV

    monkeypatch.delenv(EVALUATOR_ENV, raising=False)
    assert make_renderer().evaluator == ("cpu" if is_software(ctx) else "shader")
    assert prepare(wait=True)  # the kernel "auto" waits for in the background
    monkeypatch.setenv(EVALUATOR_ENV, "shader")
    assert make_renderer().evaluator == "shader"
    assert make_renderer(evaluator="cpu").evaluator == "cpu"
    monkeypatch.setenv(EVALUATOR_ENV, "gpu")
    with pytest.raises(ShaderplayError, match=EVALUATOR_ENV):
        make_renderer()
    with pytest.raises(ShaderplayError, match="evaluator"):
        make_renderer(evaluator="numpy")


def test_only_a_live_renderer_draws_with_the_shader_while_numba_compiles(
    ctx, make_renderer, monkeypatch
):
    """A command's picture waits for the numba kernel (compiled once, then cached); the
    window's ("live") gives it one short wait and draws with the shader meanwhile."""
    from shaderplay.gpu import cpu_pass
    from shaderplay.gpu.context import is_software

    if not is_software(ctx):
        pytest.skip("the GL is not software: 'auto' keeps the shaders")
    asked = []

    def compiling(wait=False, timeout=None):
        asked.append((wait, timeout))
        return False  # still compiling, unless waited for without a limit

    monkeypatch.setattr(cpu_pass, "prepare", compiling)
    monkeypatch.delenv(cpu_pass.EVALUATOR_ENV, raising=False)
    net = Network.random((2, 5, 1), seed=0)
    view = View.from_domain(-1, 1, -1, 1)
    for live, waits in ((False, [(True, None)]), (True, [(True, cpu_pass.FIRST_WAIT_S)])):
        renderer = make_renderer(live=live)
        renderer.set_network(net)
        asked.clear()
        renderer.values(view, (6, 4))
        assert asked == waits, live
    renderer.values(view, (6, 4))
    assert asked[-1] == (False, cpu_pass.FIRST_WAIT_S)  # the live one waits once only
    monkeypatch.setattr(cpu_pass, "cached", lambda: False)  # a first compile: no wait at all
    renderer = make_renderer(live=True)
    renderer.set_network(net)
    asked.clear()
    renderer.values(view, (6, 4))
    assert asked == [(False, cpu_pass.FIRST_WAIT_S)]


def test_a_live_picture_leaves_the_lines_to_the_shader_until_their_kernel_is_loaded(monkeypatch):
    """A window never waits for the boundary lines' first compile: its CPU pictures go
    without them (the shader overlay draws them) and the painter is not used meanwhile;
    a command's picture waits for the kernel."""
    from shaderplay.gpu import cpu_pass

    monkeypatch.setattr(cpu_pass, "lines_loaded", lambda: False)
    live, command = cpu_pass.CpuPictures(waits=False), cpu_pass.CpuPictures(waits=True)
    assert not cpu_pass.draws_lines(live) and cpu_pass.draws_lines(command)
    assert not cpu_pass.PictureMaker.ready()
    monkeypatch.setattr(cpu_pass, "lines_loaded", lambda: True)
    assert cpu_pass.draws_lines(live) and cpu_pass.PictureMaker.ready() == cpu_pass.prepare()


def test_the_lines_kernel_is_asked_for_only_by_a_picture_with_lines(renderer_pair, monkeypatch):
    """A command without boundary lines leaves their kernel alone (its cold compile ran
    on the other core beside the next command after an install); a picture with lines,
    or a painter's first question, starts it, once."""
    from shaderplay.cpu import ahead
    from shaderplay.gpu import cpu_pass

    asked = []

    class Lines:  # stands for the ChildCompile: records each call of ensure()
        settled = False

        def ensure(self):
            asked.append(threading.current_thread().name)
            self.settled = True

    monkeypatch.setattr(ahead, "_lines", Lines())
    monkeypatch.setattr(ahead, "_lines_compiler", None)
    net, view, size = random_case(3)
    cpu = renderer_pair["cpu"]
    cpu.set_network(net)
    cpu.image(view, size)
    cpu.image(view, size, "neuron:0:0")
    assert ahead._lines_compiler is None and asked == []
    cpu.image(view, size, "boundaries")  # starts it on a thread, then waits (a command)
    started = ahead._lines_compiler
    started.join()
    assert sorted(asked) == sorted([started.name, threading.current_thread().name])
    cpu.image(view, size, "boundaries")
    cpu_pass.PictureMaker.ready()
    assert ahead._lines_compiler is started  # once per process
