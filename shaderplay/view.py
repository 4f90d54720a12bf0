"""View: which part of the input plane a picture shows. The ONE place where
pixels and domain coordinates are converted.

Conventions (DESIGN.md):
- an image has `size = (W, H)` pixels; pixel (row 0, col 0) is the top-left;
- x grows to the right and y grows UPWARDS;
- each pixel is sampled at its centre: pixel (row r, col c) shows the domain
  point (xmin + (c + 0.5) * (xmax - xmin) / W, ymax - (r + 0.5) * (ymax - ymin) / H);
- continuous pixel positions (mouse, `pixel_to_domain`) are (x_px, y_px) with
  the origin at the top-left CORNER of the image, so pixel (r, c) has its
  centre at (c + 0.5, r + 0.5).

A View is a centre, a `scale` (half the height of the domain) and an
`aspect` (domain width / height). `aspect=None` follows the picture: square
pixels whatever the window's shape (what the window uses).
Every point is computed as centre + offset * pixel_size, never as
xmin + i * step: at a 30x zoom far from the origin the difference of two
large, nearly equal numbers would eat the float32 precision the shader has.
"""

import math
import re
from dataclasses import dataclass, replace

import numpy as np

from .config import MAX_COORD
from .errors import bad_value

MAX_SIDE = 16384  # GL_MAX_TEXTURE_SIZE on common drivers; an offscreen frame must fit
# Shaders compute in float32: beyond this, x**2 features overflow (3.4e38) and
# the picture stops matching Network.forward; no picture needs more.
_WITHIN = f"within +-{MAX_COORD:g} (the shaders compute in float32)"


def parse_size(size) -> tuple[int, int]:
    """`(W, H)` or the string "WxH" -> (W, H), each 1..MAX_SIDE."""
    text = size
    if isinstance(size, str):
        m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", size)
        if not m:
            raise bad_value("size", text, "WIDTHxHEIGHT in pixels, e.g. 512x512")
        size = (int(m.group(1)), int(m.group(2)))
    try:
        w, h = (int(v) for v in size)
        ok = all(float(v) == int(v) for v in size)
    except (TypeError, ValueError):
        raise bad_value("size", text, "(width, height) in pixels, e.g. (512, 512)") from None
    if not ok or not (1 <= w <= MAX_SIDE and 1 <= h <= MAX_SIDE):
        raise bad_value("size", text, f"two whole numbers of pixels, each 1..{MAX_SIDE}")
    return w, h


def size_for(domain, longest: int = 512) -> tuple[int, int]:
    """A picture size with the shape of `domain`: its longer side `longest` pixels."""
    xmin, xmax, ymin, ymax = domain
    aspect = (xmax - xmin) / (ymax - ymin)
    if aspect >= 1.0:
        return longest, max(1, round(longest / aspect))
    return max(1, round(longest * aspect)), longest


def fit_within(size, domain) -> tuple[int, int]:
    """The largest whole (W, H) with the shape of `domain` inside `size` (W, H)."""
    xmin, xmax, ymin, ymax = domain
    aspect = (xmax - xmin) / (ymax - ymin)
    w, h = int(size[0]), int(size[1])
    if w / aspect <= h:
        return w, max(1, min(h, round(w / aspect)))
    return max(1, min(w, round(h * aspect))), h


def _finite(field, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise bad_value(field, value, "a finite number") from None
    if not math.isfinite(v):
        raise bad_value(field, value, "a finite number")
    return v


@dataclass(frozen=True)
class View:
    centre: tuple[float, float] = (0.0, 0.0)
    scale: float = 1.0  # half the height of the domain
    aspect: float | None = None  # domain width / height; None: follow the picture (square pixels)

    def __post_init__(self):
        try:
            cx, cy = self.centre
        except (TypeError, ValueError):
            raise bad_value("view.centre", self.centre, "a pair of finite numbers (x, y)") from None
        object.__setattr__(
            self, "centre", (_finite("view.centre x", cx), _finite("view.centre y", cy))
        )
        if max(map(abs, self.centre)) > MAX_COORD:
            raise bad_value("view.centre", self.centre, f"a point {_WITHIN}")
        scale = _finite("view.scale", self.scale)
        if not 0.0 < scale <= MAX_COORD:
            raise bad_value(
                "view.scale", self.scale, f"a number > 0 (half the height of the domain), {_WITHIN}"
            )
        object.__setattr__(self, "scale", scale)
        if self.aspect is not None:
            aspect = _finite("view.aspect", self.aspect)
            if not aspect > 0.0:
                raise bad_value(
                    "view.aspect", self.aspect, "a number > 0, or None to follow the picture"
                )
            if scale * aspect > MAX_COORD:
                raise bad_value(
                    "view.aspect",
                    self.aspect,
                    f"a number > 0 keeping half the width (scale x aspect) {_WITHIN}",
                )
            object.__setattr__(self, "aspect", aspect)

    # --- construction ----------------------------------------------------------
    @classmethod
    def from_domain(cls, xmin, xmax, ymin, ymax) -> "View":
        xmin, xmax, ymin, ymax = (
            _finite(n, v)
            for n, v in zip(("xmin", "xmax", "ymin", "ymax"), (xmin, xmax, ymin, ymax))
        )
        if not (xmax > xmin and ymax > ymin):
            raise bad_value(
                "view",
                (xmin, xmax, ymin, ymax),
                "XMIN,XMAX,YMIN,YMAX with XMIN < XMAX and YMIN < YMAX",
            )
        if max(abs(xmin), abs(xmax), abs(ymin), abs(ymax)) > MAX_COORD:
            raise bad_value("view", (xmin, xmax, ymin, ymax), f"XMIN,XMAX,YMIN,YMAX {_WITHIN}")
        return cls(
            ((xmin + xmax) / 2, (ymin + ymax) / 2), (ymax - ymin) / 2, (xmax - xmin) / (ymax - ymin)
        )

    @classmethod
    def fit(cls, domain, size) -> "View":
        """The square-pixel View that shows all of `domain` (xmin, xmax, ymin, ymax)
        on a `size` = (W, H) picture: centred, widened along one axis to the picture's shape."""
        xmin, xmax, ymin, ymax = cls.from_domain(*domain).domain
        if isinstance(size, str):
            size = parse_size(size)
        # A window's canvas is in (possibly fractional) window units, 0 when minimised.
        w, h = (max(1.0, float(v)) for v in size)
        scale = max((ymax - ymin) / 2.0, (xmax - xmin) / 2.0 * h / w)
        return cls(((xmin + xmax) / 2.0, (ymin + ymax) / 2.0), scale, None)

    @classmethod
    def parse(cls, text: str) -> "View":
        """The CLI form "XMIN,XMAX,YMIN,YMAX"."""
        parts = str(text).split(",")
        try:
            values = [float(p) for p in parts]
        except ValueError:
            values = []
        if len(values) != 4:
            raise bad_value("view", text, "four numbers XMIN,XMAX,YMIN,YMAX, e.g. -1,1,-1,1")
        return cls.from_domain(*values)

    @classmethod
    def coerce(cls, view) -> "View":
        """A View, a (xmin, xmax, ymin, ymax) tuple, or a "XMIN,XMAX,YMIN,YMAX" string."""
        if view is None:
            return cls()
        if isinstance(view, View):
            return view
        if isinstance(view, str):
            return cls.parse(view)
        try:
            values = tuple(view)
        except TypeError:
            values = ()
        if len(values) != 4:
            raise bad_value("view", view, "a View or (xmin, xmax, ymin, ymax)")
        return cls.from_domain(*values)

    # --- geometry ----------------------------------------------------------------
    def half_extent(self, size=None) -> tuple[float, float]:
        """Half width and half height of the domain for a picture of `size`."""
        if self.aspect is not None:
            return self.scale * self.aspect, self.scale
        w, h = (1, 1) if size is None else parse_size(size)
        return self.scale * w / h, self.scale

    def domain_for(self, size=None) -> tuple[float, float, float, float]:
        hx, hy = self.half_extent(size)
        cx, cy = self.centre
        return cx - hx, cx + hx, cy - hy, cy + hy

    @property
    def domain(self) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax); with aspect None, the square-aspect domain."""
        return self.domain_for(None)

    def pixel_size(self, size) -> tuple[float, float]:
        """Domain units per pixel along x and y (both positive)."""
        w, h = parse_size(size)
        hx, hy = self.half_extent((w, h))
        return 2.0 * hx / w, 2.0 * hy / h

    def pixel_to_domain(self, pixel, size) -> np.ndarray:
        """Continuous pixel positions (..., 2) as (x_px, y_px), origin at the top-left corner
        -> points of the domain (..., 2)."""
        w, h = parse_size(size)
        px, py = self.pixel_size((w, h))
        p = np.asarray(pixel, dtype=np.float64)
        x = self.centre[0] + (p[..., 0] - w / 2.0) * px
        y = self.centre[1] - (p[..., 1] - h / 2.0) * py
        return np.stack([x, y], axis=-1)

    def domain_to_pixel(self, point, size) -> np.ndarray:
        """Domain points (..., 2) -> continuous pixel positions (x_px, y_px)."""
        w, h = parse_size(size)
        px, py = self.pixel_size((w, h))
        q = np.asarray(point, dtype=np.float64)
        x = (q[..., 0] - self.centre[0]) / px + w / 2.0
        y = h / 2.0 - (q[..., 1] - self.centre[1]) / py
        return np.stack([x, y], axis=-1)

    def grid(self, size) -> np.ndarray:
        """Domain point at every pixel centre: (H, W, 2) float64, row 0 = top."""
        w, h = parse_size(size)
        cols = np.arange(w, dtype=np.float64) + 0.5
        rows = np.arange(h, dtype=np.float64) + 0.5
        pixels = np.stack(np.meshgrid(cols, rows), axis=-1)
        return self.pixel_to_domain(pixels, (w, h))

    # --- interaction -------------------------------------------------------------
    def zoom_about(self, pixel, factor, size) -> "View":
        """Zoom by `factor` (> 1 zooms in) keeping the domain point under `pixel` fixed."""
        factor = _finite("zoom factor", factor)
        if not factor > 0.0:
            raise bad_value("zoom factor", factor, "a number > 0 (> 1 zooms in)")
        anchor = self.pixel_to_domain(pixel, size)
        cx, cy = self.centre
        centre = (anchor[0] + (cx - anchor[0]) / factor, anchor[1] + (cy - anchor[1]) / factor)
        return replace(self, centre=centre, scale=self.scale / factor)

    def pan(self, dpixels, size) -> "View":
        """Move the picture by `dpixels` = (dx, dy) screen pixels (y down), as a mouse drag does."""
        px, py = self.pixel_size(size)
        dx, dy = (float(v) for v in dpixels)
        return replace(self, centre=(self.centre[0] - dx * px, self.centre[1] + dy * py))

    def uniforms(self, size) -> dict:
        """What the shaders' view.glsl needs: centre, pixel size and half the picture size."""
        w, h = parse_size(size)
        return {
            "u_centre": self.centre,
            "u_pixel": self.pixel_size((w, h)),
            "u_half": (w / 2.0, h / 2.0),
        }
