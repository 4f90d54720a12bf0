"""How every trainer kernel is compiled, and the float32 math they share.

`kernel` is the one numba decorator: `nogil` so the trainer thread runs beside
the render thread, `cache` so only the first run pays for compilation, and
`error_model="numpy"` so a float division does not raise ZeroDivisionError
(that check alone stops LLVM from vectorising a loop). Fast-math is limited to
reassociation and contraction: `nnan`/`ninf` are left off because the
divergence guard must see NaN and inf.

Views: `rows(buf, offset, n, B)` and `flat(buf, offset, n)` are windows
into a flat array that carry no reference count. A sliced view costs two
atomic reference-count operations (~70 ns with the call), which at a few
dozen views per step was half the time of a batch-1 step; these cost ~3 ns.
They do not keep `buf` alive and are not bounds-checked: offsets come from
program.Workspace and the parameter layout, and every view dies with the
kernel call that made it.

numba here has no SVML, so `math.exp` and `math.tanh` in a loop are scalar
libm calls (~10 ns each). `fexp`, `flog` and `ftanh` below are plain float32
arithmetic that LLVM vectorises (~0.1 ns each); their errors against libm are
a few ulp (relative ~2e-7), checked in tests/test_train_activations.py.
"""

import threading

import numpy as np
from numba import carray, njit, types
from numba.extending import intrinsic

from . import cache, vector

cache.install()  # before any kernel is declared: cached kernels track all trainer sources
FEATURES = vector.install()  # before numba's first compile: the widest vectors the CPU has

FASTMATH = frozenset({"contract", "reassoc", "nsz", "arcp"})
OPTIONS = dict(nogil=True, cache=True, fastmath=set(FASTMATH), error_model="numpy")
# One parallel launch at a time: numba's workqueue threading layer (where neither TBB nor
# OpenMP is installed) aborts the process on launches from two threads at once.
LAUNCH = threading.Lock()


def kernel(fn):
    """Compile `fn` as a trainer kernel (see the module docstring).

    numba types a constant argument by its value (`f(x, True)` passes Literal[bool](True))
    and compiles a called kernel once per constant it meets: `update(..., False)` and
    `update(..., True)` were two compiles of the optimiser, seconds each on a cold cache.
    Called from another kernel, this one takes its arguments by their plain types, so
    one compile serves every value; the branches on a flag stay cheap beside the loops.
    """
    dispatcher = njit(**OPTIONS)(fn)
    typed = type(dispatcher).get_call_template

    def get_call_template(args, kws):
        args = tuple(types.unliteral(a) for a in args)
        return typed(dispatcher, args, {k: types.unliteral(v) for k, v in kws.items()})

    dispatcher.get_call_template = get_call_template
    return dispatcher


def inline(fn):
    """Like `kernel`, inlined into the caller at numba IR level."""
    return njit(inline="always", **OPTIONS)(fn)


@intrinsic
def _bits_to_f32(typingctx, x):
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float32))

    return types.float32(types.int32), codegen


@intrinsic
def _f32_to_bits(typingctx, x):
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.int32))

    return types.int32(types.float32), codegen


@intrinsic
def _address(typingctx, arr, offset):
    def codegen(context, builder, signature, args):
        data = context.make_array(signature.args[0])(context, builder, args[0]).data
        return builder.gep(data, [args[1]])

    return types.CPointer(arr.dtype)(arr, offset), codegen


@inline
def rows(buf, offset, n, B):
    """The (n, B) C-order window of flat `buf` starting at `offset` (see the module docstring)."""
    return carray(_address(buf, offset), (n, B))


@inline
def flat(buf, offset, n):
    """The n floats of flat `buf` from `offset`, as a 1-D window."""
    return carray(_address(buf, offset), n)


F0 = np.float32(0.0)
F1 = np.float32(1.0)
HALF = np.float32(0.5)
_LN2_HI = np.float32(0.693359375)  # ln 2 split so n * hi is exact (Cody-Waite)
_LN2_LO = np.float32(-2.12194440e-4)
_LOG2E = np.float32(1.44269504088896341)


@inline
def fexp(x):
    """e**x in float32; clamped to [-87, 88] (no subnormals, no overflow)."""
    x = min(max(np.float32(x), np.float32(-87.0)), np.float32(88.0))
    n = np.float32(np.floor(x * _LOG2E + HALF))
    r = x - n * _LN2_HI - n * _LN2_LO
    p = np.float32(1.9875691500e-4)
    p = p * r + np.float32(1.3981999507e-3)
    p = p * r + np.float32(8.3334519073e-3)
    p = p * r + np.float32(4.1665795894e-2)
    p = p * r + np.float32(1.6666665459e-1)
    p = p * r + np.float32(5.0000001201e-1)
    p = p * r * r + r + F1
    return p * _bits_to_f32((np.int32(n) + np.int32(127)) << np.int32(23))


@inline
def flog(x):
    """Natural log in float32 for x > 0 (subnormals included); -inf at 0."""
    x = np.float32(x)
    tiny = x < np.float32(1.17549435e-38)
    xs = x * np.float32(16777216.0) if tiny else x  # lift subnormals by 2**24
    bits = _f32_to_bits(xs)
    e = np.float32(((bits >> np.int32(23)) & np.int32(255)) - np.int32(127))
    m = _bits_to_f32((bits & np.int32(0x007FFFFF)) | np.int32(0x3F800000))  # in [1, 2)
    if m > np.float32(1.41421356):  # centre the mantissa on 1: m in [0.707, 1.414)
        m = m * HALF
        e = e + F1
    if tiny:
        e = e - np.float32(24.0)
    f = m - F1
    s = f / (np.float32(2.0) + f)  # log(m) = 2 atanh(s), |s| <= 0.172
    s2 = s * s
    p = np.float32(1.0 / 9.0) * s2 + np.float32(1.0 / 7.0)
    p = p * s2 + np.float32(0.2)
    p = p * s2 + np.float32(1.0 / 3.0)
    r = e * _LN2_HI + (e * _LN2_LO + np.float32(2.0) * s * (F1 + s2 * p))
    if x <= F0:
        r = np.float32(-np.inf) if x == F0 else np.float32(np.nan)
    return np.float32(r)


@inline
def ftanh(x):
    """tanh in float32: a [13/6] rational fit on [-7.9, 7.9], exact sign and saturation."""
    x = min(max(np.float32(x), np.float32(-7.90531110763549805)), np.float32(7.90531110763549805))
    x2 = x * x
    p = np.float32(-2.76076847742355e-16)
    p = p * x2 + np.float32(2.00018790482477e-13)
    p = p * x2 + np.float32(-8.60467152213735e-11)
    p = p * x2 + np.float32(5.12229709037114e-08)
    p = p * x2 + np.float32(1.48572235717979e-05)
    p = p * x2 + np.float32(6.37261928875436e-04)
    p = p * x2 + np.float32(4.89352455891786e-03)
    q = np.float32(1.19825839466702e-06)
    q = q * x2 + np.float32(1.18534705686654e-04)
    q = q * x2 + np.float32(2.26843463243900e-03)
    q = q * x2 + np.float32(4.89352518554385e-03)
    return x * p / q


@inline
def fsigmoid(x):
    """1 / (1 + e**-x) in float32; exact 0/1 limits, small values kept (not 0.5 + 0.5 tanh)."""
    return F1 / (F1 + fexp(-x))
