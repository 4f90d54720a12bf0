"""A/B runs without a window: run B is A's preset with one or more settings
changed, on A's Dataset object, paced by A's transport; a bad value changes
nothing."""

import json
import time

import numpy as np
import pytest
from test_app_actions import small_preset, wait_for

from shaderplay.app import compare_actions, network_actions, training_actions
from shaderplay.app.script import ACTIONS, Script
from shaderplay.app.session import Session
from shaderplay.app.state import AppState


@pytest.fixture
def app():
    preset = small_preset(lr=0.003)
    session = Session(preset, playing=False)
    state = AppState(preset=preset, source="small")
    yield state, session
    session.close()


def test_run_b_gets_the_change_on_the_same_data_and_trains_when_a_plays(app):
    state, session = app
    compare_actions.start_compare(state, session, key="lr", value=0.03)
    assert state.message is not None and not state.message.error
    run_b = session.compare
    assert run_b.preset.train.lr == 0.03 and state.preset.train.lr == 0.003
    assert run_b.dataset is session.dataset
    assert run_b.labels == ("A: lr=0.003", "B: lr=0.03")
    assert run_b.trainer.config.lr == pytest.approx(0.03)
    # Same seed, same architecture: both start from the same weights.
    session.tick()
    assert np.array_equal(run_b.params(), session.latest_params())
    assert run_b.step == 0  # paused: B waits for A
    training_actions.set_pace(state, session, 4)
    training_actions.set_playing(state, session, True)
    assert wait_for(lambda: session.tick().step >= 40 and run_b.step >= 40, 300)
    assert len(run_b.progress.loss) and run_b.clock.seconds > 0
    assert not np.array_equal(run_b.params(), session.latest_params())  # another lr
    training_actions.set_playing(state, session, False)
    assert run_b.trainer.wait(5)  # the steps queued before the pause
    session.tick()
    held = run_b.step
    for _ in range(5):
        time.sleep(0.02)
        session.tick()
    assert run_b.step == held == run_b.trainer.step  # paused with A
    compare_actions.stop_compare(state, session)
    assert session.compare is None and not run_b.trainer.running


def test_an_architecture_change_gets_its_own_network(app):
    state, session = app
    compare_actions.start_compare(state, session, key="activation", value="relu")
    run_b = session.compare
    assert run_b.net.layout.layers[0].activation == "relu"
    assert session.net.layout.layers[0].activation == "tanh"
    assert run_b.labels[1] == "B: activation=relu"


def test_a_bad_value_is_refused_with_the_fields_message(app):
    state, session = app
    compare_actions.start_compare(state, session, key="train.lr", value=-1)
    assert state.message.error and "train.lr" in state.message.text
    assert session.compare is None
    compare_actions.start_compare(state, session, key="target.name", value="spiral")
    assert state.message.error and "A/B setting" in state.message.text
    assert session.compare is None


def test_a_rebuild_of_a_ends_the_comparison_and_scripts_can_start_one(app):
    state, session = app
    assert {"start_compare", "stop_compare"} <= set(ACTIONS)
    ACTIONS["start_compare"](state, session, key="seed", value=7)
    assert session.compare.preset.network.seed == 7
    network_actions.set_layer(state, session, 0, width=9)
    assert session.compare is None


def test_the_panels_typed_value_is_read_as_a_preset_value(app):
    state, session = app
    compare_actions.start_compare(state, session, changes=["optimizer=sgd"])
    assert session.compare.preset.train.optimizer == "sgd"
    compare_actions.start_compare(state, session, changes=["lr=0.5"])
    assert session.compare.preset.train.lr == 0.5
    compare_actions.start_compare(state, session, changes=["norm=nonsense"])
    assert state.message.error and "network.norm" in state.message.text
    assert session.compare.preset.train.lr == 0.5  # the last comparison runs on


def test_two_changes_apply_together_and_the_labels_name_both(app):
    state, session = app
    compare_actions.start_compare(state, session, changes={"seed": 4, "lr": 0.02})
    assert state.message is not None and not state.message.error
    run_b = session.compare
    assert (run_b.preset.network.seed, run_b.preset.train.lr) == (4, 0.02)
    assert (state.preset.network.seed, state.preset.train.lr) == (3, 0.003)
    assert run_b.trainer.config.lr == pytest.approx(0.02)
    assert run_b.labels == ("A: seed=3, lr=0.003", "B: seed=4, lr=0.02")
    assert "seed=4, lr=0.02" in state.message.text
    session.tick()
    assert not np.array_equal(run_b.params(), session.latest_params())  # another seed
    # The A/B section's rows now show B's settings, ready to edit and restart.
    assert state.compare_rows == [["seed", "4"], ["lr", "0.02"]]
    training_actions.set_pace(state, session, 4)
    training_actions.set_playing(state, session, True)
    assert wait_for(lambda: session.tick().step >= 20 and run_b.step >= 20, 300)


def test_restarting_with_other_rows_replaces_b_and_starts_both_again(app):
    state, session = app
    compare_actions.start_compare(state, session, changes=["lr=0.02"])
    first = session.compare
    training_actions.step(state, session, 30)
    assert wait_for(lambda: session.tick().step >= 30, 300)
    compare_actions.start_compare(state, session, changes=["lr=0.02", "norm=layernorm"])
    run_b = session.compare
    assert run_b is not first and not first.trainer.running
    assert run_b.preset.network.norm == "layernorm" and run_b.preset.train.lr == 0.02
    assert session.tick().step == 0 and run_b.step == 0


def test_a_bad_value_among_several_gives_its_fields_message_and_starts_nothing(app):
    state, session = app
    compare_actions.start_compare(state, session, changes={"seed": 5, "lr": -1})
    assert state.message.error and "train.lr" in state.message.text
    assert session.compare is None and state.compare_rows == [["lr", "0.03"]]
    compare_actions.start_compare(state, session, changes=["seed=5", "activation=nope"])
    assert state.message.error and "network.activation" in state.message.text
    assert session.compare is None
    compare_actions.start_compare(state, session, key="seed", value=5, changes={"lr": 0.1})
    assert state.message.error and "start_compare" in state.message.text
    assert session.compare is None


def test_a_script_starts_b_with_several_changes_and_a_refused_step_says_why_on_stderr(app, capsys):
    state, session = app
    steps = [
        {"frame": 1, "do": "start_compare", "changes": {"seed": 9, "lr": "bad"}},
        {"frame": 2, "do": "start_compare", "changes": ["seed=9", "optimizer=sgd"]},
    ]
    script = Script.of(steps)
    script.run(1, state, session, [])
    assert session.compare is None and "train.lr" in capsys.readouterr().err
    script.run(2, state, session, [])
    assert session.compare.labels[1] == "B: seed=9, optimizer=sgd"
    assert capsys.readouterr().err == ""


def test_save_compare_writes_each_runs_settings_as_it_trains_and_its_row(app, tmp_path):
    state, session = app
    compare_actions.save_compare(state, session, str(tmp_path / "none.json"))
    assert state.message.error and "no A/B comparison" in state.message.text
    compare_actions.start_compare(state, session, changes={"lr": 0.02, "seed": 4})
    training_actions.set_pace(state, session, 4)
    training_actions.set_playing(state, session, True)
    assert wait_for(lambda: session.tick().step >= 20 and session.compare.step >= 20, 300)
    training_actions.set_playing(state, session, False)
    compare_actions.save_compare(state, session, str(tmp_path / "ab.json"))
    a, b = json.loads((tmp_path / "ab.json").read_text())
    assert (a["run"], b["run"]) == ("A", "B")
    assert a["settings"] == {"train.lr": pytest.approx(0.003), "network.seed": 3}
    assert b["settings"] == {"train.lr": pytest.approx(0.02), "network.seed": 4}
    assert b["label"] == "B: lr=0.02, seed=4"
    assert a["step"] >= 20 and b["step"] >= 20 and b["train_loss"] > 0


def test_a_single_step_moves_both_runs(app):
    state, session = app
    compare_actions.start_compare(state, session, key="seed", value=3)
    run_b = session.compare
    session.tick()  # B's trainer starts with A's first tick (paused)
    a0, b0 = session.trainer.step, run_b.trainer.step
    session.step(5)
    assert session.trainer.wait(30) and run_b.trainer.wait(30)
    assert session.trainer.step == a0 + 5 and run_b.trainer.step == b0 + 5
