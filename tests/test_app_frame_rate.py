"""The frame loop's rate: at most max_fps frames a second while anything changes,
CALM_FPS once nothing has for CALM_S, and input ends a calm wait at once."""

import time

import pytest

from shaderplay.app import frame_rate
from shaderplay.app.frame_rate import FrameRate


class Window:
    """Records the calm waits; `event_after` seconds into one, input arrives."""

    def __init__(self, event_after: float | None = None):
        self.waits: list[float] = []
        self.event_after = event_after

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        time.sleep(seconds if self.event_after is None else min(seconds, self.event_after))


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(frame_rate, "CALM_S", 0.2)
    monkeypatch.setattr(frame_rate, "CALM_FPS", 20.0)


def frames(rate, window, shown, n: int, lively: bool = False) -> float:
    """Seconds `n` frames took, each showing shown(i)."""
    begin = time.perf_counter()
    for i in range(n):
        rate.wait(window, time.perf_counter(), shown(i), lively)
    return time.perf_counter() - begin


def calm_down(rate, window) -> None:
    """Frames of a still picture until the window waits calmly."""
    while not window.waits:
        frames(rate, window, lambda i: "still", 1)


def test_a_changing_picture_gets_the_full_rate_and_a_still_one_the_calm_rate(quick):
    rate, window = FrameRate(max_fps=200.0), Window()
    busy = frames(rate, window, lambda i: i, 80)  # new weights every frame, for 0.4 s
    assert window.waits == [] and busy < 80 / 20.0  # never calm
    still = time.perf_counter()
    calm_down(rate, window)
    assert time.perf_counter() - still >= 0.2  # calm after CALM_S
    frames(rate, window, lambda i: "still", 3)
    assert len(window.waits) == 4
    assert all(w == pytest.approx(1 / 20.0, abs=0.01) for w in window.waits)


def test_input_ends_a_calm_wait_and_keeps_the_window_lively(quick):
    rate, quiet = FrameRate(max_fps=200.0), Window()
    calm_down(rate, quiet)
    frames(rate, quiet, lambda i: "still", 3)
    assert len(quiet.waits) == 4  # calm stays calm without input
    rate, touched = FrameRate(max_fps=200.0), Window(event_after=0.001)
    calm_down(rate, touched)
    frames(rate, touched, lambda i: "still", 3)  # 15 ms: well under CALM_S since the input
    assert len(touched.waits) == 1


def test_a_script_never_lets_the_window_calm_down(quick):
    rate, window = FrameRate(max_fps=0.0), Window()
    frames(rate, window, lambda i: "still", 30, lively=True)
    time.sleep(0.06)
    frames(rate, window, lambda i: "still", 3, lively=True)
    assert window.waits == []
