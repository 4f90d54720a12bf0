"""Threads sharing each training step (kernels/team.py, train/threads.py): the same bits as
one thread for every kind of layer, loss and optimiser; how many threads a run takes; a
part that fails stops the others instead of leaving them waiting."""

import threading

import numpy as np
import pytest

from shaderplay.config import MAX_THREADS
from shaderplay.errors import ShaderplayError
from shaderplay.kernels.linalg import backprop
from shaderplay.network import Network
from shaderplay.train import Trainer, threads
from shaderplay.train import kernel as K
from shaderplay.train.kernel import FLOATS

# (network, trainer settings): the rows cover the shares' edges (layers of 3, 13 and 30
# rows; batches that are not whole vectors, a last batch of an epoch shorter than the rest;
# over 2 * threads.FLOATS trainable floats, so the optimiser's work is shared too), every
# optimiser, penalties, clipping, both norms, and the classifiers' losses.
CASES = [
    (dict(sizes=(2, 30, 27, 13, 3), output="linear"), dict(batch_size=77)),
    (dict(sizes=(2, 48, 48, 1)), dict(batch_size=64, optimizer="sgd", l1=1e-3)),
    (dict(sizes=(2, 48, 40, 1)), dict(batch_size=50, optimizer="nesterov", l2=1e-2)),
    (dict(sizes=(2, 48, 44, 1)), dict(batch_size=48, optimizer="rmsprop", clip_norm=0.1)),
    (dict(sizes=(2, 48, 48, 1), norm="layernorm"), dict(batch_size=40, optimizer="adamw")),
    (dict(sizes=(2, 48, 48, 1), norm="batchnorm"), dict(batch_size=33, optimizer="momentum")),
    (dict(sizes=(2, 16, 16, 1)), dict(batch_size=64, loss="bce")),
    (dict(sizes=(2, 16, 16, 3), output="linear"), dict(batch_size=64, loss="cross_entropy")),
    (dict(sizes=(2, 12, 1)), dict(batch_size=1, optimizer="sgd")),  # too small to share
]
ACTIVATIONS = ("relu", "leaky_relu", "sin", "gelu", "elu", "softplus", "gaussian", "swish")
ACTIVATIONS += ("gcu", "softsign", "linear")


def _data(n_out, n=300, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    wave = np.sin(3 * x[:, :1]) * np.cos(2 * x[:, 1:])
    if n_out == 3:  # three classes, one-hot
        return x, np.eye(3)[np.digitize(wave[:, 0], [-0.3, 0.3])]
    return x, (wave > 0).astype(float) if n_out == 1 else 0.5 + 0.4 * wave + np.zeros((n, n_out))


def _trained(net_kw, settings, n_threads, steps=40):
    net_kw = {"activation": "tanh", "output": "sigmoid", "seed": 3, **net_kw}
    net = Network.random(**net_kw)
    shared = net.layout.n_trainable >= 2 * FLOATS
    trainer = Trainer(net, _data(net_kw["sizes"][-1]), lr=0.01, threads=n_threads, **settings)
    trainer.run(steps)
    return net.params.copy(), trainer.loss_history, trainer.step, shared


@pytest.mark.parametrize("net_kw, settings", CASES)
def test_any_number_of_threads_gives_the_same_bits(net_kw, settings):
    alone = _trained(net_kw, settings, 1)
    assert alone[3] == (max(net_kw["sizes"]) >= 40)  # the optimiser's floats shared or not
    for n_threads in (2, 3):
        params, history, step, _ = _trained(net_kw, settings, n_threads)
        assert step == alone[2]
        assert np.array_equal(params, alone[0]), (n_threads, net_kw, settings)
        assert np.array_equal(history, alone[1], equal_nan=True)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_gives_the_same_bits_on_two_threads(activation):
    net_kw = dict(sizes=(2, 48, 37, 1), activation=activation)
    alone = _trained(net_kw, dict(batch_size=70), 1, steps=20)
    assert np.array_equal(_trained(net_kw, dict(batch_size=70), 2, steps=20)[0], alone[0])


def test_backprop_by_rows_gives_the_rows_of_the_whole():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((13, 30)).astype(np.float32)
    G = rng.standard_normal((13, 77)).astype(np.float32)
    whole = np.empty((30, 77), np.float32)
    backprop(W, G, whole, np.empty((30, 13), np.float32), 0)
    for k0, k1 in ((0, 12), (12, 28), (28, 30), (5, 5)):
        part = np.full((k1 - k0, 77), np.nan, np.float32)
        backprop(W, G, part, np.empty((k1 - k0, 13), np.float32), k0)
        assert np.array_equal(part, whole[k0:k1])


def test_how_many_threads_a_run_takes(monkeypatch):
    monkeypatch.setattr(threads, "cores", lambda: 16)
    big, small = threads.MIN_MACS, threads.MIN_MACS - 1
    assert threads.team_size(3, small, background=True) == 3  # as configured, always
    assert threads.team_size(0, big, background=False) == MAX_THREADS  # capped
    assert threads.team_size(0, small, background=False) == 1  # too little to share
    assert threads.team_size(0, big, background=True) == 1  # the window draws beside it
    monkeypatch.setattr(threads, "cores", lambda: 2)
    assert threads.team_size(0, big, background=False) == 2


def test_a_big_step_is_shared_where_the_cores_allow():
    net = Network.random((2, 64, 64, 64, 64, 3), output="linear")
    trainer = Trainer(net, _data(3), batch_size=256)
    assert threads.step_macs(net.layout, 256) >= threads.MIN_MACS
    assert threads.team_size(0, trainer._step_macs, False) == min(threads.cores(), MAX_THREADS)


def test_a_part_that_fails_stops_the_others_and_its_error_is_raised(monkeypatch):
    net = Network.random((2, 32, 32, 1))
    trainer = Trainer(net, _data(1), batch_size=64, threads=2)
    trainer.run(5)
    before = net.params.copy()
    real = K.train_steps

    def failing(*args):
        if args[-3] == 1:  # part 1
            raise RuntimeError("part 1 failed")
        return real(*args)

    monkeypatch.setattr(K, "train_steps", failing)
    done = []
    worker = threading.Thread(target=lambda: done.append(_raised(trainer)), daemon=True)
    worker.start()
    worker.join(60)
    assert done == ["part 1 failed"]  # not a thread waiting for its partner for good
    assert np.array_equal(net.params, before)  # no step landed without its missing share


def _raised(trainer) -> str:
    try:
        trainer.run(50)
    except RuntimeError as exc:
        return str(exc)
    return "nothing raised"


def test_threads_are_a_train_setting_with_bounds():
    net = Network.random((2, 8, 1))
    with pytest.raises(ShaderplayError, match="train.threads"):
        Trainer(net, _data(1), threads=MAX_THREADS + 1)
