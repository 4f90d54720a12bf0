"""LayerNorm and BatchNorm kernels, PyTorch's definitions, batch-major layout.

A norm sits after a hidden layer's affine map and before its activation:
A = gamma * xhat + beta, xhat = (Z - mean) / sqrt(var + eps), with the biased
variance. LayerNorm takes mean/var per sample over the n features;
BatchNorm (training) per feature over the B samples of the minibatch, and
the running statistics move by momentum 0.1 with the unbiased variance, as
torch.nn.BatchNorm1d. In evaluation BatchNorm uses the running statistics.

Arrays: Z (n, B) normalised in place, XH (n, B) keeps xhat for the backward
pass, S holds statistics: LayerNorm (3, B) (rstd per sample, two scratch
rows), BatchNorm (5, n) (mean, biased var, rstd per feature, then the staged
new running mean and var, which `batchnorm_commit` writes only once the step
is known to be finite).
"""

import numpy as np

from ..spec import NORM_EPS, NORMS
from .jit import F0, F1, kernel

LAYERNORM, BATCHNORM = (NORMS.index(n) for n in ("layernorm", "batchnorm"))  # layer table codes
EPS = np.float32(NORM_EPS)
MOMENTUM = np.float32(0.1)  # torch.nn.BatchNorm1d default


@kernel
def layernorm_forward(Z, XH, S, gamma, beta):
    n, B = Z.shape
    inv_n = F1 / np.float32(n)
    rstd = S[0]
    mean = S[1]
    for i in range(B):
        mean[i] = F0
        rstd[i] = F0
    for j in range(n):
        for i in range(B):
            mean[i] += Z[j, i]
    for i in range(B):
        mean[i] *= inv_n
    for j in range(n):
        for i in range(B):
            dev = Z[j, i] - mean[i]
            rstd[i] += dev * dev
    for i in range(B):
        rstd[i] = F1 / np.sqrt(rstd[i] * inv_n + EPS)
    for j in range(n):
        g = gamma[j]
        bt = beta[j]
        for i in range(B):
            xh = (Z[j, i] - mean[i]) * rstd[i]
            XH[j, i] = xh
            Z[j, i] = g * xh + bt


@kernel
def layernorm_backward(G, XH, S, gamma, dgamma, dbeta):
    """dA (n, B) in G -> dZ in place; writes the gamma/beta gradients."""
    n, B = G.shape
    inv_n = F1 / np.float32(n)
    rstd = S[0]
    m1 = S[1]
    m2 = S[2]
    for i in range(B):
        m1[i] = F0
        m2[i] = F0
    for j in range(n):
        gm = gamma[j]
        sg = F0
        sb = F0
        for i in range(B):
            da = G[j, i]
            xh = XH[j, i]
            sg += da * xh
            sb += da
            m1[i] += da * gm
            m2[i] += da * gm * xh
        dgamma[j] = sg
        dbeta[j] = sb
    for j in range(n):
        gm = gamma[j]
        for i in range(B):
            G[j, i] = rstd[i] * (G[j, i] * gm - m1[i] * inv_n - XH[j, i] * m2[i] * inv_n)


@kernel
def batchnorm_forward(Z, XH, S, gamma, beta, running_mean, running_var, training):
    """Batch statistics when `training`, else the running ones."""
    n, B = Z.shape
    inv_b = F1 / np.float32(B)
    for j in range(n):
        if training:
            m = F0
            for i in range(B):
                m += Z[j, i]
            m *= inv_b
            v = F0
            for i in range(B):
                dev = Z[j, i] - m
                v += dev * dev
            v *= inv_b
        else:
            m = running_mean[j]
            v = running_var[j]
        r = F1 / np.sqrt(v + EPS)
        S[0, j] = m
        S[1, j] = v
        S[2, j] = r
        gm = gamma[j]
        bt = beta[j]
        for i in range(B):
            xh = (Z[j, i] - m) * r
            XH[j, i] = xh
            Z[j, i] = gm * xh + bt


@kernel
def batchnorm_backward(G, XH, S, gamma, dgamma, dbeta):
    """dA (n, B) in G -> dZ in place (training-mode statistics); gamma/beta gradients."""
    n, B = G.shape
    inv_b = F1 / np.float32(B)
    for j in range(n):
        sg = F0
        sb = F0
        for i in range(B):
            sg += G[j, i] * XH[j, i]
            sb += G[j, i]
        dgamma[j] = sg
        dbeta[j] = sb
        k = S[2, j] * gamma[j]
        mb = sb * inv_b
        mg = sg * inv_b
        for i in range(B):
            G[j, i] = k * (G[j, i] - mb - XH[j, i] * mg)


@kernel
def batchnorm_running(S, running_mean, running_var, B):
    """Stage the new running (mean, var) in S[3], S[4]; True when all finite."""
    unbias = np.float32(B) / np.float32(B - 1)
    keep = F1 - MOMENTUM
    ok = True
    for j in range(S.shape[1]):
        m = keep * running_mean[j] + MOMENTUM * S[0, j]
        v = keep * running_var[j] + MOMENTUM * S[1, j] * unbias
        S[3, j] = m
        S[4, j] = v
        ok = ok and np.isfinite(m) and np.isfinite(v)
    return ok


@kernel
def batchnorm_commit(S, running_mean, running_var):
    """Write the staged running statistics into the parameter buffer."""
    for j in range(S.shape[1]):
        running_mean[j] = S[3, j]
        running_var[j] = S[4, j]
