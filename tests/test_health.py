"""Health hints (shaderplay/health.py): dead units and stuck outputs on the data."""

import subprocess
import sys

import numpy as np

from shaderplay.health import Watch, check, dead_units, suggestion
from shaderplay.network import Network

POINTS = np.random.default_rng(0).uniform(-1, 1, (500, 2))


def relu_net():
    """A 2-5-4-1 ReLU net with every unit active on every point of POINTS."""
    net = Network.random((2, 5, 4, 1), activation="relu", output="sigmoid", seed=1)
    for i in range(3):
        net.W(i)[:] *= 0.1
        net.b(i)[:] = 1.0
    return net


def test_a_unit_negative_on_every_point_is_dead_and_named():
    net = relu_net()
    assert check(net, POINTS) == []
    net.W(0)[2] = 0.0
    net.b(0)[2] = -1.0  # pre-activation -1 everywhere: off on every point
    net.W(1)[[0, 3]] = 0.0
    net.b(1)[[0, 3]] = -0.5
    hints = check(net, POINTS)
    dead = [h for h in hints if h.what == "dead units"]
    assert [h.where for h in dead] == ["layer 1: 1 of 5 (unit 2)", "layer 2: 2 of 4 (units 0, 3)"]
    assert dead_units(hints) == {(0, 2), (1, 0), (1, 3)}
    assert "lower the learning rate" in dead[0].suggestion
    net.b(0)[2] = 1e-3  # active (barely) everywhere: alive
    assert (0, 2) not in dead_units(check(net, POINTS))


def test_a_tanh_unit_saturated_everywhere_is_dead_but_a_steep_one_is_not():
    net = Network.random((2, 3, 1), activation="tanh", seed=0)
    net.W(0)[0] = 0.0
    net.b(0)[0] = 9.0  # tanh' = 6e-8 on every point
    net.W(0)[1] = (40.0, 0.0)  # steep, but through zero inside the data: alive
    net.b(0)[1] = 0.0
    assert dead_units(check(net, POINTS)) == {(0, 0)}


def test_a_relu_output_that_died_is_a_stuck_output():
    net = Network.random((2, 4, 1), activation="tanh", output="relu", seed=0)
    net.b(1)[:] = -100.0
    (hint,) = check(net, POINTS)
    assert (hint.what, hint.units) == ("stuck output", ((1, 0),))
    assert hint.where == "output 0 = 0 on every point"
    assert hint.suggestion == suggestion("relu", True)
    assert "ReLU output dead: lower the learning rate or use sigmoid" in str(hint)


def test_no_points_no_hints_and_a_limit_thins_the_points():
    net = relu_net()
    net.b(1)[:] = -100.0
    assert check(net, np.zeros((0, 2))) == []
    assert check(net, POINTS, limit=7) == check(net, POINTS)


def test_the_watch_checks_a_new_network_at_once_and_new_weights_after_its_period():
    net = relu_net()
    watch, calls = Watch(period=3600.0), []

    def network():
        calls.append(1)
        return net

    net.b(1)[:] = -100.0  # every unit of layer 2 dead
    assert watch.of((0, 0), network, POINTS) == []  # checked on the worker, not waited for
    assert watch.wait() == check(net, POINTS)
    watch.of((0, 1), network, POINTS)  # new weights within the period: the old hints
    assert len(calls) == 1 and watch.hints == check(net, POINTS)
    assert watch.of((1, 1), network, POINTS) == []  # another network: its own hints to come
    assert len(calls) == 2
    Watch(period=0.0).of((0, 0), network, POINTS)
    assert len(calls) == 3


def test_train_warns_when_its_relu_output_dies():
    """A ReLU output pushed below zero on every point by a large step never comes back."""
    cmd = [
        sys.executable, "-m", "shaderplay", "train", "circle", "--steps", "300",
        "--set", "network.output=relu", "--set", "train.loss=mse",
        "--set", "train.optimizer=adam", "--set", "train.lr=0.3",
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "accuracy: train" in done.stdout  # the summary, then the warning on stderr
    want = "stuck output (output 0 = 0 on every point): ReLU output dead: lower the learning rate"
    assert f"shaderplay train: warning: {want}" in done.stderr


def test_every_suggestion_row_names_an_activation_and_says_what_to_try():
    from shaderplay.activations import NAMES
    from shaderplay.health import SUGGESTIONS

    for name, (dead, stuck) in SUGGESTIONS.items():
        assert name in NAMES
        assert "lower the learning rate" in dead and "lower the learning rate" in stuck
    for name in NAMES:  # every activation gets a line, its own or the default's
        assert name in suggestion(name, False).lower() and suggestion(name, True)
