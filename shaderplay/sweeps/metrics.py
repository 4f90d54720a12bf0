"""What a trained network is measured by, for `shaderplay train` and the sweep's table."""

import math

import numpy as np

from ..train import results

DEFAULT_STEPS = 5000  # steps when neither the command nor the preset's train.max_steps says


def accuracy(net, x, y, kind) -> float | None:
    """Fraction of the points classified right (train/results.accuracy's rule); None for
    regression or no points."""
    right = results.accuracy(net.forward(x), y, kind) if len(x) else math.nan
    return None if math.isnan(right) else right


def median_us(chunk_us: list[float]) -> float:
    """Median µs/step over the chunks after the first, whose time includes loading (or
    compiling) the numba kernels; with one chunk, its time; NaN without one."""
    if not chunk_us:
        return float("nan")
    return float(np.median(chunk_us[1:] if len(chunk_us) > 1 else chunk_us))


def speed(chunk_us: list[float]) -> str:
    """median_us in words, saying when the one chunk timed includes numba's start-up."""
    if not chunk_us:
        return "no steps timed"
    if len(chunk_us) == 1:
        return f"{chunk_us[0]:.2f} µs/step (one chunk, numba start-up included)"
    return f"{median_us(chunk_us):.2f} µs/step"
