"""What a renderer's pictures were shown with, for their legends: the value range
each picture key (mode, arguments, pre) was coloured with, steady frame to frame
where it comes from the picture (mode_ranges.RangeMemory), and the box a
representation plot framed; `legend` turns that into the mode's Legend."""

from dataclasses import replace

import numpy as np

from ..dataset import Dataset
from ..mode_legends import Legend, point_key
from ..mode_ranges import RangeMemory
from .request import Request


class Shown:
    def __init__(self):
        self._memory = RangeMemory()  # picture-driven ranges, steady frame to frame
        self._last = {}  # picture key -> the range (or plot box) it was last drawn with

    def range(self, r: Request, spec, values) -> tuple[float, float]:
        """The range r's picture is shown with when the caller gives none: the row's
        default, else from `values` ((..., C) floats, or the values texture)."""
        shown = r.mode.default_range(r.args, spec, r.pre)
        if shown is None:
            if not isinstance(values, np.ndarray):
                values = np.frombuffer(values.read(), np.float32).reshape(-1, 4)
            shown = r.mode.range_of(values, self._memory, r.key)
        self._last[r.key] = shown
        return shown

    def plotted(self, r: Request, box) -> None:
        self._last[r.key] = box

    def legend(self, r: Request, spec) -> Legend:
        """r's Legend with the range (or plot box) its last picture was drawn with, and
        what the data points' colours mean where it draws them."""
        shown, plot = self._last.get(r.key), r.mode.plot
        legend = r.mode.legend(r.args, spec, r.pre, r.range, None if plot else shown)
        data = r.opts.get("points") or (r.opts.get("target") if plot else None)
        points = point_key(data.n_classes) if isinstance(data, Dataset) else ()
        return replace(legend, box=shown if plot else None, colormap=r.colormap, points=points)
