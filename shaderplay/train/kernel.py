"""The training loop as one numba call: many steps per call, GIL released.

Arrays the kernels share (built by program.py), besides those of a group's pass
(passes.py: params, grad, layers, the workspace, X and Y):
- state (S T,) float32: the optimiser moments of the T trainable floats (S the most
  any optimiser keeps, optimizers.MAX_SLOTS).
- perm (N,) int64 sample order of the epoch; rng (1,) uint64;
  ctr int64: [step, position in epoch (N = shuffle first), optimiser step t,
  epochs started].
- hyper float64 / ihyper int64: the TrainConfig in numbers (hyper.py).

Groups: the minibatch is cut into `groups` (program.Workspace; as many as threads.groups
says, whatever the threads that compute them) whose samples go through the whole
network in memory of their own, each into a gradient of its own; the groups'
gradients are then added up in the groups' order. Threads (kernels/team.py) take
whole groups, and then ranges of the optimiser's floats: however many threads
compute them, the groups give the same bits. A group's layers stay in the core that
computes them; only the weights and the groups' gradients cross between cores.
BatchNorm needs the whole batch's statistics: a network with it has one group.

The two entry points, `train_steps` and `evaluate`, flush subnormal floats to zero
for the length of the call (kernels/fpenv.py): a converging network fills the
gradients and optimiser moments with them, and they slow every instruction they meet.
"""

import numpy as np

from ..kernels.fpenv import flush_subnormals, restore_fp
from ..kernels.jit import flat, inline, kernel, rows
from ..kernels.norms import BATCHNORM, batchnorm_commit, batchnorm_running
from ..kernels.team import ABORT, MOST, OWN, OWN_SIZE, barrier, share
from ..optimizers import MAX_SLOTS
from .hyper import FLOAT, INT
from .optim import add_penalties, clip_coef_jit, commit, grad_sq_norm, update
from .passes import (
    CAPACITY,
    GRAD_PART,
    GROUPS,
    NEW_STEP,
    classified_right,
    forward,
    gather,
    group_columns,
    group_gradient,
    group_loss,
    group_region,
    loss_count,
    running,
    transposes,
)
from .rng import shuffle
from .schedule import scheduled_lr_jit

# A team's shares of the trainable floats start a whole number of the optimiser loop's
# vector blocks in, so each float is computed by the same code (vector or leftover
# loop) as by one thread: fast-math let RMSProp's two differ in the last bit.
FLOATS = 1024
# sync[OK_FLAGS + part]: that part's new weights were finite; sync[LOSSES + g] (as float64)
# and sync[RIGHTS + g]: group g's loss summed over its samples, and those classified right
OK_FLAGS, LOSSES, RIGHTS = OWN, OWN + MOST, OWN + 2 * MOST
assert RIGHTS + MOST <= OWN + OWN_SIZE, "the team's sync array holds too few slots"
# the TrainConfig entries read here (train/hyper.py)
L1, L2, CLIP = FLOAT["l1"], FLOAT["l2"], FLOAT["clip_norm"]
LOSS, BATCH, N_TRAINABLE = INT["loss"], INT["batch"], INT["n_trainable"]
CLASSES = INT["classes"]
# status codes returned by train_steps
OK, BAD_LOSS, BAD_GRAD, BAD_WEIGHT, ABORTED = range(5)


@inline
def batch_gradient(params, grad, layers, wsl, misc, ws, X, Y, perm, pos, B, hyper, ihyper):
    """Loss (mean over the batch, plus the l1/l2 penalty) of samples perm[pos:pos+B]; fills
    grad. One thread, one group."""
    if B > 1:
        transposes(params, layers, wsl, ws)
    loss = group_gradient(
        params, grad, layers, wsl, misc, ws, X, Y, perm, pos, B, ihyper[LOSS], B, ws
    )
    loss /= loss_count(layers, ihyper[LOSS], B)
    if hyper[L1] > 0.0 or hyper[L2] > 0.0:
        loss += add_penalties(params, grad, layers, hyper[L1], hyper[L2])
    return loss


@kernel
def train_steps(
    params,
    grad,
    state,
    layers,
    wsl,
    misc,
    ws,
    X,
    Y,
    perm,
    rng,
    ctr,
    hyper,
    ihyper,
    n_steps,
    trace,
    part,
    parts,
    sync,
):
    """Up to n_steps optimiser steps; trace[s] = (loss incl. penalty, lr, fraction of the
    minibatch classified right before the step, nan for regression) of step s.

    Called by `parts` threads at once (at most misc[GROUPS]), each with its `part` and
    the same `sync` (int64, zeros, SYNC_SIZE; kernels/team.py): the same bits as one
    thread computing the groups alone. Part 0 keeps ctr, trace, perm and rng; the others
    only read them, ctr at the start. Returns OK, or the reason the guard stopped before
    landing step ctr[0].
    """
    saved = flush_subnormals()
    status = OK
    N = X.shape[1]
    T = ihyper[N_TRAINABLE]
    groups = misc[GROUPS]
    t0, t1 = share(T, part, parts, FLOATS)
    g0, g1 = share(groups, part, parts, 1)
    losses = sync.view(np.float64)
    has_bn = False
    for layer in range(layers.shape[0]):
        has_bn = has_bn or layers[layer, 3] == BATCHNORM
    step, pos, t = ctr[0], ctr[1], ctr[2]
    barrier(sync, part, parts)  # read by all before part 0 writes it (a new epoch at once)
    for s in range(n_steps):
        # A new epoch reshuffles; BatchNorm cannot train on a batch of one (torch refuses),
        # so an epoch's single leftover sample is skipped there.
        if pos >= N or (has_bn and N - pos == 1):
            pos = 0
            if part == 0:
                shuffle(perm, rng)
                ctr[1] = 0
                ctr[3] += 1
            barrier(sync, part, parts)
        B = min(ihyper[BATCH], N - pos)
        wts = group_region(ws, misc, g0)  # this part's W^T, for all its groups
        if B > 1:
            transposes(params, layers, wsl, wts)
        for g in range(g0, g1):  # this part's groups, each through the whole network
            c0, c1 = group_columns(B, g, groups)
            region = group_region(ws, misc, g)
            mine = flat(grad, 0, T) if g == 0 else flat(region, misc[GRAD_PART], T)
            losses[LOSSES + g], sync[RIGHTS + g] = 0.0, 0
            if c1 > c0:
                losses[LOSSES + g] = group_gradient(
                    params, mine, layers, wsl, misc, region, X, Y, perm, pos + c0, c1 - c0,
                    ihyper[LOSS], B, wts,
                )  # fmt: skip
                if ihyper[CLASSES] != 0:
                    sync[RIGHTS + g] = classified_right(
                        layers, wsl, misc, region, c1 - c0, ihyper[CLASSES]
                    )
        if groups > 1:
            barrier(sync, part, parts)  # every group's gradient
            for g in range(1, groups):  # this part's floats of the sum, in the groups' order
                c0, c1 = group_columns(B, g, groups)
                if c1 > c0:  # windows from t0: a loop from t0 is not vectorised (optim.py)
                    theirs = flat(group_region(ws, misc, g), misc[GRAD_PART] + t0, t1 - t0)
                    sums = flat(grad, t0, t1 - t0)
                    for i in range(t1 - t0):
                        sums[i] += theirs[i]
        barrier(sync, part, parts)  # the whole gradient
        if part == 0:
            loss, right = 0.0, 0
            for g in range(groups):
                loss += losses[LOSSES + g]
                right += sync[RIGHTS + g]
            loss /= loss_count(layers, ihyper[LOSS], B)
            if hyper[L1] > 0.0 or hyper[L2] > 0.0:
                loss += add_penalties(params, grad, layers, hyper[L1], hyper[L2])
            trace[s, 0] = loss
            trace[s, 2] = np.nan if ihyper[CLASSES] == 0 else right / B
        barrier(sync, part, parts)  # the loss and the penalties' gradient
        if not np.isfinite(trace[s, 0]):
            status = BAD_LOSS
            break
        sq = grad_sq_norm(grad, T)  # by every part: the same sum
        if not np.isfinite(sq):
            status = BAD_GRAD
            break
        coef = clip_coef_jit(sq, hyper[CLIP])
        lr = scheduled_lr_jit(step, hyper, ihyper)
        t += 1
        new = flat(ws, misc[NEW_STEP], (1 + MAX_SLOTS) * T)
        ok = update(params, grad, state, new, hyper, ihyper, lr, coef, t, t0, t1)
        if part == 0:
            for layer in range(layers.shape[0]):
                if layers[layer, 3] == BATCHNORM:
                    mean, var = running(params, layers, layer)
                    S = rows(ws, wsl[layer, 3], 5, layers[layer, 1])
                    ok = ok and batchnorm_running(S, mean, var, B)
        sync[OK_FLAGS + part] = ok
        barrier(sync, part, parts)  # every part's new weights checked
        for p in range(parts):
            ok = ok and sync[OK_FLAGS + p] != 0
        if not ok:
            status = BAD_WEIGHT
            break
        if sync[ABORT] != 0:  # a part failed: its share of this step is missing
            status = ABORTED
            break
        commit(params, state, new, ihyper, t0, t1)
        step += 1
        pos += B
        if part == 0:
            for layer in range(layers.shape[0]):
                if layers[layer, 3] == BATCHNORM:
                    mean, var = running(params, layers, layer)
                    batchnorm_commit(rows(ws, wsl[layer, 3], 5, layers[layer, 1]), mean, var)
            ctr[0], ctr[1], ctr[2] = step, pos, t
            trace[s, 1] = lr
        barrier(sync, part, parts)  # the new weights complete
    restore_fp(saved)
    return status


@kernel
def evaluate(params, layers, wsl, misc, ws, X, Y, loss_code, out):
    """Mean data loss over all N samples in evaluation mode (BatchNorm running stats).

    When out has N rows, the network outputs (N, n_out) are written to it too.
    """
    saved = flush_subnormals()
    N = X.shape[1]
    cap = misc[CAPACITY]
    last = layers.shape[0] - 1
    n_out = layers[last, 1]
    ident = np.arange(N)
    total = 0.0
    for start in range(0, N, cap):
        B = min(cap, N - start)
        gather(X, Y, ident, start, B, ws, misc)
        forward(params, layers, wsl, misc, ws, B, False)
        total += group_loss(params, layers, wsl, misc, ws, B, loss_code, False, B)
        if out.shape[0] == N:
            A = rows(ws, wsl[last, 0], n_out, B)
            for c in range(n_out):
                for i in range(B):
                    out[start + i, c] = A[c, i]
    restore_fp(saved)
    return total / loss_count(layers, loss_code, N)
