"""The network over a View's pixel grid on the CPU: numba, all cores, float32.

Where the only OpenGL is a software rasteriser (Mesa's llvmpipe), a
fragment shader evaluating the network pixel by pixel reached 0.08-0.31x
the speed of NumPy on the same grid: it runs one pixel per SIMD lane with
the weights re-read for every pixel. This evaluator runs the network
batch-major instead, with the trainer's own kernels (kernels/linalg.affine,
kernels/norms, kernels/activate: the same float32 arithmetic as training): the
grid is cut into tiles of `tile` pixels, each thread takes a run of tiles
and evaluates one weight layer at a time over a whole tile, (n_out, tile)
blocks of activations that stay in cache, the weights read once per tile.

Conventions (as shaderplay/view.py): pixel (row r, col c) is sampled at its
centre; with `top_first` row 0 is the top of the picture (the API's
arrays), else the bottom (an OpenGL texture's rows). Points are computed in
float64 as centre + offset * pixel size, then the input features
(cpu/features.py) are rounded to float32. Layers count weight layers from 0 (the output layer is
the last); `pre` gives a layer's activation input (after its norm) instead
of its output. BatchNorm uses its running statistics (inference form).
"""

import numba
import numpy as np
from numba import njit, prange

from ..errors import bad_value
from ..kernels.activate import RELU, activate_values
from ..kernels.jit import LAUNCH, OPTIONS, flat, inline, rows
from ..kernels.layers import layer_table
from ..kernels.linalg import dense
from ..kernels.norms import LAYERNORM, batchnorm_forward, layernorm_forward
from ..kernels.tiles import COLUMNS
from ..network import Network
from ..spec import NetworkSpec
from ..view import View, parse_size
from .features import feature_table, tile_features

# The regions hash (FNV-1a, then a final mix), as shaders/regions.frag.glsl computes it.
_U0, _U1 = np.uint64(0), np.uint64(1)
_U32, _U24 = np.uint64(0xFFFFFFFF), np.uint64(0xFFFFFF)
_FNV_BASIS, _FNV_PRIME, _MIX_1 = np.uint64(2166136261), np.uint64(16777619), np.uint64(2246822519)
NO_POINTS = np.zeros((0, 2), np.float64)  # evaluate_grid's `at` when the grid gives the points
_NO_PICK = np.zeros(0, np.int64)  # evaluate_grid's `pick` when every point gives the same units
# Pixels per tile: a (width, tile) block of activations up to 128 KiB, so a layer's input,
# output and scratch blocks stay in L2; 256-512 pixels were fastest for widths 16-64 here
# (240-1920 alike since the register tiles). At least MIN_TILE: a wide layer's weights
# come from L3 once per tile, and 14x400 ran at 52 % of a core's peak in tiles of 48
# pixels, 83 % in 144. A whole number of affine's column blocks (COLUMNS), so no block is
# computed twice.
TILE_FLOATS, MAX_TILE, MIN_TILE = 32768, 512, 3 * COLUMNS


@inline
def _region_bits(Z, n_out, B, hashes):
    """FNV-1a of each pixel's on/off pattern (pre-activation > 0), four units a step, as
    shaders/regions.frag.glsl hashes them (uint32 arithmetic in uint64)."""
    for i in range(B):
        h = hashes[i]
        for g in range((n_out + 3) // 4):
            nibble = _U0
            for q in range(4):
                j = 4 * g + q
                if j < n_out and Z[j, i] > 0.0:
                    nibble |= _U1 << np.uint64(q)
            h = ((h ^ nibble) * _FNV_PRIME) & _U32
        hashes[i] = h


@inline
def pre_activation(params, layers, layer, X, ws, z, span, B, relu):
    """Weight layer `layer` over a tile: X (n_in, B) -> its pre-activation after the norm,
    (n_out, B) at ws[z:] (the caller applies the activation in place), or with `relu` (a
    layer without a norm) max(0, z), applied in affine's registers. ws holds 4 blocks
    of `span` floats (X and Z ping-pong in the first two; xhat, scratch) and statistics."""
    n_in, n_out, norm = layers[layer, 0], layers[layer, 1], layers[layer, 3]
    Z = rows(ws, z, n_out, B)
    W, b = rows(params, layers[layer, 4], n_out, n_in), flat(params, layers[layer, 5], n_out)
    dense(W, b, X, Z, relu)
    if norm != 0:
        XH = rows(ws, 2 * span, n_out, B)
        gamma = flat(params, layers[layer, 6], n_out)
        beta = flat(params, layers[layer, 7], n_out)
        if norm == LAYERNORM:
            layernorm_forward(Z, XH, rows(ws, 4 * span, 3, B), gamma, beta)
        else:
            mean = flat(params, layers[layer, 8], n_out)
            var = flat(params, layers[layer, 9], n_out)
            batchnorm_forward(Z, XH, rows(ws, 4 * span, 5, n_out), gamma, beta, mean, var, False)
    return Z


@inline
def _tile(
    params,
    layers,
    feats,
    extra,
    grid,
    at,
    pick,
    start,
    B,
    last,
    pre,
    first,
    count,
    regions,
    out,
    ws,
    width,
    centres,
    hashes,
):
    """Evaluate weight layers 0..last over one tile; units first..first+count-1 of `last` -> out.
    With `regions`: out[:, 0] = the hash of the hidden on/off pattern of layers 0..last; with
    a non-empty `pick`: out[p, 0] = unit pick[p] of `last` at point p."""
    span = width * B
    X = rows(ws, 0, feats.shape[0], B)
    tile_features(params, feats, extra, grid, at, start, B, X, centres)
    if regions:
        for i in range(B):
            hashes[i] = _FNV_BASIS
    for layer in range(last + 1):
        n_out, z = layers[layer, 1], span * ((layer + 1) % 2)  # ping-pong with X
        activated = not (pre and layer == last)
        # ReLU in affine's registers (a pass of its own ran at a third of the layer's speed);
        # the region bits see max(0, z) > 0 where z > 0 alike.
        fused = activated and layers[layer, 2] == RELU and layers[layer, 3] == 0
        Z = pre_activation(params, layers, layer, X, ws, z, span, B, fused)
        if regions:
            _region_bits(Z, n_out, B, hashes)
        if activated and not fused:
            activate_values(layers[layer, 2], flat(ws, z, n_out * B), flat(ws, 3 * span, n_out * B))
        X = Z
    if regions:
        for i in range(B):
            h = hashes[i]
            h ^= h >> np.uint64(15)
            h = (h * _MIX_1) & _U32
            h ^= h >> np.uint64(13)
            out[start + i, 0] = np.float32(h & _U24)
        return
    if pick.shape[0] > 0:
        for i in range(B):
            out[start + i, 0] = X[pick[start + i], i]
        return
    for i in range(B):
        for c in range(count):
            out[start + i, c] = X[first + c, i]


@njit(parallel=True, **OPTIONS)
def evaluate_grid(
    params,
    layers,
    feats,
    extra,
    grid,
    at,
    pick,
    last,
    pre,
    first,
    count,
    regions,
    out,
    tile,
    width,
    threads,
):
    """out[:, :count] (N, S) float32 <- units first.. of weight layer `last` at every pixel
    of `grid` (N = W*H), or at the N points `at` (N, 2) float64 where it is not empty;
    `pick` (N,) int64, where not empty: one unit per point instead, into out[:, 0].

    params: the network's flat buffer; layers: kernels.layers.layer_table (or rows of it);
    feats: features.feature_table; regions: out[:, 0] = a hash of the on/off pattern
    of layers 0..last instead; width: the widest layer (inputs included); threads: numba's
    thread count (an argument: reading it inside would keep numba from caching this function).
    """
    n_pix = out.shape[0]
    n_tiles = (n_pix + tile - 1) // tile
    runs = min(n_tiles, 4 * threads)
    # Workspace per run: 4 (width, tile) blocks (input/output ping-pong, xhat, activation
    # derivative) and the norms' statistics.
    size = 4 * width * tile + 5 * max(width, tile) + 16
    for run in prange(runs):
        ws = np.empty(size, np.float32)
        centres = np.empty((2, tile), np.float64)
        hashes = np.empty(tile if regions else 0, np.uint64)
        for t in range(run * n_tiles // runs, (run + 1) * n_tiles // runs):
            start = t * tile
            B = min(tile, n_pix - start)
            _tile(
                params,
                layers,
                feats,
                extra,
                grid,
                at,
                pick,
                start,
                B,
                last,
                pre,
                first,
                count,
                regions,
                out,
                ws,
                width,
                centres,
                hashes,
            )


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
        self.tile = max(MIN_TILE, min(MAX_TILE, TILE_FLOATS // self.width) // COLUMNS * COLUMNS)

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
        *,
        depth: int | None = None,
        regions: bool = False,
    ) -> np.ndarray:
        """Units of weight layer `layer` (default the outputs) at every pixel: float32 (H, W, C).

        `units` is a range of that layer's units (default all). `out`, if given, is a
        float32 (H, W, S) array with S >= C, filled in its first C channels and returned.
        `depth` k: the outputs of the output layer reading hidden layer k instead of the
        last ("depth" mode; equal widths). `regions`: one channel, a hash of the on/off
        pattern of every hidden neuron ("regions" mode, the shader's hash).
        """
        view, (w, h) = View.coerce(view), parse_size(size)
        px, py = view.pixel_size((w, h))
        grid = np.array([*view.centre, px, -py if top_first else py, w, h], np.float64)
        table, last, units = self._plan(layer, units, depth, regions)
        count = len(units)
        if out is None:
            out = np.zeros((h, w, count), np.float32)
        if (
            out.dtype != np.float32
            or out.shape[:2] != (h, w)
            or out.ndim != 3
            or out.shape[2] < count
            or not out.flags.c_contiguous
        ):
            raise bad_value(
                "out", f"{out.dtype} {out.shape}", f"C-contiguous float32 ({h}, {w}, >= {count})"
            )
        self._run(
            params,
            table,
            grid,
            NO_POINTS,
            _NO_PICK,
            last,
            pre,
            units,
            regions,
            out.reshape(w * h, out.shape[2]),
        )
        return out

    def values_at(
        self,
        params,
        points,
        layer: int | None = None,
        pre: bool = False,
        units=None,
        *,
        depth: int | None = None,
        unit_of=None,
    ) -> np.ndarray:
        """As `values`, at the points (N, 2) (x, y) instead of a view's pixel centres:
        float32 (N, C). `unit_of` (N,) integers: one unit of the layer per point (C = 1),
        as the mosaic shows them."""
        points = np.ascontiguousarray(points, np.float64)
        if points.ndim != 2 or points.shape[1] != 2:
            raise bad_value("points", f"an array of shape {points.shape}", "(N, 2): x, y per point")
        table, last, units = self._plan(layer, units, depth, False)
        pick = _NO_PICK
        if unit_of is not None:
            pick = np.ascontiguousarray(unit_of, np.int64)
            if pick.shape != (len(points),) or (
                len(pick) and not (units.start <= pick.min() and pick.max() < units.stop)
            ):
                raise bad_value(
                    "unit_of",
                    f"an array of shape {pick.shape}",
                    f"({len(points)},) units within {units.start}..{units.stop - 1}",
                )
        out = np.zeros((len(points), 1 if unit_of is not None else len(units)), np.float32)
        grid = np.zeros(6, np.float64)
        return self._run(params, table, grid, points, pick, last, pre, units, False, out)

    def _plan(self, layer, units, depth, regions):
        """(layer table, last weight layer, range of its units) of a request, checked."""
        table, sizes, hidden = self.layers, self.spec.sizes, self.spec.hidden
        if depth is not None:  # the output layer's row after hidden layer `depth`
            if (
                not hidden
                or isinstance(depth, bool)
                or int(depth) != depth
                or not (0 <= depth < len(hidden) and hidden[int(depth)] == hidden[-1])
            ):
                raise bad_value(
                    "depth",
                    depth,
                    f"a hidden layer 0..{len(hidden) - 1} as wide as the last"
                    if hidden
                    else "none: no hidden layer",
                )
            depth = int(depth)
            table = np.ascontiguousarray(
                np.concatenate([self.layers[: depth + 1], self.layers[-1:]])
            )
            sizes = sizes[: depth + 2] + sizes[-1:]
        n_layers = len(table)
        last = n_layers - 1 if layer is None else int(layer)
        if regions:
            last, units = n_layers - 2, range(1)  # every hidden layer, one channel
        if not 0 <= last < n_layers:
            raise bad_value("layer", layer, f"a weight layer 0..{n_layers - 1}")
        n_units = sizes[last + 1]
        units = range(n_units) if units is None else units
        if units.step != 1 or len(units) == 0 or units.start < 0 or units.stop > n_units:
            raise bad_value(
                "units", units, f"a range of units within 0..{n_units - 1} of layer {last}"
            )
        return table, last, units

    def _run(self, params, table, grid, at, pick, last, pre, units, regions, out) -> np.ndarray:
        params = np.asarray(params)
        if params.dtype != np.float32 or params.shape != (self.n_params,):
            raise bad_value(
                "params",
                f"{params.dtype} array of shape {params.shape}",
                f"float32 of shape ({self.n_params},), the network's parameter buffer",
            )
        # numba compiles evaluate_grid anew (~7 s) for a read-only or strided array, another
        # type to it: such an array is copied, so the one compiled signature serves every call.
        params, table, at, pick = (
            np.require(a, requirements=("C", "W")) for a in (params, table, at, pick)
        )
        if len(out):
            with LAUNCH:
                evaluate_grid(
                    params,
                    table,
                    self.features,
                    self.extra,
                    grid,
                    at,
                    pick,
                    last,
                    bool(pre),
                    units.start,
                    len(units),
                    bool(regions),
                    out,
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
