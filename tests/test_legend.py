"""Legends and the colour conventions they report: a PNG's legend sits in a band
beside the picture (the picture's pixels unchanged), zero has one colour in every
signed view, a range taken from the picture holds still while weights move a
little, and `regions` says what its colours are for each activation."""

import numpy as np
import pytest
from PIL import Image

from shaderplay import Network
from shaderplay.cli import main
from shaderplay.gpu.context import make_current
from shaderplay.legend import compose, nice_ticks, plan
from shaderplay.mode_ranges import RangeMemory, nice_top
from shaderplay.modes import MODES
from shaderplay.view import View

VIEW = View.from_domain(-1.0, 1.0, -1.0, 1.0)


def _run(gl_context, argv):
    try:
        return main(argv)
    finally:
        make_current(gl_context)


@pytest.mark.parametrize("mode", ["output", "mosaic", "side", "representation", "boundaries"])
def test_a_png_has_its_legend_beside_the_picture_never_over_it(gl_context, tmp_path, mode):
    bare, legend = tmp_path / "bare.png", tmp_path / "legend.png"
    base = ["render", "default", "--size", "96x64", "--mode", mode]
    assert _run(gl_context, base + ["-o", str(bare), "--no-legend"]) == 0
    assert _run(gl_context, base + ["-o", str(legend)]) == 0
    picture, framed = (np.asarray(Image.open(p)) for p in (bare, legend))
    assert framed.shape[0] > picture.shape[0] + 20  # a band of text below
    if mode in ("output", "boundaries"):  # nothing around it: the picture at the top left
        assert np.array_equal(framed[:64, :96], picture)


def test_compose_keeps_every_data_pixel():
    # side: the two halves apart by the divider, below the header, unchanged.
    legend = MODES["side"].legend((), Network.random((2, 4, 1), seed=0).spec)
    picture = np.random.default_rng(0).integers(0, 255, (40, 61, 3), np.uint8)
    framed = compose(picture, legend)
    p = plan(legend, framed.shape[1])
    top = p.header
    assert np.array_equal(framed[top : top + 40, :30], picture[:, :30])
    assert np.array_equal(framed[top : top + 40, 30 + p.divider : 61 + p.divider], picture[:, 30:])


def test_npy_never_has_a_legend(gl_context, tmp_path, capsys):
    out = tmp_path / "v.npy"
    assert _run(gl_context, ["render", "default", "-o", str(out), "--size", "8x8"]) == 0
    assert np.load(out).shape == (8, 8, 1)
    assert _run(gl_context, ["render", "default", "-o", str(out), "--legend"]) == 2
    assert "--legend" in capsys.readouterr().err


@pytest.mark.renderer(evaluator="shader")
def test_zero_has_one_colour_in_the_mosaic_and_the_neuron_view(renderer):
    net = Network.random((2, 6, 1), activation="relu", bias_init="uniform", seed=4)
    renderer.set_network(net)
    size = (48, 48)
    neuron = renderer.values(VIEW, size, "neuron:0:2")[..., 0]
    mosaic = renderer.values(VIEW, size, "mosaic")
    off_n = neuron == 0.0
    off_m = (mosaic[..., 0] == 0.0) & (mosaic[..., 1] >= 0)
    assert off_n.any() and off_m.any()  # ReLU units that are off somewhere
    a = renderer.image(VIEW, size, "neuron:0:2")[off_n]
    b = renderer.image(VIEW, size, "mosaic")[off_m]
    assert len(np.unique(a, axis=0)) == 1 and np.array_equal(a[0], b[0])
    for mode in ("neuron:0:2", "mosaic"):
        assert renderer.legend(mode).centred


@pytest.mark.renderer(evaluator="shader")
def test_an_auto_range_holds_still_when_the_weights_move_a_little(renderer):
    net = Network.random((2, 8, 8, 1), activation="relu", scale=2.0, seed=2)
    renderer.set_network(net)
    renderer.image(VIEW, (40, 40), "neuron:1:3")
    first = renderer.legend("neuron:1:3").range
    moved = net.params + np.random.default_rng(0).normal(0, 0.02, net.params.shape)
    renderer.upload(moved.astype(np.float32))
    renderer.image(VIEW, (40, 40), "neuron:1:3")
    assert renderer.legend("neuron:1:3").range == first and first[0] == -first[1] > -np.inf


def test_range_memory_grows_at_once_and_shrinks_only_well_below():
    memory = RangeMemory()
    assert memory.steady("k", 0.83) == 1.0
    assert memory.steady("k", 0.97) == 1.0 and memory.steady("k", 0.6) == 1.0
    assert memory.steady("k", 1.2) == 1.5  # values past the range: it grows at once
    assert memory.steady("k", 0.5) == 0.5  # below half of it: it follows them down
    assert [nice_top(v) for v in (0.0, 3e-3, 0.31, 7.0, 7.01, 120)] == [1, 3e-3, 0.4, 7, 10, 150]
    assert nice_ticks(-0.3, 0.3) == [-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3]


def test_regions_say_what_they_are_for_every_activation():
    relu = Network.random((2, 6, 6, 1), activation="relu", seed=0).spec
    tanh = Network.random((2, 6, 6, 1), activation="tanh", seed=0).spec
    mixed = Network.random((2, 6, 6, 1), activation=["leaky_relu", "sigmoid"], seed=0).spec
    assert MODES["regions"].legend((), relu).shows.startswith("linear regions")
    legend = MODES["regions"].legend((), tanh)
    assert legend.shows.startswith("sign-pattern cells") and "tanh is smooth" in legend.note
    assert "sigmoid" in MODES["regions"].legend((), mixed).note


def test_render_counts_sign_pattern_cells_on_a_tanh_net(gl_context, tmp_path, capsys):
    path = tmp_path / "tanh.npz"
    Network.random((2, 6, 6, 1), activation="tanh", seed=3).save(path)
    out = tmp_path / "r.npy"
    assert _run(gl_context, ["render", str(path), "-o", str(out), "--mode", "regions"]) == 0
    said = capsys.readouterr().out
    assert "sign-pattern cells in view" in said and "linear regions in view" not in said


@pytest.mark.renderer(evaluator="shader")
def test_a_recorded_frame_keeps_its_size_with_the_legend_in_it(renderer):
    from shaderplay.record.animations import Frame
    from shaderplay.record.film import Look, draw_frame

    net = Network.random((2, 5, 1), activation="relu", seed=1)
    renderer.set_network(net)
    frame = Frame(net.params.copy(), VIEW)
    bare = draw_frame(renderer, frame, Look((320, 240), mode="neuron:0:1"))
    framed = draw_frame(renderer, frame, Look((320, 240), mode="neuron:0:1", legend=True))
    assert bare.shape == framed.shape == (240, 320, 3)
    band = framed[-40:]  # the legend's dark band with its light text
    assert (np.abs(band.astype(int) - (24, 24, 28)).sum(axis=2) < 6).mean() > 0.5
    assert not np.array_equal(bare, framed)
    tiny = draw_frame(renderer, frame, Look((120, 90), mode="neuron:0:1", legend=True))
    assert np.array_equal(tiny, draw_frame(renderer, frame, Look((120, 90), mode="neuron:0:1")))


@pytest.mark.parametrize("pre", [False, True])
def test_gl_numba_and_numpy_agree_on_an_auto_ranged_picture(gl_context, pre):
    from shaderplay import colormaps
    from shaderplay.gpu.renderer import Renderer
    from shaderplay.mode_ranges import picture_range

    net = Network.random((2, 7, 1), activation="relu", scale=3.0, bias_init="uniform", seed=6)
    size = (40, 30)
    layers = net.forward_layers(VIEW.grid(size).reshape(-1, 2))
    values = layers[0][0 if pre else 1][:, 4].reshape(size[1], size[0])
    lo, hi = picture_range(MODES["neuron"].value_range, values)
    assert lo == -hi and hi > 1.0  # centred, and wider than the old fixed -1..1
    index = np.minimum(((values - lo) / (hi - lo) * 256).astype(int), 255)
    want = colormaps.lut("diverging")[np.clip(index, 0, 255)]
    for evaluator in ("shader", "cpu"):
        renderer = Renderer(gl_context, evaluator=evaluator)
        try:
            renderer.set_network(net)
            got = renderer.image(VIEW, size, "neuron:0:4", pre=pre)
            assert renderer.legend("neuron:0:4", pre=pre).range == (lo, hi)
        finally:
            renderer.release()
        assert np.any(got != want, axis=2).mean() <= 0.02, evaluator


@pytest.mark.renderer(evaluator="shader")
def test_the_legend_says_what_the_data_points_colours_are(renderer):
    from shaderplay.dataset import Dataset

    x = np.zeros((4, 2), np.float32)
    binary = Dataset("b", "binary", x, np.array([[0], [1], [0], [1]], np.float32), x[:0], x[:0, :1])
    regression = Dataset.from_arrays(x, np.zeros((4, 1), np.float32))
    renderer.set_network(Network.random((2, 3, 1), seed=0))
    assert [label for label, _ in renderer.legend("output", points=binary).points] == [
        "class 0",
        "class 1",
    ]
    assert "viridis" in renderer.legend("output", points=regression).points[0][0]
    assert renderer.legend("output").points == ()


def test_a_dead_neuron_is_plotted_in_a_readable_frame():
    from shaderplay.gpu.overlays import FLAT_SHARE, representation_plot

    net = Network.random((2, 3, 1), activation="relu", seed=2)
    net.W(0)[0] = 0.0
    net.b(0)[0] = -1.0  # neuron 0 is 0 everywhere
    x0, x1, y0, y1 = representation_plot(net, None, VIEW.domain, 0, (0, 1)).box
    assert x0 < 0.0 < x1 and (x1 - x0) >= FLAT_SHARE * (y1 - y0) * 0.99


def test_the_view_tab_turns_the_canvas_legend_off_and_on():
    from shaderplay.app import canvas_legend, view_actions
    from shaderplay.app.canvas import Rect
    from shaderplay.app.state import AppState

    state = AppState(canvas_size=(400.0, 200.0))
    view_actions.set_render_flag(state, None, "no_legend", True)
    assert state.render_opts["no_legend"] is True

    class Asked:  # a renderer that records being asked for a legend
        asked = 0

        def legend(self, *a, **k):
            self.asked += 1
            raise AssertionError("no legend while it is off")

    renderer = Asked()
    canvas_legend.draw(state, Rect(0, 0, 400, 200), renderer, ("output", None, {}))
    assert renderer.asked == 0
    view_actions.set_render_flag(state, None, "no_legend", False)
    assert not state.render_opts["no_legend"]


@pytest.mark.renderer(evaluator="shader")
def test_a_saturated_layer_spreads_out_before_its_activation(renderer):
    from shaderplay.gpu.overlays import representation_plot

    net = Network.random((2, 6, 6, 1), activation="tanh", scale=8.0, seed=3)
    after = representation_plot(net, None, VIEW.domain, 1, (0, 1)).box
    before = representation_plot(net, None, VIEW.domain, 1, (0, 1), pre=True).box
    assert max(abs(v) for v in after) < 1.3 < max(abs(v) for v in before)
    renderer.set_network(net)
    plain = renderer.image(VIEW, (64, 64), "representation:1:0:1")
    spread = renderer.image(VIEW, (64, 64), "representation:1:0:1", pre=True)
    assert not np.array_equal(plain, spread)
    legend = renderer.legend("representation:1:0:1", pre=True)
    assert legend.box == before and "before activation" in legend.axes[0]
