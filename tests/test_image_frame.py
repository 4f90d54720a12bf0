"""Image targets show where their data lies: a thin frame over the picture at the
image's edges, and a view left at the default domain takes the image's own."""

import numpy as np
import pytest

from shaderplay.build import build
from shaderplay.cli.render import picture_options
from shaderplay.config import ViewConfig
from shaderplay.errors import ShaderplayError
from shaderplay.images import data_frame, image_view
from shaderplay.sources import load_source, read_preset
from shaderplay.targets import load_target
from shaderplay.view import View

SIZE = (100, 80)
VIEW = View.from_domain(-1.25, 1.25, -1.0, 1.0)  # 0.025 per pixel, wider than the image


def test_the_frame_lies_on_the_images_edges(each_renderer):
    """shapes is 4:3: x in [-1, 1] -> columns 10..89, y in [-0.75, 0.75] -> rows 10..69;
    the frame covers the pixels on both sides of each edge, nothing else."""
    source = load_source("fourier_image")
    assert data_frame(source.dataset) == (-1.0, 1.0, -0.75, 0.75)
    each_renderer.set_network(source.net)
    plain = each_renderer.image(VIEW, SIZE)
    framed = each_renderer.image(VIEW, SIZE, frame=data_frame(source.dataset))
    changed = np.any(plain != framed, axis=2)
    lines = np.zeros(SIZE[::-1], bool)
    lines[9:71, [9, 10, 89, 90]] = True
    lines[[9, 10, 69, 70], 9:91] = True
    assert changed[lines].mean() > 0.95  # the line (a pixel may keep its colour by chance)
    assert not changed[~lines].any()  # and nothing but the line
    assert np.all(framed[40, 9] > 150 * np.array([1, 0.6, 0]))  # amber


def test_only_image_targets_get_a_frame_and_image_presets_see_their_image():
    assert data_frame(load_target("fancy_sine")) is None
    shapes = load_target("shapes", color=True, image_size=32)
    assert image_view(ViewConfig(), shapes).domain == (-1.0, 1.0, -0.75, 0.75)
    chosen = ViewConfig(domain=(-2.0, 2.0, -2.0, 2.0))
    assert image_view(chosen, shapes) is chosen  # a domain the preset chose is kept
    preset = read_preset("fourier_image", changes={"view.domain": [-1.0, 1.0, -1.0, 1.0]})
    assert load_source("fourier_image", changes={"view.domain": [-1, 1, -1, 1]}).domain == (
        -1.0,
        1.0,
        -0.75,
        0.75,
    )
    net, data, _ = build(preset)
    assert picture_options("output", net, data)["frame"] == (-1.0, 1.0, -0.75, 0.75)
    assert "frame" not in picture_options("mosaic", net, data)  # tiles, not the domain


def test_a_bad_frame_is_refused(renderer):
    renderer.set_network(load_source("default").net)
    with pytest.raises(ShaderplayError, match="frame.*each min < its max"):
        renderer.image(VIEW, SIZE, frame=(1, -1, 0, 1))


def test_the_canvas_of_an_image_fits_its_shape_inside_the_space_given():
    from shaderplay.view import fit_within

    assert fit_within((669, 600), (-1.0, 1.0, -0.75, 0.75)) == (669, 502)  # 4:3, width-bound
    assert fit_within((900, 600), (-1.0, 1.0, -1.0, 1.0)) == (600, 600)  # square, height-bound
    assert fit_within((1, 600), (-1.0, 1.0, -0.01, 0.01)) == (1, 1)  # never empty
