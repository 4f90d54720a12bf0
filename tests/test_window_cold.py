"""A cold numba cache never blocks the window (Xvfb): with an empty cache the
window draws, zooms and quits within seconds of the quit action while the
trainer's kernels still compile on their thread."""

import time

from test_window import display, load, run_window  # noqa: F401  (display: the fixture)

QUIT_S = 45.0  # launch to exit: far under a cold compile of the trainer (minutes here)


def test_a_cold_cache_draws_and_quits_at_once(display, tmp_path):  # noqa: F811
    cache = tmp_path / "numba-cache"
    cache.mkdir()
    steps = [
        {"frame": 3, "do": "window_screenshot", "path": "first.png"},
        {"frame": 4, "do": "zoom", "factor": 2.0},
        {"frame": 6, "do": "window_screenshot", "path": "zoomed.png"},
        {"frame": 8, "do": "quit"},
    ]
    start = time.monotonic()
    result = run_window(display, tmp_path, steps, "circle", env={"NUMBA_CACHE_DIR": str(cache)})
    took = time.monotonic() - start
    assert result.returncode == 0, result.stderr
    assert took < QUIT_S, f"the window took {took:.0f} s to quit on a cold cache"
    first, zoomed = load(tmp_path / "first.png"), load(tmp_path / "zoomed.png")
    assert first.std() > 10 and abs(first - zoomed).mean() > 1.0  # drawn, and zoomed
