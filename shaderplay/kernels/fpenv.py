"""Subnormal floats flushed to zero for the length of a kernel call (x86's FTZ and DAZ).

A float32 below 2**-126 (1.2e-38) in magnitude is subnormal. Training makes them as it
converges: a saturated sigmoid's BCE gradient (p - y) / B with p ~ 6e-39, the products
of that gradient in the backward pass, and Adam moments of weights whose gradient is
zero (b1 * m rounds back to the smallest subnormal instead of reaching 0). On Intel
cores every vector instruction that reads or writes one takes a microcode assist of
~100 cycles; AMD Zen 3 runs an Adam update over subnormal moments ~3x slower per float.

`flush_subnormals()` sets the MXCSR register's flush-to-zero (results) and
denormals-are-zero (inputs) bits on the calling thread and returns the register as it
was, which `restore_fp(saved)` puts back: the kernel's thread, for the call only, so
NumPy in the caller's thread keeps IEEE arithmetic. What changes is values below 1.2e-38,
read and written as 0, far below any float32 weight's rounding step. Where the process
does not run on x86 (found from LLVM's process triple) both compile to nothing.
"""

from llvmlite import binding, ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

X86 = binding.get_process_triple().split("-")[0] in ("x86_64", "i386", "i686")
FTZ_DAZ = 0x8040  # MXCSR bit 15 flush-to-zero, bit 6 denormals-are-zero
_I32 = ir.IntType(32)


def _mxcsr_call(builder, name: str, slot) -> None:
    """llvm.x86.sse.stmxcsr / ldmxcsr: the register to / from the 32 bits at `slot`; then
    a compiler barrier (an empty asm that clobbers memory), since LLVM takes the float
    environment as fixed and would otherwise move loads, stores and the arithmetic on
    them across the switch."""
    fnty = ir.FunctionType(ir.VoidType(), [ir.IntType(8).as_pointer()])
    fn = cgutils.get_or_insert_function(builder.module, fnty, name)
    builder.call(fn, [builder.bitcast(slot, ir.IntType(8).as_pointer())])
    barrier = ir.InlineAsm(ir.FunctionType(ir.VoidType(), []), "", "~{memory}", side_effect=True)
    builder.call(barrier, [])


@intrinsic
def flush_subnormals(typingctx):
    """Set FTZ and DAZ on this thread; the previous MXCSR (0 off x86) for `restore_fp`."""

    def codegen(context, builder, signature, args):
        if not X86:
            return _I32(0)
        slot = cgutils.alloca_once(builder, _I32)
        _mxcsr_call(builder, "llvm.x86.sse.stmxcsr", slot)
        saved = builder.load(slot)
        builder.store(builder.or_(saved, _I32(FTZ_DAZ)), slot)
        _mxcsr_call(builder, "llvm.x86.sse.ldmxcsr", slot)
        return saved

    return types.int32(), codegen


@intrinsic
def restore_fp(typingctx, saved):
    """Put back the MXCSR `flush_subnormals` returned."""

    def codegen(context, builder, signature, args):
        if X86:
            slot = cgutils.alloca_once(builder, _I32)
            builder.store(args[0], slot)
            _mxcsr_call(builder, "llvm.x86.sse.ldmxcsr", slot)
        return context.get_dummy_value()

    return types.none(types.int32), codegen
