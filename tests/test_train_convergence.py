"""Training actually learns: classic 2-D sets to >90% test accuracy, an image to a low MSE.

The data are generated here with a fixed seed (the targets module has its
own tests); accuracy is measured on a held-out split with the NumPy oracle
Network.forward, so it checks the trained weights, not the trainer's report.
"""

import numpy as np

from shaderplay.dataset import Dataset
from shaderplay.network import Network
from shaderplay.train import Trainer


def _points(n, seed):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 2))


def _spiral(n_per_arm, arms, seed, noise=0.02):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.1, 1.0, (arms, n_per_arm))
    xs, labels = [], []
    for arm in range(arms):
        angle = 2.0 * np.pi * (2.0 * t[arm] + arm / arms)  # two turns per arm
        xs.append(np.stack([t[arm] * np.cos(angle), t[arm] * np.sin(angle)], 1))
        labels.append(np.full(n_per_arm, arm))
    x = np.concatenate(xs) + rng.normal(0, noise, (arms * n_per_arm, 2))
    return x, np.concatenate(labels)


def _binary(x, label, seed=0):
    return Dataset.from_arrays(
        x, label.astype(np.float32)[:, None], kind="binary", test_fraction=0.25, seed=seed
    )


def _accuracy(net, dataset):
    out = net.forward(dataset.x_test)
    if out.shape[1] == 1:
        return np.mean((out[:, 0] > 0.5) == (dataset.y_test[:, 0] > 0.5))
    return np.mean(out.argmax(1) == dataset.y_test.argmax(1))


def _fit(dataset, sizes, steps, **settings):
    net = Network.random(sizes, activation="tanh", output=settings.pop("output", "sigmoid"), seed=1)
    trainer = Trainer(net, dataset, **settings)
    result = trainer.run(steps)
    assert result.steps == steps and result.stopped == "steps"
    history = trainer.loss_history
    assert history[-1, 2] < history[0, 2]  # the test loss came down
    return net


def test_xor():
    x = _points(600, seed=1)
    data = _binary(x, x[:, 0] * x[:, 1] > 0)
    net = _fit(data, (2, 16, 16, 1), 1500, loss="bce", lr=0.02, batch_size=64)
    assert _accuracy(net, data) > 0.9


def test_circle():
    x = _points(600, seed=2)
    data = _binary(x, np.hypot(x[:, 0], x[:, 1]) < 0.6)
    net = _fit(data, (2, 16, 16, 1), 1500, loss="bce", lr=0.02, batch_size=64)
    assert _accuracy(net, data) > 0.9


def test_spiral_two_arms():
    x, label = _spiral(400, 2, seed=3)
    data = _binary(x, label == 1)
    net = _fit(data, (2, 32, 32, 1), 4000, loss="bce", lr=0.01, batch_size=64)
    assert _accuracy(net, data) > 0.9


def test_spiral_three_classes_cross_entropy():
    x, label = _spiral(300, 3, seed=4)
    data = Dataset.from_arrays(
        x, np.eye(3, dtype=np.float32)[label], kind="multiclass", test_fraction=0.25, seed=0
    )
    net = _fit(
        data, (2, 32, 32, 3), 4000, loss="cross_entropy", output="linear", lr=0.01, batch_size=64
    )
    assert _accuracy(net, data) > 0.9


def test_image_regression():
    # a 32x32 grey "image": soft rings and a gradient, fitted as (x, y) -> value
    side = (np.arange(32) + 0.5) / 32 * 2 - 1
    x = np.stack(np.meshgrid(side, side), -1).reshape(-1, 2)
    r = np.hypot(x[:, 0], x[:, 1])
    value = 0.5 + 0.3 * np.cos(6.0 * r) * np.exp(-r) + 0.15 * x[:, 0]
    data = Dataset.from_arrays(x, value[:, None], test_fraction=0.2, seed=0)
    net = Network.random((2, 32, 32, 1), activation="tanh", output="sigmoid", seed=2)
    trainer = Trainer(
        net,
        data,
        loss="mse",
        lr=0.01,
        batch_size=128,
        schedule="cosine",
        cosine_steps=3000,
        lr_min=1e-4,
    )
    trainer.run(3000)
    mse = np.mean((net.forward(data.x_test) - data.y_test) ** 2)
    assert mse < 2e-4  # the image's own variance is ~2e-2
    assert abs(trainer.evaluate("test") - mse) < 1e-6  # the kernel's test loss is the oracle's
