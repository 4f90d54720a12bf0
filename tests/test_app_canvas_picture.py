"""The canvas picture's pacing on a real (headless) GL context: new weights
alone wait until the last render fits in its share of the time, a new view
renders at once, and a reduced picture is sharpened once training stops."""

import os
import threading
import time

import numpy as np
import pytest

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


def test_a_reduced_picture_leaves_the_points_to_the_full_resolution_layer(ctx):
    from shaderplay.config import TargetConfig
    from shaderplay.targets import make_dataset

    data = make_dataset(TargetConfig("spiral", n_points=400))
    renderer = OptsRenderer()
    picture = CanvasPicture(ctx, renderer)
    view, args = View((0, 0), 1.0, None), ("output", "viridis", {"points": data})
    try:
        picture.scale = 0.25
        assert picture.update((1, "v"), view, (64, 48), args, adaptive=True, now=0.0)
        assert "points" not in renderer.opts and picture._points is data  # not blobs
        assert picture.update((1, "v"), view, (64, 48), args, adaptive=False, now=1.0)
        assert renderer.opts["points"] is data and picture._points is None  # sharp: the renderer's
    finally:
        picture.release()


def test_the_points_layer_holds_the_points_in_class_colours_and_only_them(ctx, make_renderer):
    """Drawn by the renderer's points pass at the canvas's resolution over transparency,
    and again only when the view moves (not when the weights do)."""
    from shaderplay.app.canvas_points import PointsLayer
    from shaderplay.config import TargetConfig
    from shaderplay.network import Network
    from shaderplay.targets import make_dataset

    renderer = make_renderer(evaluator="cpu")
    renderer.set_network(Network.random((2, 8, 1), seed=0))
    data = make_dataset(TargetConfig("spiral", n_points=200))
    layer, view = PointsLayer(ctx, renderer), View((0, 0), 1.3, None)
    try:
        layer.update(data, view, (96, 96))
        w, h = layer.fbo.size
        rgba = np.frombuffer(layer.fbo.read(components=4), np.uint8).reshape(h, w, 4)
        assert (w, h) == (96, 96) and 0.02 < (rgba[..., 3] > 0).mean() < 0.9
        solid = rgba[rgba[..., 3] == 255][:, :3]
        reference = renderer.image(view, (96, 96), "output", points=data)  # the same discs
        covered = rgba[::-1][..., 3] == 255
        assert np.abs(reference[covered].astype(int) - rgba[::-1][covered][:, :3]).max() <= 1
        assert len({tuple(c) for c in solid if c.max() > 60}) >= 2  # both classes' colours
        layer.update(data, view, (96, 96))
        renderer.upload(Network.random((2, 8, 1), seed=1).params)
        layer.update(data, view, (96, 96))
        assert layer.draws == 1  # the weights changed, the points did not
        layer.update(data, View((0.1, 0), 1.3, None), (96, 96))
        assert layer.draws == 2
    finally:
        layer.release()


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


# --- the background painter (a renderer whose CPU computes the picture) ---------------


class Gated:
    """A renderer's PictureMaker whose pictures wait for `gate` (set: they go through)."""

    def __init__(self, maker):
        self.maker, self.gate = maker, threading.Event()
        self.gate.set()

    def __getattr__(self, name):
        return getattr(self.maker, name)

    def make(self, *args):
        assert self.gate.wait(30)
        return self.maker.make(*args)


def _texture(picture) -> np.ndarray:
    w, h = picture.fbo.size
    data = picture.fbo.read(components=4, attachment=0)
    return np.frombuffer(data, np.uint8).reshape(h, w, 4)[::-1, :, :3]


@pytest.fixture
def painted(ctx, make_renderer):
    """(CanvasPicture of a CPU renderer with a 2-12-12-3 net, its Gated maker, renderer)."""
    from shaderplay.cpu.ahead import lines_ready, prepare
    from shaderplay.network import Network

    assert prepare(wait=True)  # the kernels loaded: the painter is used from the start
    lines_ready()  # the boundary lines' too (the painter waits for all three)
    renderer = make_renderer(evaluator="cpu")
    renderer.set_network(Network.random((2, 12, 12, 3), seed=1))
    picture = CanvasPicture(ctx, renderer)
    picture._maker = gated = Gated(picture._maker)
    yield picture, gated, renderer
    gated.gate.set()
    picture.release()


def test_the_painter_makes_the_renderers_own_picture(painted):
    picture, _, renderer = painted
    view, size, args = View((0.0, 0.0), 1.0, None), (64, 48), ("output", "viridis", {})
    assert picture.update((1, (view, "output")), view, size, args, adaptive=False)
    assert picture._painter is not None  # the CPU path went to the painter's thread
    assert np.array_equal(_texture(picture), renderer.image(view, size, "output", "viridis"))


def test_frames_go_on_while_a_picture_is_made_and_the_last_one_stands_in_moved(painted):
    """A new view's picture does not hold the frame up: the last picture stays, placed
    where its domain lies in the new view, until the new one is taken in."""
    from shaderplay.app.canvas import Rect

    picture, gated, _ = painted
    view, size, args = View((0.0, 0.0), 1.0, None), (64, 48), ("output", "viridis", {})
    rect = Rect(10.0, 20.0, 64.0, 48.0)
    picture.update((1, (view, "output")), view, size, args, adaptive=False)
    assert picture._placed(rect) == ((10.0, 20.0), (74.0, 68.0))
    gated.gate.clear()  # the next picture takes as long as the test wants
    zoomed = View((0.25, 0.0), 0.5, None)  # 2x, centred right of the old centre
    start = time.perf_counter()
    assert picture.update((1, (zoomed, "output")), zoomed, size, args, adaptive=False)
    assert time.perf_counter() - start < 5.0 and picture._painter.busy
    assert picture._job.view == view  # the old picture, twice as large, moved left:
    (x0, y0), (x1, y1) = picture._placed(rect)  # 48 canvas pixels per unit, 0.25 -> 12 px
    assert (x1 - x0, y1 - y0) == pytest.approx((128.0, 96.0))
    assert ((x0 + x1) / 2, (y0 + y1) / 2) == pytest.approx((10 + 32 - 12, 20 + 24))
    assert not picture.update((1, (zoomed, "output")), zoomed, size, args, adaptive=False)
    gated.gate.set()
    assert picture._painter.take(30) is not None or picture._job.view == zoomed


def test_a_new_network_is_waited_for_so_no_other_networks_picture_shows(painted):
    from shaderplay.network import Network

    picture, gated, renderer = painted
    view, size, args = View((0.0, 0.0), 1.0, None), (64, 48), ("output", "viridis", {})
    picture.update((1, (view, "output")), view, size, args, adaptive=False)
    picture.render_seconds = 60.0  # new weights alone would wait: a new network must not
    wider = Network.random((2, 20, 3), seed=2)
    renderer.set_network(wider)
    picture.update((2, (view, "output")), view, size, args, adaptive=False)
    assert picture._job.spec == wider.spec  # taken in within the frame


def test_the_painter_yields_the_cpu_to_the_frame_and_the_trainer():
    """Its thread runs at canvas_worker.NICE (Linux: read back from /proc), this one not."""
    from pathlib import Path

    from shaderplay.app import canvas_worker

    seen = {}

    class Maker:
        def make(self, *args):
            seen["thread"] = threading.get_native_id()
            return np.zeros((1, 1, 4), np.uint8)

    def nice(tid: int) -> int:
        stat = Path(f"/proc/self/task/{tid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[16])  # field 19: nice

    painter = canvas_worker.Painter(Maker())
    job = canvas_worker.Job(0, None, None, None, (1, 1), (1, 1), 1.0, ("output", None, {}), 0, 0)
    painter.submit(job)
    assert painter.take(30) is not None
    assert nice(seen["thread"]) == os.nice(0) + canvas_worker.NICE
    assert nice(threading.get_native_id()) == os.nice(0)
    painter.close()
