"""The backward pass's kernels (kernels/linalg.py): weight gradients dW = G X^T and
db = sum G, whose whole 4 x 4 blocks run in register tiles (kernels/tiles.py), and the
gradient to the inputs dX = W^T G, against NumPy for every tile shape, leftover row and
input, batch of one and batch below a vector; the tiles keep the order of the loop they
replaced, bit for bit."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from test_kernels_vector import AVX512

from shaderplay.kernels import vector
from shaderplay.kernels.linalg import _GRAD_TILES, backprop, transpose, weight_grads
from shaderplay.kernels.tiles import LANES, REGISTERS, SHAPES

ROWS = sorted({1, 2, 3, 4, 5, 7, 13, 30, 64} | {r for r, _ in SHAPES} | {r + 1 for r, _ in SHAPES})
INPUTS = (1, 2, 3, 4, 7, 30)
BATCHES = (1, 3, LANES - 1, LANES, LANES + 1, 3 * LANES + 5, 257)


def _data(n_out, n_in, B):
    rng = np.random.default_rng(n_out * 1000 + n_in * 10 + B)
    G = rng.standard_normal((n_out, B)).astype(np.float32)
    X = rng.standard_normal((n_in, B)).astype(np.float32)
    return G, X


def _fma(a, b, c):
    """float32 a * b + c with one rounding (float64 holds the float32 product exactly)."""
    return (a.astype(np.float64) * b.astype(np.float64) + c).astype(np.float32)


def _vectorised_dot(g, x):
    """sum g x as a loop vectorised one vector wide sums it: lane i % LANES over the whole
    vectors, the lanes added by halves, then the samples past them in order."""
    whole = len(g) // LANES * LANES
    lanes = np.zeros(LANES, np.float32)
    for i in range(0, whole, LANES):
        lanes = _fma(g[i : i + LANES], x[i : i + LANES], lanes)
    while lanes.size > 1:
        lanes = lanes[: lanes.size // 2] + lanes[lanes.size // 2 :]
    s = lanes[0]
    for i in range(whole, len(g)):
        s = _fma(g[i : i + 1], x[i : i + 1], s)[0]
    return s


@pytest.mark.parametrize("n_out", ROWS)
def test_weight_grads_match_numpy_for_every_shape_and_leftover(n_out):
    for n_in in INPUTS:
        for B in BATCHES:
            G, X = _data(n_out, n_in, B)
            dW = np.full((n_out, n_in), np.nan, np.float32)
            db = np.full(n_out, np.nan, np.float32)
            weight_grads(G, X, dW, db)
            want = G.astype(np.float64) @ X.T.astype(np.float64)
            np.testing.assert_allclose(dW, want, rtol=1e-5, atol=1e-5 * np.sqrt(B))
            np.testing.assert_allclose(db, G.astype(np.float64).sum(1), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("B", (2, LANES - 1, LANES, 2 * LANES + 3, 257))
def test_the_tiled_blocks_keep_the_bits_of_the_vectorised_loop(B):
    n_out, n_in = 13, 30  # tiles over 12 x 28, overlapping at the end; loops for the rest
    G, X = _data(n_out, n_in, B)
    dW = np.empty((n_out, n_in), np.float32)
    weight_grads(G, X, dW, np.empty(n_out, np.float32))
    want = np.array([[_vectorised_dot(G[j], X[k]) for k in range(28)] for j in range(12)])
    assert np.array_equal(dW[:12, :28], want)


@pytest.mark.parametrize("n_out", ROWS)
def test_backprop_matches_numpy_for_every_shape(n_out):
    for n_in in INPUTS:
        for B in BATCHES:
            G, _ = _data(n_out, n_in, B)
            W = np.random.default_rng(n_out + n_in).standard_normal((n_out, n_in))
            W = W.astype(np.float32)
            dX = np.full((n_in, B), np.nan, np.float32)
            WT = np.full((n_in, n_out), np.nan, np.float32)
            transpose(W, WT)
            assert np.array_equal(WT, W.T)
            backprop(W, WT, G, dX)
            want = W.T.astype(np.float64) @ G.astype(np.float64)
            np.testing.assert_allclose(dX, want, rtol=1e-5, atol=1e-5 * np.sqrt(n_out))


# Run here and, compiled for an AVX-512 CPU, in a subprocess: pure Python, no kernel called.
_SHAPES_CHECK = """
from shaderplay.kernels.linalg import _GRAD_TILES, _shape
from shaderplay.kernels.tiles import REGISTERS
for rows4 in range(4, 257, 4):
    for cols4 in (4, 8, 12, 64):
        rows, most = _shape.py_func(rows4)
        assert (rows, min(most, cols4)) in _GRAD_TILES and rows <= rows4, (rows4, cols4)
assert all(r * c + c + 1 <= REGISTERS for r, c in _GRAD_TILES)
"""


def test_every_block_has_its_gradient_tile_and_each_fits_the_registers():
    exec(_SHAPES_CHECK, {})
    assert (4, 3) in _GRAD_TILES if LANES == 8 else REGISTERS == 32


def test_on_avx512_the_gradient_tiles_are_512_bit_fmas_in_the_32_registers(tmp_path):
    # Compiled for an AVX-512 CPU (not run): its shapes each have a tile, and the tiles'
    # loops are zmm FMAs that take no vector from the stack.
    script = _SHAPES_CHECK + textwrap.dedent(
        """
        import re

        import numba
        from shaderplay.kernels import linalg, tiles

        a2, a1 = numba.float32[:, ::1], numba.float32[::1]
        linalg.weight_grads.compile((a2, a2, a2, a1))
        asm = next(iter(linalg.weight_grads.inspect_asm().values()))
        blocks = re.split(r"\\n\\.LBB\\w*:", asm)
        loops = [b for b in blocks if len(re.findall(r"vfmadd\\d+ps\\t[^\\n]*zmm", b)) >= 8]
        lines = [line for b in loops for line in b.splitlines()]
        spilled = [line for line in lines if "(%rsp)" in line and "mm" in line]
        print(tiles.LANES, len(loops) >= len(linalg._GRAD_TILES), len(spilled), sep=";")
        """
    )
    env = {**os.environ, "NUMBA_CPU_NAME": "skylake-avx512", "NUMBA_CACHE_DIR": str(tmp_path)}
    env[vector.ENV] = vector.wide_features(AVX512)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "16;True;0"
