"""Each optimiser's first steps against torch.optim's update rules, written out by hand.

Full-batch training, so every step's gradient is the probe's gradient at the
weights in place; the expected weights follow from the formulas below (the
ones torch/optim/{sgd,rmsprop,adam,adamw}.py implement, weight_decay coupled
as torch does except for AdamW). Tolerance: float32 kernels against float64
formulas, 2e-6 relative.
"""

import numpy as np
import pytest
from train_helpers import loss_and_grad

from shaderplay.network import Network
from shaderplay.train import Trainer

CASES = {
    "sgd": dict(lr=0.1, weight_decay=0.01),
    "momentum": dict(lr=0.1, momentum=0.8, weight_decay=0.01),
    "nesterov": dict(lr=0.1, momentum=0.8),
    "rmsprop": dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.01),
    "adam": dict(lr=0.01, beta1=0.8, beta2=0.9, eps=1e-6, weight_decay=0.01),
    "adamw": dict(lr=0.01, beta1=0.8, beta2=0.9, eps=1e-6, weight_decay=0.1),
}


def torch_update(opt, p, g, state, t, c):
    """One torch.optim step for parameters p with gradient g (float64); state persists."""
    lr, wd = c["lr"], c.get("weight_decay", 0.0)
    if opt != "adamw":
        g = g + wd * p  # coupled L2
    if opt == "sgd":
        return p - lr * g
    if opt in ("momentum", "nesterov"):
        mu = c["momentum"]
        state["buf"] = g.copy() if t == 1 else mu * state["buf"] + g  # dampening 0
        return p - lr * (g + mu * state["buf"] if opt == "nesterov" else state["buf"])
    if opt == "rmsprop":
        a = c["alpha"]
        state["sq"] = a * state.get("sq", 0.0) + (1 - a) * g * g
        return p - lr * g / (np.sqrt(state["sq"]) + c["eps"])
    b1, b2, eps = c["beta1"], c["beta2"], c["eps"]
    state["m"] = b1 * state.get("m", 0.0) + (1 - b1) * g
    state["v"] = b2 * state.get("v", 0.0) + (1 - b2) * g * g
    if opt == "adamw":
        p = p * (1 - lr * wd)  # decoupled decay first
    denom = np.sqrt(state["v"]) / np.sqrt(1 - b2**t) + eps
    return p - lr / (1 - b1**t) * state["m"] / denom


def _setup(**config):
    rng = np.random.default_rng(0)
    X, Y = rng.uniform(-1, 1, (12, 2)), rng.uniform(0, 1, (12, 2))
    net = Network.random(
        (2, 4, 2), activation="tanh", output="linear", bias_init="uniform", bias_scale=0.3, seed=3
    )
    return net, Trainer(net, (X, Y), batch_size=len(X), **config), X, Y


@pytest.mark.parametrize("opt", list(CASES))
def test_first_three_steps_match_torch_formulas(opt):
    net, trainer, X, Y = _setup(optimizer=opt, **CASES[opt])
    state = {}
    for t in (1, 2, 3):
        p = net.trainable.astype(np.float64)
        g = loss_and_grad(net, X, Y)[1].astype(np.float64)
        expected = torch_update(opt, p, g, state, t, CASES[opt])
        trainer.run(1)
        assert trainer.step == t
        assert not np.allclose(expected, p)  # the step moved something
        np.testing.assert_allclose(net.trainable, expected, rtol=2e-6, atol=1e-7)


def test_gradient_clipping_scales_to_the_global_norm():
    net, trainer, X, Y = _setup(optimizer="sgd", lr=0.5, clip_norm=0.05)
    p = net.trainable.astype(np.float64)
    g = loss_and_grad(net, X, Y)[1].astype(np.float64)
    norm = np.linalg.norm(g)
    assert norm > 0.05  # so the clip is active
    trainer.run(1)
    np.testing.assert_allclose(
        net.trainable, p - 0.5 * g * 0.05 / (norm + 1e-6), rtol=2e-6, atol=1e-7
    )


def test_clip_above_the_norm_changes_nothing():
    net, trainer, X, Y = _setup(optimizer="sgd", lr=0.5, clip_norm=1e6)
    p = net.trainable.astype(np.float64)
    g = loss_and_grad(net, X, Y)[1].astype(np.float64)
    trainer.run(1)
    np.testing.assert_allclose(net.trainable, p - 0.5 * g, rtol=2e-6, atol=1e-7)


def test_changing_lr_keeps_adam_state_changing_optimizer_resets_it():
    net, trainer, X, Y = _setup(optimizer="adam", lr=0.01, beta1=0.8, beta2=0.9, eps=1e-6)
    config = dict(CASES["adam"], weight_decay=0.0)
    state = {}
    p = net.trainable.astype(np.float64)
    torch_update("adam", p, loss_and_grad(net, X, Y)[1].astype(np.float64), state, 1, config)
    trainer.run(1)
    trainer.set_config(lr=0.02)  # live change: moments and t survive
    config["lr"] = 0.02
    p = net.trainable.astype(np.float64)
    expected = torch_update(
        "adam", p, loss_and_grad(net, X, Y)[1].astype(np.float64), state, 2, config
    )
    trainer.run(1)
    np.testing.assert_allclose(net.trainable, expected, rtol=2e-6, atol=1e-7)
    trainer.set_config(optimizer="momentum", momentum=0.5, lr=0.1)  # new optimiser, fresh state
    p = net.trainable.astype(np.float64)
    g = loss_and_grad(net, X, Y)[1].astype(np.float64)
    trainer.run(1)
    np.testing.assert_allclose(net.trainable, p - 0.1 * g, rtol=2e-6, atol=1e-7)  # buf = g at t=1
