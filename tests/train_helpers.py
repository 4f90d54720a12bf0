"""Test helpers for the trainer: its loss and gradient on given samples, and the
same network in PyTorch.

`loss_and_grad` runs the same kernels as a training step (training mode:
BatchNorm uses the batch statistics; the l1/l2 penalty is included), on all
samples as one batch in the order given, without training: for gradient
checks. `torch_model` builds the network as torch.nn modules (where torch is
installed), each activation the module its table row names.
"""

import numpy as np

from shaderplay.activations import ACTIVATIONS
from shaderplay.kernels.layers import layer_table
from shaderplay.network import Network
from shaderplay.train import kernel as K
from shaderplay.train.data import feature_rows
from shaderplay.train.hyper import hyper_vectors
from shaderplay.train.program import Workspace, rows
from shaderplay.train.settings import make_config


def loss_and_grad(
    net: Network, X, Y, features_given: bool = False, config=None, **settings
) -> tuple[float, np.ndarray]:
    """(loss, gradient): gradient float32 with the layout of net.params[:n_trainable].

    X is (N, 2) points, or (N, n_in) input features with `features_given`;
    Y is (N, n_out). Settings are TrainConfig fields (loss, l1, l2 matter here).
    """
    cfg = make_config(config, settings)
    x = feature_rows(net, X, features_given)
    y = rows(np.asarray(Y, np.float32).reshape(len(x.T), -1))
    n = x.shape[1]
    layout = net.layout
    ws = Workspace.of(layout, n)
    hyper, ihyper = hyper_vectors(cfg, n, layout.n_trainable)
    grad = np.zeros(layout.n_trainable, np.float32)
    loss = K.batch_gradient(
        net.params,
        grad,
        layer_table(layout),
        ws.wsl,
        ws.misc,
        ws.ws,
        x,
        y,
        np.arange(n, dtype=np.int64),
        0,
        n,
        hyper,
        ihyper,
    )
    return float(loss), grad


def torch_model(net: Network):
    """nn.Sequential with the network's layers and a copy of its weights."""
    from torch import from_numpy, nn, no_grad

    mods = []
    for i, s in enumerate(net.layout.layers):
        lin = nn.Linear(s.n_in, s.n_out)
        with no_grad():
            lin.weight.copy_(from_numpy(net.W(i).copy()))
            lin.bias.copy_(from_numpy(net.b(i).copy()))
        mods.append(lin)
        if s.norm == "layernorm":
            mods.append(nn.LayerNorm(s.n_out))
        elif s.norm == "batchnorm":
            mods.append(nn.BatchNorm1d(s.n_out))
        mods.append(getattr(nn, ACTIVATIONS[s.activation].torch)())
    return nn.Sequential(*mods)
