"""Threads that share one training step: a barrier and the shares of the work.

A step of a 64-wide net is ~250 µs of dense layers; numba's parallel launches cost
several µs each and may not start from two threads at once (jit.LAUNCH), so a team
is `parts` Python threads that each call the same nogil kernel with their own
`part` and meet at barriers: a shared int64 counter that each arrival increments,
~0.05 µs on two cores.

What a part computes should stay in its core: data another core wrote, or read since,
crosses between the caches, and on this project's 2-core machine that cost more than
the work it shared (a 64-wide layer cut by rows between two cores ran at 2/3 of a
core's speed; cut by columns of one array, the prefetchers pulled the other part's
lines across and two cores were no faster than one). The trainer therefore cuts the
minibatch into groups with memory of their own (train/kernel.py).

A thread that finds its partner descheduled (a busy machine) sleeps after SPINS
tries rather than spin the partner's time away.
"""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from ..config import MAX_THREADS
from .jit import inline

MOST = MAX_THREADS  # parts a team may have
# The int64 `sync` array a team shares, zeros at the start of each call: the arrivals at
# barriers, ABORT, OWN_SIZE slots from OWN for the caller, then each part's barriers passed
# in a cache line of its own (kept here so that no kernel threads a count through its calls).
ARRIVALS, ABORT, OWN, OWN_SIZE = 0, 1, 8, 16  # sync[ABORT] != 0: a part failed, stop waiting
PASSED = OWN + OWN_SIZE
SYNC_SIZE = PASSED + 8 * MOST
# A waiting thread spins SPINS times (tens of µs in all), then sleeps NAP_US at a time:
# where threads outnumber the free cores (a busy machine) the partner it waits for needs
# the core; sched_yield() did not hand it over (two test workers' teams on 2 cores crawled).
SPINS = 4000
NAP_US = 20


def _pointer(context, builder, arrty, arr, index):
    array = context.make_array(arrty)(context, builder, arr)
    return cgutils.get_item_pointer(context, builder, arrty, array, [index])


@intrinsic
def _arrive(typingctx, counter, index):
    """counter[index] += 1, atomically (sequentially consistent); the old value."""

    def codegen(context, builder, signature, args):
        ptr = _pointer(context, builder, signature.args[0], args[0], args[1])
        return builder.atomic_rmw("add", ptr, ir.Constant(ir.IntType(64), 1), "seq_cst")

    return types.int64(counter, types.intp), codegen


@intrinsic
def _seen(typingctx, counter, index):
    """counter[index] as another thread last stored it (an acquiring atomic load)."""

    def codegen(context, builder, signature, args):
        ptr = _pointer(context, builder, signature.args[0], args[0], args[1])
        return builder.load_atomic(ptr, "acquire", 8)

    return types.int64(counter, types.intp), codegen


@intrinsic
def _relax(typingctx, tries):
    """A spin-wait's pause (x86 `pause`); past SPINS tries, a NAP_US sleep instead."""

    def codegen(context, builder, signature, args):
        module = builder.module
        if module.triple.startswith(("x86_64", "i686", "i386")):
            pause = ir.FunctionType(ir.VoidType(), [])
            builder.call(cgutils.get_or_insert_function(module, pause, "llvm.x86.sse2.pause"), [])
        many = builder.icmp_signed(">", args[0], ir.Constant(ir.IntType(64), SPINS))
        with builder.if_then(many, likely=False):
            i32 = ir.IntType(32)
            usleep = cgutils.get_or_insert_function(module, ir.FunctionType(i32, [i32]), "usleep")
            builder.call(usleep, [ir.Constant(i32, NAP_US)])
        return context.get_dummy_value()

    return types.none(tries), codegen


@inline
def barrier(sync, part, parts):
    """Wait until all `parts` threads have arrived here, or one has failed (sync[ABORT])."""
    if parts > 1:
        mine = sync[PASSED + 8 * part] + 1
        sync[PASSED + 8 * part] = mine
        _arrive(sync, ARRIVALS)
        tries = 0
        while _seen(sync, ARRIVALS) < parts * mine and _seen(sync, ABORT) == 0:
            tries += 1
            _relax(tries)


@inline
def share(n, part, parts, unit):
    """[start, stop) of part `part` of range(n) cut into `parts` pieces whose edges are
    multiples of `unit`; a piece may be empty (part 0 takes all of an n too small)."""
    units = n // unit
    start = units * part // parts * unit
    stop = n if part == parts - 1 else units * (part + 1) // parts * unit
    if units < parts:  # too few units to cut: all of it on part 0
        start, stop = (0, n) if part == 0 else (n, n)
    return start, stop
