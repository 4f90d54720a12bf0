"""No wait without an end: when training stops by itself (it diverged, reached
max_steps, or its first weights overflow) a recording renders its remaining
frames from the last weights and says why, the window stops playing, and a
script waiting for a step goes on with a message. Each of these waited forever."""

import re
import subprocess
import threading
import time
import tomllib
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import WAIT_S
from test_durable import ENV, SHADERPLAY, TINY
from test_record_endings import frames_in

from shaderplay.app import script as script_module
from shaderplay.app.script import Script
from shaderplay.app.session import Session
from shaderplay.app.state import AppState
from shaderplay.build import build
from shaderplay.presets import parse_preset
from shaderplay.record.animations import TrainingTimelapse
from shaderplay.train import Trainer
from shaderplay.view import View

# Each way training stops by itself: the preset's extra lines, what the message says.
STOPS = {
    "diverged": (
        '[train]\noptimizer = "sgd"\nlr = 1e30\n[network]\noutput = "linear"',
        "diverged at step",
    ),
    "max_steps": ("[train]\nmax_steps = 25", "reached max_steps = 25"),
    # the largest scale allowed, on a deep linear net: the first gradient overflows float32
    "overflowing init": (
        '[network]\nscale = 1e6\nhidden = [8, 8, 8, 8]\nactivation = "linear"\noutput = "linear"',
        "diverged at step 0 (non-finite",
    ),
}


def preset_text(stop: str) -> str:
    """TINY with the stop's lines merged into its tables (a stop's key replaces TINY's)."""
    tables: dict[str, dict[str, str]] = {}
    for text in (TINY, STOPS[stop][0]):
        table = ""
        for line in text.splitlines():
            if line.startswith("["):
                table = line
            elif line.strip():
                tables.setdefault(table, {})[line.split("=")[0].strip()] = line
    return "\n".join(f"{t}\n" + "\n".join(lines.values()) for t, lines in tables.items()) + "\n"


def preset(stop: str):
    return parse_preset(tomllib.loads(preset_text(stop)))


def within(seconds: float, work) -> None:
    """Run `work()`; fail (instead of hanging the suite) if it has not ended in time."""
    failed = []

    def run():
        try:
            work()
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds:g} s"
    if failed:
        raise failed[0]


@pytest.mark.parametrize("stop", STOPS)
def test_a_timelapse_shows_the_last_weights_after_training_stops(stop):
    net, data, config = build(preset(stop))
    animation = TrainingTimelapse(Trainer(net, data, config=config), 10, 10, View())
    frames = []
    within(WAIT_S, lambda: frames.extend(animation.frame(i) for i in range(10)))
    first = animation.stopped_at
    assert first is not None and 1 <= first <= 9
    assert "training stopped: " + animation.trainer.stopped.replace("_", " ") in frames[-1].caption
    assert all(np.array_equal(f.params, frames[first].params) for f in frames[first:])
    assert (
        STOPS[stop][1] in animation.stop_note and f"frames {first}..9 show" in animation.stop_note
    )


@pytest.mark.parametrize("stop", STOPS)
def test_record_ends_when_training_stops(tmp_path, stop):
    path = tmp_path / "stop.toml"
    path.write_text(preset_text(stop))
    out = tmp_path / "x.gif"
    done = subprocess.run(
        [*SHADERPLAY, "record", str(path), "-o", str(out), "--frames", "10", "--size", "16x16"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=WAIT_S,  # it waited forever
    )
    assert done.returncode == 0, done.stderr
    said = done.stdout.splitlines()
    assert said[0].startswith(f"wrote 10 frames (16x16, 30 fps, training) to {out}")
    assert said[1].startswith("  training stopped at step ") and STOPS[stop][1] in said[1]
    assert frames_in(out) == 10


def _ticks_until_stopped(session) -> None:
    """Window frames until the session stops playing (`within` bounds the time)."""
    while session.playing:
        session.tick()
        time.sleep(0.001)


@pytest.mark.parametrize("pace", ["recording", "steps_per_frame"])
def test_the_window_stops_playing_when_training_stops_whatever_the_pacing(pace):
    text = preset_text("max_steps").replace("max_steps = 25", "max_steps = 25\nsteps_per_frame = 5")
    chosen = parse_preset(tomllib.loads(text))
    session = Session(chosen, playing=False)
    try:
        if pace == "recording":
            session.set_fixed_pace(10)  # what the window does while it records
        session.set_playing(True)
        within(WAIT_S, lambda: _ticks_until_stopped(session))
        assert session.trainer.stopped == "max_steps" and session.trainer.step == 25
        session.configure(max_steps=35)  # room for more, and play: it trains, stops again
        session.set_playing(True)
        assert session.playing
        within(WAIT_S, lambda: _ticks_until_stopped(session))
        assert session.trainer.stopped == "max_steps" and session.trainer.step == 35
    finally:
        session.close()


def _run_script(script, state, session) -> None:
    """Window frames until the script has nothing left (`within` bounds the time)."""
    frame = 0
    while script.steps or script.until_step >= 0:
        session.tick()
        script.run(frame, state, session, [])
        frame += 1
        time.sleep(0.001)


def test_a_script_waiting_for_a_step_that_never_comes_goes_on_and_says_why(capsys):
    chosen = preset("diverged")
    session = Session(chosen, playing=True)
    state = AppState(preset=chosen)
    script = Script.of([{"frame": 1, "do": "wait_for_step", "step": 10**6}])
    try:
        within(WAIT_S, lambda: _run_script(script, state, session))
    finally:
        session.close()
    message = state.message.text
    expected = r"script: wait_for_step 1000000 ended at step \d+: training stopped: diverged at"
    assert re.match(expected, message) and state.message.error, message
    assert message in capsys.readouterr().err


def test_a_wait_on_a_stalled_session_ends_after_stall_s(monkeypatch):
    monkeypatch.setattr(script_module, "STALL_S", 0.05)
    stalled = SimpleNamespace(step_count=7, playing=True, trainer=SimpleNamespace(stopped=None))
    state = AppState(preset=preset("max_steps"))
    script = Script.of([{"frame": 0, "do": "wait_for_step", "step": 100}])
    frame = 0
    while script.until_step != -1 or frame == 0:
        script.run(frame, state, stalled, [])
        frame += 1
        time.sleep(0.001)
        assert frame < 10_000, "the wait never ended"
    assert script.held > 0
    assert (
        state.message.text
        == "script: wait_for_step 100 ended at step 7: no training step for 0.05 s"
    )
