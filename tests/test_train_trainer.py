"""Trainer behaviour: determinism, minibatching, divergence guard, stop conditions, errors."""

import numpy as np
import pytest

from shaderplay.config import TrainConfig
from shaderplay.dataset import Dataset
from shaderplay.errors import ShaderplayError
from shaderplay.network import Network
from shaderplay.train import Trainer


def _data(n=200, seed=0, n_out=1):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    y = 0.5 + 0.4 * np.sin(3 * x[:, :1]) * np.cos(2 * x[:, 1:]) + np.zeros((n, n_out))
    return x, y


def _net(sizes=(2, 12, 12, 1), seed=0, **kw):
    return Network.random(sizes, activation="tanh", output="sigmoid", seed=seed, **kw)


def _trainer(seed=0, net_seed=0, data=None, **settings):
    settings = {"lr": 0.01, "batch_size": 32, **settings}
    return Trainer(_net(seed=net_seed), data or _data(), seed=seed, **settings)


# --- determinism ---------------------------------------------------------------------------


def test_same_seed_same_weights_bit_for_bit():
    a, b = _trainer(seed=7), _trainer(seed=7)
    a.run(300)
    b.run(300)
    assert np.array_equal(a.net.params, b.net.params)
    c = _trainer(seed=8)
    c.run(300)
    assert not np.array_equal(a.net.params, c.net.params)  # the seed orders the minibatches


def test_chunking_does_not_change_the_result():
    a = _trainer(chunk_steps=64)
    a.run(300)
    b = _trainer(chunk_steps=7)
    for n in (100, 150, 13, 37):
        b.run(n)
    assert b.step == 300
    assert np.array_equal(a.net.params, b.net.params)


def test_minibatches_walk_shuffled_epochs_keeping_the_last_partial_batch():
    trainer = _trainer(data=_data(10), batch_size=4)  # 4 + 4 + 2 per epoch, like DataLoader
    seen = []
    for _ in range(7):
        trainer.run(1)
        seen.append(trainer.epochs)
    np.testing.assert_allclose(seen, [0.4, 0.8, 1.0, 1.4, 1.8, 2.0, 2.4])


def test_batchnorm_skips_a_single_leftover_sample():
    # torch refuses BatchNorm training on a batch of one; the epoch's last sample waits
    net = _net(norm="batchnorm")
    trainer = Trainer(net, _data(9), lr=0.01, batch_size=4)
    seen = []
    for _ in range(3):
        trainer.run(1)
        seen.append(trainer.epochs)
    np.testing.assert_allclose(seen, [4 / 9, 8 / 9, 1 + 4 / 9])


def test_full_batch_and_oversized_batch_are_plain_gradient_descent():
    a = _trainer(data=_data(50), optimizer="sgd", batch_size=50, lr=0.1)
    b = _trainer(data=_data(50), optimizer="sgd", batch_size=4096, lr=0.1, seed=99)
    a.run(20)
    b.run(20)  # different seeds shuffle differently; full batches make that irrelevant
    np.testing.assert_allclose(a.net.params, b.net.params, rtol=1e-5, atol=1e-7)
    assert a.epochs == b.epochs == 20


def test_ready_features_train_like_points():
    x, y = _data()
    x = x.astype(np.float32)  # targets hold float32 points; features of exactly those
    net_a = Network.random((3, 8, 1), features=("x", "y", "r"), output="sigmoid", seed=1)
    net_b = net_a.copy()
    Trainer(net_a, (x, y), lr=0.01).run(100)
    Trainer(net_b, (net_b.input_features(x).astype(np.float32), y), lr=0.01).run(100)
    assert np.array_equal(net_a.params, net_b.params)


# --- divergence guard ----------------------------------------------------------------------


def _exploding(lr=1e3):
    # a linear output under MSE has nothing to saturate: a huge learning rate blows it up
    net = Network.random((2, 12, 12, 1), activation="relu", output="linear", seed=0)
    return Trainer(net, _data(), optimizer="sgd", lr=lr, batch_size=16)


def test_divergence_stops_before_the_bad_update():
    trainer = _exploding()
    net = trainer.net
    trainer2 = _exploding()
    result = trainer.run(500)
    assert result.stopped == "diverged"
    d = trainer.diverged
    assert d is not None and d.step == trainer.step == result.steps < 500
    assert "non-finite" in d.reason and "rollback" in str(d)
    assert np.isfinite(net.params).all()
    trainer2.run(d.step)  # the weights in place are exactly those after the last good step
    assert np.array_equal(net.params, trainer2.net.params)
    assert trainer.run(10).steps == 0  # stays stopped until rolled back
    assert trainer.latest().diverged == d


def _overflowing():
    # gradients ~1e4 times lr 1e38 overflow float32 in the very first update
    x, y = _data(32)
    net = Network.random((2, 4, 1), output="linear", seed=0)
    return Trainer(net, (x, 1e4 + y), optimizer="sgd", lr=1e38, batch_size=32)


def test_non_finite_update_is_caught_even_when_the_loss_is_finite():
    trainer = _overflowing()
    before = trainer.net.params.copy()
    result = trainer.run(5)
    assert result.stopped == "diverged" and result.steps == 0
    assert trainer.diverged.reason == "non-finite weight after the update"
    assert np.array_equal(trainer.net.params, before)


def test_rollback_resumes_with_a_lower_learning_rate():
    trainer = _overflowing()
    trainer.run(5)
    assert trainer.diverged is not None and trainer.step == 0
    trainer.set_config(lr=1e-6)
    trainer.rollback()
    assert trainer.diverged is None and trainer.latest().diverged is None
    result = trainer.run(50)
    assert result.stopped == "steps" and trainer.step == 50
    assert np.isfinite(result.train_loss)


# --- stop conditions and reports -----------------------------------------------------------


def test_max_steps_caps_every_run():
    trainer = _trainer(max_steps=50, chunk_steps=16)
    result = trainer.run(1000)
    assert (result.steps, result.stopped, trainer.step) == (50, "max_steps", 50)
    assert trainer.run(10).steps == 0


def test_continue_from_carries_the_schedule_and_max_steps_on():
    t = _trainer(schedule="step", step_size=100, gamma=0.5, max_steps=260)
    t.continue_from(200)  # as a run resumed from a snapshot at step 200
    assert t.latest().step == 200
    result = t.run(1000)
    assert t.step == 260 and result.stopped == "max_steps"  # a total, not 260 more
    assert t.latest().lr == pytest.approx(0.01 * 0.25)  # two decays in, not the first rate
    with pytest.raises(ShaderplayError, match="continue from step"):
        t.continue_from(-1)


def test_target_loss_stops_early():
    trainer = _trainer(lr=0.02, target_loss=0.01, chunk_steps=32)
    result = trainer.run(20000)
    assert result.stopped == "target_loss"
    assert result.train_loss <= 0.01 and result.steps < 20000
    assert trainer.loss_history[-1, 1] == result.train_loss
    np.testing.assert_array_equal(trainer.last_loss, trainer.loss_history[-1, 1:])  # O(1) form
    trainer.reset()
    assert all(v != v for v in trainer.last_loss)  # NaN again after a reset


def test_history_snapshot_and_timing():
    x, y = _data(300)
    data = Dataset.from_arrays(x, y, test_fraction=0.25)
    trainer = Trainer(_net(), data, lr=0.01, batch_size=32, chunk_steps=25)
    calls = []
    trainer.run(100, callback=lambda t: calls.append(t.step))
    assert calls == [25, 50, 75, 100]
    history = trainer.loss_history
    assert history.shape == (4, 3) and list(history[:, 0]) == calls
    assert np.isfinite(history[:, :2]).all()
    # the test loss on its schedule: after the first chunk, then once 75 test points cost at
    # most TEST_SHARE of the examples trained since (9,375: after the run, which ends it)
    assert list(np.isfinite(history[:, 2])) == [True, False, False, True]
    snap = trainer.latest()
    assert (
        snap.step == 100 and snap.test_loss == history[-1, 2] and snap.train_loss == history[-1, 1]
    )
    assert snap.us_per_step > 0 and trainer.us_per_step == snap.us_per_step
    assert snap.lr == 0.01
    before = snap.params.copy()
    trainer.run(10)
    assert np.array_equal(snap.params, before)  # a snapshot is a copy


def test_evaluate_matches_the_oracle_with_norms_and_features():
    # forward in evaluation mode (BatchNorm running stats) against Network.forward
    net = Network.random(
        (2 + 4 + 1, 8, 8, 2),
        activation="gelu",
        output="linear",
        fourier=2,
        latent=(0.3,),
        norm=["layernorm", "batchnorm"],
        seed=4,
    )
    rng = np.random.default_rng(5)
    net.norm_param(1, "mean")[:] = rng.normal(0, 0.5, 8)
    net.norm_param(1, "var")[:] = rng.uniform(0.5, 2.0, 8)
    x = rng.uniform(-1, 1, (3000, 2))
    trainer = Trainer(net, (x, net.forward(x)), loss="mse")
    assert trainer.evaluate("train") < 1e-11  # float32 kernels vs the float64 oracle


def test_reset_restores_or_redraws():
    trainer = _trainer()
    start = trainer.net.params.copy()
    trainer.run(50)
    trainer.reset()
    assert trainer.step == 0 and len(trainer.loss_history) == 0 and trainer.epochs == 0
    assert np.array_equal(trainer.net.params, start)
    trainer.run(50)
    again = _trainer()
    again.run(50)
    assert np.array_equal(trainer.net.params, again.net.params)
    init = dict(init="xavier_uniform", bias_init="uniform", bias_scale=0.1)
    other = Trainer(_net(), _data(), lr=0.01, batch_size=32, init=init)
    other.reset(seed=5)
    expected = Network.random((2, 12, 12, 1), activation="tanh", output="sigmoid", seed=5, **init)
    assert np.array_equal(other.net.params, expected.params) and other.config.seed == 5


def test_set_config_batch_size_and_schedule_live():
    trainer = _trainer(batch_size=32)
    trainer.run(20)
    trainer.set_config(batch_size=64, schedule="exponential", gamma=0.99)
    trainer.run(20)
    assert trainer.step == 40 and trainer.latest().lr == pytest.approx(0.01 * 0.99**39)


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings, words",
    [
        (dict(lrr=0.1), ["'lrr'", "lr", "batch_size"]),
        (dict(lr=-1.0), ["train.lr", "-1.0"]),
        (dict(lr="fast"), ["train.lr", "'fast'"]),
        (dict(batch_size=0), ["train.batch_size", "1..4096"]),
        (dict(batch_size=5000), ["train.batch_size"]),
        (dict(batch_size=12.5), ["train.batch_size", "integer"]),
        (dict(optimizer="lbfgs"), ["train.optimizer", "adamw"]),
        (dict(loss="bce", config=TrainConfig()), None),  # valid: loss over a base config
    ],
)
def test_bad_settings_name_the_field(settings, words):
    if words is None:
        assert Trainer(_net(), _data(), **settings).config.loss == "bce"
        return
    with pytest.raises(ShaderplayError) as err:
        Trainer(_net(), _data(), **settings)
    for word in words:
        assert word in str(err.value)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: Trainer(_net(), _data(n_out=3)), ["3 output", "n_out = 1"]),
        (
            lambda: Trainer(Network.random((2, 4, 1), output="linear"), _data(), loss="bce"),
            ["bce", "'linear'"],
        ),
        (lambda: Trainer(_net(), (_data()[0], 2 * _data()[1]), loss="bce"), ["[0, 1]"]),
        (lambda: Trainer(_net(), _data(), loss="cross_entropy"), ["cross_entropy", "n_out >= 2"]),
        (lambda: Trainer(_net(), (np.full((4, 2), np.nan), np.zeros((4, 1)))), ["NaN"]),
        (lambda: Trainer(_net(), (np.zeros((4, 5)), np.zeros((4, 1)))), ["X columns", "5"]),
        (lambda: Trainer(_net(), 42), ["target", "int"]),
        (
            lambda: Trainer(
                _net(), Dataset.from_arrays(np.zeros((0, 2)), np.zeros((0, 1)), kind="none")
            ),
            ["no training samples"],
        ),
        (lambda: _trainer().advance(-3), ["advance", "-3"]),
    ],
)
def test_bad_targets_are_refused_clearly(make, words):
    with pytest.raises(ShaderplayError) as err:
        make()
    for word in words:
        assert word in str(err.value)


def test_refresh_features_after_changing_a_latent():
    net = Network.random((3, 6, 1), activation="tanh", output="linear", latent=(0.2,), seed=3)
    x = np.random.default_rng(0).uniform(-1, 1, (500, 2)).astype(np.float32)
    net.latent[:] = 0.9
    y = net.forward(x)  # what the network computes with the latent at 0.9
    net.latent[:] = 0.2
    trainer = Trainer(net, (x, y))
    assert trainer.evaluate("train") > 1e-6
    net.latent[:] = 0.9
    assert trainer.evaluate("train") > 1e-6  # features were computed with 0.2
    trainer.refresh_features()
    assert trainer.evaluate("train") < 1e-11


def test_loss_rows_grow_past_their_capacity_and_keep_every_row():
    from shaderplay.train.results import Rows

    rows = Rows(3, capacity=2)
    for k in range(9):
        rows.append(k, 1.0 / (k + 1), np.nan)
    got = rows.array()
    assert got.shape == (9, 3) and list(got[:, 0]) == list(range(9))
    assert got[8, 1] == pytest.approx(1 / 9) and np.isnan(got[:, 2]).all()
    got[0, 0] = 99.0  # a copy: the history is not changed through it
    assert rows.array()[0, 0] == 0.0
    rows.clear()
    assert len(rows) == 0 and rows.array().shape == (0, 3)


def test_each_snapshot_carries_the_accuracy_numpy_finds():
    """Test accuracy: these weights on the test split. Train accuracy: the chunk's
    minibatches, as the train loss; with the whole training set as one batch and one
    step per chunk, that is the weights before the step on the training set."""
    from shaderplay.targets import load_target
    from shaderplay.train.results import accuracy

    data = load_target("xor", n_points=200, test_fraction=0.5)
    net = Network.random((2, 6, 1), activation="tanh", output="sigmoid", seed=3)
    trainer = Trainer(net, data, loss="bce", lr=0.1, batch_size=100, chunk_steps=1)
    for _ in range(24):
        before = net.params.copy()
        trainer.run(1)
        snap = trainer.latest()
        now = Network(net.spec, snap.params)
        assert snap.test_accuracy == accuracy(now.forward(data.x_test), data.y_test, "binary")
        was = Network(net.spec, before)
        want = accuracy(was.forward(data.x_train), data.y_train, "binary")
        assert snap.train_accuracy == pytest.approx(want, abs=1e-12)
    assert trainer.scores("train")[1] == accuracy(net.forward(data.x_train), data.y_train, "binary")


def test_a_regression_snapshot_has_no_accuracy():
    x = np.random.default_rng(0).uniform(-1, 1, (64, 2))
    trainer = Trainer(Network.random((2, 4, 1), seed=0), (x, x[:, :1]), batch_size=16)
    trainer.run(8)
    snap = trainer.latest()
    assert np.isnan(snap.train_accuracy) and np.isnan(snap.test_accuracy)
    assert snap.train_loss == snap.train_loss  # the loss is there


def test_the_test_loss_costs_a_small_share_of_the_run():
    x, y = _data(2000)
    data = Dataset.from_arrays(x, y, test_fraction=0.5)  # 1,000 test points
    trainer = Trainer(_net(), data, lr=0.01, batch_size=32, chunk_steps=16)
    trainer.run(16 * 600)
    tested = np.isfinite(trainer.loss_history[:, 2])
    # after chunks 1, 246 and 491 (every 125,000 examples: 245 chunks of 512), and the last
    assert list(np.flatnonzero(tested)) == [0, 245, 490, 599]
    assert trainer.last_loss[1] == trainer.loss_history[-1, 2]
    assert 0 < trainer.test_seconds < trainer.seconds


def test_a_rate_zero_for_good_stops_the_run_unless_told_to_go_on():
    data = Dataset.from_arrays(*_data(), test_fraction=0.25)
    settings = dict(schedule="cosine", cosine_steps=50, warmup_steps=10, chunk_steps=16)
    trainer = _trainer(data=data, **settings)
    result = trainer.run(500)
    assert (result.steps, result.stopped, trainer.step) == (60, "lr_zero", 60)
    assert (
        "zero from step 60" in trainer.why_stopped() and "stop_at_zero_lr" in trainer.why_stopped()
    )
    assert np.isfinite(trainer.loss_history[-1, 2])  # a stop ends with a test evaluation
    assert trainer.run(10).steps == 0
    trainer.set_config(stop_at_zero_lr=False)
    before = trainer.net.params.copy()
    assert trainer.run(10).steps == 10 and trainer.step == 70
    assert np.array_equal(trainer.net.params, before)  # a dead rate moves nothing
    alive = _trainer(**{**settings, "lr_min": 1e-4})
    assert alive.run(100).stopped == "steps"
