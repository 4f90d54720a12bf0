"""Image targets: orientation (row 0 at the top, y up), aspect, pixel centres,
grey/RGB/binary, the nearest-pixel field, built-in images, bad files."""

import numpy as np
import pytest
from PIL import Image

from shaderplay.errors import ShaderplayError
from shaderplay.images import IMAGE_SUFFIXES, IMAGES, pixel_centres
from shaderplay.targets import file_kind, load_target


@pytest.fixture
def corner_png(tmp_path):
    """6 wide × 4 high, black; a white pixel top-left, a grey one bottom-right."""
    pixels = np.zeros((4, 6), np.uint8)
    pixels[0, 0] = 255
    pixels[3, 5] = 128
    path = tmp_path / "corner.png"
    Image.fromarray(pixels).save(path)
    return path


def _all(d):
    return np.concatenate([d.x_train, d.x_test]), np.concatenate([d.y_train, d.y_test])


def test_top_left_pixel_lands_at_negative_x_positive_y(corner_png):
    d = load_target(corner_png, image_size=6, test_fraction=0.25)
    assert d.kind == "regression" and d.n_out == 1
    assert d.domain == pytest.approx((-1.0, 1.0, -4 / 6, 4 / 6))
    x, y = _all(d)
    assert len(x) == 24 and len(d.x_test) == 6
    white = x[y[:, 0] == 1.0]
    grey = x[np.isclose(y[:, 0], 128 / 255)]
    # Pixels are 2/6 wide; centres sit half a pixel in from the edges.
    np.testing.assert_allclose(white, [[-1 + 1 / 6, 4 / 6 - 1 / 6]], atol=1e-6)
    np.testing.assert_allclose(grey, [[1 - 1 / 6, -4 / 6 + 1 / 6]], atol=1e-6)


def test_field_is_nearest_pixel_inside_and_clamps_outside(corner_png):
    d = load_target(corner_png, image_size=6)
    x, y = _all(d)
    np.testing.assert_array_equal(d.field(x), y)
    # Anywhere inside the top-left pixel, and beyond the corner, reads that pixel.
    inside = d.field(np.array([[-0.99, 0.66], [-0.7, 0.35], [-5.0, 5.0]]))
    np.testing.assert_array_equal(inside[:, 0], [1.0, 1.0, 1.0])
    assert d.field(np.array([[-0.6, 0.35]]))[0, 0] == 0.0  # the next pixel to the right


def test_a_domain_places_the_image_on_that_rectangle(corner_png):
    # GINN's coordinates: the 6 x 4 image stretched over [0, 1]², y up.
    d = load_target(corner_png, image_size=6, test_fraction=0.0, domain=(0.0, 1.0, 0.0, 1.0))
    assert d.domain == (0.0, 1.0, 0.0, 1.0)
    x, y = _all(d)
    np.testing.assert_allclose(x[y[:, 0] == 1.0], [[1 / 12, 7 / 8]], atol=1e-6)
    np.testing.assert_allclose(x[np.isclose(y[:, 0], 128 / 255)], [[11 / 12, 1 / 8]], atol=1e-6)
    np.testing.assert_array_equal(d.field(x), y)
    assert d.field(np.array([[0.01, 0.99], [-3.0, 3.0]]))[:, 0].tolist() == [1.0, 1.0]
    assert d.field(np.array([[0.2, 0.99]]))[0, 0] == 0.0  # the second column


def test_resize_keeps_aspect_and_longest_side(corner_png):
    d = load_target(corner_png, image_size=12, test_fraction=0.0)
    assert len(d.x_train) == 12 * 8 and d.domain == pytest.approx((-1, 1, -8 / 12, 8 / 12))
    tall = Image.fromarray(np.zeros((10, 5), np.uint8))
    path = corner_png.parent / "tall.jpg"
    tall.save(path)
    t = load_target(path, image_size=20)
    assert t.domain == pytest.approx((-0.5, 0.5, -1.0, 1.0))
    assert len(t.x_train) + len(t.x_test) == 200


def test_color_gives_three_channels_in_order(tmp_path):
    pixels = np.zeros((2, 2, 3), np.uint8)
    pixels[0, 1] = (255, 0, 0)  # top-right red
    pixels[1, 0] = (0, 0, 255)  # bottom-left blue
    path = tmp_path / "rgb.png"
    Image.fromarray(pixels).save(path)
    d = load_target(path, color=True, image_size=2)
    assert d.n_out == 3 and d.kind == "regression"
    np.testing.assert_array_equal(
        d.field(np.array([[0.5, 0.5], [-0.5, -0.5]])), [[1, 0, 0], [0, 0, 1]]
    )


def test_pixel_centres_row_major_from_the_top():
    c = pixel_centres(2, 2)
    np.testing.assert_allclose(c, [[-0.5, 0.5], [0.5, 0.5], [-0.5, -0.5], [0.5, -0.5]])


def test_bottle_is_binary_symmetric_with_a_diamond():
    d = load_target("bottle", image_size=64, test_fraction=0.2, seed=0)
    assert d.kind == "binary" and d.n_out == 1 and d.name == "bottle"
    _, y = _all(d)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert len(y) == 64 * 64
    # Left-right symmetric (GINN's good runs exploit it), bottle white, background black.
    pts = pixel_centres(64, 64)
    values = d.field(pts).reshape(64, 64)
    assert np.mean(values != values[:, ::-1]) < 0.01
    assert values[0, 0] == 0 and values[40, 20] == 1  # corner, belly beside the diamond
    assert values[42, 32] == 0  # the diamond in the belly


def test_shapes_is_colourful_and_four_by_three():
    d = load_target("shapes", color=True, image_size=32)
    assert d.n_out == 3 and d.domain == pytest.approx((-1, 1, -0.75, 0.75))
    assert len(d.x_train) + len(d.x_test) == 32 * 24
    assert d.y_train.std(axis=0).min() > 0.1  # every channel varies


def test_every_builtin_image_loads():
    for name in IMAGES:
        assert len(load_target(name, image_size=16).x_train) > 0


def test_binary_noise_flips_labels_and_stays_binary():
    clean = load_target("bottle", image_size=32)
    noisy = load_target("bottle", image_size=32, noise=0.3)
    assert set(np.unique(noisy.y_train)) == {0.0, 1.0}
    flipped = np.mean(clean.y_train != noisy.y_train)
    assert 0.02 < flipped < 0.3


def test_missing_and_unreadable_images(tmp_path):
    with pytest.raises(
        ShaderplayError, match=r"target.path: got '.*nope.png'; allowed: an existing"
    ):
        load_target(tmp_path / "nope.png")
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    with pytest.raises(ShaderplayError, match="not an image Pillow can read"):
        load_target(bad)


@pytest.mark.parametrize("suffix", [*IMAGE_SUFFIXES, *(s.upper() for s in IMAGE_SUFFIXES)])
def test_every_image_suffix_of_the_table_loads(tmp_path, suffix):
    """The one suffix table: what file_kind (and so a window's drop) calls an image loads."""
    path = tmp_path / f"grey{suffix}"
    Image.fromarray(np.full((4, 4), 200, np.uint8)).save(path)
    assert file_kind(path) == "image"
    d = load_target(path, image_size=4, test_fraction=0.0)
    assert d.kind == "regression" and d.x_train.shape == (16, 2)
    assert load_target("image", path=str(path), image_size=4).n_out == 1


def test_other_suffixes_are_refused_naming_the_table(tmp_path):
    path = tmp_path / "grey.bmp"
    Image.fromarray(np.full((4, 4), 200, np.uint8)).save(path)
    assert file_kind(path) is None
    with pytest.raises(ShaderplayError) as err:
        load_target("image", path=str(path))
    assert str(err.value).startswith("target.path: got") and ", ".join(IMAGE_SUFFIXES[:-1]) in str(
        err.value
    )
