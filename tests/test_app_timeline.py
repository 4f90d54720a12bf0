"""The window's timeline without a window: snapshots kept while training,
scrubbing (training pauses, the shown weights are the snapshot's), resume
from a snapshot, run files saved and loaded (the record module's format),
and the bounded series behind the plots."""

import numpy as np
import pytest

from shaderplay.app import (
    file_actions,
    network_actions,
    run_actions,
    training_actions,
    view_actions,
)
from shaderplay.app.session import Session
from shaderplay.app.state import AppState
from shaderplay.app.timeline import Timeline
from shaderplay.config import NetConfig, Preset, TargetConfig, TrainConfig, ViewConfig
from shaderplay.runs import RunFile
from shaderplay.train import Snapshot
from shaderplay.train.results import Rows


def small_preset(**network) -> Preset:
    return Preset(
        name="small",
        network=NetConfig(hidden=(6, 5), activation="tanh", seed=3, **network),
        target=TargetConfig(name="fancy_sine", n_points=256),
        train=TrainConfig(batch_size=32),
        view=ViewConfig(),
    )


@pytest.fixture
def app():
    preset = small_preset()
    session = Session(preset, playing=False)
    session.run.set_every(10)
    state = AppState(preset=preset, source="small")
    yield state, session
    session.close()


def train(session, steps: int, every: int = 10) -> None:
    """`steps` more steps, looked at after every `every` of them as frames would."""
    for _ in range(steps // every):
        session.step(every)
        session.trainer.wait()
        session.tick()


def snap(step, value=0.0, n=4):
    nan = float("nan")
    return Snapshot(step, np.full(n, value, np.float32), float(step), nan, nan, nan, None)


def test_snapshots_are_kept_each_multiple_and_thinned_past_capacity():
    timeline = Timeline(4, every=10, capacity=4)
    kept = [s for s in (0, 3, 10, 12, 25, 30) if timeline.observe(snap(s))]
    assert kept == [0, 10, 25, 30]  # the first seen past each multiple of 10
    timeline.observe(snap(41))  # full: every other snapshot goes, the interval doubles
    assert timeline.steps == [0, 25, 41] and timeline.every == 20
    assert not timeline.observe(snap(55)) and timeline.observe(snap(60))
    assert timeline.index_at_step(50) == 2 and timeline.index_at_step(-5) == 0


def test_scrubbing_pauses_and_shows_the_snapshot_everywhere(app):
    state, session = app
    train(session, 60)
    timeline = session.run.timeline
    assert timeline.steps == [0, 10, 20, 30, 40, 50, 60]
    live = session.latest_params().copy()
    training_actions.set_playing(state, session, True)
    run_actions.scrub(state, session, 2)
    assert not session.playing
    shown = session.tick()
    assert shown.step == 20
    np.testing.assert_array_equal(shown.params, timeline.params[2])
    np.testing.assert_array_equal(session.latest_network().params, timeline.params[2])
    np.testing.assert_array_equal(session.latest_params(), timeline.params[2])
    assert not np.array_equal(shown.params, live)
    key = session.weights_key
    run_actions.scrub_by(state, session, 1)
    assert session.tick().step == 30 and session.weights_key != key
    run_actions.go_live(state, session)
    np.testing.assert_array_equal(session.tick().params, live)
    assert session.trainer.step == 60  # nothing trained while scrubbing


def test_resume_from_a_snapshot_trains_on_from_its_weights_and_step(app):
    state, session = app
    train(session, 60)
    early = session.run.timeline.params[2].copy()
    run_actions.scrub(state, session, 2)
    session.resume_from(playing=False)
    restarted = session.tick()
    assert not session.run.timeline.scrubbing and session.run.base == 20
    assert restarted.step == 20 and session.run.timeline.steps == [0, 10, 20]
    np.testing.assert_array_equal(restarted.params, early)
    train(session, 30)
    assert session.step_count == 50 and session.trainer.step == 50
    assert session.run.timeline.steps == [0, 10, 20, 30, 40, 50]  # steps count on from 20
    assert np.all(np.diff(session.run.progress.loss.column(0)) > 0)
    assert session.run.progress.loss.last(0) == 50
    training_actions.reset_weights(state, session)  # R: back to the run's start, step 0
    assert session.step_count == 0 and session.run.timeline.steps == [0]
    np.testing.assert_array_equal(session.tick().params, session.run.timeline.params[0])


def test_replay_shows_one_snapshot_a_frame_and_stops_at_the_end(app):
    state, session = app
    train(session, 30)
    run_actions.toggle_replay(state, session)
    shown = [session.tick().step]
    for _ in range(5):  # frames: the loop advances the replay, then shows
        run_actions.advance_replay(state, session)
        shown.append(session.tick().step)
    assert shown == [0, 10, 20, 30, 30, 30] and not state.replaying
    run_actions.scrub(state, session, 1)
    run_actions.toggle_replay(state, session)  # from the snapshot shown
    assert session.tick().step == 10 and state.replaying
    run_actions.go_live(state, session)
    assert not state.replaying


def test_resume_needs_a_scrubbed_snapshot(app):
    state, session = app
    run_actions.resume_from_here(state, session)
    assert state.message.error and "timeline" in state.message.text


def test_a_saved_run_loads_back_onto_the_timeline(app, tmp_path):
    state, session = app
    train(session, 50)
    steps, params = (
        list(session.run.timeline.steps),
        [p.copy() for p in session.run.timeline.params],
    )
    file_actions.save_run(state, session, str(tmp_path / "run.npz"))
    run = RunFile.load(tmp_path / "run.npz")  # the record module's format
    assert list(run.steps) == steps and run.meta["snapshot_every"] == 10
    np.testing.assert_array_equal(run.snapshots, np.stack(params))
    assert len(run.losses) and np.isfinite(run.losses[:, 1]).all()

    network_actions.set_layer(state, session, 0, width=3)  # another architecture meanwhile
    file_actions.drop_files(state, session, [str(tmp_path / "run.npz")])  # a run file, dropped
    assert session.net.spec.hidden == (6, 5) and not session.playing
    assert state.preset.network.hidden == (6, 5)  # the panels show what was loaded
    assert session.run.timeline.steps == steps and session.step_count == 50
    run_actions.scrub(state, session, 0)
    np.testing.assert_array_equal(session.tick().params, params[0])
    run_actions.resume_from_here(state, session, 0)
    assert session.run.base == 0 and session.run.timeline.steps == [0]


def test_a_run_of_the_wrong_shape_is_refused(app, tmp_path):
    state, session = app
    rgb = Preset(name="rgb", network=NetConfig(hidden=(4,), n_out=3), target=TargetConfig("none"))
    other = Session(rgb, playing=False)
    try:
        other.save_run(tmp_path / "rgb.npz")
    finally:
        other.close()
    net = session.net
    file_actions.load_run(state, session, str(tmp_path / "rgb.npz"))
    assert state.message.error and "outputs" in state.message.text
    assert session.net is net
    file_actions.load_run(state, session, str(tmp_path / "missing.npz"))
    assert state.message.error and "missing.npz" in state.message.text


def test_latent_values_change_live_without_a_rebuild():
    preset = Preset(
        name="cppn",
        network=NetConfig(hidden=(8, 8), latent=(0.5, -0.5), n_out=3, seed=2),
        target=TargetConfig(name="none"),
    )
    session = Session(preset, playing=False)
    state = AppState(preset=preset)
    try:
        before, generation = session.tick().params.copy(), session.generation
        key = session.weights_key
        network_actions.set_latent(state, session, 1, 2.0)
        after = session.tick().params
        at = session.net.layout.latent
        assert session.generation == generation and session.weights_key != key
        assert after[at + 1] == 2.0 and after[at] == 0.5
        np.testing.assert_array_equal(np.delete(after, at + 1), np.delete(before, at + 1))
        assert state.preset.network.latent == (0.5, 2.0)
        network_actions.add_latent(state, session, 0.25)
        assert session.net.spec.n_latent == 3 and session.net.spec.sizes[0] == 5
        network_actions.remove_latent(state, session, 0)
        assert state.preset.network.latent == (2.0, 0.25)
        network_actions.set_latent(state, session, 7, 1.0)
        assert state.message.error and "latent" in state.message.text
    finally:
        session.close()


def test_a_latent_edit_reaches_a_paused_trainer_and_its_data():
    preset = small_preset(latent=(0.0,))
    session = Session(preset, playing=False)
    state = AppState(preset=preset)
    try:
        loss = session.trainer.evaluate("train")
        network_actions.set_latent(state, session, 0, 1.5)
        at = session.net.layout.latent
        assert session.tick().params[at] == 1.5  # shown at once, though no chunk ran
        assert session.trainer.evaluate("train") != loss  # the training inputs follow
        session.step(5)
        session.trainer.wait()
        assert session.tick().params[at] == 1.5
    finally:
        session.close()


def test_series_stay_bounded_and_in_order():
    series = Rows(2, limit=100)
    for step in range(1, 1001):
        series.append(step, step * 0.5)
    assert 50 <= len(series) <= 100
    steps = series.column(0)
    assert steps[0] == 1 and np.all(np.diff(steps) > 0) and steps.flags.c_contiguous
    np.testing.assert_array_equal(series.column(1), steps * 0.5)
    series.truncate_after(500)
    assert series.last(0) <= 500 < series.last(0) + 2 * 1000 / len(series)


def test_accuracy_counts_the_test_points_classified_right():
    from shaderplay.build import build
    from shaderplay.train.results import accuracy

    preset = Preset(
        name="c",
        network=NetConfig(hidden=(4,), seed=1),
        target=TargetConfig(name="circle", n_points=400, test_fraction=0.25),
        train=TrainConfig(loss="bce"),
    )
    net, data, _ = build(preset)
    net.b(net.spec.depth - 1)[:] = 100.0  # says "inside" everywhere
    assert accuracy(net.forward(data.x_test), data.y_test, data.kind) == np.mean(
        data.y_test[:, 0] > 0.5
    )
    net.b(net.spec.depth - 1)[:] = -100.0
    assert accuracy(net.forward(data.x_test), data.y_test, data.kind) == np.mean(
        data.y_test[:, 0] <= 0.5
    )
    session = Session(preset, playing=False)
    try:
        train(session, 30)  # three frames, each after a new step
        snap = session.tick()
        progress = session.run.progress
        assert len(progress.accuracy) == len(progress.loss) == 3  # one per published step
        assert progress.accuracy.last(1) == snap.test_accuracy
    finally:
        session.close()


def test_a_resumed_run_keeps_its_learning_rate_schedule(app):
    state, session = app
    training_actions.set_train(state, session, schedule="step", step_size=20, gamma=0.5)
    train(session, 60)
    session.resume_from(4, playing=False)  # step 40: two decays in
    train(session, 10)
    lr = session.tick().lr
    assert lr == pytest.approx(session.config.lr * 0.25)  # not the first step's full rate
    assert session.trainer.step == 50


def test_play_and_step_at_max_steps_say_why_nothing_trains(app):
    state, session = app
    training_actions.set_train(state, session, max_steps=30)
    train(session, 30)
    run_actions.scrub(state, session, 3)  # step 30
    run_actions.resume_from_here(state, session, 3)
    assert state.message.error and "max_steps is 30" in state.message.text
    view_actions.dismiss_message(state, session)
    training_actions.set_playing(state, session, True)
    assert not session.playing and "max_steps" in state.message.text
    training_actions.step(state, session, 5)
    assert session.trainer.step == 30
    training_actions.set_train(state, session, max_steps=0)  # no limit: trains on from step 30
    training_actions.step(state, session, 10)
    session.trainer.wait()
    assert session.trainer.step == 40
