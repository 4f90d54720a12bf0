"""The diagram's neuron thumbnails on a real (headless) GL context: the NumPy
atlas used on software GL shows what the renderer's neuron mode shows, the
GPU path (one renderer pass per cell) draws the same atlas, refreshes happen
only when the weights or view changed and at a bounded rate, their arithmetic
runs on a worker thread (a 14x400 net's too, on a smaller grid), and each
refresh starts from the newest weights asked for."""

import threading

import numpy as np
import pytest
from conftest import WAIT_S

from shaderplay.app import thumbnails as thumbnails_module
from shaderplay.app.thumbnails import (
    CELL,
    COLUMNS,
    MIN_CELL,
    MIN_INTERVAL_S,
    Thumbnails,
    atlas_image,
    cell_side,
)
from shaderplay.network import Network
from shaderplay.view import View

VIEW = View((0.1, -0.2), 1.3, None)


@pytest.fixture
def net():
    return Network.random((2, 5, 3, 1), activation="tanh", output="sigmoid", seed=4, scale=2.0)


def read_atlas(thumbs) -> np.ndarray:
    w, h = thumbs.fbo.size
    return np.frombuffer(thumbs.fbo.read(components=4), np.uint8).reshape(h, w, 4)


def cell(atlas, k) -> np.ndarray:
    x, y = (k % COLUMNS) * CELL, (k // COLUMNS) * CELL
    return atlas[y : y + CELL, x : x + CELL, :3].astype(np.float64)


@pytest.mark.renderer(evaluator="shader")
def test_each_cell_shows_its_neuron_as_the_renderer_does(renderer, net):
    renderer.set_network(net)
    units = [(0, 0), (0, 4), (1, 2), (2, 0)]
    atlas = atlas_image(net, VIEW, units, (COLUMNS * CELL, CELL))
    for k, (layer, unit) in enumerate(units):
        shown = renderer.image(VIEW, (CELL, CELL), f"neuron:{layer}:{unit}")[::-1]
        got = cell(atlas, k)
        assert got.std() > 10  # a picture, not a flat tile
        assert np.mean(np.abs(got - shown)) < 2.0, (layer, unit)


@pytest.mark.parametrize("evaluator", ["cpu", "shader"])
def test_both_paths_fill_the_same_atlas_and_refresh_only_on_change(
    ctx, net, renderer_for, evaluator
):
    renderer = renderer_for(evaluator=evaluator)
    thumbs = Thumbnails(ctx, renderer)
    try:
        renderer.set_network(net)
        assert thumbs.software == (evaluator == "cpu")
        now = 100.0
        for _ in range(50):  # the GPU path spreads a refresh over frames
            if thumbs.refresh(net, VIEW, "a", now=now):
                break
            assert thumbs.wait(WAIT_S)
        assert thumbs.refreshes == 1
        expected = atlas_image(net, VIEW, thumbs.units, thumbs.fbo.size)
        assert np.mean(np.abs(read_atlas(thumbs).astype(float) - expected)) < 2.0
        assert not thumbs.refresh(net, VIEW, "a", now=now + 10)  # same weights and view
        assert not thumbs.refresh(net, VIEW, "b", now=now + MIN_INTERVAL_S / 2)  # too soon
        for _ in range(50):
            if thumbs.refresh(net, VIEW, "b", now=now + 100):  # the cost measured / DUTY
                break
            assert thumbs.wait(WAIT_S)
        assert thumbs.refreshes == 2
    finally:
        thumbs.release()


def test_an_unbounded_unit_is_scaled_to_its_own_largest_value():
    from shaderplay.colormaps import lut

    net = Network.random((2, 6, 1), activation="relu", output="linear", seed=1, scale=0.05)
    units = [(0, u) for u in range(6)]
    atlas = atlas_image(net, VIEW, units, (COLUMNS * CELL, CELL))
    grid = View(VIEW.centre, VIEW.scale, None).grid((CELL, CELL)).reshape(-1, 2)
    fields = net.forward_layers(grid)[0][1]
    assert 0 < fields.max() < 0.5  # small weights: a fixed -1..1 range would look blank
    darkest_red = lut("diverging")[-1]
    for k in range(6):
        if fields[:, k].max() > 0:  # its strongest pixel takes the map's end
            assert (cell(atlas, k) == darkest_red).all(axis=-1).any(), k


def test_each_refresh_starts_from_the_newest_weights_and_says_how_far_behind(
    ctx, net, renderer_for
):
    thumbs = Thumbnails(ctx, renderer_for(evaluator="cpu"))
    try:
        assert not thumbs.refresh(net, VIEW, "a", now=0.0)  # computing "a" on its thread
        assert thumbs.wait(WAIT_S) and thumbs.refresh(net, VIEW, "b", now=0.0)  # "a" shown
        assert thumbs.shown_key == "a" and thumbs.behind == 1 and not thumbs.computing
        assert not thumbs.refresh(net, VIEW, "c", now=0.0)  # too soon: "b" is skipped
        assert thumbs.behind == 2
        assert not thumbs.refresh(net, VIEW, "c", now=100.0)  # begins from the newest
        assert thumbs.wait(WAIT_S) and thumbs.refresh(net, VIEW, "c", now=100.0)
        assert thumbs.shown_key == "c" and thumbs.behind == 0 and thumbs.refreshes == 2
    finally:
        thumbs.release()


def test_a_wide_net_is_drawn_off_the_frame_thread_on_a_smaller_grid(ctx, renderer_for, monkeypatch):
    wide = Network.random((2, *[400] * 14, 3), activation="tanh", output="sigmoid", seed=5)
    assert cell_side(wide.spec) == MIN_CELL < CELL
    assert cell_side(Network.random((2, 32, 32, 16, 1)).spec) == CELL  # the default net
    gate, threads = threading.Event(), []
    real = thumbnails_module.atlas_image

    def held(*args):  # the atlas's arithmetic, held until the test lets it go
        threads.append(threading.get_ident())
        assert gate.wait(WAIT_S)
        return real(*args)

    monkeypatch.setattr(thumbnails_module, "atlas_image", held)
    thumbs = Thumbnails(ctx, renderer_for(evaluator="cpu"))
    try:
        for frame in range(3):  # frames go on while the atlas is being computed
            assert not thumbs.refresh(wide, VIEW, ("w", frame))
            assert thumbs.computing and thumbs.refreshes == 0
        gate.set()
        assert thumbs.wait(WAIT_S) and thumbs.refresh(wide, VIEW, ("w", 2))
        assert threads and threading.get_ident() not in threads
        assert thumbs.shown_key == ("w", 0) and thumbs.behind == 2
        rows = -(-len(thumbs.units) // COLUMNS)
        assert thumbs.fbo.size == (COLUMNS * MIN_CELL, rows * MIN_CELL)
        expected = real(wide, VIEW, thumbs.units, thumbs.fbo.size, MIN_CELL)
        assert np.mean(np.abs(read_atlas(thumbs).astype(float) - expected)) < 2.0
    finally:
        gate.set()
        thumbs.release()
