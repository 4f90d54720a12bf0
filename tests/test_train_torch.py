"""The trainer against PyTorch itself, where torch is installed (skipped otherwise).

Same network, same weights, full-batch steps (so minibatch order plays no
part): after 20 steps the weights agree with torch.optim to float32
accumulation error, for every optimiser and loss, with LayerNorm and
BatchNorm (running statistics included); the schedules agree with
torch.optim.lr_scheduler.
"""

import numpy as np
import pytest

from shaderplay.config import TrainConfig
from shaderplay.network import Network
from shaderplay.train import Trainer, lr_at

torch = pytest.importorskip("torch")
nn = torch.nn
torch.set_num_threads(1)  # tiny tensors; spare the shared cores torch's thread pool spinning

TORCH_ACT = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "linear": nn.Identity}


def torch_model(net: Network):
    """nn.Sequential with the network's layers and a copy of its weights."""
    mods = []
    for i, s in enumerate(net.layout.layers):
        lin = nn.Linear(s.n_in, s.n_out)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(net.W(i).copy()))
            lin.bias.copy_(torch.from_numpy(net.b(i).copy()))
        mods.append(lin)
        if s.norm == "layernorm":
            mods.append(nn.LayerNorm(s.n_out))
        elif s.norm == "batchnorm":
            mods.append(nn.BatchNorm1d(s.n_out))
        mods.append(TORCH_ACT[s.activation]())
    return nn.Sequential(*mods)


def torch_optimizer(name, params, c):
    wd = c.get("weight_decay", 0.0)
    if name in ("sgd", "momentum", "nesterov"):
        mu = 0.0 if name == "sgd" else c["momentum"]
        return torch.optim.SGD(
            params, lr=c["lr"], momentum=mu, nesterov=name == "nesterov", weight_decay=wd
        )
    if name == "rmsprop":
        return torch.optim.RMSprop(
            params, lr=c["lr"], alpha=c["alpha"], eps=c["eps"], weight_decay=wd
        )
    cls = torch.optim.AdamW if name == "adamw" else torch.optim.Adam
    return cls(params, lr=c["lr"], betas=(c["beta1"], c["beta2"]), eps=c["eps"], weight_decay=wd)


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


def _torch_lrs(make_scheduler, steps):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = make_scheduler(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(lrs)


@pytest.mark.parametrize(
    "config, make",
    [
        (
            dict(schedule="step", step_size=7, gamma=0.5),
            lambda o: torch.optim.lr_scheduler.StepLR(o, 7, 0.5),
        ),
        (
            dict(schedule="exponential", gamma=0.97),
            lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.97),
        ),
        (
            dict(schedule="cosine", cosine_steps=50, lr_min=0.01),
            lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 50, eta_min=0.01),
        ),
        (
            dict(schedule="cosine_restarts", restart_period=10, restart_mult=2, lr_min=0.001),
            lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, 10, 2, eta_min=0.001),
        ),
    ],
)
def test_schedules_like_torch(config, make):
    steps = 51 if config["schedule"] == "cosine" else 120  # torch's cosine rises again after T_max
    ours = lr_at(TrainConfig(lr=0.1, **config), np.arange(steps))
    np.testing.assert_allclose(ours, _torch_lrs(make, steps), rtol=1e-9, atol=1e-12)
