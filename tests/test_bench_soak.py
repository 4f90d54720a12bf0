"""`shaderplay bench soak`, briefly: the tour switches modes and presets in the real
window (under the Xvfb the benchmark starts) and the report says what it saw."""

import os
import re
import subprocess
import sys

import pytest

from shaderplay.app import xvfb
from shaderplay.bench.soak import Soak, growth_per_hour, report, tour


def test_memory_growth_is_the_fitted_slope_after_the_tour():
    rising = [(t, 300.0 + 0.01 * t) for t in range(0, 600, 10)]  # 0.01 MiB/s = 36 MiB/hour
    assert growth_per_hour(rising, 0.0) == pytest.approx(36.0)
    settled = [(t, 500.0 if t < 100 else 300.0) for t in range(0, 600, 10)]
    assert growth_per_hour(settled, 100.0) == 0.0  # the warm-up's drop is not counted


def test_the_report_names_the_slow_frames_longest_first():
    slow = [(0.2, "loading preset b"), (0.35, "a: mode mosaic")]
    soak = Soak([], 5.0, 60.0, [0.01, 0.2, 0.35, 0.02], slow=slow, longest=(0.35, "a: mode mosaic"))
    text = report(soak, ":99")
    assert "longest 0.350 s (a: mode mosaic), 2 over 100 ms" in text
    first, second = text.index("0.350 s after a: mode mosaic"), text.index("0.200 s after loading")
    assert first < second and text.endswith("NOT met")


def test_the_tour_holds_only_modes_each_preset_can_show():
    (name, modes), (_, point_modes) = tour(["default", "spiral"])
    assert name == "default" and "output" in modes and "mosaic" in modes
    assert "side" not in point_modes  # spiral's target is points: no target field to show


@pytest.mark.skipif(not xvfb.available(), reason="Xvfb is not installed")
def test_a_short_soak_tours_and_reports(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run(
        [sys.executable, "-m", "shaderplay", "bench", "soak", "--minutes", "0.15"]
        + ["--switch-seconds", "0.5", "--presets", "xor,default", "--size", "640x480"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = done.stdout
    switches, pairs = map(int, re.search(r"tour +(\d+) switches, (\d+) \(preset", report).groups())
    assert switches >= 5 and pairs >= 3
    assert int(re.search(r"frames +([\d,]+)", report).group(1).replace(",", "")) > switches
    assert "errors shown      0" in report
    assert re.search(r"memory +\d+ MiB", report)
