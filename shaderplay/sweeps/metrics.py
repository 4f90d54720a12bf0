"""What a trained network is measured by, for `shaderplay train` and the sweep's table."""

import numpy as np

DEFAULT_STEPS = 5000  # steps when neither the command nor the preset's train.max_steps says


def accuracy(net, x, y, kind) -> float | None:
    """Fraction classified right: p > 0.5 for binary, argmax for multi-class."""
    if kind not in ("binary", "multiclass") or len(x) == 0:
        return None
    out = net.forward(x)
    right = (
        (out[:, 0] > 0.5) == (y[:, 0] > 0.5) if kind == "binary" else out.argmax(1) == y.argmax(1)
    )
    return float(np.mean(right))


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
