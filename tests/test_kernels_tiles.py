"""The dense layer's register tiles (kernels/tiles.py via kernels/linalg.py): every
shape, leftover row and column, and batch below a vector gives the bits of one fused
multiply-add per input in order from the bias (B == 1, per-sample SGD, sums its own
way: within float32 rounding); ReLU in the tiles is `z if z > 0 else 0`."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from test_kernels_vector import AVX512

from shaderplay import Network
from shaderplay.cpu.evaluator import COLUMNS, MIN_TILE, CpuEvaluator
from shaderplay.kernels import vector
from shaderplay.kernels.linalg import _shape, affine, dense
from shaderplay.kernels.tiles import LANES, SHAPES, most_vectors


def _fma_chain(W, b, X):
    """Z = W X + b as float32 sums from the bias, one rounding per multiply-add, inputs in
    order (float64 holds each float32 product exactly)."""
    n_out, n_in = W.shape
    Z = (
        np.zeros((n_out, X.shape[1]), np.float32)
        if b is None
        else np.repeat(b[:, None], X.shape[1], 1)
    )
    for k in range(n_in):
        Z = (W[:, k : k + 1].astype(np.float64) * X[k].astype(np.float64) + Z).astype(np.float32)
    return Z


ROWS = sorted({1, 2, 3, 7, 13, 30, 64} | {r for r, _ in SHAPES} | {r + 1 for r, _ in SHAPES})
BATCHES = (1, 3, LANES, LANES + 1, 3 * LANES - 1, 6 * LANES + 5, 257)


@pytest.mark.parametrize("n_out", ROWS)
def test_every_shape_and_leftover_gives_the_bits_of_an_fma_chain(n_out):
    rng = np.random.default_rng(n_out)
    for n_in in (1, 3, 16):
        for B in BATCHES:
            for biased in (True, False):
                W = rng.standard_normal((n_out, n_in)).astype(np.float32)
                b = rng.standard_normal(n_out).astype(np.float32) if biased else None
                X = rng.standard_normal((n_in, B)).astype(np.float32)
                Z = np.full((n_out, B), np.nan, np.float32)
                affine(W, np.zeros(0, np.float32) if b is None else b, X, Z)
                want = _fma_chain(W, b, X)
                if B == 1:
                    np.testing.assert_allclose(Z, want, rtol=1e-5, atol=1e-5)
                else:
                    assert np.array_equal(Z, want), (n_out, n_in, B, biased)


@pytest.mark.parametrize("B", (1, 3, 6 * LANES + 5))
def test_relu_in_the_tiles_clamps_like_the_activation(B):
    rng = np.random.default_rng(B)
    W = rng.standard_normal((7, 5)).astype(np.float32)
    b = rng.standard_normal(7).astype(np.float32)
    X = rng.standard_normal((5, B)).astype(np.float32)
    X[2, 0] = np.nan  # a diverged input: ReLU gives 0, as `z if z > 0 else 0`
    Z, R = (np.empty((7, B), np.float32) for _ in range(2))
    affine(W, b, X, Z)
    dense(W, b, X, R, True)
    assert np.isnan(Z[:, 0]).all() and (R[:, 0] == 0).all()
    want = np.where(Z > 0, Z, np.float32(0))
    assert np.array_equal(R, want) and not np.signbit(R).any()


def test_a_layer_is_cut_into_the_shape_that_computes_fewest_rows():
    for n_out in range(1, 70):
        rows, vectors = _shape(n_out)
        assert vectors <= most_vectors(rows)
        fits = [r for r, _ in SHAPES if r <= n_out]
        if not fits:
            assert rows == n_out  # lower than every shape: one tile high
            continue
        assert (rows, vectors) in SHAPES
        computed = -(-n_out // rows) * rows
        assert computed == min(-(-n_out // r) * r for r in fits)
    if LANES == 16:  # AVX-512: 30 rows are 5 tiles of 6, 64 rows 8 of 8 (not 9-row tiles)
        assert _shape(30) == (6, 3) and _shape(64) == (8, 3)
    else:  # AVX2: 30 rows are 5 tiles of 6 x 2, not 8 of 4
        assert _shape(30) == (6, 2)


def test_every_shape_fits_the_registers_and_divides_the_evaluator_tile():
    for rows, vectors in SHAPES:
        assert rows * vectors + vectors + 1 <= (32 if LANES == 16 else 16)
        assert COLUMNS % (vectors * LANES) == 0
    for sizes in ((2, 16, 1), (2, 64, 64, 3), (2, 400, 400, 1), (2, 3000, 1)):
        tile = CpuEvaluator(Network.random(sizes, seed=0).spec).tile
        assert tile % COLUMNS == 0 and tile >= MIN_TILE


def test_on_avx512_the_tiles_are_512_bit_fmas_in_the_32_registers(tmp_path):
    # Compiled for an AVX-512 CPU (not run): 16 lanes, taller shapes, loops of zmm FMAs
    # that take no vector from the stack (the sums and inputs stay in registers).
    script = textwrap.dedent(
        """
        import re

        import numba
        from shaderplay.kernels import linalg, tiles

        a2, a1 = numba.float32[:, ::1], numba.float32[::1]
        linalg.affine.compile((a2, a1, a2, a2))
        asm = next(iter(linalg.affine.inspect_asm().values()))
        blocks = re.split(r"\\n\\.LBB\\w*:", asm)  # basic blocks: a tile's loop is one
        loops = [b for b in blocks if b.count("vfmadd231ps\\t%zmm") >= 12]
        lines = [line for b in loops for line in b.splitlines()]
        spilled = [line for line in lines if "(%rsp)" in line and "mm" in line]
        print(tiles.LANES, tiles.SHAPES, len(loops) > 0, len(spilled), sep=";")
        """
    )
    env = {**os.environ, "NUMBA_CPU_NAME": "skylake-avx512", "NUMBA_CACHE_DIR": str(tmp_path)}
    env[vector.ENV] = vector.wide_features(AVX512)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "16;((9, 3), (8, 3), (7, 3), (6, 3), (14, 2), (13, 2));True;0"
