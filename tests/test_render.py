"""Pixels from a real GL context against the float64 NumPy oracle
(`Network.forward` on `View.grid`): random architectures (any activations,
features, norm layers), both storage paths, deep and wide nets. Every row of the
activation, feature and norm tables through the shaders: tests/test_tables.py."""

import numpy as np
import pytest

from shaderplay import Network
from shaderplay.activations import NAMES
from shaderplay.features import FEATURES
from shaderplay.view import View

TOL = 1e-4  # max abs error on outputs in [0, 1]
# These check the GLSL path; on software GL the renderer would otherwise pick the
# numba CPU evaluator, which tests/test_cpu_eval.py checks against the same oracle.
pytestmark = pytest.mark.renderer(evaluator="shader")


def oracle(net, view, size):
    w, h = size
    return net.forward(view.grid(size).reshape(-1, 2)).reshape(h, w, -1)


def _randomise_norms(net, rng):
    for i, norm in enumerate(net.spec.norms):
        n = net.spec.hidden[i]
        if norm != "none":
            net.norm_param(i, "gamma")[:] = rng.uniform(0.5, 1.5, n)
            net.norm_param(i, "beta")[:] = rng.normal(0.0, 0.3, n)
        if norm == "batchnorm":
            net.norm_param(i, "mean")[:] = rng.normal(0.0, 0.3, n)
            net.norm_param(i, "var")[:] = rng.uniform(0.3, 2.0, n)


def random_case(seed: int):
    """A random architecture (widths 1-64, depths 1-12, any activations, features, norms,
    1-3 outputs), an odd picture size and an off-centre, non-square view."""
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(1, 13))
    widths = [int(w) for w in rng.integers(1, 65, depth)]
    fixed = tuple(
        str(f) for f in rng.choice(list(FEATURES), int(rng.integers(1, 4)), replace=False)
    )
    fourier = int(rng.integers(0, 3))
    latent = tuple(rng.normal(size=int(rng.integers(0, 3))))
    n_in = len(fixed) + 2 * fourier + len(latent)
    net = Network.random(
        [n_in, *widths, int(rng.integers(1, 4))],
        activation=list(rng.choice(NAMES, depth)),
        output="sigmoid",
        init="xavier_uniform",
        features=fixed,
        fourier=fourier,
        latent=latent,
        norm=str(rng.choice(["none", "layernorm", "batchnorm"])),
        bias_init="uniform",
        bias_scale=0.5,
        seed=seed,
    )
    _randomise_norms(net, rng)
    size = (int(rng.integers(5, 40)) | 1, int(rng.integers(5, 40)) | 1)
    view = View(
        tuple(rng.uniform(-2, 2, 2)), float(rng.uniform(0.3, 3.0)), float(rng.uniform(0.5, 2.0))
    )
    return net, view, size


@pytest.mark.parametrize("seed", range(14))
def test_random_networks_match_the_oracle(renderer, renderer_for, seed):
    net, view, size = random_case(seed)
    if seed % 2 and net.layout.size <= 16384:  # both storages
        renderer = renderer_for(storage="uniform", evaluator="shader")
    renderer.set_network(net)
    got = renderer.values(view, size)
    assert got.dtype == np.float32 and got.shape == (size[1], size[0], net.spec.n_out)
    assert np.abs(got - oracle(net, view, size)).max() <= TOL


@pytest.mark.parametrize("seed", [100, 101, 102])
def test_both_storages_give_the_same_pixels(renderer_for, seed):
    texture_renderer = renderer_for(storage="texture", evaluator="shader")
    uniform_renderer = renderer_for(storage="uniform", evaluator="shader")
    net, view, size = random_case(seed)
    texture_renderer.set_network(net)
    assert texture_renderer.storage == "texture"
    got = texture_renderer.values(view, size)
    assert np.abs(got - oracle(net, view, size)).max() <= TOL
    uniform_renderer.set_network(net)
    assert uniform_renderer.storage == "uniform"
    np.testing.assert_array_equal(uniform_renderer.values(view, size), got)


@pytest.mark.parametrize(
    "sizes, scale, size",
    [
        ([2] + [30] * 27 + [3], 1.6, (17, 11)),  # Neylon's deep net (texture storage: > 64 KiB)
        ([2] + [400] * 14 + [3], 1.6, (9, 7)),  # his widest; needs the unrolled loop on llvmpipe
    ],
)
def test_deep_and_wide_nets(renderer, sizes, scale, size):
    net = Network.random(
        sizes,
        activation="tanh",
        output="sigmoid",
        init="xavier_uniform",
        scale=scale,
        bias_init="uniform",
        bias_scale=0.3,
        seed=7,
    )
    view = View.from_domain(-1.0, 1.0, -1.0, 1.0)
    renderer.set_network(net)
    assert renderer.storage == "texture"
    want = oracle(net, view, size)
    assert want.std() > 0.02  # not a flat picture: the comparison means something
    assert np.abs(renderer.values(view, size) - want).max() <= TOL


def test_pixels_either_side_of_a_boundary(renderer):
    # Where the reference output crosses 0.5 (its pre-activation changes sign) the
    # rendered side agrees everywhere the reference is not within float error of 0.5.
    net = Network.random((2, 16, 16, 1), activation="relu", output="sigmoid", seed=11)
    view, size = View.from_domain(-1.0, 1.0, -1.0, 1.0), (63, 47)
    renderer.set_network(net)
    ref = oracle(net, view, size)[..., 0]
    net.b(2)[:] -= np.float32(np.median(np.log(ref / (1 - ref))))  # move the 0.5 level into view
    ref = oracle(net, view, size)[..., 0]
    renderer.upload(net.params)
    got = renderer.values(view, size)[..., 0]
    assert (ref > 0.5).any() and (ref < 0.5).any()
    clear = np.abs(ref - 0.5) > 1e-6
    np.testing.assert_array_equal((got > 0.5)[clear], (ref > 0.5)[clear])


def test_zoomed_out_and_far_in_show_the_true_function(renderer):
    net = Network.random((2, 24, 24, 1), activation="relu", output="sigmoid", scale=0.5, seed=2)
    renderer.set_network(net)
    far = View.from_domain(-40, 40, -40, 40)
    assert np.abs(renderer.values(far, (32, 32)) - oracle(net, far, (32, 32))).max() <= TOL
    # 30x into a point away from the origin, twice (900x).
    near = far.zoom_about((25.3, 7.9), 30.0, (32, 32)).zoom_about((16.0, 16.0), 30.0, (32, 32))
    got, want = renderer.values(near, (32, 32)), oracle(net, near, (32, 32))
    assert want.std() > 0  # still resolves detail
    assert np.abs(got - want).max() <= TOL


def test_upload_changes_weights_without_recompiling(renderer):
    net = Network.random((2, 8, 1), seed=0)
    renderer.set_network(net)
    programs = len(renderer._programs)
    view, size = View(), (11, 9)
    net.params[:] = Network.random((2, 8, 1), seed=1).params
    renderer.upload(net.params)
    assert len(renderer._programs) == programs
    assert np.abs(renderer.values(view, size) - oracle(net, view, size)).max() <= TOL


def test_programs_of_old_architectures_are_released(make_renderer):
    r = make_renderer(evaluator="shader")
    for width in range(1, 8):
        r.set_network(Network.random((2, width, 1), seed=0))
    specs = {key[2][0] for key in r._programs if key[2] is not None}
    assert len(specs) <= 4 and r.spec in specs
    view = View()
    net = Network.random((2, 3, 1), seed=1)  # an old architecture compiles again and draws right
    r.set_network(net)
    assert np.abs(r.values(view, (5, 5)) - oracle(net, view, (5, 5))).max() <= TOL
