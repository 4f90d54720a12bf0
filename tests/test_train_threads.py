"""Threads sharing each training step (kernels/team.py, train/threads.py): the minibatch
cut into groups, which give the same bits however many threads compute them (one, when
the team is slow), and a result close to one group's for every kind of layer, loss and
optimiser; how many groups and threads a run takes; a part that fails stops the others
instead of leaving them waiting."""

import threading

import numpy as np
import pytest

from shaderplay.config import MAX_THREADS
from shaderplay.errors import ShaderplayError
from shaderplay.network import Network
from shaderplay.train import Trainer, threads
from shaderplay.train import kernel as K
from shaderplay.train import passes as P
from shaderplay.train.kernel import FLOATS

# (network, trainer settings): the rows cover the groups' edges (batches that are not
# whole vectors, a last batch of an epoch shorter than the rest, one too short to cut,
# one of a single sample; over 2 * FLOATS trainable floats, so the optimiser's work is
# shared too), every optimiser, penalties, clipping, LayerNorm, the classifiers' losses.
CASES = [
    (dict(sizes=(2, 30, 27, 13, 3), output="linear"), dict(batch_size=77)),
    (dict(sizes=(2, 48, 48, 1)), dict(batch_size=64, optimizer="sgd", l1=1e-3)),
    (dict(sizes=(2, 48, 40, 1)), dict(batch_size=50, optimizer="nesterov", l2=1e-2)),
    (dict(sizes=(2, 48, 44, 1)), dict(batch_size=48, optimizer="rmsprop", clip_norm=0.1)),
    (dict(sizes=(2, 48, 48, 1), norm="layernorm"), dict(batch_size=40, optimizer="adamw")),
    (dict(sizes=(2, 48, 48, 1)), dict(batch_size=33, optimizer="momentum")),
    (dict(sizes=(2, 40, 40, 1)), dict(batch_size=299)),  # the epoch's last batch: 1 sample
    (dict(sizes=(2, 16, 16, 1)), dict(batch_size=64, loss="bce")),
    (dict(sizes=(2, 16, 16, 3), output="linear"), dict(batch_size=64, loss="cross_entropy")),
]
ACTIVATIONS = ("relu", "leaky_relu", "sin", "gelu", "elu", "softplus", "gaussian", "swish")
ACTIVATIONS += ("gcu", "softsign", "linear")


@pytest.fixture
def small_groups(monkeypatch):
    """The test's small networks and batches cut into groups as a big step's would be."""
    monkeypatch.setattr(threads, "MIN_MACS", 0)
    monkeypatch.setattr(threads, "GROUP", 16)


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
    trainer = Trainer(net, _data(net_kw["sizes"][-1]), lr=0.01, threads=n_threads, **settings)
    trainer.run(steps)
    assert trainer._ws.misc[P.GROUPS] == threads.groups(net.layout, trainer._ws.capacity)
    return net.params.copy(), trainer.loss_history, trainer.step, int(trainer._ws.misc[P.GROUPS])


@pytest.mark.parametrize("net_kw, settings", CASES)
def test_groups_give_the_same_bits_on_any_number_of_threads(net_kw, settings, small_groups):
    alone = _trained(net_kw, settings, 1)
    assert alone[3] == min(4, settings["batch_size"] // 16)
    for n_threads in (2, 3):
        params, history, step, _ = _trained(net_kw, settings, n_threads)
        assert step == alone[2]
        assert np.array_equal(params, alone[0]), (n_threads, net_kw, settings)
        assert np.array_equal(history, alone[1], equal_nan=True)


@pytest.mark.parametrize("net_kw, settings", CASES)
def test_groups_train_as_one_group_does_up_to_rounding(net_kw, settings, monkeypatch):
    monkeypatch.setattr(threads, "MIN_MACS", 10**12)
    whole = _trained(net_kw, settings, 1)  # every step too small to cut: one group
    assert whole[3] == 1
    monkeypatch.setattr(threads, "MIN_MACS", 0)
    monkeypatch.setattr(threads, "GROUP", 16)
    params, history, step, _ = _trained(net_kw, settings, 2)
    assert step == whole[2]
    assert not np.array_equal(params, whole[0])  # the sums over the batch cut in groups
    np.testing.assert_allclose(params, whole[0], rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(history, whole[1], rtol=1e-3, atol=1e-6)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_gives_the_same_bits_in_groups_on_two_threads(activation, small_groups):
    net_kw = dict(sizes=(2, 48, 37, 1), activation=activation)
    alone = _trained(net_kw, dict(batch_size=70), 1, steps=20)
    assert np.array_equal(_trained(net_kw, dict(batch_size=70), 2, steps=20)[0], alone[0])


def test_the_cases_share_the_optimisers_floats_too():
    sizes = [Network.random(**kw).layout.n_trainable for kw, _ in CASES]
    assert max(sizes) >= 2 * FLOATS > min(sizes)


def test_batchnorm_trains_as_one_group_whatever_the_threads(small_groups):
    net_kw = dict(sizes=(2, 48, 48, 1), norm="batchnorm")
    alone = _trained(net_kw, dict(batch_size=33), 1)
    assert alone[3] == 1
    assert np.array_equal(_trained(net_kw, dict(batch_size=33), 2)[0], alone[0])


def test_a_busy_team_hands_its_chunks_to_one_thread_and_tries_again():
    pace = threads.Pace(2)
    assert pace.parts() == 2
    pace.record(2, 9.0, 10)  # the first chunk: the kernels loading, not timed
    assert pace.parts() == 2
    pace.record(2, 1.0, 10)
    assert pace.parts() == 1  # one thread, timed once
    pace.record(1, 1.6, 10)
    chosen = []
    for _ in range(4 * threads.PROBE):  # one thread probed every 2 * PROBE chunks (1.6x)
        chosen.append(pace.parts())
        pace.record(chosen[-1], 1.0 if chosen[-1] == 2 else 1.6, 10)
    assert chosen.count(1) == 2 and chosen.count(2) == 4 * threads.PROBE - 2
    pace.record(2, 0.3, 1)  # a short chunk 3x as slow counts for its one step
    pace.record(2, 1.8, 10)  # a noisy one: 0.158 s a step lately, within MARGIN of 0.16
    assert pace.parts() == 2
    pace.record(3, 0.1, 10)  # threads it never chose: nothing timed
    pace.record(2, 5.0, 10)  # another process took a core: the team waits at its barriers
    chosen = [pace.parts() for _ in range(2 * threads.RETRY)]
    assert chosen.count(2) == 2 and chosen.count(1) == 2 * threads.RETRY - 2  # retries
    pace.record(2, 1.0, 10)
    pace.record(2, 1.0, 10)  # the machine idle again: the team is faster again
    assert pace.parts() == 2
    assert threads.Pace(1).parts() == 1


def test_a_benchmark_pins_the_team(monkeypatch):
    monkeypatch.setattr(threads.Pace, "adapt", False)
    pace = threads.Pace(2)
    for seconds in (9.0, 1.0, 5.0, 5.0):  # slower and slower: still the team
        assert pace.parts() == 2
        pace.record(2, seconds, 1)


def test_one_thread_is_probed_less_often_the_more_the_team_gains():
    pace = threads.Pace(4)
    for parts, seconds in ((4, 9.0), (4, 1.0), (1, 3.5)):  # the team 3.5x faster
        assert pace.parts() == parts
        pace.record(parts, seconds, 1)
    chosen = [pace.parts() for _ in range(4 * threads.PROBE)]
    assert chosen.count(1) == 1  # every 4 * PROBE chunks


def test_chunks_on_one_thread_or_the_team_give_the_same_bits(small_groups, monkeypatch):
    def run(n_threads):
        net = Network.random((2, 24, 24, 1), seed=1)
        trainer = Trainer(net, _data(1), batch_size=64, threads=n_threads, chunk_steps=3)
        trainer.run(60)
        return net.params.copy(), trainer._pace.timed

    monkeypatch.setattr(threads, "PROBE", 2)
    params, timed = run(2)  # chunks on the team and on one thread, alternating
    assert set(timed) == {1, 2}
    alone, timed = run(1)  # every chunk on one thread
    assert timed == {} and np.array_equal(params, alone)


def test_a_new_batch_size_cuts_the_minibatch_anew():
    net = Network.random((2, 64, 64, 64, 64, 3), output="linear")
    trainer = Trainer(net, _data(3, n=600), batch_size=2 * threads.GROUP - 1)
    assert trainer._ws.misc[P.GROUPS] == 1
    trainer.set_config(batch_size=2 * threads.GROUP)
    assert trainer._ws.misc[P.GROUPS] == 2
    trainer.run(3)
    assert trainer.step == 3


def test_how_many_threads_a_run_takes(monkeypatch):
    monkeypatch.setattr(threads, "cores", lambda: 16)
    assert threads.team_size(3, 4, background=True) == 3  # as configured, in the window too
    assert threads.team_size(3, 2, background=False) == 2  # a thread a group at most
    assert threads.team_size(0, MAX_THREADS, background=False) == MAX_THREADS
    assert threads.team_size(0, 1, background=False) == 1  # too little to share
    assert threads.team_size(0, 4, background=True) == 1  # the window draws beside it
    monkeypatch.setattr(threads, "cores", lambda: 2)
    assert threads.team_size(0, 4, background=False) == 2


def test_how_many_groups_a_minibatch_is_cut_into(monkeypatch):
    big = Network.random((2, 64, 64, 64, 64, 3), output="linear")
    assert threads.step_macs(big.layout, 256) >= threads.MIN_MACS
    assert threads.groups(big.layout, 3 * threads.GROUP) == 3
    assert threads.groups(big.layout, 4096) == MAX_THREADS
    assert threads.groups(big.layout, threads.GROUP + 40) == 1  # a group of GROUP at least
    assert threads.groups(Network.random((2, 8, 1)).layout, 4096) == 1  # a small step
    normed = Network.random((2, 64, 64, 64, 64, 3), norm="batchnorm")
    assert threads.groups(normed.layout, 256) == 1  # BatchNorm: the whole batch's statistics
    monkeypatch.setattr(threads, "cores", lambda: 1)
    assert threads.groups(big.layout, 4096) == MAX_THREADS  # whatever the cores


def test_a_big_step_is_shared_where_the_cores_allow():
    net = Network.random((2, 64, 64, 64, 64, 3), output="linear")
    trainer = Trainer(net, _data(3, n=600), batch_size=256)
    trainer.run(2)
    assert trainer._ws.misc[P.GROUPS] == 256 // threads.GROUP
    assert threads.team_size(0, 2, background=False) == min(2, threads.cores())


def test_a_part_that_fails_stops_the_others_and_its_error_is_raised(monkeypatch, small_groups):
    net = Network.random((2, 32, 32, 1))
    trainer = Trainer(net, _data(1), batch_size=64, threads=2)
    trainer.run(5)
    assert trainer._ws.misc[P.GROUPS] == 4
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
