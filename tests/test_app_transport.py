"""The transport bar's model: the preset's pace paces the trainer (n steps a
frame), the speed control and the max toggle change it, the readout counts
steps and epochs; messages fade and an error goes at the next action that
succeeds."""

import time
from dataclasses import replace
from itertools import pairwise

import pytest

from shaderplay.app import notices, panel_transport, training_actions, view_actions
from shaderplay.app.session import Session
from shaderplay.app.state import AppState, Message
from shaderplay.config import NetConfig, Preset, TargetConfig, TrainConfig

PACE = 7


@pytest.fixture
def app():
    preset = Preset(
        name="paced",
        network=NetConfig(hidden=(5,), seed=2),
        target=TargetConfig("circle", n_points=200),
        train=TrainConfig(batch_size=16, pace=PACE, steps_per_frame=3),
    )
    session = Session(preset, playing=True)
    yield AppState(preset=preset), session
    session.close()


def frames(session, n: int) -> None:
    for _ in range(n):
        session.tick()
        assert session.trainer.wait(600)  # a cold numba cache compiles first


def test_the_preset_pace_runs_that_many_steps_a_frame(app):
    state, session = app
    assert state.watch_pace == PACE and session.pacing.speed == PACE
    frames(session, 5)
    assert session.trainer.latest().step == 5 * PACE  # not the recording's steps_per_frame


def test_max_speed_free_runs_and_the_toggle_comes_back_to_the_pace(app):
    state, session = app
    training_actions.toggle_fastest(state, session)
    assert state.preset.train.pace == 0 and session.pacing.speed == 0
    assert not session.trainer.paused  # free-running without any frame asking
    start = time.monotonic()
    while session.trainer.latest().step < 5000 and time.monotonic() - start < 600:
        time.sleep(0.01)
    assert session.trainer.latest().step >= 5000
    training_actions.toggle_fastest(state, session)
    assert state.preset.train.pace == PACE and session.trainer.paused
    training_actions.set_pace(state, session, 20)
    training_actions.toggle_fastest(state, session)
    training_actions.toggle_fastest(state, session)
    assert state.preset.train.pace == 20  # back to the last pace set


def test_the_readout_counts_steps_and_epochs(app):
    state, session = app
    frames(session, 4)
    session.tick()
    text = panel_transport.numbers(state, session)
    step = session.snapshot.step
    epochs = step * 16 / len(session.dataset.x_train)
    assert f"step {step:,}" in text and f"epoch {epochs:,.1f}" in text and "loss" in text


def test_speed_positions_are_a_log_scale_ending_at_max():
    speeds = panel_transport.SPEEDS
    assert speeds[-1] == 0 and panel_transport.speed_index(0) == len(speeds) - 1
    assert all(b > a for a, b in pairwise(speeds[:-1]))
    assert panel_transport.speed_index(1) == 0 and speeds[panel_transport.speed_index(9)] == 10
    assert panel_transport.speed_label(0) == "max speed"


def test_messages_fade_and_an_error_goes_at_the_next_success():
    info, error = Message("saved", at=100.0), Message("bad", error=True, at=100.0)
    assert notices.message_alpha(info, 101.0) == 1.0
    assert notices.message_alpha(info, 100.0 + notices.SHOWN_S[False]) == 0.0
    assert notices.message_alpha(error, 100.0 + notices.SHOWN_S[False]) > 0.0  # errors stay longer
    assert notices.message_alpha(error, 100.0 + notices.SHOWN_S[True]) == 0.0
    state = AppState()
    state.say("zoom: too far", error=True)
    view_actions.zoom(state, None, factor=1.1)  # an action that works
    assert state.message is None
    state.say("an info")
    view_actions.zoom(state, None, factor=1.1)
    assert state.message.text == "an info"  # notices fade by time only
    state.say("bad", error=True)
    view_actions.zoom(state, None, factor=1e-30)  # fails: its own error replaces it
    assert state.message.error and state.message.text != "bad"


def test_a_new_preset_brings_its_own_pace(app):
    state, session = app
    session.rebuild(replace(state.preset, train=replace(state.preset.train, pace=3)))
    assert session.pacing.speed == 3


@pytest.mark.parametrize("canvas_w", [656.0, 488.0, 300.0, 120.0])  # 1280x800, 800x600, narrow
def test_the_message_bar_keeps_clear_of_the_legend(canvas_w):
    """Beside the legend's band (bottom right) where the canvas has room for both, a
    dropped CSV's note once covered the colour bar; else centred, inside the canvas."""
    from shaderplay.app import canvas_legend
    from shaderplay.app.canvas import Rect

    font = 13.0
    rect = Rect(312.0, 0.0, canvas_w, 700.0)
    x, width = notices.bar_span(rect, 40 * font, font)
    band_x = rect.x + rect.w - canvas_legend.band_width(rect)
    assert rect.x <= x and x + width <= rect.x + rect.w and width > 0
    if canvas_w - canvas_legend.band_width(rect) >= notices.MIN_BESIDE_EM * font + 24:
        assert x + width + notices.MARGIN <= band_x and width >= notices.MIN_BESIDE_EM * font
    else:
        assert abs((x - rect.x) - (rect.x + rect.w - x - width)) <= 1  # centred
