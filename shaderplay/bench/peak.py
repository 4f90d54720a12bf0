"""The float32 peak every benchmark states its figures against, measured the same way
each time: one fixed-size np.matmul (OpenBLAS, all its threads), several repeats, the
best kept. The best of several rather than one reading, because the machine is shared:
a single reading moved the %-of-peak column 2.7x with the load. The load average is
printed beside it, so a figure taken on a busy machine says so.
"""

import os
import time
from dataclasses import dataclass

import numpy as np

from ..kernels.jit import FEATURES
from ..kernels.vector import vector_bits

SIZE, REPEATS = 2048, 5  # a SIZE^3 float32 matmul: ~0.1 s at ~100 GMAC/s


@dataclass(frozen=True)
class Peak:
    macs_per_s: float  # multiply-adds per second of the best repeat
    load: tuple[float, float, float]  # load average over 1, 5, 15 minutes, as it was measured
    size: int
    repeats: int

    def percent(self, macs_per_s: float) -> float:
        """`macs_per_s` as a percentage of this peak."""
        return 100.0 * macs_per_s / self.macs_per_s

    def __str__(self) -> str:
        load = " ".join(f"{v:.2f}" for v in self.load)
        return (
            f"float32 peak {self.macs_per_s / 1e9:.1f} GMAC/s ({self.size}^2 np.matmul, best of "
            f"{self.repeats}; {os.cpu_count()} cores, load average {load}); "
            f"numba kernels {vector_bits(FEATURES)}-bit vectors"
        )


def measure_peak(size: int = SIZE, repeats: int = REPEATS) -> Peak:
    """Multiply-adds per second of a `size`^3 float32 np.matmul, best of `repeats`."""
    rng = np.random.default_rng(0)
    a, b = rng.random((size, size), np.float32), rng.random((size, size), np.float32)
    out = a @ b  # warm-up: threads started, pages touched
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        best = min(best, time.perf_counter() - start)
    return Peak(size**3 / best, os.getloadavg(), size, repeats)
