"""Test helper: loss and gradient of a network on given samples, without training.

The same kernels as a training step (training mode: BatchNorm uses the batch
statistics; the l1/l2 penalty is included), on all samples as one batch in
the order given. For gradient checks, and for looking at a gradient by hand.
"""

import numpy as np

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
