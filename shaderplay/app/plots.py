"""Plots with ImPlot (shipped in imgui-bundle): loss, accuracy and learning rate
against steps, the learning-rate schedule, and weight-matrix heat maps.

Every function draws from arrays it is given and keeps nothing between frames.
"""

import functools

import numpy as np
from imgui_bundle import imgui, implot

from ..train import lr_at

AUTO = implot.AxisFlags_.auto_fit
LOG = implot.Scale_.log10
QUIET = implot.Flags_.no_menus | implot.Flags_.no_box_select | implot.Flags_.no_mouse_text
MAX_POINTS = 2000  # per line: more adds nothing a plot this size can show
STEP_FORMAT = "%.3g"  # 1.5e+06 rather than 1500000 under crowded ticks
TRAIN_COLOUR = imgui.ImVec4(0.35, 0.65, 1.0, 1.0)
TEST_COLOUR = imgui.ImVec4(1.0, 0.6, 0.25, 1.0)


def _height(h: float) -> imgui.ImVec2:
    return imgui.ImVec2(-1, h * imgui.get_font_size())


def loss_plot(history: np.ndarray, log: bool, height: float = 11.0) -> None:
    """`history` (K, 3): step, train loss, test loss (NaN where no test split)."""
    if not implot.begin_plot("##loss", _height(height), QUIET):
        return
    implot.setup_axes("step", "loss", AUTO, AUTO)
    implot.setup_axis_format(implot.ImAxis_.x1, STEP_FORMAT)
    if log:
        implot.setup_axis_scale(implot.ImAxis_.y1, LOG)
    history = _thin_rows(history)
    if len(history):
        steps = history[:, 0].astype(np.float64)
        for col, label, colour in ((1, "train", TRAIN_COLOUR), (2, "test", TEST_COLOUR)):
            y = history[:, col].astype(np.float64)
            ok = np.isfinite(y) & ((y > 0) if log else True)
            if ok.any():
                implot.plot_line(label, np.ascontiguousarray(steps[ok]),
                                 np.ascontiguousarray(y[ok]), implot.Spec(line_color=colour))
    implot.end_plot()


def _thin_rows(rows: np.ndarray, most: int = 0) -> np.ndarray:
    """At most `most` rows (MAX_POINTS), evenly spaced, the last one kept."""
    most = most or MAX_POINTS
    if len(rows) <= most:
        return rows
    keep = np.linspace(0, len(rows) - 1, most).round().astype(np.int64)
    return rows[keep]


def series_plot(plot_id: str, label: str, steps, values, height: float = 7.0, log=False) -> None:
    """One quantity against steps (accuracy, learning rate)."""
    if not implot.begin_plot(plot_id, _height(height), QUIET | implot.Flags_.no_legend):
        return
    flat = len(values) and np.ptp(np.asarray(values, np.float64)) == 0
    implot.setup_axes("", label, AUTO, 0 if flat else AUTO)
    implot.setup_axis_format(implot.ImAxis_.x1, STEP_FORMAT)
    if log:
        implot.setup_axis_scale(implot.ImAxis_.y1, LOG)
    both = _thin_rows(np.column_stack([np.asarray(steps, np.float64),
                                       np.asarray(values, np.float64)]).reshape(-1, 2))
    steps, values = np.ascontiguousarray(both[:, 0]), np.ascontiguousarray(both[:, 1])
    if len(steps):
        _flat_limits(values)
        implot.plot_line(label, steps, values)
    implot.end_plot()


def _flat_limits(values: np.ndarray) -> None:
    """A constant series gets a y range around it (auto-fit would make one of zero height)."""
    finite = values[np.isfinite(values)]
    if len(finite) and finite.max() - finite.min() <= 1e-12 * max(1.0, abs(finite.max())):
        v = float(finite[0])
        pad = abs(v) * 0.5 or 1.0
        implot.setup_axis_limits(implot.ImAxis_.y1, v - pad, v + pad, implot.Cond_.always)


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
    if not implot.begin_plot("##schedule", _height(height), QUIET | implot.Flags_.no_legend):
        return
    implot.setup_axes("step", "lr", AUTO, AUTO)
    implot.setup_axis_format(implot.ImAxis_.x1, STEP_FORMAT)
    _flat_limits(lrs)
    implot.plot_line("lr", steps, lrs)
    implot.plot_inf_lines("now", np.array([float(step_now)]))
    implot.end_plot()


def _horizon(config) -> int:
    """Enough steps to show the shape of each schedule."""
    return {"step": 4 * config.step_size, "exponential": int(3 / max(1e-9, 1 - config.gamma)),
            "cosine": config.cosine_steps,
            "cosine_restarts": config.restart_period * (1 + config.restart_mult
                                                        + config.restart_mult ** 2),
            }.get(config.schedule, 1000) + config.warmup_steps


def weight_heatmap(label: str, w: np.ndarray, size: float) -> None:
    """Matrix `w` (out, in): rows are units of the layer, columns its inputs;
    red negative, blue positive, symmetric scale."""
    w = np.ascontiguousarray(w, np.float64)
    limit = float(np.max(np.abs(w))) or 1.0
    rows, cols = w.shape
    aspect = rows / max(cols, 1)
    width = size
    height = max(2 * imgui.get_font_size(), min(size * aspect, 2.5 * size))
    implot.push_colormap(implot.Colormap_.rd_bu)
    flags = QUIET | implot.Flags_.no_legend | implot.Flags_.no_title
    if implot.begin_plot(f"##{label}", imgui.ImVec2(width, height), flags):
        none = implot.AxisFlags_.no_decorations
        implot.setup_axes("", "", none, none)
        fmt = "%.2f" if rows * cols <= 64 else ""
        implot.plot_heatmap(label, w, -limit, limit, fmt, implot.Point(0, 0),
                            implot.Point(cols, rows))
        implot.end_plot()
    implot.pop_colormap()
    imgui.set_item_tooltip(f"{label}: {rows} x {cols}, |w| max {limit:.3g}")
