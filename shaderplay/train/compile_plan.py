"""What a cold cache compiles for training, in two stages of two processes each
(kernels/child_compile.py).

The entry points `train_steps` and `evaluate` call some twenty kernels. numba compiles
a called kernel on its own first (typing, lowering, LLVM, machine code) and then the
caller, one after the other on one core: about 25 s. The kernels the entry points
call are compiled first, in two halves side by side, each from its signature here;
the entry points then compile side by side too, loading those kernels from the cache.

Each signature is the one the entry points call the kernel with (rows() and flat()
windows are C-contiguous arrays, counts int64, hyper-parameters float64). A row that
no longer matches compiles a signature nothing calls, and the entry point compiles
the kernel again itself: slower, never wrong. tests/test_compile_plan.py checks they
match.
"""

from numba import types

from ..kernels.activate import activate
from ..kernels.linalg import affine, backprop, transpose, weight_grads
from ..kernels.norms import (
    batchnorm_backward,
    batchnorm_commit,
    batchnorm_forward,
    batchnorm_running,
    layernorm_backward,
    layernorm_forward,
)
from . import kernel as K
from .losses import loss_grad
from .optim import add_penalties, clip_coef_jit, commit, grad_sq_norm, update
from .rng import shuffle

F64, I64, BOOL = types.float64, types.int64, types.boolean
V, M = types.float32[::1], types.float32[:, ::1]  # a flat float32 window, a (rows, B) one
I64_1, I64_2, F64_1 = types.int64[::1], types.int64[:, ::1], types.float64[::1]

# Two halves of about the same compile time (~6 s each on this project's 2-core machine).
LAYERS = (
    (affine, (M, V, M, M)),
    (activate, (I64, V, V)),
    (layernorm_forward, (M, M, M, V, V)),
    (batchnorm_forward, (M, M, M, V, V, V, V, BOOL)),
    (layernorm_backward, (M, M, M, V, V, V)),
    (batchnorm_backward, (M, M, M, V, V, V)),
    (batchnorm_running, (M, V, V, I64)),
    (batchnorm_commit, (M, V, V)),
)
GRADIENTS = (
    (loss_grad, (I64, M, M, M, M, M, BOOL, BOOL, I64)),
    (weight_grads, (M, M, M, V)),
    (backprop, (M, M, M, M)),
    (transpose, (M, M)),
    (update, (V, V, V, V, F64_1, I64_1, F64, F64, I64, I64, I64)),
    (add_penalties, (V, V, I64_2, F64, F64)),
    (grad_sq_norm, (V, I64)),
    (clip_coef_jit, (F64, F64)),
    (commit, (V, V, V, I64_1, I64, I64)),
    (shuffle, (I64_1, types.uint64[::1])),
)
# params, grad, state, layers, wsl, misc, ws, X, Y, perm, rng, ctr, hyper, ihyper, n, trace,
# part, parts, sync
TRAIN_STEPS = (V, V, V, I64_2, I64_2, I64_1, V, M, M, I64_1, types.uint64[::1], I64_1)
TRAIN_STEPS += (F64_1, I64_1, I64, types.float64[:, ::1], I64, I64, I64_1)
EVALUATE = (V, I64_2, I64_2, I64_1, V, M, M, I64, M)  # params .. Y, loss code, out
ENTRIES = ((K.train_steps, TRAIN_STEPS), (K.evaluate, EVALUATE))


def _compile(rows) -> None:
    for kernel, signature in rows:
        kernel.compile(signature)


def compile_layers() -> None:
    _compile(LAYERS)


def compile_gradients() -> None:
    _compile(GRADIENTS)


def compile_train_steps() -> None:
    _compile(ENTRIES[:1])


def compile_evaluate() -> None:
    _compile(ENTRIES[1:])


STAGES = (
    (f"{__name__}:compile_layers", f"{__name__}:compile_gradients"),
    (f"{__name__}:compile_train_steps", f"{__name__}:compile_evaluate"),
)
