"""Plots with ImPlot (shipped in imgui-bundle): loss, accuracy and learning rate
against steps, the learning-rate schedule, and weight-matrix heat maps.

Curves come as `train.results.Rows` (bounded, column-contiguous): drawn from
the rows' own arrays, filtered copies made only when the rows changed.
"""

import functools

import numpy as np
from imgui_bundle import imgui, implot

from ..train import lr_at
from . import scopes

AUTO = implot.AxisFlags_.auto_fit
LOG = implot.Scale_.log10
QUIET = implot.Flags_.no_menus | implot.Flags_.no_box_select | implot.Flags_.no_mouse_text
TRAIN_COLOUR = imgui.ImVec4(0.35, 0.65, 1.0, 1.0)
TEST_COLOUR = imgui.ImVec4(1.0, 0.6, 0.25, 1.0)
MARKER_COLOUR = imgui.ImVec4(1.0, 1.0, 1.0, 0.8)  # the step shown (scrubbed) on the timeline
LOSS_CURVES = ((1, "train", TRAIN_COLOUR), (2, "test", TEST_COLOUR))  # column, label, colour
EMPTY_LOSS = {True: (1e-3, 1.0), False: (0.0, 1.0)}  # y range before any loss, by log scale
HEATMAP_CELLS = 64  # a weight matrix's heat map has at most this many cells a side


def _height(h: float) -> imgui.ImVec2:
    return imgui.ImVec2(-1, h * imgui.get_font_size())


def si(v: float) -> str:
    """A step count as a tick label: 0, 500, 1.5k, 20k, 1.2M."""
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(v) >= scale:
            return f"{v / scale:.3g}{unit}"
    return f"{v:.3g}"


def step_ticks(lo: float, hi: float, most: int = 4) -> tuple[list[float], list[str]]:
    """At most `most` round tick values within [lo, hi] (1, 2 or 5 times a power of
    ten apart) and their short labels: crowded "1.5e+04"-style labels ran together."""
    span = hi - lo
    if not span > 0:
        return [float(lo)], [si(lo)]
    raw = span / most
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = np.ceil(lo / step) * step
    values = [float(v) for v in np.arange(first, hi + step * 1e-9, step)]
    return values, [si(v) for v in values]


def _setup_step_axis(x: np.ndarray) -> None:
    values, labels = step_ticks(float(x[0]), float(x[-1])) if len(x) else ([0.0], ["0"])
    implot.setup_axis_ticks(implot.ImAxis_.x1, values, labels)  # ImPlot's own ran together


_prepared: dict = {}  # (series, column, log) -> (version, x, y): plots redone on change only


def _xy(series, col: int, log: bool) -> tuple[np.ndarray, np.ndarray]:
    """Steps and column `col` of `series` where it can be drawn (finite; > 0 on a log
    scale): the series' own arrays when all of it can, else filtered copies."""
    key = (series, col, log)  # holds the series: its id cannot be reused meanwhile
    hit = _prepared.get(key)
    if hit is not None and hit[0] == series.version:
        return hit[1], hit[2]
    x, y = series.column(0), series.column(col)
    ok = np.isfinite(y) & ((y > 0) if log else True)
    if not ok.all():
        x, y = x[ok], y[ok]
    _prepared[key] = (series.version, x, y)
    return x, y


def _marker(step) -> None:
    if step is not None:
        implot.plot_inf_lines(
            "##shown",
            np.array([float(step)]),
            implot.Spec(line_color=MARKER_COLOUR, line_weight=2.0),
        )


def loss_plot(series, log: bool, marker=None, height: float = 8.0):
    """Train and test loss against steps (`series` rows: step, train, test; NaN where
    unknown); a vertical line at step `marker`. Returns the step clicked on, or None."""
    with scopes.plot("##loss", _height(height), QUIET) as shown:
        if not shown:
            return None
        curves = [(label, colour, *_xy(series, col, log)) for col, label, colour in LOSS_CURVES]
        empty = not any(len(x) for _, _, x, _ in curves)
        implot.setup_axes("step", "loss", AUTO, 0 if empty else AUTO)
        # one line of legend along the top: stacked it covered the curves
        implot.setup_legend(implot.Location_.north_east, implot.LegendFlags_.horizontal)
        if log:
            implot.setup_axis_scale(implot.ImAxis_.y1, LOG)
        if empty:  # no loss yet: a plain range, not auto-fit's 1e-300..1
            implot.setup_axis_limits(implot.ImAxis_.y1, *EMPTY_LOSS[log], implot.Cond_.always)
        _setup_step_axis(series.column(0))
        for label, colour, x, y in curves:
            if len(x):
                implot.plot_line(label, x, y, implot.Spec(line_color=colour))
        _marker(marker)
        if implot.is_plot_hovered() and imgui.is_mouse_clicked(imgui.MouseButton_.left):
            return implot.get_plot_mouse_pos().x
    return None


RUN_COLOURS = (TRAIN_COLOUR, imgui.ImVec4(0.95, 0.35, 0.55, 1.0))  # A/B runs' curves


def runs_plot(curves, log: bool, height: float = 7.0) -> None:
    """The train loss of each run (label, loss rows) against steps, one colour a run."""
    with scopes.plot("##runs", _height(height), QUIET) as shown:
        if not shown:
            return
        drawn = [(label, *_xy(series, 1, log)) for label, series in curves]
        empty = not any(len(x) for _, x, _ in drawn)
        implot.setup_axes("step", "train loss", AUTO, 0 if empty else AUTO)
        implot.setup_legend(implot.Location_.north_east, implot.LegendFlags_.horizontal)
        if log:
            implot.setup_axis_scale(implot.ImAxis_.y1, LOG)
        if empty:
            implot.setup_axis_limits(implot.ImAxis_.y1, *EMPTY_LOSS[log], implot.Cond_.always)
        _setup_step_axis(max((x for _, x, _ in drawn), key=len))
        for (label, x, y), colour in zip(drawn, RUN_COLOURS, strict=False):
            if len(x):
                implot.plot_line(label, x, y, implot.Spec(line_color=colour))


def series_plot(
    plot_id: str, label: str, series, height: float = 7.0, log=False, marker=None
) -> None:
    """Column 1 of `series` (accuracy, learning rate) against steps."""
    with scopes.plot(plot_id, _height(height), QUIET | implot.Flags_.no_legend) as shown:
        if not shown:
            return
        x, y = _xy(series, 1, log)
        flat = len(y) and np.ptp(y) == 0
        # no axis label: the text above the plot names it, and a short plot's vertical
        # label ran out of its top
        implot.setup_axes("", "", AUTO, 0 if flat else AUTO)
        _setup_step_axis(x)
        if log:
            implot.setup_axis_scale(implot.ImAxis_.y1, LOG)
        if len(x):
            _flat_limits(y)
            if not flat and not log:  # a short plot: three labels at most, never a crowd
                values = step_ticks(y.min(), y.max(), 2)[0]
                implot.setup_axis_ticks(implot.ImAxis_.y1, values, [f"{v:.3g}" for v in values])
            implot.plot_line(label, x, y)
        elif not log:  # nothing yet: ImPlot's six default labels ran together in 5 lines
            implot.setup_axis_ticks(implot.ImAxis_.y1, [0.0, 1.0], ["0", "1"])
        _marker(marker)


def _flat_limits(values: np.ndarray) -> None:
    """A constant series gets a y range around it (auto-fit would make one of zero height)."""
    finite = values[np.isfinite(values)]
    if len(finite) and finite.max() - finite.min() <= 1e-12 * max(1.0, abs(finite.max())):
        v = float(finite[0])
        pad = abs(v) * 0.5 or 1.0
        implot.setup_axis_limits(implot.ImAxis_.y1, v - pad, v + pad, implot.Cond_.always)
        implot.setup_axis_ticks(implot.ImAxis_.y1, [v], [f"{v:.3g}"])  # one label, not a crowd


@functools.lru_cache(maxsize=8)
def _schedule_curve(config, horizon: int):
    steps = np.linspace(0, horizon, 256).astype(np.int64)
    return steps.astype(np.float64), np.asarray(lr_at(config, steps), np.float64)


def schedule_plot(config, step_now: int, height: float = 8.0) -> None:
    """The learning rate the schedule gives over its horizon, with a line at now."""
    horizon = _horizon(config)
    while horizon < step_now * 1.2:  # grow in doublings so the curve is recomputed rarely
        horizon *= 2
    steps, lrs = _schedule_curve(config, horizon)
    with scopes.plot("##schedule", _height(height), QUIET | implot.Flags_.no_legend) as shown:
        if not shown:
            return
        implot.setup_axes("step", "lr", AUTO, AUTO)
        _setup_step_axis(steps)
        _flat_limits(lrs)
        implot.plot_line("lr", steps, lrs)
        implot.plot_inf_lines("now", np.array([float(step_now)]))


def _horizon(config) -> int:
    """Enough steps to show the shape of each schedule."""
    return {
        "step": 4 * config.step_size,
        "exponential": int(3 / max(1e-9, 1 - config.gamma)),
        "cosine": config.cosine_steps,
        "cosine_restarts": config.restart_period
        * (1 + config.restart_mult + config.restart_mult**2),
    }.get(config.schedule, 1000) + config.warmup_steps


def heatmap_blocks(w: np.ndarray, most: int = HEATMAP_CELLS) -> np.ndarray:
    """`w` with at most `most` cells a side: a larger matrix in blocks, each shown by
    its entry of largest magnitude (sign kept), so a strong weight never averages away."""
    rows, cols = w.shape
    fr, fc = -(-rows // most), -(-cols // most)
    if fr == fc == 1:
        return w
    padded = np.zeros((-(-rows // fr) * fr, -(-cols // fc) * fc), w.dtype)
    padded[:rows, :cols] = w
    r, c = padded.shape[0] // fr, padded.shape[1] // fc
    blocks = padded.reshape(r, fr, c, fc).transpose(0, 2, 1, 3).reshape(r, c, fr * fc)
    pick = np.abs(blocks).argmax(axis=2)[..., None]
    return np.take_along_axis(blocks, pick, axis=2)[..., 0]


def weight_heatmap(label: str, w: np.ndarray, size: float) -> None:
    """Matrix `w` (out, in): rows are units of the layer, columns its inputs;
    red negative, blue positive, symmetric scale. A matrix over HEATMAP_CELLS a side
    is drawn in blocks (heatmap_blocks): a 400 x 400 one, drawn cell by cell, made
    each frame take seconds, and the panel has fewer pixels than cells anyway."""
    rows, cols = w.shape
    w = np.ascontiguousarray(heatmap_blocks(w), np.float64)
    limit = float(np.max(np.abs(w))) or 1.0
    aspect = rows / max(cols, 1)
    width = size
    height = max(2 * imgui.get_font_size(), min(size * aspect, 2.5 * size))
    flags = QUIET | implot.Flags_.no_legend | implot.Flags_.no_title
    with (
        scopes.colormap(implot.Colormap_.rd_bu),
        scopes.plot(f"##{label}", imgui.ImVec2(width, height), flags) as shown,
    ):
        if shown:
            none = implot.AxisFlags_.no_decorations
            implot.setup_axes("", "", none, none)
            fmt = "%.2f" if w.size <= 64 else ""
            implot.plot_heatmap(
                label, w, -limit, limit, fmt, implot.Point(0, 0), implot.Point(cols, rows)
            )
    imgui.set_item_tooltip(f"{label}: {rows} x {cols}, |w| max {limit:.3g}")
