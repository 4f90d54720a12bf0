"""The network over a View's pixel grid on the CPU: numba, all cores, float32.

Where the only OpenGL is a software rasteriser (Mesa's llvmpipe), a
fragment shader evaluating the network pixel by pixel reached 0.08-0.31x
the speed of NumPy on the same grid: it runs one pixel per SIMD lane with
the weights re-read for every pixel. This evaluator runs the network
batch-major instead, with the trainer's own kernels (train/linalg.affine,
train/norms, train/activate: the same float32 arithmetic as training): the
grid is cut into tiles of `tile` pixels, each thread takes a run of tiles
and evaluates one weight layer at a time over a whole tile, (n_out, tile)
blocks of activations that stay in cache, the weights read once per tile.

Conventions (as shaderplay/view.py): pixel (row r, col c) is sampled at its
centre; with `top_first` row 0 is the top of the picture (the API's
arrays), else the bottom (an OpenGL texture's rows). Points are computed in
float64 as centre + offset * pixel size, then the input features are
rounded to float32. Layers count weight layers from 0 (the output layer is
the last); `pre` gives a layer's activation input (after its norm) instead
of its output. BatchNorm uses its running statistics (inference form).
"""

import math
import threading

import numba
import numpy as np
from numba import njit, prange

from ..errors import bad_value
from ..features import FEATURES, parse
from ..network import Network
from ..spec import NetworkSpec
from ..train.activate import activate
from ..train.jit import OPTIONS, flat, inline, rows
from ..train.linalg import affine
from ..train.norms import batchnorm_forward, layernorm_forward
from ..train.program import layer_table
from ..view import View, parse_size

# Feature codes: fixed features by their index in the table, then the families.
FIXED = tuple(FEATURES)
FSIN, FCOS, LATENT = 100, 101, 102
_TWO_PI = 2.0 * math.pi
# One parallel launch at a time: numba's workqueue threading layer (where neither TBB nor
# OpenMP is installed) aborts the process on launches from two threads at once.
LAUNCH = threading.Lock()
# Pixels per tile: a (width, tile) block of activations up to 128 KiB, so a layer's input,
# output and scratch blocks stay in L2; 256-512 pixels were fastest for widths 16-64 here.
TILE_FLOATS, MAX_TILE = 32768, 512

# The table's own NumPy forms, compiled for scalars; _fixed dispatches on the table index
# and gives NaN for an entry it lacks, which tests/test_cpu_eval.py catches.
_NAMES = ("x", "y", "x2", "y2", "xy", "sinx", "siny", "cosx", "cosy", "r")
_x, _y, _x2, _y2, _xy, _sinx, _siny, _cosx, _cosy, _r = (inline(FEATURES[n].np_f) for n in _NAMES)
_CODE = {name: code for code, name in enumerate(FIXED)}
X, Y, X2, Y2, XY, SINX, SINY, COSX, COSY, R = (_CODE[n] for n in _NAMES)


@inline
def _fixed(code, xs, ys, row, B):
    """Fixed feature `code` of the points (xs, ys) into row[:B]: one branch per tile, then a
    loop LLVM can vectorise."""
    if code == X:
        for i in range(B):
            row[i] = _x(xs[i], ys[i])
    elif code == Y:
        for i in range(B):
            row[i] = _y(xs[i], ys[i])
    elif code == X2:
        for i in range(B):
            row[i] = _x2(xs[i], ys[i])
    elif code == Y2:
        for i in range(B):
            row[i] = _y2(xs[i], ys[i])
    elif code == XY:
        for i in range(B):
            row[i] = _xy(xs[i], ys[i])
    elif code == SINX:
        for i in range(B):
            row[i] = _sinx(xs[i], ys[i])
    elif code == SINY:
        for i in range(B):
            row[i] = _siny(xs[i], ys[i])
    elif code == COSX:
        for i in range(B):
            row[i] = _cosx(xs[i], ys[i])
    elif code == COSY:
        for i in range(B):
            row[i] = _cosy(xs[i], ys[i])
    elif code == R:
        for i in range(B):
            row[i] = _r(xs[i], ys[i])
    else:
        for i in range(B):
            row[i] = np.nan


@inline
def _features(params, feats, extra, grid, start, B, X, points):
    """Input features of pixels start .. start+B-1 into X (n_in, B).

    grid = (centre x, centre y, pixel width, signed pixel height, W, H); extra =
    (first float of the Fourier rows, first latent value) in params; points: (2, tile)
    float64 scratch for the pixel centres.
    """
    cx, cy, px, py, w, h = grid[0], grid[1], grid[2], grid[3], int(grid[4]), int(grid[5])
    xs, ys = points[0], points[1]
    r = start // w  # one division per tile: per pixel it was most of a small net's time
    c = start - r * w
    for i in range(B):
        xs[i] = cx + (c + 0.5 - 0.5 * w) * px
        ys[i] = cy + (r + 0.5 - 0.5 * h) * py
        c += 1
        if c == w:
            c, r = 0, r + 1
    for k in range(feats.shape[0]):
        code, index = feats[k, 0], feats[k, 1]
        row = X[k]
        if code == LATENT:
            v = params[extra[1] + index]
            for i in range(B):
                row[i] = v
        elif code == FSIN or code == FCOS:
            f = extra[0] + 2 * index
            bx, by = _TWO_PI * params[f], _TWO_PI * params[f + 1]
            if code == FSIN:
                for i in range(B):
                    row[i] = math.sin(bx * xs[i] + by * ys[i])
            else:
                for i in range(B):
                    row[i] = math.cos(bx * xs[i] + by * ys[i])
        else:
            _fixed(code, xs, ys, row, B)


@inline
def _tile(params, layers, feats, extra, grid, start, B, last, pre, first, count, out, ws, width,
          points):
    """Evaluate weight layers 0..last over one tile; units first..first+count-1 of `last` -> out."""
    span = width * B
    X = rows(ws, 0, feats.shape[0], B)
    _features(params, feats, extra, grid, start, B, X, points)
    for layer in range(last + 1):
        n_in, n_out, act, norm = (
            layers[layer, 0],
            layers[layer, 1],
            layers[layer, 2],
            layers[layer, 3],
        )
        z = span * ((layer + 1) % 2)  # ping-pong with X
        Z = rows(ws, z, n_out, B)
        affine(
            rows(params, layers[layer, 4], n_out, n_in), flat(params, layers[layer, 5], n_out), X, Z
        )
        if norm != 0:
            XH = rows(ws, 2 * span, n_out, B)
            gamma = flat(params, layers[layer, 6], n_out)
            beta = flat(params, layers[layer, 7], n_out)
            if norm == 1:
                layernorm_forward(Z, XH, rows(ws, 4 * span, 3, B), gamma, beta)
            else:
                mean = flat(params, layers[layer, 8], n_out)
                var = flat(params, layers[layer, 9], n_out)
                batchnorm_forward(
                    Z, XH, rows(ws, 4 * span, 5, n_out), gamma, beta, mean, var, False
                )
        if not (pre and layer == last):
            activate(act, flat(ws, z, n_out * B), flat(ws, 3 * span, n_out * B))
        X = Z
    for i in range(B):
        for c in range(count):
            out[start + i, c] = X[first + c, i]


@njit(parallel=True, **OPTIONS)
def evaluate_grid(
    params, layers, feats, extra, grid, last, pre, first, count, out, tile, width, threads
):
    """out[:, :count] (W*H, S) float32 <- units first.. of weight layer `last` at every pixel.

    params: the network's flat buffer; layers: train.program.layer_table; feats (n_in, 2)
    int64 (code, index); width: the widest layer (inputs included); threads: numba's thread
    count (an argument: reading it inside would keep numba from caching this function).
    """
    n_pix = out.shape[0]
    n_tiles = (n_pix + tile - 1) // tile
    runs = min(n_tiles, 4 * threads)
    # Workspace per run: 4 (width, tile) blocks (input/output ping-pong, xhat, activation
    # derivative) and the norms' statistics.
    size = 4 * width * tile + 5 * max(width, tile) + 16
    for run in prange(runs):
        ws = np.empty(size, np.float32)
        points = np.empty((2, tile), np.float64)
        for t in range(run * n_tiles // runs, (run + 1) * n_tiles // runs):
            start = t * tile
            B = min(tile, n_pix - start)
            _tile(
                params,
                layers,
                feats,
                extra,
                grid,
                start,
                B,
                last,
                pre,
                first,
                count,
                out,
                ws,
                width,
                points,
            )


def feature_table(spec: NetworkSpec) -> np.ndarray:
    """(n_in, 2) int64: per input feature its code (FIXED index, FSIN, FCOS, LATENT) and index k."""
    codes = {"fsin": FSIN, "fcos": FCOS, "z": LATENT}
    rows_ = [
        (_CODE[name], -1) if family == "fixed" else (codes[family], k)
        for name, (family, k) in ((f, parse(f)) for f in spec.features)
    ]
    return np.array(rows_, dtype=np.int64).reshape(-1, 2)


class CpuEvaluator:
    """One architecture's tables, ready for `values` on any weights, view and size."""

    def __init__(self, spec: NetworkSpec):
        self.spec = spec
        layout = spec.layout()
        self.n_params = layout.size
        self.layers = layer_table(layout)
        self.features = feature_table(spec)
        self.extra = np.array([max(layout.fourier, 0), max(layout.latent, 0)], np.int64)
        self.width = max(spec.sizes)
        self.tile = int(min(MAX_TILE, max(16, TILE_FLOATS // self.width // 16 * 16)))

    def values(
        self,
        params,
        view,
        size,
        layer: int | None = None,
        pre: bool = False,
        units=None,
        top_first: bool = True,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        """Units of weight layer `layer` (default the outputs) at every pixel: float32 (H, W, C).

        `units` is a range of that layer's units (default all). `out`, if given, is a
        float32 (H, W, S) array with S >= C, filled in its first C channels and returned.
        """
        params = np.asarray(params)
        if params.dtype != np.float32 or params.shape != (self.n_params,):
            raise bad_value(
                "params",
                f"{params.dtype} array of shape {params.shape}",
                f"float32 of shape ({self.n_params},), the network's parameter buffer",
            )
        view, (w, h) = View.coerce(view), parse_size(size)
        last = self.spec.depth - 1 if layer is None else int(layer)
        if not 0 <= last < self.spec.depth:
            raise bad_value("layer", layer, f"a weight layer 0..{self.spec.depth - 1}")
        n_units = self.spec.sizes[last + 1]
        units = range(n_units) if units is None else units
        if units.step != 1 or len(units) == 0 or units.start < 0 or units.stop > n_units:
            raise bad_value(
                "units", units, f"a range of units within 0..{n_units - 1} of layer {last}"
            )
        count = len(units)
        if out is None:
            out = np.zeros((h, w, count), np.float32)
        if (
            out.dtype != np.float32
            or out.shape[:2] != (h, w)
            or out.shape[2] < count
            or not out.flags.c_contiguous
        ):
            raise bad_value(
                "out", f"{out.dtype} {out.shape}", f"C-contiguous float32 ({h}, {w}, >= {count})"
            )
        px, py = view.pixel_size((w, h))
        grid = np.array([*view.centre, px, -py if top_first else py, w, h], np.float64)
        args = (self.layers, self.features, self.extra, grid, last, bool(pre), units.start, count)
        with LAUNCH:
            evaluate_grid(
                params,
                *args,
                out.reshape(w * h, out.shape[2]),
                self.tile,
                self.width,
                numba.get_num_threads(),
            )
        return out


def evaluate(
    net: Network, view=None, size=(256, 256), layer: int | None = None, pre: bool = False
) -> np.ndarray:
    """`net` on a `size` = (W, H) grid of `view` on the CPU: float32 (H, W, C), row 0 = top."""
    view = View.from_domain(-1, 1, -1, 1) if view is None else view
    return CpuEvaluator(net.spec).values(net.params, view, size, layer, pre)


# --- compiling ahead -------------------------------------------------------------------
# evaluate_grid has one signature for every network, compiled once per install and then
# loaded from numba's cache (~0.1 s); the first compile takes several seconds, which
# `prepare` lets a renderer spend in the background while the shader draws.
_ready = threading.Event()
_start = threading.Lock()
_compiler: threading.Thread | None = None


def _compile() -> None:
    net = Network.random((2, 1), seed=0)
    CpuEvaluator(net.spec).values(net.params, None, (1, 1))
    _ready.set()


def prepare(wait: bool = False, timeout: float | None = None) -> bool:
    """Start compiling (or loading) evaluate_grid on a background thread, once per process.

    Returns whether it is ready; `wait` blocks until the attempt has finished, or
    for at most `timeout` seconds.
    """
    global _compiler
    with _start:
        if _compiler is None:
            _compiler = threading.Thread(target=_compile, name="shaderplay-cpu-eval", daemon=True)
            _compiler.start()
    if wait:
        _compiler.join(timeout)
    return _ready.is_set()
