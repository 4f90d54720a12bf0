"""The mosaic of a ReLU network maps 0..1 onto the colormap, so a dead neuron
(0 everywhere) is a flat tile of the map's low end -- dark purple in
viridis, as the dying_relu preset shows it -- instead of the middle of a
-1..1 range that ReLU values never reach below."""

import numpy as np
import pytest

from shaderplay import colormaps
from shaderplay.modes import MODES
from shaderplay.network import Network
from shaderplay.presets import load_preset
from shaderplay.view import View


@pytest.fixture
def renderer(ctx):
    from shaderplay.gpu.renderer import Renderer

    r = Renderer(ctx)
    yield r
    r.release()


def test_relu_mosaic_range_is_zero_to_one():
    relu = Network.random((2, 4, 4, 1), activation="relu", seed=0).spec
    tanh = Network.random((2, 4, 4, 1), activation="tanh", seed=0).spec
    mixed = Network.random((2, 4, 4, 1), activation=["relu", "tanh"], seed=0).spec
    assert MODES["mosaic"].default_range((), relu) == (0.0, 1.0)
    assert MODES["mosaic"].default_range((), tanh) == (-1.0, 1.0)
    assert MODES["mosaic"].default_range((), mixed) == (-1.0, 1.0)


def test_a_dead_neuron_is_a_flat_tile_of_the_low_end(renderer):
    net = Network.random((2, 2, 1), activation="relu", output="sigmoid", seed=1)
    net.W(0)[0] = 0.0
    net.b(0)[0] = -1.0  # neuron 0 is off everywhere
    renderer.set_network(net)
    values = renderer.values(View(), (64, 32), "mosaic")
    img = renderer.image(View(), (64, 32), "mosaic", load_preset("dying_relu").view.colormap)
    dead = (values[..., 1] == 0) & (values[..., 0] == 0)  # tile of neuron 0
    assert dead.sum() > 100
    assert np.array_equal(np.unique(img[dead], axis=0), colormaps.lut("viridis")[:1])
