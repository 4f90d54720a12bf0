"""Class colours: regions are a tint of their class colour (TensorFlow
Playground's look), so a data point -- drawn in the full class colour --
stands out from the region it lies in, and a train disc from a test ring.
Before, a confidently classified region had exactly its points' colour and
every point read as an empty ring."""

import numpy as np
import pytest

from shaderplay import colormaps
from shaderplay.dataset import Dataset
from shaderplay.network import Network
from shaderplay.view import View

VIEW, SIZE = View.from_domain(-1, 1, -1, 1), (33, 33)


@pytest.fixture
def renderer(ctx):
    from shaderplay.gpu.renderer import Renderer

    r = Renderer(ctx)
    yield r
    r.release()


def _confident(label: int) -> Network:
    """Class `label` everywhere with probability ~1: all weights 0, a large output bias."""
    net = Network.random((2, 3, 1), activation="tanh", output="sigmoid", seed=0)
    net.params[:] = 0.0
    net.b(1)[:] = 12.0 if label else -12.0
    return net


@pytest.mark.parametrize("label", [0, 1])
def test_region_colour_is_the_tinted_class_colour(renderer, label):
    renderer.set_network(_confident(label))
    img = renderer.image(VIEW, SIZE, "classes").astype(float) / 255.0
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
    img = renderer.image(VIEW, SIZE, "classes", points=train).astype(int)
    background = img[2, 2]
    disc_centre = img[16, 16]  # domain (0, 0): a train point, filled
    ring_centre = img[8, 24]  # domain (0.5, 0.5): a test point, hollow
    assert np.abs(disc_centre - background).sum() > 120
    assert np.abs(ring_centre - background).sum() < 10  # the ring shows the region inside
