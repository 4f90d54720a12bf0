"""The input features of a tile of points in numba, generated from the feature table.

Each fixed feature's branch is written from its row in shaderplay/features.py, the
table's own NumPy form compiled for scalars (as the shaders call its GLSL function by
the row's name: gpu/source.py), so a new fixed feature is one table row. The families
(Fourier sin/cos rows, latent inputs) read their matrix and values from the parameter
buffer. `feature_table` turns a spec's feature names into the (code, index) rows the
kernel dispatches on: fixed features by their table index, then the family codes.
"""

import math

import numpy as np

from ..features import FEATURES, parse
from ..kernels.generate import switch
from ..kernels.jit import inline
from ..spec import NetworkSpec

FSIN, FCOS, LATENT = 100, 101, 102
_FAMILIES = {"fsin": FSIN, "fcos": FCOS, "z": LATENT}
_CODE = {name: code for code, name in enumerate(FEATURES)}
_TWO_PI = 2.0 * math.pi

# Fixed feature `code` of the points (xs, ys) into row[:B]: one branch per tile, then a loop
# LLVM can vectorise; NaN for a code the table lacks.
_fixed = switch(
    "fixed_feature",
    "code, xs, ys, row, B",
    [
        (code, f"for i in range(B):\n    row[i] = f{code}(xs[i], ys[i])")
        for code, name in enumerate(FEATURES)
    ],
    "for i in range(B):\n    row[i] = np.nan",
    {"np": np, **{f"f{_CODE[n]}": inline(f.np_f) for n, f in FEATURES.items()}},
)


@inline
def tile_features(params, feats, extra, grid, at, start, B, X, centres):
    """Input features of pixels start .. start+B-1 into X (n_in, B).

    grid = (centre x, centre y, pixel width, signed pixel height, W, H); at: (N, 2)
    float64 points to use instead of the grid (N = 0: the grid's pixel centres); feats:
    `feature_table` rows; extra = (first float of the Fourier rows, first latent value)
    in params; centres: (2, tile) float64 scratch for the points.
    """
    xs, ys = centres[0], centres[1]
    if at.shape[0] > 0:
        for i in range(B):
            xs[i], ys[i] = at[start + i, 0], at[start + i, 1]
    else:
        cx, cy, px, py, w, h = grid[0], grid[1], grid[2], grid[3], int(grid[4]), int(grid[5])
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
        elif code in (FSIN, FCOS):
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


def feature_table(spec: NetworkSpec) -> np.ndarray:
    """(n_in, 2) int64: per input feature its code (table index, FSIN, FCOS, LATENT) and index k."""
    rows = [
        (_CODE[name], -1) if family == "fixed" else (_FAMILIES[family], k)
        for name, (family, k) in ((f, parse(f)) for f in spec.features)
    ]
    return np.array(rows, dtype=np.int64).reshape(-1, 2)
