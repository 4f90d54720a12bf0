"""Register tiles of a dense layer, written as LLVM vector code.

`affine` (kernels/linalg.py) spends its time in one loop: a block of `rows` output rows
times `vectors` vectors of batch columns, Z = W X + b, over all inputs k. Written as
numba loops over the batch, the block's sums lived in Z in memory and the weights did
not fit the 16 AVX2 registers: the compiled loop read ~32 values for 32 multiply-adds
(spilled weights reloaded from the stack) and reached ~55 % of the float32 peak of a
core. LLVM vectorises no outer loop, so a block whose sums stay in registers across k
cannot be had from numba source; it is emitted here as IR instead:

    for k in range(n_in):           # `vectors` loads of X, `rows` broadcasts of W
        acc[r][v] = fma(W[j + r, k], X[k, i + v*LANES : ...], acc[r][v])

rows x vectors sums + one register per vector of inputs + one broadcast fill the
registers (4 x 3 + 3 + 1 = 16 ymm on AVX2), and each step reads vectors + rows values
for rows x vectors multiply-adds, so the loop is bound by the FMA units, not by loads.
ReLU is applied on the way out, in registers: as a pass over Z, LLVM stored only the
clamped values, with AVX masked stores that AMD Zen runs microcoded (~1 ns a value,
6x a plain pass). Each sum starts from the bias and adds the inputs in order with one
rounding per fused multiply-add, as the numba loops it replaces did, so the results
are the same bits.

`make_grad_tile` is the same register block for the weight gradients dW = G X^T, whose
sums run over the batch instead: `rows` rows of G times `vectors` rows of X, each sum
a vector of partial sums across the batch, added up once at the end (see there).
"""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from .jit import FEATURES
from .vector import vector_bits

LANES = vector_bits(FEATURES) // 32  # float32 lanes of a vector
REGISTERS = 32 if LANES == 16 else 16  # vector registers: AVX-512 has 32, AVX2 and SSE 16


def most_vectors(rows: int) -> int:
    """The most vectors a tile of `rows` rows holds in the registers, with one register
    per vector of inputs and one for the broadcast weight: a divisor of 6, so that every
    shape's columns divide COLUMNS. One row takes 6: with 3 sums a 16-input output layer
    waited on the FMA latency (16 % of the peak)."""
    fits = (REGISTERS - 1) // (rows + 1)
    return max(v for v in (1, 2, 3, 6) if v <= fits)


def most_rows(vectors: int) -> int:
    """The most rows a tile of `vectors` vectors holds in the registers."""
    return (REGISTERS - 1 - vectors) // vectors


# The tile shapes (rows, vectors) a layer is cut into (dense() in linalg.py picks one per
# layer): the most rows for 3 vectors and fewer while a tile keeps MIN_SUMS sums, then the
# most rows for 2 vectors and one fewer. On AVX-512, 30 rows are 5 tiles of 6 x 3 and 64
# rows 8 of 8 x 3 where the 9-row tiles computed 36 and 72 (a 27x30 net's picture 1.2x
# faster); on AVX2, 30 rows are 5 tiles of 6 x 2 where tiles of 4 computed 32. Every
# shape's columns divide COLUMNS, the evaluator's unit of pixels.
MIN_SUMS = 16  # sums in flight to cover the FMA units' latency (4 cycles x 2 units), twice
SHAPES = tuple((r, 3) for r in range(most_rows(3), 0, -1) if r == most_rows(3) or 3 * r >= MIN_SUMS)
SHAPES += ((most_rows(2), 2), (most_rows(2) - 1, 2))
COLUMNS = 6 * LANES  # a whole number of every shape's columns


def _pointer(builder, base, offset_bytes, pointee):
    """`pointee`* at `base` (a float*) + `offset_bytes`."""
    raw = builder.gep(builder.bitcast(base, ir.IntType(8).as_pointer()), [offset_bytes])
    return builder.bitcast(raw, pointee.as_pointer())


def make_tile(rows: int, vectors: int, lanes: int = LANES):
    """An intrinsic tile(W, b, biased, X, Z, j, i, relu): Z[j:j+rows, i:i+vectors*lanes] <-
    W[j:j+rows] X[:, i:...] + b[j:j+rows] (no b where `biased` is false), each sum z
    stored as max(0, z) where `relu` (NaN as 0, as `z if z > 0 else 0`). X and Z are
    C-contiguous float32 (n, B); W (n_out, n_in) and b any layout. No bounds checks."""
    f32 = ir.FloatType()
    vec = ir.VectorType(f32, lanes)
    zeros = ir.Constant(ir.VectorType(ir.IntType(32), lanes), [0] * lanes)

    def broadcast(builder, value):
        one = builder.insert_element(ir.Constant(vec, ir.Undefined), value, ir.IntType(32)(0))
        return builder.shuffle_vector(one, ir.Constant(vec, ir.Undefined), zeros)

    @intrinsic
    def tile(typingctx, W, b, biased, X, Z, j, i, relu):
        sig = types.void(W, b, biased, X, Z, j, i, relu)

        def codegen(context, builder, signature, args):
            w, bias, on, x, z, row, col, clamp = args
            wa = context.make_array(signature.args[0])(context, builder, w)
            ba = context.make_array(signature.args[1])(context, builder, bias)
            xa = context.make_array(signature.args[3])(context, builder, x)
            za = context.make_array(signature.args[4])(context, builder, z)
            w_row, w_col = cgutils.unpack_tuple(builder, wa.strides, 2)
            x_row = cgutils.unpack_tuple(builder, xa.strides, 2)[0]
            z_row = cgutils.unpack_tuple(builder, za.strides, 2)[0]
            b_step = cgutils.unpack_tuple(builder, ba.strides, 1)[0]
            n_in = cgutils.unpack_tuple(builder, wa.shape, 2)[1]
            i64 = ir.IntType(64)
            four = i64(4)
            col_bytes = builder.mul(col, four)
            fma = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(vec, [vec] * 3), f"llvm.fma.v{lanes}f32"
            )
            accs = [
                [cgutils.alloca_once(builder, vec) for _ in range(vectors)] for _ in range(rows)
            ]
            for r in range(rows):  # every sum starts from its row's bias (0 without one)
                start = cgutils.alloca_once_value(builder, f32(0.0))
                with builder.if_then(context.cast(builder, on, signature.args[2], types.boolean)):
                    at = builder.mul(builder.add(row, i64(r)), b_step)
                    builder.store(builder.load(_pointer(builder, ba.data, at, f32)), start)
                value = broadcast(builder, builder.load(start))
                for v in range(vectors):
                    builder.store(value, accs[r][v])
            w_rows = [builder.mul(builder.add(row, i64(r)), w_row) for r in range(rows)]
            with cgutils.for_range(builder, n_in) as loop:
                k = loop.index
                x_at = builder.add(builder.mul(k, x_row), col_bytes)
                xs = [
                    builder.load(
                        _pointer(builder, xa.data, builder.add(x_at, i64(4 * lanes * v)), vec),
                        align=4,
                    )
                    for v in range(vectors)
                ]
                w_at = builder.mul(k, w_col)
                for r in range(rows):
                    wp = _pointer(builder, wa.data, builder.add(w_rows[r], w_at), f32)
                    weight = broadcast(builder, builder.load(wp))
                    for v in range(vectors):
                        acc = builder.call(fma, [weight, xs[v], builder.load(accs[r][v])])
                        builder.store(acc, accs[r][v])
            clamp = context.cast(builder, clamp, signature.args[7], types.boolean)
            zero = ir.Constant(vec, [0.0] * lanes)
            for r in range(rows):
                z_at = builder.add(builder.mul(builder.add(row, i64(r)), z_row), col_bytes)
                for v in range(vectors):
                    zp = _pointer(builder, za.data, builder.add(z_at, i64(4 * lanes * v)), vec)
                    acc = builder.load(accs[r][v])
                    relu = builder.select(builder.fcmp_ordered(">", acc, zero), acc, zero)
                    builder.store(builder.select(clamp, relu, acc), zp, align=4)
            return context.get_dummy_value()

        return sig, codegen

    return tile


def _halves_sums(builder, values, lanes):
    """Each vector of `values` added up as LLVM's vectorised loops add a vector of partial
    sums (the upper half onto the lower, again and again, down to one lane), as scalars.

    Several at once: two vectors whose sums each span w lanes are shuffled into one of
    their lower halves and one of their upper halves, whose sum holds twice the sums, w/2
    lanes each: the same additions in the same order as one vector at a time (an
    extract and an add for each half), in about a third of the instructions."""
    i32 = ir.IntType(32)
    out = []
    for first in range(0, len(values), lanes):  # `lanes` sums fill a vector
        batch, width = values[first : first + lanes], lanes  # width: the lanes of a sum
        while width > 1:
            half = width // 2
            if len(batch) % 2:  # a lone last vector pairs with itself: its sums come twice,
                batch = batch + batch[-1:]  # after all the others
            lo = [
                o + s + t for o in (0, lanes) for s in range(0, lanes, width) for t in range(half)
            ]
            masks = [ir.Constant(ir.VectorType(i32, lanes), [i + h for i in lo]) for h in (0, half)]
            batch = [
                builder.fadd(*(builder.shuffle_vector(a, b, m) for m in masks))
                for a, b in zip(batch[::2], batch[1::2])
            ]
            width = half
        # one vector, each sum in a lane, in the order of the values
        n = min(lanes, len(values) - first)
        out += [builder.extract_element(batch[0], i32(k)) for k in range(n)]
    return out


def make_grad_tile(rows: int, vectors: int, lanes: int = LANES):
    """An intrinsic tile(G, X, dW, j, k): dW[j + r, k + c] <- sum over the batch i of
    G[j + r, i] X[k + c, i] for r < rows, c < vectors. G (n_out, B) and X (n_in, B) are
    C-contiguous float32; dW any layout. No bounds checks.

    The sums are those of `s += G[j, i] * X[k, i]` as LLVM vectorises it one vector wide
    (kernels/linalg.py ran that loop before): one fused multiply-add per sample into lane
    i % lanes over the whole vectors of the batch, the lanes added up by halves, then the
    samples past the last whole vector in order, so the results are the same bits. Each
    step loads `vectors` vectors of X and `rows` of G for rows x vectors multiply-adds."""
    f32 = ir.FloatType()
    vec = ir.VectorType(f32, lanes)

    @intrinsic
    def tile(typingctx, G, X, dW, j, k):
        sig = types.void(G, X, dW, j, k)

        def codegen(context, builder, signature, args):
            g, x, dw, row, col = args
            ga = context.make_array(signature.args[0])(context, builder, g)
            xa = context.make_array(signature.args[1])(context, builder, x)
            da = context.make_array(signature.args[2])(context, builder, dw)
            g_row = cgutils.unpack_tuple(builder, ga.strides, 2)[0]
            x_row = cgutils.unpack_tuple(builder, xa.strides, 2)[0]
            d_row, d_col = cgutils.unpack_tuple(builder, da.strides, 2)
            batch = cgutils.unpack_tuple(builder, ga.shape, 2)[1]
            i64 = ir.IntType(64)
            g_at = [builder.mul(builder.add(row, i64(r)), g_row) for r in range(rows)]
            x_at = [builder.mul(builder.add(col, i64(c)), x_row) for c in range(vectors)]
            fma = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(vec, [vec] * 3), f"llvm.fma.v{lanes}f32"
            )
            fma1 = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(f32, [f32] * 3), "llvm.fma.f32"
            )
            zero = ir.Constant(vec, [0.0] * lanes)
            accs = [[cgutils.alloca_once_value(builder, zero) for _ in x_at] for _ in g_at]
            whole = builder.udiv(batch, i64(lanes))
            with cgutils.for_range(builder, whole) as loop:
                at = builder.mul(loop.index, i64(4 * lanes))
                xs = [
                    builder.load(_pointer(builder, xa.data, builder.add(a, at), vec), align=4)
                    for a in x_at
                ]
                for r, a in enumerate(g_at):
                    gv = builder.load(_pointer(builder, ga.data, builder.add(a, at), vec), align=4)
                    for c, xv in enumerate(xs):
                        builder.store(
                            builder.call(fma, [gv, xv, builder.load(accs[r][c])]), accs[r][c]
                        )
            totals = iter(_halves_sums(builder, [builder.load(a) for r in accs for a in r], lanes))
            sums = [[cgutils.alloca_once_value(builder, next(totals)) for _ in r] for r in accs]
            tail = builder.mul(whole, i64(lanes))
            with cgutils.for_range(builder, builder.sub(batch, tail)) as loop:
                at = builder.mul(builder.add(tail, loop.index), i64(4))
                xs = [
                    builder.load(_pointer(builder, xa.data, builder.add(a, at), f32)) for a in x_at
                ]
                for r, a in enumerate(g_at):
                    gs = builder.load(_pointer(builder, ga.data, builder.add(a, at), f32))
                    for c, xv in enumerate(xs):
                        builder.store(
                            builder.call(fma1, [gs, xv, builder.load(sums[r][c])]), sums[r][c]
                        )
            for r in range(rows):
                d_at = builder.mul(builder.add(row, i64(r)), d_row)
                for c in range(vectors):
                    at = builder.add(d_at, builder.mul(builder.add(col, i64(c)), d_col))
                    builder.store(builder.load(sums[r][c]), _pointer(builder, da.data, at, f32))
            return context.get_dummy_value()

        return sig, codegen

    return tile
