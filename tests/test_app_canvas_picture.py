"""The canvas picture's pacing on a real (headless) GL context: new weights
alone wait until the last render fits in its share of the time, a new view
renders at once, and a reduced picture is sharpened once training stops."""

from shaderplay.app.canvas_picture import DUTY, LONGEST_S, CanvasPicture
from shaderplay.spec import NetworkSpec
from shaderplay.view import View


class CountingRenderer:
    """Stands in for the Renderer: records the sizes it was asked to draw."""

    def __init__(self):
        self.sizes = []

    def draw(self, view, size, mode, colormap, fbo=None, viewport=None, **opts):
        self.sizes.append(tuple(size))


def test_new_weights_wait_for_their_share_and_a_new_view_does_not(ctx):
    renderer = CountingRenderer()
    picture = CanvasPicture(ctx, renderer)
    args, view, other = ("output", "viridis", {}), View((0, 0), 1.0, None), View((1, 0), 1.0, None)
    try:
        assert picture.update((1, "v"), view, (64, 48), args, adaptive=True, now=0.0)
        picture.render_seconds = 0.04  # as if that render had taken 40 ms
        soon = 0.5 * 0.04 / DUTY
        assert not picture.update((2, "v"), view, (64, 48), args, adaptive=True, now=soon)
        assert picture.update((2, "w"), other, (64, 48), args, adaptive=True, now=soon)  # panned
        picture.render_seconds = 0.04
        assert not picture.update(
            (3, "w"), other, (64, 48), args, adaptive=True, now=soon + 0.5 * 0.04 / DUTY
        )
        assert picture.update(
            (3, "w"), other, (64, 48), args, adaptive=True, now=soon + 0.04 / DUTY
        )
        assert len(renderer.sizes) == picture.renders == 3
        picture.render_seconds = 0.04  # at a watchable pace every snapshot is drawn at once
        assert picture.update((6, "w"), other, (64, 48), args, adaptive=True, now=soon, share=False)
        picture.scale = 0.5  # training: reduced pictures ...
        assert picture.update((4, "w"), other, (64, 48), args, adaptive=True, now=100.0)
        assert renderer.sizes[-1] == (32, 24) and picture.shown_scale == 0.5
        assert not picture.update((4, "w"), other, (64, 48), args, adaptive=True, now=100.1)
        # ... until they hold still or training stops: then drawn again at full size
        assert picture.update((4, "w"), other, (64, 48), args, adaptive=True, now=100.4)
        assert renderer.sizes[-1] == (64, 48) and picture.shown_scale == 1.0
        picture.scale = 0.5
        assert picture.update((5, "w"), other, (64, 48), args, adaptive=True, now=200.0)
        assert picture.update((5, "w"), other, (64, 48), args, adaptive=False, now=200.01)
        assert renderer.sizes[-1] == (64, 48)
    finally:
        picture.release()


class OptsRenderer(CountingRenderer):
    def draw(self, view, size, mode, colormap, fbo=None, viewport=None, **opts):
        super().draw(view, size, mode, colormap, fbo, viewport, **opts)
        self.opts = opts


def test_a_reduced_picture_leaves_the_points_to_imgui_in_class_colours(ctx):
    from shaderplay.app import canvas_points
    from shaderplay.config import TargetConfig
    from shaderplay.targets import make_dataset

    data = make_dataset(TargetConfig("spiral", n_points=400))
    renderer = OptsRenderer()
    picture = CanvasPicture(ctx, renderer)
    view, args = View((0, 0), 1.0, None), ("output", "viridis", {"points": data})
    try:
        picture.scale = 0.25
        assert picture.update((1, "v"), view, (64, 48), args, adaptive=True, now=0.0)
        assert "points" not in renderer.opts  # not stretched into blobs
        rows = picture._points  # drawn in the view the canvas shows at the time
        assert len(rows) == len(data.x_train) + len(data.x_test)
        colours = canvas_points.packed(rows[:, 2:6])
        assert len(set(colours[rows[:, 6] == 0].tolist())) == 2  # the two class colours
        assert picture.update((1, "v"), view, (64, 48), args, adaptive=False, now=1.0)
        assert renderer.opts["points"] is data and picture._points is None  # sharp: the renderer's
    finally:
        picture.release()


def test_a_reduced_mosaic_draws_no_points_over_its_tiles(ctx):
    """The mosaic (like any mode without the points overlay) has no place for the data
    in the canvas's coordinates: its reduced picture gets no imgui points either."""
    from shaderplay.config import TargetConfig
    from shaderplay.targets import make_dataset

    data = make_dataset(TargetConfig("spiral", n_points=100))
    picture = CanvasPicture(ctx, OptsRenderer())
    try:
        picture.scale = 0.25
        args = ("mosaic", "viridis", {"points": data})
        assert picture.update((1, "v"), View((0, 0), 1.0, None), (64, 48), args, adaptive=True)
        assert picture._points is None
    finally:
        picture.release()


def test_a_preview_thins_many_points_evenly():
    from shaderplay.app import canvas_points
    from shaderplay.config import TargetConfig
    from shaderplay.targets import make_dataset

    data = make_dataset(TargetConfig("spiral", n_points=8000))
    rows = canvas_points.preview_rows(data)
    assert len(rows) == canvas_points.MOST
    assert rows[0, :2].tolist() == data.x_train[0].tolist()  # first and last kept
    assert rows[-1, :2].tolist() == data.x_test[-1].astype("float32").tolist()


class HeavyRenderer(CountingRenderer):
    """A 14 x 400 net, as neylon_wide: 2.2M multiply-adds a pixel."""

    spec = NetworkSpec(hidden=(400,) * 14, activations=("tanh",) * 14, n_out=3)


def test_a_heavy_picture_is_drawn_at_the_size_its_time_allows_and_kept(ctx):
    renderer = HeavyRenderer()
    picture = CanvasPicture(ctx, renderer)
    args, view = ("output", "viridis", {}), View((0, 0), 1.0, None)
    try:  # full size at the assumed rate would take ~seconds: a smaller picture instead
        assert picture.update((1, "v"), view, (640, 480), args, adaptive=False, now=0.0)
        (w, h), macs = renderer.sizes[-1], 2 * 400 + 13 * 400 * 400 + 400 * 3
        assert w < 640 and macs * w * h <= LONGEST_S * picture.rate * 1.1
        # that is the best picture this net gets: no re-render while nothing changes
        assert not picture.update((1, "v"), view, (640, 480), args, adaptive=False, now=5.0)
        lines = ("boundaries", "viridis", {})  # twice the work: smaller still
        assert picture.update((1, "v", "b"), view, (640, 480), lines, adaptive=False, now=6.0)
        assert renderer.sizes[-1][0] < w
    finally:
        picture.release()
