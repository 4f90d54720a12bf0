"""A cold numba cache never blocks the window (Xvfb): with an empty cache the
window draws, zooms and quits within seconds of the quit action while the
trainer's kernels still compile in child processes, which go on and fill the cache."""

import os
import signal
import time
from pathlib import Path

from test_window import display, load, run_window  # noqa: F401  (display: the fixture)

QUIT_S = 10.0  # the last screenshot to the process's end: the quit is two frames later
SLOW_S = 8.0
SLOW = """
import sys, time
if any("run_stages" in a for a in getattr(sys, "orig_argv", ())):
    time.sleep({seconds})
"""


def test_a_cold_cache_draws_and_quits_at_once(display, tmp_path, wait_for):  # noqa: F811
    cache = tmp_path / "numba-cache"
    cache.mkdir()
    steps = [
        {"frame": 3, "do": "window_screenshot", "path": "first.png"},
        {"frame": 4, "do": "zoom", "factor": 2.0},
        {"frame": 6, "do": "window_screenshot", "path": "zoomed.png"},
        {"frame": 8, "do": "quit"},
    ]
    # The compile children start SLOW_S late (a sitecustomize on their path), so the
    # window's quit comes before the compile ends on any machine, unless it waited for it.
    slow = tmp_path / "slow"
    slow.mkdir()
    (slow / "sitecustomize.py").write_text(SLOW.format(seconds=SLOW_S))
    path = os.pathsep.join(filter(None, [str(slow), os.environ.get("PYTHONPATH")]))
    env = {"NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": path}
    try:
        _cold_window(display, tmp_path, steps, env, wait_for)
    finally:  # the CPU picture's children go on: not under the tests that follow
        _stop_compiles_into(cache)


def _cold_window(display, tmp_path, steps, env, wait_for):  # noqa: F811
    cache = Path(env["NUMBA_CACHE_DIR"])
    result = run_window(display, tmp_path, steps, "circle", env=env)
    ended = time.time()
    assert result.returncode == 0, result.stderr
    shot = (tmp_path / "zoomed.png").stat().st_mtime
    assert ended - shot < QUIT_S, f"the window took {ended - shot:.0f} s to quit on a cold cache"
    first, zoomed = load(tmp_path / "first.png"), load(tmp_path / "zoomed.png")
    assert first.std() > 10 and abs(first - zoomed).mean() > 1.0  # drawn, and zoomed

    def trainer_cached():
        return list(cache.rglob("kernel.train_steps-*.nbi"))

    wait_for(trainer_cached)  # the child finishes after the window has gone
    compiled = trainer_cached()[0].stat().st_mtime
    assert shot < ended < compiled, "the window waited for the trainer's compile"


def _stop_compiles_into(cache) -> None:
    """Stop the compile children (process groups of their own) that write into `cache`."""
    wanted = f"NUMBA_CACHE_DIR={cache}".encode()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if wanted in (proc / "environ").read_bytes().split(b"\0"):
                os.killpg(int(proc.name), signal.SIGKILL)
        except (OSError, ProcessLookupError):  # gone meanwhile, or not ours to read
            pass
