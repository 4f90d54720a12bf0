"""The window benchmark's tour figures and report (no window: made-up figures)."""

import time

from shaderplay.bench import window_tour
from shaderplay.bench.window_tour import Tour


def test_tour_figures_and_the_goals_line():
    fast = Tour("circle", [0.02, 0.05], [0.02] * 10, [1.0, 0.5], "output")
    slow = Tour("neylon", [0.02, 0.25], [0.1] * 10, [0.25], "mosaic")
    assert fast.longest_ms == 50.0 and abs(fast.zoom_fps - 50.0) < 1e-9
    r = {
        "warm": {"first_frame": 1.0, "first_trained": 2.5},
        "cold": {"first_frame": 1.5, "first_trained": 20.0},
        "tours": [fast],
        "launch_preset": "circle",
        "cold_timeout": 90.0,
    }
    text = "\n".join(window_tour.report(r))
    assert "warm cache 2.5 s" in text and "first trained 20.0 s" in text
    assert "longest frame     50 ms (output)" in text and "picture at 75%" in text
    assert text.endswith("met") and "NOT" not in text and "(30 s cold)" in text
    r["cold"] = {"first_frame": 1.5, "first_trained": None}  # not trained within 90 s
    text = "\n".join(window_tour.report(r))
    assert "first trained > 90 s" in text and text.endswith("NOT met")
    r["cold"] = None  # --cold-timeout 0: no cold launch, no cold goal
    assert window_tour.report(r)[-1].endswith(" met") and "cold" not in window_tour.report(r)[-1]
    r["tours"] = [fast, slow]  # a 250 ms frame and 10 frames/s zooming
    assert window_tour.report(r)[-1].endswith("NOT met")
    slow.frame(0.25, "mosaic (just shown)")
    slow.frame(0.05, "mosaic")  # under the goal: not named
    slow.frame(0.4, "zooming")
    text = "\n".join(window_tour.report(r))
    assert "(mosaic), 2 over 100 ms" in text
    assert text.index("400 ms after zooming") < text.index("250 ms after mosaic (just shown)")


def test_the_process_start_is_before_now():
    start = window_tour._process_start()
    assert time.time() - 3600 < start <= time.time()
