"""The backward pass's kernels (kernels/linalg.py): weight gradients dW = G X^T and
db = sum G, whose whole 4 x 4 blocks run in register tiles (kernels/tiles.py), and the
gradient to the inputs dX = W^T G, against NumPy for every tile shape, leftover row and
input, batch of one and batch below a vector; the tiles keep the order of the loop they
replaced, bit for bit."""

import numpy as np
import pytest

from shaderplay.kernels.linalg import backprop, weight_grads
from shaderplay.kernels.tiles import LANES, SHAPES

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
            backprop(W, G, dX, np.empty((n_in, n_out), np.float32))
            want = W.T.astype(np.float64) @ G.astype(np.float64)
            np.testing.assert_allclose(dX, want, rtol=1e-5, atol=1e-5 * np.sqrt(n_out))
