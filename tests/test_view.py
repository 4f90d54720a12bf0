"""View: the one place pixels and domain points are converted (no GPU)."""

import numpy as np
import pytest

from shaderplay.errors import ShaderplayError
from shaderplay.view import MAX_COORD, View, parse_size


def test_grid_samples_pixel_centres_row0_top_y_up():
    view = View.from_domain(-2.0, 6.0, -1.0, 3.0)
    g = view.grid((4, 2))  # W=4, H=2
    assert g.shape == (2, 4, 2) and g.dtype == np.float64
    # x: centres of 4 equal cells spanning [-2, 6]; y: row 0 is the top half of [-1, 3].
    np.testing.assert_allclose(g[0, :, 0], [-1.0, 1.0, 3.0, 5.0])
    np.testing.assert_allclose(g[:, 0, 1], [2.0, 0.0])
    np.testing.assert_allclose(g[1, 3], [5.0, 0.0])


def test_domain_roundtrip_and_inverse():
    view = View.from_domain(-40.0, 40.0, -40.0, 40.0)
    assert view.domain == (-40.0, 40.0, -40.0, 40.0)
    pixels = np.random.default_rng(0).uniform(0, 37, (50, 2))
    back = view.domain_to_pixel(view.pixel_to_domain(pixels, (37, 23)), (37, 23))
    np.testing.assert_allclose(back, pixels, atol=1e-9)
    # The image corners are the domain corners.
    np.testing.assert_allclose(view.pixel_to_domain([0.0, 0.0], (37, 23)), [-40.0, 40.0])
    np.testing.assert_allclose(view.pixel_to_domain([37.0, 23.0], (37, 23)), [40.0, -40.0])


def test_aspect_none_keeps_pixels_square():
    view = View(centre=(1.0, 2.0), scale=0.5)
    assert view.domain_for((200, 100)) == (0.0, 2.0, 1.5, 2.5)
    px, py = view.pixel_size((200, 100))
    assert px == pytest.approx(py) == pytest.approx(0.01)
    # An explicit aspect stretches instead.
    stretched = View.from_domain(-1, 1, -1, 1)
    assert stretched.pixel_size((200, 100)) == (0.01, 0.02)


def test_zoom_about_keeps_the_point_under_the_cursor():
    view = View.from_domain(-1, 1, -1, 1)
    size = (64, 48)
    cursor = (10.25, 40.5)
    before = view.pixel_to_domain(cursor, size)
    zoomed = view.zoom_about(cursor, 30.0, size)
    np.testing.assert_allclose(zoomed.pixel_to_domain(cursor, size), before, atol=1e-12)
    assert zoomed.scale == pytest.approx(1 / 30)
    assert zoomed.zoom_about(cursor, 1 / 30, size).scale == pytest.approx(1.0)


def test_pan_follows_a_drag():
    view = View(centre=(0.0, 0.0), scale=1.0)
    size = (100, 100)
    grabbed = view.pixel_to_domain((30.0, 70.0), size)
    moved = view.pan((12.0, -5.0), size)  # drag right and up
    np.testing.assert_allclose(moved.pixel_to_domain((42.0, 65.0), size), grabbed, atol=1e-12)


def test_far_zoom_grid_keeps_precision():
    # 30x zoom centred off the origin: neighbouring pixels stay distinct and evenly spaced.
    view = View.from_domain(-40, 40, -40, 40).zoom_about((700.0, 300.0), 30.0**3, (1024, 1024))
    g = view.grid((64, 64))
    steps = np.diff(g[0, :, 0])
    np.testing.assert_allclose(steps, steps[0], rtol=1e-9)
    assert steps[0] > 0


@pytest.mark.parametrize(
    "text, expected", [("512x256", (512, 256)), (" 7X3 ", (7, 3)), ((37, 23), (37, 23))]
)
def test_parse_size(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize(
    "bad", ["512", "0x10", "10x-3", "axb", "1.5x3", (3.5, 2), (1, 2, 3), "99999x2", None]
)
def test_bad_sizes_are_refused_clearly(bad):
    with pytest.raises(ShaderplayError, match="size: got"):
        parse_size(bad)


@pytest.mark.parametrize(
    "bad", ["1,2,3", "a,b,c,d", "1,0,0,1", "0,1,1,1", "nan,1,0,1", "", "0,1,0,inf"]
)
def test_bad_view_strings_are_refused_clearly(bad):
    with pytest.raises(ShaderplayError) as err:
        View.parse(bad)
    assert "XMIN" in str(err.value) or "finite" in str(err.value)
    assert "\n" not in str(err.value)


def test_bad_view_fields():
    with pytest.raises(ShaderplayError, match="view.scale"):
        View(scale=0.0)
    with pytest.raises(ShaderplayError, match="view.aspect"):
        View(aspect=-1.0)
    with pytest.raises(ShaderplayError, match="view.centre"):
        View(centre=(0.0,))
    with pytest.raises(ShaderplayError, match="view"):
        View.coerce((0, 1, 2))
    assert View.coerce("-3,1,0,2").domain == (-3.0, 1.0, 0.0, 2.0)


# Views beyond what float32 shaders can hold are refused, not drawn wrong: a domain of
# +-1e40 overflowed to infinity in the shader and disagreed with Network.forward, silently.


@pytest.mark.parametrize("text", ["-1e40,1e40,-1,1", "0,1,-1e12,-1e11", "-2e9,0,0,1"])
def test_domains_beyond_float32_are_refused(text):
    with pytest.raises(ShaderplayError, match=r"within \+-1e\+09"):
        View.parse(text)


def test_views_beyond_float32_are_refused():
    with pytest.raises(ShaderplayError, match="view.centre"):
        View((2 * MAX_COORD, 0.0), 1.0)
    with pytest.raises(ShaderplayError, match="view.scale"):
        View((0.0, 0.0), 2 * MAX_COORD)
    with pytest.raises(ShaderplayError, match="view.aspect"):
        View((0.0, 0.0), MAX_COORD / 2, aspect=4.0)


def test_wide_views_inside_the_limit_still_work():
    assert View.parse("-1e9,1e9,-40,40").domain == (-1e9, 1e9, -40.0, 40.0)
    assert View.parse("-40,40,-40,40").scale == 40.0
