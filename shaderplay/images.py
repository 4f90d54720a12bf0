"""Images as targets: (x, y) -> grey (1 output) or RGB (3 outputs) in [0, 1].

Geometry (the same as the renderer's): the image is resized so its longest
side has `image_size` pixels, aspect kept. The longer side spans [-1, 1] and
the shorter side proportionally less, centred on 0, so a W×H image (W >= H)
covers x in [-1, 1], y in [-H/W, H/W]. One sample per pixel, at the pixel's
centre; y grows upwards, so image row 0 (the top row) has the largest y.
Given a `domain` (target.domain other than the default), the image fills that
rectangle instead, stretched to it: GINN's [0, 1]² is `domain=(0, 1, 0, 1)`.

Pictures of an image target show where its data lies (`data_frame`: the
renderer's frame= overlay), and a view left at the default domain takes the
image's own (`image_view`), so the picture is the image, not the fit's
extrapolation beyond it.

A grey image with only pure black and pure white pixels is binary (kind
"binary", labels in {0, 1}): it is resized with a box filter and thresholded
at 0.5 so it stays binary. Transparent pixels are composited over white.
"""

import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .config import ViewConfig
from .dataset import Dataset
from .errors import ShaderplayError, bad_value
from .resources import asset_dir

# The image files a target can be (and the window takes when one is dropped on it).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
IMAGE_FILES = ", ".join(IMAGE_SUFFIXES[:-1]) + " or " + IMAGE_SUFFIXES[-1]  # ".png, .jpg or .jpeg"
MAX_PIXELS = 8192 * 8192  # below Pillow's decompression-bomb warning (89 million pixels)

# Built-in images, drawn by tools/make_assets.py: name -> (file, description).
IMAGES = {
    "bottle": ("bottle.png", "a bottle silhouette with a diamond label (GINN), binary"),
    "shapes": ("shapes.png", "a smiley among coloured shapes, 4:3, for RGB fits (color = true)"),
}


def data_frame(dataset) -> tuple[float, float, float, float] | None:
    """Where an image target's pixels lie (its domain), for the frame= overlay; None
    for any other target (its data has no edges to show)."""
    if isinstance(getattr(dataset, "field", None), PixelField):
        return tuple(dataset.domain)
    return None


def image_view(view: ViewConfig, dataset) -> ViewConfig:
    """`view` with an image target's own domain where it leaves the default one."""
    frame = data_frame(dataset)
    if frame is None or tuple(view.domain) != ViewConfig().domain:
        return view
    return replace(view, domain=frame)


def is_image(path) -> bool:
    """Whether `path` names an image file by its suffix (any case)."""
    return Path(path).suffix.lower() in IMAGE_SUFFIXES


def builtin_image_path(name: str) -> Path:
    return asset_dir() / "images" / IMAGES[name][0]


@dataclass(frozen=True)
class PixelField:
    """Nearest-pixel lookup of an image placed as described in the module doc: its
    left edge at `left`, its top at `top`, pixels `size` = (width, height) in domain units.

    Outside the image the nearest edge pixel is returned (like a texture's
    clamp-to-edge), so views of a wider domain show the border extended.
    """

    pixels: np.ndarray  # (H, W, C) float32, row 0 at the top
    left: float
    top: float
    size: tuple[float, float]

    def __call__(self, points) -> np.ndarray:
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        h, w = self.pixels.shape[:2]
        col = np.clip(np.floor((pts[:, 0] - self.left) / self.size[0]), 0, w - 1).astype(np.intp)
        row = np.clip(np.floor((self.top - pts[:, 1]) / self.size[1]), 0, h - 1).astype(np.intp)
        return self.pixels[row, col]


def placement(width: int, height: int, domain=None) -> tuple[tuple, PixelField]:
    """(the domain a W×H image covers, its PixelField without pixels yet): its own
    (the longer side over [-1, 1], square pixels) without a `domain`."""
    if domain is None:
        longest = max(width, height)
        half_w, half_h = width / longest, height / longest
        size = 2.0 * half_w / width  # square pixels
        covers = (-half_w, half_w, -half_h, half_h)
        return covers, PixelField(None, -half_w, half_h, (size, size))
    xmin, xmax, ymin, ymax = map(float, domain)
    size = ((xmax - xmin) / width, (ymax - ymin) / height)
    return (xmin, xmax, ymin, ymax), PixelField(None, xmin, ymax, size)


def _open(path: Path, field: str):
    """The image at `path`, loaded, turned as its EXIF orientation says, 16-bit grey brought
    to 8 bits by its full range, transparency composited over white; any file Pillow cannot
    decode, or one over MAX_PIXELS, is refused before its pixels are decoded."""
    from PIL import Image, ImageOps

    if not path.is_file():
        raise bad_value(field, str(path), f"an existing {IMAGE_FILES} file")
    size = None  # (W, H) once known; None when Pillow refused the size itself
    try:
        with warnings.catch_warnings():  # Pillow's own bomb warning: the size is checked here
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(path)
        size = img.size
        if size[0] * size[1] <= MAX_PIXELS:
            img.load()
            img = ImageOps.exif_transpose(img)
    except Image.DecompressionBombError:
        pass
    except Exception as exc:  # Pillow's decoders raise many kinds (truncated data, huge text)
        raise ShaderplayError(
            f"{field}: {str(path)!r} is not an image Pillow can read "
            f"({exc.__class__.__name__}: {exc}); allowed: a {IMAGE_FILES} file."
        ) from None
    if size is None or size[0] * size[1] > MAX_PIXELS:
        found = f"{size[0]}×{size[1]} pixels" if size else "too large for Pillow to open"
        raise ShaderplayError(
            f"{field}: {str(path)!r} is {found}; allowed: an image of at most "
            f"{MAX_PIXELS:,} pixels (8192×8192)."
        )
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit grey: 0..65535 onto 0..255
        grey = np.asarray(img, dtype=np.float64) * (255.0 / 65535.0)
        img = Image.fromarray(np.clip(np.round(grey), 0, 255).astype(np.uint8))
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, img.convert("RGBA"))
    return img


def read_pixels(path: Path, color: bool, image_size: int, field: str = "target.path"):
    """(pixels (H, W, C) float32 in [0, 1] with row 0 at the top, binary?)."""
    from PIL import Image

    img = _open(Path(path), field)
    img = img.convert("RGB" if color else "L")
    binary = not color and set(np.unique(np.asarray(img))) <= {0, 255}
    scale = image_size / max(img.size)
    size = (max(1, round(img.size[0] * scale)), max(1, round(img.size[1] * scale)))
    if size != img.size:
        img = img.resize(size, Image.Resampling.BOX if binary else Image.Resampling.LANCZOS)
    pixels = np.asarray(img, dtype=np.float32) / 255.0
    if binary:
        pixels = (pixels >= 0.5).astype(np.float32)
    pixels = pixels.reshape(pixels.shape[0], pixels.shape[1], -1)
    return np.clip(pixels, 0.0, 1.0), binary


def pixel_centres(width: int, height: int) -> np.ndarray:
    """Centres of a W×H image's pixels in row-major order (row 0 at the top), (H*W, 2)."""
    longest = max(width, height)
    size = 2.0 / longest
    x = -width / longest + (np.arange(width) + 0.5) * size
    y = height / longest - (np.arange(height) + 0.5) * size
    xx, yy = np.meshgrid(x, y)
    return np.stack([xx.ravel(), yy.ravel()], axis=1)


def image_dataset(
    path,
    name: str,
    color=False,
    image_size=128,
    noise=0.0,
    test_fraction=0.2,
    seed=0,
    domain=None,
) -> Dataset:
    """Fit an image file, placed on `domain` (None: its own, see the module doc).
    `noise` adds Gaussian noise of that σ to the values (clipped to [0, 1]; binary
    images re-thresholded at 0.5)."""
    pixels, binary = read_pixels(Path(path), color, image_size)
    h, w, c = pixels.shape
    covers, field = placement(w, h, domain)
    if domain is None:
        points = pixel_centres(w, h)
    else:  # pixel centres, row 0 at the top
        x = covers[0] + (np.arange(w) + 0.5) * field.size[0]
        y = covers[3] - (np.arange(h) + 0.5) * field.size[1]
        xx, yy = np.meshgrid(x, y)
        points = np.stack([xx.ravel(), yy.ravel()], axis=1)
    values = pixels.reshape(-1, c).astype(np.float64)
    rng = np.random.default_rng(seed)
    split_seed = int(rng.integers(2**31))  # drawn first: noise leaves the split alone
    if noise > 0:
        values = values + rng.normal(0.0, noise, values.shape)
        values = (values >= 0.5).astype(np.float64) if binary else np.clip(values, 0.0, 1.0)
    data = Dataset.from_arrays(
        points,
        values,
        name=name,
        kind="binary" if binary else "regression",
        test_fraction=test_fraction,
        seed=split_seed,
    )
    return replace(data, domain=covers, field=replace(field, pixels=pixels))
