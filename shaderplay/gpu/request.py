"""One picture asked of the renderer, checked: the view and size, the mode's row
and arguments, the colormap, the value range and the options; and the target's
field at the picture's pixels, which several modes read.

Options (keyword arguments of values/image/draw):
  range=(lo, hi)   values shown as the two ends of the colormap
  pre=True         neuron mode: the pre-activation (after the norm)
  discrete=True    class colours without confidence shading, with a line where the class changes
  boundaries=...   weight layers and/or (layer, unit) pairs whose zero sets are drawn as lines
  points=Dataset   its train points (discs) and test points (rings) drawn over the picture
  frame=(xmin, xmax, ymin, ymax)   a thin line where the data lies (an image's domain)
  target=...       a Dataset with a `field`, or a function of points (N, 2) -> (N, n_out)
  line_width=1.5, point_size=4.0   in pixels
"""

from dataclasses import dataclass, replace

import numpy as np

from .. import colormaps
from ..dataset import Dataset
from ..errors import bad_value, choose
from ..modes import MODES, Mode, parse_mode
from ..spec import NetworkSpec
from ..view import View, parse_size

OPTIONS = (
    "range",
    "pre",
    "discrete",
    "boundaries",
    "points",
    "frame",
    "target",
    "line_width",
    "point_size",
)


@dataclass(frozen=True)
class Request:
    view: View
    size: tuple[int, int]
    mode: Mode
    args: tuple[int, ...]
    colormap: str
    range: tuple[float, float] | None
    opts: dict

    def with_mode(self, name: str, size) -> "Request":
        """The same picture as another mode without arguments, at `size` (a composite's half)."""
        return replace(self, mode=MODES[name], args=(), size=size)

    def halves(self) -> tuple["Request", "Request"]:
        """The two halves of a composite mode: the left one takes the odd pixel's column less."""
        left = self.size[0] // 2
        first, second = self.mode.halves
        return (
            self.with_mode(first, (left, self.size[1])),
            self.with_mode(second, (self.size[0] - left, self.size[1])),
        )

    @property
    def key(self) -> tuple:
        """What a picture-driven range and a plot frame are remembered by."""
        return (self.mode.name, self.args, self.pre)

    @property
    def pre(self) -> bool:
        return bool(self.opts.get("pre"))

    @property
    def has_overlays(self) -> bool:
        """Lines or points drawn over the picture (by GL)."""
        return (
            self.opts.get("boundaries") is not None
            or self.opts.get("points") is not None
            or self.opts.get("frame") is not None
            or self.mode.boundaries
        )


def make_request(view, size, mode, colormap, opts, spec: NetworkSpec) -> Request:
    """The arguments of values/image/draw checked, each wrong one with a clear error."""
    view, size = View.coerce(view), parse_size(size)
    mode, args = parse_mode(mode)
    mode.check(args, spec)
    for key in opts:
        choose("render option", key, OPTIONS)
    colormap = choose("colormap", colormap or mode.colormap, colormaps.NAMES)
    if mode.needs_target and opts.get("target") is None:
        raise bad_value(
            "target",
            None,
            f"a Dataset with a field, or a function of points (N, 2) -> "
            f"(N, {spec.n_out}), for mode {mode.name}",
        )
    if mode.halves and size[0] < 2:
        raise bad_value("size", size, "at least 2 pixels wide for side by side")
    for name in ("line_width", "point_size"):
        if name in opts:
            _positive(name, opts[name])
    if opts.get("frame") is not None:
        opts = {**opts, "frame": _check_frame(opts["frame"])}
    return Request(view, size, mode, args, colormap, _check_range(opts.get("range")), dict(opts))


def _check_frame(frame) -> tuple[float, float, float, float]:
    try:
        xmin, xmax, ymin, ymax = (float(v) for v in frame)
    except (TypeError, ValueError):
        xmin = xmax = ymin = ymax = float("nan")
    if not (np.isfinite([xmin, xmax, ymin, ymax]).all() and xmin < xmax and ymin < ymax):
        raise bad_value("frame", frame, "(xmin, xmax, ymin, ymax): finite, each min < its max")
    return xmin, xmax, ymin, ymax


def _positive(name, value):
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not (np.isfinite(v) and v > 0):
        raise bad_value(name, value, "a number of pixels > 0")
    return v


def _check_range(value_range):
    if value_range is None:
        return None
    try:
        lo, hi = (float(v) for v in value_range)
    except (TypeError, ValueError):
        lo = hi = float("nan")
    if not (np.isfinite(lo) and np.isfinite(hi) and hi != lo):
        raise bad_value(
            "range",
            value_range,
            "two different finite numbers (value shown as 0, value shown as 1)",
        )
    return lo, hi


class TargetField:
    """The target evaluated at a picture's pixel centres (NumPy), kept for the last view
    and size asked: modes and passes of one frame share it."""

    def __init__(self):
        self._held = None  # (key, (H, W, n_out) float32)

    def of(self, r: Request, n_out: int) -> np.ndarray:
        """(H, W, n_out) float32, row 0 at the top."""
        target = r.opts["target"]
        field = target.field if isinstance(target, Dataset) else target
        if field is None:
            raise bad_value(
                "target",
                getattr(target, "name", target),
                "a target with a field (functions, images); "
                "point sets have only points: show them with points=",
            )
        if not callable(field):
            raise bad_value(
                "target",
                type(target).__name__,
                "a Dataset or a function of points (N, 2) -> (N, n_out)",
            )
        key = (id(field), r.view, r.size)
        if self._held is None or self._held[0] != key:
            w, h = r.size
            values = np.asarray(field(r.view.grid(r.size).reshape(-1, 2)), np.float32)
            if values.size != w * h * n_out:
                raise bad_value(
                    "target",
                    f"values of shape {values.shape}",
                    f"({w * h}, {n_out}): one per output of the network",
                )
            self._held = (key, values.reshape(h, w, n_out))
        return self._held[1]

    def clear(self) -> None:
        self._held = None
