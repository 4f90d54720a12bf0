"""The trainer against PyTorch itself, where torch is installed (skipped otherwise).

Same network, same weights, full-batch steps (so minibatch order plays no
part): after 20 steps the weights agree with torch.optim to float32
accumulation error, for every optimiser and loss, with LayerNorm and
BatchNorm (running statistics included). Each optimiser and schedule row on
its own against PyTorch: tests/test_tables.py.
"""

import numpy as np
import pytest
from train_helpers import torch_model

from shaderplay import optimizers
from shaderplay.config import TrainConfig
from shaderplay.network import Network
from shaderplay.train import Trainer

torch = pytest.importorskip("torch")
nn = torch.nn
torch.set_num_threads(1)  # tiny tensors; spare the shared cores torch's thread pool spinning


def torch_optimizer(name, params, c):
    """The torch.optim class of optimiser `name`'s row, with the settings `c`."""
    row = optimizers.get(name)
    return getattr(torch.optim, row.torch)(params, **row.torch_kwargs(TrainConfig(**c)))


TORCH_LOSS = {"mse": nn.MSELoss, "bce": nn.BCELoss, "cross_entropy": nn.CrossEntropyLoss}
CONFIGS = [
    ("sgd", dict(lr=0.2, weight_decay=0.01), "mse", "batchnorm"),
    ("momentum", dict(lr=0.1, momentum=0.9, weight_decay=0.01), "mse", "layernorm"),
    ("nesterov", dict(lr=0.1, momentum=0.9), "bce", "batchnorm"),
    ("rmsprop", dict(lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.01), "cross_entropy", "none"),
    (
        "adam",
        dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01),
        "bce",
        "layernorm",
    ),
    ("adamw", dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.1), "mse", "none"),
]
# Not Adam with BatchNorm: the bias before a BatchNorm has gradient 0 up to rounding, which Adam
# divides by its own tiny scale, so both sides follow their rounding noise there.


@pytest.mark.parametrize("opt, config, loss, norm", CONFIGS)
def test_twenty_steps_like_torch(opt, config, loss, norm):
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (32, 2)).astype(np.float32)
    n_out = 3 if loss == "cross_entropy" else 1
    if loss == "cross_entropy":
        Y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, len(X))]
    else:
        Y = (X[:, :1] * X[:, 1:] > 0).astype(np.float32)
    output = {"mse": "linear", "bce": "sigmoid", "cross_entropy": "linear"}[loss]
    net = Network.random((2, 8, 8, n_out), activation="tanh", output=output, norm=norm, seed=2)
    model = torch_model(net)
    topt = torch_optimizer(opt, model.parameters(), config)
    criterion = TORCH_LOSS[loss]()
    xt, yt = torch.from_numpy(X), torch.from_numpy(Y)
    target = yt.argmax(1) if loss == "cross_entropy" else yt
    for _ in range(20):
        topt.zero_grad()
        criterion(model(xt), target).backward()
        topt.step()
    trainer = Trainer(net, (X, Y), loss=loss, optimizer=opt, batch_size=len(X), **config)
    trainer.run(20)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    for i, lin in enumerate(linears):
        np.testing.assert_allclose(net.W(i), lin.weight.detach().numpy(), rtol=1e-4, atol=2e-5)
        np.testing.assert_allclose(net.b(i), lin.bias.detach().numpy(), rtol=1e-4, atol=2e-5)
    norms = [m for m in model if isinstance(m, (nn.LayerNorm, nn.BatchNorm1d))]
    for i, m in enumerate(norms):
        np.testing.assert_allclose(
            net.norm_param(i, "gamma"), m.weight.detach().numpy(), rtol=1e-4, atol=2e-5
        )
        np.testing.assert_allclose(
            net.norm_param(i, "beta"), m.bias.detach().numpy(), rtol=1e-4, atol=2e-5
        )
        if isinstance(m, nn.BatchNorm1d):
            np.testing.assert_allclose(
                net.norm_param(i, "mean"), m.running_mean.numpy(), rtol=1e-4, atol=2e-5
            )
            np.testing.assert_allclose(
                net.norm_param(i, "var"), m.running_var.numpy(), rtol=1e-4, atol=2e-5
            )
