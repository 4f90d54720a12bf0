"""The frame loop's rate: at most max_fps frames a second while the user acts,
WATCH_FPS while only training changes the picture, CALM_FPS once nothing has
changed for CALM_S; input ends a slower frame's wait at once."""

import time
from types import SimpleNamespace

import pytest

from shaderplay.app import frame_rate
from shaderplay.app.frame_rate import FrameRate
from shaderplay.app.loop import Loop


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
    monkeypatch.setattr(frame_rate, "WATCH_FPS", 50.0)


def frames(rate, window, moved, n: int, lively: bool = False, news=lambda i: "old") -> float:
    """Seconds `n` frames took, the i-th showing moved(i) and news(i)."""
    begin = time.perf_counter()
    for i in range(n):
        rate.wait(window, time.perf_counter(), moved(i), news(i), lively)
    return time.perf_counter() - begin


def calm_down(rate, window) -> None:
    """Frames of a still picture until the window waits calmly."""
    while not window.waits:
        frames(rate, window, lambda i: "still", 1)


def test_a_moving_view_gets_the_full_rate_and_a_still_one_the_calm_rate(quick):
    rate, window = FrameRate(max_fps=200.0), Window()
    busy = frames(rate, window, lambda i: i, 80)  # the view moves every frame, for 0.4 s
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


def test_training_alone_is_watched_at_the_watching_rate(quick):
    rate, window = FrameRate(max_fps=200.0), Window()
    frames(rate, window, lambda i: "still", 3, news=lambda i: i)  # 15 ms: just moved
    assert window.waits == []
    begin = time.perf_counter()
    while not window.waits:  # new weights every frame, nothing else
        frames(rate, window, lambda i: "still", 1, news=lambda i: time.perf_counter())
    assert time.perf_counter() - begin >= 0.05  # CALM_S after the view last moved
    frames(rate, window, lambda i: "still", 5, news=lambda i: time.perf_counter())
    assert all(w <= 1 / 50.0 + 1e-9 for w in window.waits) and len(window.waits) == 6


def test_no_limit_stays_no_limit_while_training(quick):
    rate, window = FrameRate(max_fps=0.0), Window()
    frames(rate, window, lambda i: "still", 200, news=lambda i: time.perf_counter())
    assert window.waits == []  # the benchmark's uncapped loop: as fast as it draws


def fake_loop(playing: bool = True) -> Loop:
    """A Loop of which only the pacing runs: the frames themselves are left out."""
    loop = Loop.__new__(Loop)
    loop.rate, loop.window, loop.driven = FrameRate(max_fps=200.0), Window(), False
    loop.state = SimpleNamespace(view="home", preset=SimpleNamespace(view="output"))
    loop.state.recording, loop.state.replaying = "", False
    loop.picture = SimpleNamespace(renders=0, pending=False)
    pacing = SimpleNamespace(free_running=False)
    loop.session = SimpleNamespace(weights_key=0, playing=playing, pacing=pacing, compare=None)
    return loop


def pace_for(loop, seconds: float, training: bool = False) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        loop.session.weights_key += int(training)
        loop._pace(time.perf_counter())


def test_paced_training_keeps_the_full_rate_and_free_running_is_watched(quick):
    """A paced trainer's speed is steps per frame, so its frames keep the full rate;
    a free-running one gets the CPU the frames leave."""
    loop = fake_loop()
    pace_for(loop, 0.4, training=True)
    assert loop.window.waits == []
    loop.session.pacing.free_running = True
    pace_for(loop, 0.4, training=True)
    assert loop.window.waits
    assert all(w <= 1 / 50.0 + 1e-9 for w in loop.window.waits)


@pytest.mark.parametrize("busy", [{"recording": "take.mp4"}, {"replaying": True}])
def test_a_recording_or_replaying_window_keeps_the_full_rate(quick, busy):
    """A live recording takes a video frame, a replay a snapshot, each window frame."""
    loop = fake_loop(playing=False)
    vars(loop.state).update(busy)
    pace_for(loop, 0.4)
    assert loop.window.waits == []
    loop.state.recording, loop.state.replaying = "", False
    pace_for(loop, 0.4)
    assert loop.window.waits  # done: it calms down


def test_another_view_mode_wakes_a_calm_window(quick):
    loop = fake_loop(playing=False)
    pace_for(loop, 0.4)
    calm = len(loop.window.waits)
    assert calm
    loop.state.preset.view = "neuron"  # as a script or the keyboard switch modes
    pace_for(loop, 0.1)  # under CALM_S
    assert len(loop.window.waits) == calm


def test_a_picture_on_its_way_keeps_the_window_awake_to_show_it(quick):
    loop = fake_loop(playing=False)
    loop.picture.pending = True  # a slow network's picture after a mode switch
    pace_for(loop, 0.4)
    assert loop.window.waits == []
    loop.picture.pending = False
    pace_for(loop, 0.4)
    assert loop.window.waits
