"""Kernel gradients against float64 central finite differences of an independent NumPy loss.

The reference below re-implements the forward pass in float64 (training mode:
BatchNorm on batch statistics) from the PyTorch definitions, so it checks the
kernels' losses, activations, norms and penalties, not just their internal
consistency. The kernels run in float32, hence the tolerances: the kernel
gradient is compared to the exact one within 1e-3 relative plus 2e-5 of the
largest gradient entry (float32 accumulation over a few dozen terms is good to
~1e-6 relative; the finite difference in float64 with h = 1e-6 to ~1e-9).
"""

import numpy as np
import pytest
from train_helpers import loss_and_grad

from shaderplay.activations import ACTIVATIONS
from shaderplay.network import Network
from shaderplay.spec import NORM_EPS


def reference_loss(net, params, feats, Y, loss, l1=0.0, l2=0.0):
    """Training-mode loss of `net` with trainable parameters `params` (float64)."""
    h = feats
    penalty = 0.0
    for s in net.layout.layers:
        W = params[s.w : s.w + s.n_in * s.n_out].reshape(s.n_out, s.n_in)
        penalty += l1 * np.abs(W).sum() + l2 * (W**2).sum()
        z = h @ W.T + params[s.b : s.b + s.n_out]
        if s.norm != "none":
            axis = 1 if s.norm == "layernorm" else 0  # per sample / per feature over the batch
            mean, var = z.mean(axis, keepdims=True), z.var(axis, keepdims=True)
            z = (z - mean) / np.sqrt(var + NORM_EPS) * params[s.gamma : s.gamma + s.n_out] + params[
                s.beta : s.beta + s.n_out
            ]
        h = ACTIVATIONS[s.activation].np_f(z)
    if loss == "mse":
        value = np.mean((h - Y) ** 2)
    elif loss == "bce":
        value = -np.mean(
            Y * np.maximum(np.log(h), -100.0) + (1 - Y) * np.maximum(np.log(1 - h), -100.0)
        )
    else:
        top = h.max(axis=1, keepdims=True)
        lse = top + np.log(np.exp(h - top).sum(axis=1, keepdims=True))
        value = np.mean((Y * (lse - h)).sum(axis=1))
    return value + penalty


def check_gradient(net, X, Y, loss="mse", l1=0.0, l2=0.0):
    feats = net.input_features(X).astype(np.float32)  # the kernel's float32 features, exactly
    value, grad = loss_and_grad(net, feats, Y, features_given=True, loss=loss, l1=l1, l2=l2)
    p = net.trainable.astype(np.float64)
    f64 = feats.astype(np.float64)
    ref = reference_loss(net, p, f64, Y, loss, l1, l2)
    assert value == pytest.approx(ref, rel=2e-6, abs=1e-7)
    h = 1e-6
    fd = np.empty_like(p)
    for i in range(p.size):
        e = np.zeros_like(p)
        e[i] = h
        fd[i] = (
            reference_loss(net, p + e, f64, Y, loss, l1, l2)
            - reference_loss(net, p - e, f64, Y, loss, l1, l2)
        ) / (2 * h)
    assert np.abs(fd).max() > 1e-3  # the check has something to check
    np.testing.assert_allclose(grad, fd, rtol=1e-3, atol=2e-5 * np.abs(fd).max())


def _data(n, n_out, seed=0, scale=1.5):
    rng = np.random.default_rng(seed)
    return rng.normal(0, scale, (n, 2)), rng.uniform(0.05, 0.95, (n, n_out))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_activation_hidden_and_output(name):
    net = Network.random(
        (2, 5, 4, 2),
        activation=name,
        output=name,
        init="xavier_uniform",
        bias_init="uniform",
        bias_scale=0.3,
        seed=1,
    )
    X, Y = _data(9, 2)
    check_gradient(net, X, Y)


@pytest.mark.parametrize(
    "output, n_out, loss",
    [
        ("linear", 3, "mse"),
        ("sigmoid", 1, "bce"),  # fused (p - y) gradient
        ("sigmoid", 2, "bce"),
        ("gaussian", 1, "bce"),  # BCELoss's own gradient through the output activation
        ("linear", 4, "cross_entropy"),
        ("softsign", 3, "cross_entropy"),  # logits through an output activation
    ],
)
def test_every_loss(output, n_out, loss):
    net = Network.random(
        (2, 6, n_out), activation="tanh", output=output, bias_init="uniform", bias_scale=0.2, seed=2
    )
    X, Y = _data(11, n_out, seed=3)
    if loss == "cross_entropy":  # one-hot classes, as targets deliver them
        Y = np.eye(n_out)[np.random.default_rng(4).integers(0, n_out, len(X))]
    if loss == "bce" and n_out == 1:
        Y = (Y > 0.5).astype(np.float64)
    check_gradient(net, X, Y, loss=loss)


def test_cross_entropy_with_soft_targets():
    net = Network.random((2, 5, 3), activation="tanh", output="linear", seed=5)
    X, _ = _data(10, 3, seed=6)
    Y = np.random.default_rng(7).dirichlet(np.ones(3), len(X))
    check_gradient(net, X, Y, loss="cross_entropy")


@pytest.mark.parametrize(
    "norms",
    [
        ("layernorm", "layernorm"),
        ("batchnorm", "batchnorm"),
        ("batchnorm", "layernorm"),
        ("none", "batchnorm"),
    ],
)
def test_norm_layers(norms):
    net = Network.random(
        (2, 6, 5, 2),
        activation="tanh",
        output="sigmoid",
        norm=list(norms),
        bias_init="uniform",
        bias_scale=0.2,
        seed=8,
    )
    # gamma/beta away from 1/0 so their gradients and the affine part are exercised
    rng = np.random.default_rng(9)
    for i in range(2):
        if net.norm_param(i, "gamma") is not None:
            net.norm_param(i, "gamma")[:] = rng.uniform(0.5, 1.5, net.norm_param(i, "gamma").size)
            net.norm_param(i, "beta")[:] = rng.uniform(-0.3, 0.3, net.norm_param(i, "beta").size)
    X, Y = _data(16, 2, seed=10)
    check_gradient(net, X, Y)


def test_l1_l2_penalties_on_weights_only():
    net = Network.random(
        (2, 5, 1), activation="tanh", output="linear", bias_init="uniform", bias_scale=0.5, seed=11
    )
    X, Y = _data(8, 1, seed=12)
    check_gradient(net, X, Y, l1=0.01, l2=0.03)
    _, plain = loss_and_grad(net, X, Y)
    _, penalised = loss_and_grad(net, X, Y, l1=0.01, l2=0.03)
    for i in range(net.spec.depth):  # biases carry no penalty
        b = net.layout.layers[i].b
        np.testing.assert_array_equal(
            penalised[b : b + net.b(i).size], plain[b : b + net.b(i).size]
        )


@pytest.mark.parametrize("norm", ["none", "layernorm"])
def test_single_sample_path(norm):
    # batch size 1 runs its own loops (over neurons, not samples)
    net = Network.random((2, 7, 6, 2), activation="gelu", output="sigmoid", norm=norm, seed=13)
    X, Y = _data(1, 2, seed=14)
    check_gradient(net, X, Y)


def test_fourier_and_latent_features_feed_the_first_layer():
    net = Network.random(
        (2 + 2 * 3 + 1, 6, 1),
        activation="sin",
        output="linear",
        fourier=3,
        fourier_scale=1.5,
        latent=(0.7,),
        seed=15,
    )
    X, Y = _data(10, 1, seed=16)
    check_gradient(net, X, Y)
    # points in, features computed by the network, same result as features given
    a = loss_and_grad(net, X, Y)
    b = loss_and_grad(net, net.input_features(X).astype(np.float32), Y, features_given=True)
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])
