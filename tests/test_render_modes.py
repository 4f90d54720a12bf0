"""Every view mode against NumPy: each mode's values from a real GL context
compared with what `Network.forward_layers` (float64) says they must be, by
both evaluators: the fragment shaders and the CPU path of software GL. And the
look of the pictures: class colours, points over regions, a dead neuron's tile."""

import numpy as np
import pytest

from shaderplay import Network, colormaps
from shaderplay.dataset import Dataset
from shaderplay.errors import ShaderplayError
from shaderplay.gpu.renderer import OPTIONS
from shaderplay.modes import MODES
from shaderplay.presets import load_preset
from shaderplay.view import View

VIEW = View.from_domain(-1.3, 0.9, -0.8, 1.2)
SIZE = (33, 29)
TOL = 1e-4


@pytest.fixture(scope="module")
def net():
    # Biases make boundaries and regions non-radial; a LayerNorm layer checks 'pre' after the norm.
    net = Network.random(
        (2, 6, 6, 3),
        activation=["relu", "tanh"],
        output="sigmoid",
        norm=["none", "layernorm"],
        bias_init="uniform",
        bias_scale=0.5,
        seed=12,
    )
    net.norm_param(1, "gamma")[:] = np.linspace(0.6, 1.4, 6)
    return net


def _layers(net, view=VIEW, size=SIZE):
    return net.forward_layers(view.grid(size).reshape(-1, 2))


def _field(xy):  # a made-up target with 3 outputs
    return np.stack(
        [np.sin(3 * xy[:, 0]) * 0.5 + 0.5, xy[:, 1] ** 2, np.abs(xy[:, 0] * xy[:, 1])], axis=1
    )


def _dataset(kind="binary"):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (40, 2)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32) if kind == "binary" else x[:, :1] * 0.5 + 0.5
    return Dataset("test", kind, x[:30], y[:30], x[30:], y[30:], field=_field)


ARGS = {"neuron": ":1:4", "depth": ":0", "gradient": ":1", "representation": ":1:0:2"}


@pytest.mark.parametrize("name", list(MODES))
def test_every_mode_renders_its_channels(each_renderer, net, name):
    each_renderer.set_network(net)
    mode = MODES[name]
    opts = {"target": _dataset()} if mode.needs_target else {}
    values = each_renderer.values(VIEW, SIZE, name + ARGS.get(name, ""), **opts)
    assert values.dtype == np.float32 and values.shape == (
        SIZE[1],
        SIZE[0],
        mode.channels(net.spec),
    )
    image = each_renderer.image(VIEW, SIZE, name + ARGS.get(name, ""), **opts)
    assert image.shape == (SIZE[1], SIZE[0], 3) and len(np.unique(image.reshape(-1, 3), axis=0)) > 3


@pytest.mark.parametrize(
    "layer, unit, pre", [(0, 0, False), (0, 5, True), (1, 3, False), (1, 2, True), (2, 1, False)]
)
def test_neuron_field(each_renderer, net, layer, unit, pre):
    each_renderer.set_network(net)
    got = each_renderer.values(VIEW, SIZE, f"neuron:{layer}:{unit}", pre=pre)[..., 0]
    want = _layers(net)[layer][0 if pre else 1][:, unit].reshape(SIZE[1], SIZE[0])
    assert np.abs(got - want).max() <= TOL * max(1.0, np.abs(want).max())


def test_depth_reads_an_earlier_layer(each_renderer, net):
    each_renderer.set_network(net)
    h0 = _layers(net)[0][1]
    z = h0 @ net.W(2).astype(np.float64).T + net.b(2)
    want = (1 / (1 + np.exp(-z))).reshape(SIZE[1], SIZE[0], 3)
    assert np.abs(each_renderer.values(VIEW, SIZE, "depth:0") - want).max() <= TOL
    np.testing.assert_allclose(
        each_renderer.values(VIEW, SIZE, "depth:1"), each_renderer.values(VIEW, SIZE), atol=1e-6
    )
    with pytest.raises(ShaderplayError, match="as wide as the last one"):
        each_renderer.set_network(Network.random((2, 5, 6, 1), seed=0))
        each_renderer.values(VIEW, SIZE, "depth:0")


def test_classes_argmax_and_confidence(each_renderer):
    net = Network.random((2, 8, 5), activation="tanh", output="linear", scale=2.0, seed=1)
    each_renderer.set_network(net)
    got = each_renderer.values(VIEW, SIZE, "classes")
    logits = _layers(net)[-1][1]
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    top2 = np.sort(logits, axis=1)[:, -2:]
    clear = (top2[:, 1] - top2[:, 0] > 1e-4).reshape(SIZE[1], SIZE[0])  # no near-ties
    np.testing.assert_array_equal(
        got[..., 0][clear], logits.argmax(1).reshape(SIZE[1], SIZE[0])[clear]
    )
    confidence = ((p.max(1) - 0.2) / 0.8).reshape(SIZE[1], SIZE[0])
    assert np.abs(got[..., 1] - confidence).max() <= 1e-4
    # Five outputs in "output" mode are shown as classes too: the picture uses the class colours.
    assert np.array_equal(
        each_renderer.image(VIEW, SIZE), each_renderer.image(VIEW, SIZE, "classes")
    )


def test_target_error_and_side_by_side(each_renderer, net):
    each_renderer.set_network(net)
    data = _dataset()
    want_target = _field(VIEW.grid(SIZE).reshape(-1, 2)).reshape(SIZE[1], SIZE[0], 3)
    np.testing.assert_allclose(
        each_renderer.values(VIEW, SIZE, "target", target=data), want_target, atol=1e-6
    )
    out = _layers(net)[-1][1].reshape(SIZE[1], SIZE[0], 3)
    got = each_renderer.values(VIEW, SIZE, "error", target=_field)  # a bare function works too
    assert np.abs(got - np.abs(out - want_target)).max() <= TOL
    side = each_renderer.values(VIEW, SIZE, "side", target=data)
    left = SIZE[0] // 2
    np.testing.assert_allclose(
        side[:, :left], each_renderer.values(VIEW, (left, SIZE[1])), atol=1e-7
    )
    np.testing.assert_allclose(
        side[:, left:], each_renderer.values(VIEW, (SIZE[0] - left, SIZE[1]), "target", target=data)
    )


def test_linear_regions_hash_the_relu_pattern(each_renderer):
    net = Network.random(
        (2, 7, 5, 1), activation="relu", bias_init="uniform", bias_scale=0.6, seed=3
    )
    each_renderer.set_network(net)
    hashes = each_renderer.values(VIEW, SIZE, "regions")[..., 0].ravel()
    layers = _layers(net)
    z = np.concatenate([layers[0][0], layers[1][0]], axis=1)
    clear = np.all(np.abs(z) > 1e-4, axis=1)  # pixels not sitting on a boundary
    patterns = [tuple(row) for row in (z[clear] > 0)]
    pairs = set(zip(patterns, hashes[clear]))
    assert (
        len({p for p, _ in pairs}) == len(pairs) == len({h for _, h in pairs})
    )  # one hash per pattern
    assert len(pairs) > 5
    assert each_renderer.region_count(VIEW, SIZE) >= len(pairs)


def test_gradient_matches_finite_differences(each_renderer):
    net = Network.random(
        (2, 12, 12, 2),
        activation="tanh",
        output="sigmoid",
        bias_init="uniform",
        bias_scale=0.5,
        seed=5,
    )
    each_renderer.set_network(net)
    got = each_renderer.values(VIEW, SIZE, "gradient:1")
    xy = VIEW.grid(SIZE).reshape(-1, 2)
    h = 1e-5
    dx = (net.forward(xy + [h, 0])[:, 1] - net.forward(xy - [h, 0])[:, 1]) / (2 * h)
    dy = (net.forward(xy + [0, h])[:, 1] - net.forward(xy - [0, h])[:, 1]) / (2 * h)
    scale = np.hypot(dx, dy).max()
    for k, want in ((1, dx), (2, dy), (0, np.hypot(dx, dy))):
        # The shader's step is half a pixel: O(step^2) from the exact derivative.
        assert np.abs(got[..., k].ravel() - want).max() <= 0.01 * scale


def test_mosaic_tiles_show_each_neuron(each_renderer, net):
    each_renderer.set_network(net)
    size = (60, 60)
    got = each_renderer.values(VIEW, size, "mosaic")
    assert set(np.unique(got[..., 1])) == {-1.0} | set(
        float(k) for k in range(12)
    )  # 12 hidden units + gaps
    # Tile 7 (layer 1, unit 1) sits in row 1, col 3 of a 4x3 grid of 15x20-pixel tiles.
    tile_w, tile_h = 15, 20
    rows, cols = np.nonzero(got[..., 1] == 7)
    assert cols.min() // tile_w == 3 and rows.min() // tile_h == 1
    local = np.stack([cols - 3 * tile_w + 0.5, rows - 1 * tile_h + 0.5], axis=1)
    xy = VIEW.pixel_to_domain(local * [size[0] / tile_w, size[1] / tile_h], size)
    want = net.forward_layers(xy)[1][1][:, 1]
    assert np.abs(got[rows, cols, 0] - want).max() <= TOL


def test_boundaries_are_drawn_where_preactivations_change_sign(each_renderer, net):
    each_renderer.set_network(net)
    size = (64, 64)
    plain = each_renderer.image(VIEW, size).astype(int)
    lined = each_renderer.image(VIEW, size, boundaries=[(0, 2)]).astype(int)
    z = _layers(net, size=size)[0][0][:, 2].reshape(64, 64)
    slope = np.hypot(*np.gradient(z))  # per pixel
    distance = np.abs(z) / slope
    changed = np.abs(lined - plain).sum(axis=2) > 30
    assert changed[distance < 0.3].all()  # on the zero set: the line
    assert not changed[distance > 2.5].any()  # away from it: the picture untouched
    assert changed.sum() > 30
    # The whole first layer draws more; the "boundaries" mode draws every hidden layer,
    # coloured by layer.
    more = each_renderer.image(VIEW, size, boundaries=[0]).astype(int)
    assert (np.abs(more - plain).sum(axis=2) > 30).sum() > changed.sum()
    every = each_renderer.image(VIEW, size, "boundaries")
    blue, red = np.array([31, 95, 255]), np.array([232, 37, 42])
    assert (np.abs(every - blue).sum(axis=2) < 40).any() and (
        np.abs(every - red).sum(axis=2) < 40
    ).any()


def test_points_are_drawn_at_their_pixels(each_renderer, net):
    each_renderer.set_network(net)
    size = (64, 64)
    x = np.array([[-0.5, 0.5], [0.4, -0.3]], np.float32)
    data = Dataset(
        "two", "binary", x[:1], np.array([[1.0]], np.float32), x[1:], np.array([[0.0]], np.float32)
    )
    plain = each_renderer.image(VIEW, size)
    dotted = each_renderer.image(VIEW, size, points=data, point_size=5.0)
    c, r = (VIEW.domain_to_pixel(x[0], size)).astype(int)
    assert (
        np.abs(dotted[r, c].astype(int) - [245, 147, 34]).sum() < 10
    )  # train point: a filled orange disc
    c, r = (VIEW.domain_to_pixel(x[1], size)).astype(int)
    np.testing.assert_array_equal(
        dotted[r, c], plain[r, c]
    )  # test point: a ring, its centre untouched
    assert np.abs(dotted[r, c + 3].astype(int) - [31, 119, 212]).sum() < 40  # blue on the ring


# Regions are a tint of their class colour (TensorFlow Playground's look), so a data
# point, drawn in the full class colour, stands out from the region it lies in, and a
# train disc from a test ring. (A confidently classified region had exactly its
# points' colour, and every point read as an empty ring.)
SQUARE, SQUARE_SIZE = View.from_domain(-1, 1, -1, 1), (33, 33)


def _confident(label: int) -> Network:
    """Class `label` everywhere with probability ~1: all weights 0, a large output bias."""
    net = Network.random((2, 3, 1), activation="tanh", output="sigmoid", seed=0)
    net.params[:] = 0.0
    net.b(1)[:] = 12.0 if label else -12.0
    return net


@pytest.mark.parametrize("label", [0, 1])
def test_region_colour_is_the_tinted_class_colour(renderer, label):
    renderer.set_network(_confident(label))
    img = renderer.image(SQUARE, SQUARE_SIZE, "classes").astype(float) / 255.0
    colour = colormaps.palette(colormaps.CLASS_COLOURS, 2)[label]
    want = 0.96 + (colour - 0.96) * colormaps.REGION_TINT
    assert np.abs(img - want).max() <= 1.5 / 255


def test_points_stand_out_from_their_own_region(renderer):
    renderer.set_network(_confident(1))
    one = np.ones((1, 1), np.float32)
    train = Dataset(
        "one",
        "binary",
        np.array([[0.0, 0.0]], np.float32),
        one,
        np.array([[0.5, 0.5]], np.float32),
        one,
    )
    img = renderer.image(SQUARE, SQUARE_SIZE, "classes", points=train).astype(int)
    background = img[2, 2]
    disc_centre = img[16, 16]  # domain (0, 0): a train point, filled
    ring_centre = img[8, 24]  # domain (0.5, 0.5): a test point, hollow
    assert np.abs(disc_centre - background).sum() > 120
    assert np.abs(ring_centre - background).sum() < 10  # the ring shows the region inside


def test_a_dead_neuron_is_a_flat_tile_of_the_middle(renderer):
    """The mosaic of a ReLU network is centred on 0 as every signed view is: a dead neuron
    (0 everywhere) is a flat tile of the map's middle, as the dying_relu preset shows it."""
    net = Network.random((2, 2, 1), activation="relu", output="sigmoid", seed=1)
    net.W(0)[0] = 0.0
    net.b(0)[0] = -1.0  # neuron 0 is off everywhere
    renderer.set_network(net)
    values = renderer.values(View(), (64, 32), "mosaic")
    colormap = load_preset("dying_relu").view.colormap
    img = renderer.image(View(), (64, 32), "mosaic", colormap)
    dead = (values[..., 1] == 0) & (values[..., 0] == 0)  # tile of neuron 0
    assert dead.sum() > 100
    middle = colormaps.lut(colormap)[colormaps.LUT_SIZE // 2]
    assert np.array_equal(np.unique(img[dead], axis=0), middle[None])


def test_representation_places_points_at_their_neuron_values(each_renderer, net):
    each_renderer.set_network(net)
    size = (80, 80)
    x = np.array([[0.3, 0.7]], np.float32)
    data = Dataset(
        "one", "binary", x, np.array([[1.0]], np.float32), x[:0], np.zeros((0, 1), np.float32)
    )
    img = each_renderer.values(VIEW, size, "representation:1:0:2", points=data)
    from shaderplay.gpu.overlays import representation_plot

    box = representation_plot(net, data, VIEW.domain_for(size), 1, (0, 2)).box
    q = net.forward_layers(x)[1][1][0, [0, 2]]
    col = (q[0] - box[0]) / (box[1] - box[0]) * size[0]
    row = (1 - (q[1] - box[2]) / (box[3] - box[2])) * size[1]
    orange = np.abs(img - np.array([245, 147, 34]) / 255).sum(axis=2) < 0.05
    rows, cols = np.nonzero(orange)
    assert abs(rows.mean() + 0.5 - row) < 1.0 and abs(cols.mean() + 0.5 - col) < 1.0


def test_numba_carries_the_plot_where_the_oracle_puts_it(net):
    from shaderplay.cpu.evaluator import CpuEvaluator
    from shaderplay.gpu.overlays import placed_plot, representation_plot

    x = np.array([[0.3, 0.7], [-0.5, 0.1], [0.9, -0.8]], np.float32)
    data = Dataset("three", "binary", x[:2], np.ones((2, 1), np.float32), x[2:], x[2:, :1])
    domain = VIEW.domain_for((80, 80))
    shown = representation_plot(net, data, domain, 1, (2, 0), pre=True)  # axes reversed
    placed = placed_plot(CpuEvaluator(net.spec), net.params, data, domain, 1, (2, 0), pre=True)
    q = net.forward_layers(shown.points[:, :2].astype(np.float64))[1][0][:, [2, 0]]
    assert np.allclose(placed.points[:, :2], q, atol=1e-5)
    assert np.array_equal(placed.points[:, 2:], shown.points[:, 2:])  # colours, rings
    grid = net.forward_layers(shown.grid[:, :2].astype(np.float64))[1][0][:, [2, 0]]
    assert np.allclose(placed.grid[:, :2], grid, atol=1e-5)  # the same segments, carried
    assert np.allclose(placed.box, shown.box, atol=1e-5)


@pytest.mark.parametrize(
    "mode, opts, match",
    [
        ("neuron:3:0", {}, "mode neuron: LAYER: got 3"),
        ("neuron:0:6", {}, "mode neuron: NEURON: got 6"),
        ("gradient:3", {}, "mode gradient: OUTPUT: got 3"),
        ("representation:1:0:9", {}, "mode representation: B: got 9"),
        ("target", {}, "target: got None"),
        (
            "error",
            {
                "target": Dataset(
                    "pts",
                    "binary",
                    *[np.zeros((1, 2), np.float32), np.zeros((1, 1), np.float32)] * 2,
                )
            },
            "target: got 'pts'",
        ),
        ("target", {"target": lambda xy: xy}, r"target: got 'values of shape \(957, 2\)'"),
        ("output", {"boundaries": [(0, 9)]}, "boundaries: got"),
        ("output", {"boundaries": ["x"]}, "boundaries: got 'x'"),
        ("output", {"points": [[0, 0]]}, "points: got 'list'"),
        ("output", {"line_width": -1}, "line_width: got -1"),
        ("output", {"glow": 1}, "render option: got 'glow'"),
    ],
)
def test_bad_mode_arguments_and_options(each_renderer, net, mode, opts, match):
    each_renderer.set_network(net)
    with pytest.raises(ShaderplayError, match=match) as err:
        each_renderer.image(VIEW, SIZE, mode, **opts)
    assert "\n" not in str(err.value)


def test_options_table_is_what_the_window_reads():
    assert {"boundaries", "points", "range", "target"} <= set(OPTIONS)
