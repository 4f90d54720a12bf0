"""The window's state model and actions, without a window: every change a
panel, key or the mouse can make, checked on the real Session (network,
dataset, trainer thread)."""

import time
from dataclasses import replace

import numpy as np
import pytest

from shaderplay.app import file_actions, network_actions, training_actions, view_actions
from shaderplay.app.script import Script
from shaderplay.app.session import Session
from shaderplay.app.state import AppState
from shaderplay.config import NetConfig, Preset, TargetConfig, TrainConfig, ViewConfig
from shaderplay.presets import load_preset, parse_preset
from shaderplay.view import View


def small_preset(**train) -> Preset:
    return Preset(
        name="small",
        network=NetConfig(hidden=(6, 5), activation="tanh", seed=3),
        target=TargetConfig(name="fancy_sine", n_points=256),
        train=TrainConfig(batch_size=32, **train),
        view=ViewConfig(),
    )


@pytest.fixture
def app():
    preset = small_preset()
    session = Session(preset, playing=False)
    state = AppState(preset=preset, source="small")
    yield state, session
    session.close()


def wait_for(predicate, timeout=600.0):  # generous: a cold numba cache compiles first
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def snapshot_step(session):
    return session.tick().step


def test_changing_a_layer_rebuilds_the_network_with_the_new_spec(app):
    state, session = app
    generation = session.generation
    network_actions.set_layer(state, session, 0, width=9)
    assert state.message is None
    assert session.net.spec.hidden == (9, 5)
    assert state.preset.network.hidden == (9, 5)
    assert session.generation == generation + 1
    network_actions.add_layer(state, session)
    assert session.net.spec.hidden == (9, 5, 5)
    network_actions.remove_layer(state, session, 0)
    assert session.net.spec.hidden == (5, 5)
    network_actions.set_layer(state, session, 1, norm="layernorm")
    assert session.net.spec.norms == ("none", "layernorm")


@pytest.mark.parametrize("change", ["activation", "target"])
def test_a_change_of_network_or_target_starts_from_fresh_weights(app, change):
    """Not the old fit: the seed's weights of the new network, at step 0."""
    state, session = app
    training_actions.step(state, session, 30)
    assert wait_for(lambda: snapshot_step(session) == 30)
    trained = session.latest_params().copy()
    if change == "activation":
        network_actions.set_layer(state, session, 0, activation="relu")
        assert session.net.spec.activations == ("relu", "tanh")
    else:
        training_actions.set_target(state, session, name="checkerboard")
    assert state.message is None or not state.message.error, state.message
    assert snapshot_step(session) == 0
    first, _ = _first_and_trained(state.preset, 1)
    np.testing.assert_array_equal(session.latest_params(), first)
    assert not np.array_equal(first, trained)
    network_actions.set_network(state, session, init="normal", scale=0.1)
    assert not np.array_equal(session.latest_params(), first)  # a new initialiser


def test_a_new_seed_draws_new_weights_and_is_saved_in_the_preset(app):
    state, session = app
    before = session.latest_network().W(0).copy()
    network_actions.new_seed(state, session)
    assert state.preset.network.seed == 4
    assert not np.array_equal(session.latest_network().W(0), before)


def test_changing_the_target_swaps_the_data_and_keeps_the_weights(app):
    state, session = app
    before = session.latest_network().params.copy()
    training_actions.set_target(state, session, name="checkerboard")
    assert session.dataset.name == "checkerboard"
    assert state.preset.target.name == "checkerboard"
    np.testing.assert_array_equal(session.latest_network().params, before)


def test_a_classification_target_brings_its_loss(app):
    state, session = app
    training_actions.set_target(state, session, name="circle")
    assert state.message is None or not state.message.error, state.message
    assert session.dataset.kind == "binary"
    assert state.preset.train.loss == "bce"
    assert state.preset.network.output == "sigmoid"


def test_a_target_of_another_kind_brings_what_a_preset_naming_it_gets(app):
    state, session = app
    network_actions.set_network(state, session, output="tanh")
    for name in ("none", "blobs", "circle", "fancy_sine"):
        training_actions.set_target(state, session, name=name)
        assert not (state.message and state.message.error), state.message
        preset = parse_preset({"target": {"name": name}})  # names no loss and no output
        assert state.preset.train.loss == preset.train.loss, name
        assert state.preset.network.output == preset.network.output, name


def test_pause_holds_the_weights_and_step_advances_exactly(app):
    state, session = app
    training_actions.set_playing(state, session, True)
    assert wait_for(lambda: snapshot_step(session) > 0)
    training_actions.set_playing(state, session, False)
    assert session.trainer.settle(timeout=120)  # a chunk in flight has landed; none starts
    held = snapshot_step(session)
    params = session.latest_params().copy()
    time.sleep(0.3)  # nothing may happen meanwhile (not a wait for something to happen)
    assert snapshot_step(session) == held
    np.testing.assert_array_equal(session.latest_params(), params)
    training_actions.step(state, session, 7)
    assert wait_for(lambda: snapshot_step(session) == held + 7)
    assert not session.playing


def test_reset_weights_goes_back_to_the_initial_weights(app):
    state, session = app
    initial = session.latest_params().copy()
    training_actions.step(state, session, 20)
    assert wait_for(lambda: snapshot_step(session) == 20)
    assert not np.array_equal(session.latest_params(), initial)
    training_actions.reset_weights(state, session)
    assert wait_for(lambda: snapshot_step(session) == 0)
    np.testing.assert_array_equal(session.latest_params(), initial)


def test_a_bad_preset_leaves_everything_as_it_was(app, tmp_path):
    state, session = app
    preset, net, generation = state.preset, session.net, session.generation
    file_actions.load_preset(state, session, "no_such_preset")
    assert state.message.error and "no_such_preset" in state.message.text
    bad = tmp_path / "bad.toml"
    bad.write_text("[network]\nhidden = [16, -3]\n")
    file_actions.load_preset(state, session, str(bad))
    assert state.message.error and "hidden" in state.message.text
    assert state.preset is preset and session.net is net and session.generation == generation


def test_bad_values_from_the_panels_change_nothing(app):
    state, session = app
    preset, generation = state.preset, session.generation
    for bad in (
        lambda: network_actions.set_layer(state, session, 0, width=0),
        lambda: network_actions.set_layer(state, session, 5, width=3),
        lambda: network_actions.set_network(state, session, output="nope"),
        lambda: training_actions.set_target(state, session, name="nope"),
        lambda: training_actions.set_train(state, session, lr=-1.0),
        lambda: network_actions.set_network(state, session, no_such_field=1),
    ):
        state.message = None
        bad()
        assert state.message is not None and state.message.error
        assert "got" in state.message.text and "allowed" in state.message.text, state.message.text
        assert state.preset is preset and session.generation == generation


def test_a_missing_network_file_is_a_message(app, tmp_path):
    state, session = app
    net = session.net
    file_actions.load_network(state, session, str(tmp_path / "missing.npz"))
    assert state.message.error and "missing.npz" in state.message.text
    assert session.net is net


def test_networks_and_presets_round_trip_through_files(app, tmp_path):
    state, session = app
    training_actions.step(state, session, 5)
    assert wait_for(lambda: snapshot_step(session) == 5)
    file_actions.save_network(state, session, str(tmp_path / "n.npz"))
    saved = session.latest_params().copy()
    network_actions.set_layer(state, session, 0, width=3)
    file_actions.load_network(state, session, str(tmp_path / "n.npz"))
    assert session.net.spec.hidden == (6, 5)
    np.testing.assert_array_equal(session.latest_params(), saved)
    training_actions.set_train(state, session, lr=0.02)
    file_actions.save_preset(state, session, str(tmp_path / "p.toml"))
    assert load_preset(str(tmp_path / "p.toml")).train.lr == 0.02


def test_training_settings_reach_the_running_trainer(app):
    state, session = app
    training_actions.set_train(state, session, lr=0.05, schedule="cosine", batch_size=64)
    assert state.preset.train.lr == 0.05
    assert session.config.lr == 0.05 and session.config.batch_size == 64


def test_divergence_raises_the_banner_and_rollback_restores_finite_weights():
    preset = replace(
        small_preset(optimizer="sgd", lr=1e6),
        network=NetConfig(hidden=(8,), activation="relu", output="linear", seed=1),
    )
    session = Session(preset, playing=True)
    state = AppState(preset=preset)
    try:

        def diverged():
            training_actions.observe(state, session, session.tick())
            return state.diverged_at is not None

        assert wait_for(diverged)
        assert not session.playing
        training_actions.rollback(state, session)
        assert state.diverged_at is None
        assert np.all(np.isfinite(session.latest_params()))
    finally:
        session.close()


def test_zoom_keeps_the_point_under_the_cursor_and_home_fits_the_domain():
    state = AppState(canvas_size=(400.0, 200.0))
    state.view = state.home
    x0, x1, y0, y1 = state.domain
    assert (y0, y1) == (-1.0, 1.0) and x0 <= -1.0 and x1 >= 1.0  # all of [-1, 1]^2 shows
    pixel = (300.0, 50.0)
    before = state.view.pixel_to_domain(pixel, state.canvas_size)
    view_actions.zoom(state, None, factor=2.0, pixel=pixel)
    np.testing.assert_allclose(state.view.pixel_to_domain(pixel, state.canvas_size), before)
    assert state.view.scale == pytest.approx(0.5)
    view_actions.pan(state, None, dpixels=(100.0, 0.0))  # drag right: the picture moves right
    np.testing.assert_allclose(state.view.pixel_to_domain((400.0, 50.0), state.canvas_size), before)
    view_actions.reset_view(state)
    assert state.view == View.fit((-1, 1, -1, 1), (400, 200))
    view_actions.zoom(state, None, factor=1e9)
    assert state.message.error and "zoom" in state.message.text


def test_dropping_an_image_makes_it_the_target(app, tmp_path):
    from PIL import Image

    state, session = app
    path = tmp_path / "dot.png"
    Image.fromarray(np.full((12, 16, 3), 200, np.uint8)).save(path)
    file_actions.drop_files(state, session, [str(path)])
    assert state.preset.target.name == "image" and state.preset.target.path == str(path)
    data = session.dataset
    assert len(data.x_train) + len(data.x_test) == 128 * 96  # resized to image_size, aspect kept
    assert data.domain == (-1.0, 1.0, -0.75, 0.75)
    assert tuple(state.preset.view.domain) == data.domain  # the view follows the picture
    assert state.domain[2:] == (-0.75, 0.75)
    file_actions.drop_files(state, session, [str(tmp_path / "notes.txt")])
    assert state.message.error and "notes.txt" in state.message.text
    training_actions.set_target(state, session, name="xor")  # the picture goes with its name
    assert state.preset.target.path == "" and session.dataset.kind != "regression"


def test_a_drop_is_classified_as_the_command_line_reads_sources(app, tmp_path):
    state, session = app
    csv = tmp_path / "points.csv"
    csv.write_text("x,y,label\n0,0,0\n1,0,1\n0,1,1\n1,1,0\n-1,0,0\n0,-1,1\n")
    file_actions.drop_files(state, session, [str(csv)])
    assert not (state.message and state.message.error), state.message
    assert state.preset.target.name == "csv" and session.dataset.name == "points"
    for name in ("picture.bmp", "notes.txt"):  # no kind a drop takes: one line saying which do
        file_actions.drop_files(state, session, [str(tmp_path / name)])
        text = state.message.text
        assert state.message.error and name in text and ".png" in text and ".npz" in text, text
        assert "\n" not in text
    junk = tmp_path / "junk.npz"
    junk.write_text("not a zip")
    net = session.net
    file_actions.drop_files(state, session, [str(junk)])
    assert state.message.error and "junk.npz" in state.message.text and session.net is net


def test_the_view_follows_a_network_that_loses_what_it_shows(app, tmp_path):
    state, session = app

    def shown():
        assert not (state.message and state.message.error), state.message
        view = state.preset.view
        view_actions.check_view(session, view, state.mode_args)  # the canvas can draw it
        return view.mode, view.layer, view.neuron

    network_actions.set_network(state, session, hidden=(8, 8))
    view_actions.set_view(state, session, mode="neuron", layer=1, neuron=7)
    assert shown() == ("neuron", 1, 7)  # the last hidden layer's unit 7
    network_actions.set_layer(state, session, 1, width=4)
    assert session.net.spec.hidden == (8, 4) and shown() == ("neuron", 1, 3)
    network_actions.remove_layer(state, session)  # weight layer 1 is now the output
    assert session.net.spec.hidden == (8,) and shown() == ("neuron", 1, 0)

    network_actions.set_network(state, session, hidden=(6, 6), activation="tanh", norm="none")
    assert shown() == ("neuron", 1, 0)
    file_actions.save_network(state, session, str(tmp_path / "two.npz"))
    network_actions.add_layer(state, session)
    view_actions.set_view(state, session, mode="depth", layer=2)
    assert shown() == ("depth", 2, 0)
    network_actions.remove_layer(state, session)
    assert shown() == ("depth", 1, 0)  # the last hidden layer left
    network_actions.add_layer(state, session)
    view_actions.set_view(state, session, layer=2)
    file_actions.load_network(state, session, str(tmp_path / "two.npz"))
    assert session.net.spec.hidden == (6, 6) and shown() == ("depth", 1, 0)

    view_actions.set_view(state, session, mode="neuron", neuron=9)  # a unit it does not have
    assert state.message.error and "NEURON" in state.message.text
    assert state.preset.view.mode == "depth"


def test_view_settings_are_checked_against_the_renderer_tables(app):
    state, session = app
    view_actions.set_view(state, session, colormap="magma")
    assert state.preset.view.colormap == "magma"
    for bad in ({"mode": "no_such_mode"}, {"colormap": "nope"}, {"domain": (1, -1, 0, 1)}):
        state.message = None
        view_actions.set_view(state, session, **bad)
        assert state.message.error and "allowed" in state.message.text
    assert state.preset.view.colormap == "magma" and state.preset.view.mode == "output"
    view_actions.set_view(state, session, domain=(0, 4, 0, 2))
    assert state.preset.view.domain == (0.0, 4.0, 0.0, 2.0)
    # The canvas (800 x 600 here) shows all of it, widened in y to keep pixels square.
    assert state.domain == pytest.approx((0.0, 4.0, -0.5, 2.5))


def test_a_random_network_without_target_shows_and_can_get_one_later():
    preset = replace(
        small_preset(),
        target=TargetConfig(name="none"),
        network=NetConfig(hidden=(8, 8), latent=(0.5,), n_out=3, seed=2),
    )
    session = Session(preset, playing=True)
    state = AppState(preset=preset)
    try:
        training_actions.observe(state, session, session.tick())
        assert not session.playing and session.trainer is None
        assert session.net.spec.sizes == (3, 8, 8, 3)  # x, y and one latent input
        training_actions.step(state, session, 10)
        assert state.message.error and "nothing to train" in state.message.text
        before = session.latest_params().copy()
        network_actions.set_network(state, session, latent=(-0.5,))  # a latent value: same weights
        params, latent = session.latest_params(), session.net.layout.latent
        np.testing.assert_array_equal(params[:latent], before[:latent])
        assert params[latent] == -0.5
        training_actions.set_target(state, session, name="fancy_sine")
        assert state.message.error  # three outputs cannot fit a one-output target: refused
        network_actions.set_network(state, session, n_out=0)
        training_actions.set_target(state, session, name="fancy_sine")
        assert session.trainer is not None and session.dataset.name == "fancy_sine"
        training_actions.set_playing(state, session, True)
        assert wait_for(lambda: snapshot_step(session) > 0)
    finally:
        session.close()


def test_recording_pace_gives_the_same_frames_for_the_same_seed():
    frames = []
    for _ in range(2):
        session = Session(small_preset(), playing=False)
        try:
            session.set_fixed_pace(40)  # what the window does while it records
            session.set_playing(True)
            frames.append([(s.step, s.params.copy()) for s in (session.tick() for _ in range(4))])
        finally:
            session.close()
    assert [step for step, _ in frames[0]] == [0, 40, 80, 120]  # each frame waits for its steps
    for (_, a), (_, b) in zip(*frames):
        np.testing.assert_array_equal(a, b)


def test_loading_a_preset_starts_it_training_even_after_a_paused_one():
    preset = replace(
        small_preset(),
        target=TargetConfig(name="none"),
        network=NetConfig(hidden=(4,), n_out=3, seed=1),
    )
    session = Session(preset, playing=False)
    state = AppState(preset=preset)
    try:
        file_actions.load_preset(state, session, "xor")
        assert session.playing and session.trainer is not None
        assert wait_for(lambda: snapshot_step(session) > 0)
    finally:
        session.close()


def test_preset_mode_with_arguments_opens_in_the_window(tmp_path):
    """render/record take view.mode = "neuron:1:3"; the window keeps the bare name
    with layer/neuron in [view] and other arguments in mode_args."""
    from shaderplay.app import render_args

    preset = replace(load_preset("default"), view=ViewConfig(mode="neuron:1:3"))
    split, extra = render_args.split_mode(preset)
    assert (split.view.mode, split.view.layer, split.view.neuron, extra) == ("neuron", 1, 3, {})
    split, extra = render_args.split_mode(
        replace(preset, view=ViewConfig(mode="representation:2:4"))
    )
    assert (split.view.mode, split.view.layer, extra) == ("representation", 2, {"a": 4, "b": 1})
    assert render_args.split_mode(load_preset("default"))[1] == {}


def test_mode_string_uses_the_modes_own_defaults():
    from shaderplay.app import render_args

    assert render_args.mode_string("representation", layer=1) == "representation:1:0:1"
    assert render_args.mode_string("neuron", layer=2, neuron=5) == "neuron:2:5"
    assert render_args.mode_string("depth", layer=1) == "depth:1"
    assert render_args.mode_string("output") == "output"


def test_loading_a_preset_whose_mode_has_arguments(app, tmp_path):
    from shaderplay.presets import save_preset

    state, session = app
    path = tmp_path / "neuron.toml"
    save_preset(replace(small_preset(), view=ViewConfig(mode="neuron:1:2")), path)
    file_actions.load_preset(state, session, str(path))
    assert not (state.message and state.message.error), state.message
    assert (state.preset.view.mode, state.preset.view.layer, state.preset.view.neuron) == (
        "neuron",
        1,
        2,
    )


# --- Reset after a change of network or target --------------------------------------------


def _first_and_trained(preset, n: int):
    """A fresh session on `preset`: its first weights and those after n steps."""
    session = Session(preset, playing=False)
    try:
        first = session.latest_params().copy()
        session.step(n)
        assert wait_for(lambda: snapshot_step(session) == n)
        return first, session.latest_params().copy()
    finally:
        session.close()


@pytest.mark.parametrize("change", ["activation", "target"])
def test_reset_after_a_change_of_network_or_target_is_fresh(app, change):
    """The tooltip's "fresh weights": the current network and target from the same seed, a
    new optimiser state and the untrained picture, not the weights trained since."""
    state, session = app
    training_actions.step(state, session, 30)
    assert wait_for(lambda: snapshot_step(session) == 30)
    if change == "activation":
        network_actions.set_layer(state, session, 0, activation="relu")
    else:
        training_actions.set_target(state, session, name="checkerboard")
    training_actions.step(state, session, 10)
    assert wait_for(lambda: snapshot_step(session) == 10)
    carried = session.latest_params().copy()
    training_actions.reset_weights(state, session)
    assert state.message is None or not state.message.error, state.message
    assert wait_for(lambda: snapshot_step(session) == 0)
    first, trained = _first_and_trained(state.preset, 10)
    np.testing.assert_array_equal(session.latest_params(), first)
    assert not np.array_equal(first, carried)
    net = session.latest_network()
    assert state.preset.network.bias_init == "zeros"
    assert not any(net.b(i).any() for i in range(len(net.spec.sizes) - 1))
    training_actions.step(state, session, 10)  # a new optimiser state trains as a fresh one
    assert wait_for(lambda: snapshot_step(session) == 10)
    np.testing.assert_array_equal(session.latest_params(), trained)
    training_actions.reset_weights(state, session)  # and again: the same fresh weights
    assert wait_for(lambda: snapshot_step(session) == 0)
    np.testing.assert_array_equal(session.latest_params(), first)


def test_a_script_step_after_a_refused_one_runs_and_clears_the_error(app, capsys):
    """A step that succeeds takes the refused step's error away (the message bar is
    empty then); the script goes on (it once read that empty message and failed)."""
    state, session = app
    script = Script.of(
        [
            {"frame": 1, "do": "set_view", "mode": "no_such_mode"},
            {"frame": 2, "do": "set_pace", "steps": 3},
        ]
    )
    script.run(1, state, session, [])
    assert "no_such_mode" in capsys.readouterr().err and state.message.error
    script.run(2, state, session, [])
    assert state.message is None and session.pacing.speed == 3
    assert capsys.readouterr().err == ""


def test_a_dropped_csv_past_the_output_activation_gets_a_linear_output(app, tmp_path):
    """A preset file with such a target is refused (build.py); a drop in the window
    takes the output that reaches the values instead of refusing the file."""
    state, session = app
    csv = tmp_path / "prices.csv"
    csv.write_text("x,y,value\n0,0,10\n1,1,90\n0.5,0.2,50\n-0.5,0.3,20\n-1,0,30\n")
    file_actions.drop_files(state, session, [str(csv)])
    assert not (state.message and state.message.error), state.message
    assert state.preset.target.path == str(csv) and state.preset.network.output == "linear"
    assert session.net.spec.output_activation == "linear"
    assert state.message.text.startswith("Output activation set to linear")
