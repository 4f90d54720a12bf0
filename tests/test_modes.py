"""Every row of the view-mode table, whatever rows it holds: its string form
parses back, its arguments are checked against the network, its shader file
exists and declares the uniforms the row sets, its CPU function exists and
agrees with the shader, and its default range and legend are well-formed.
A new row is picked up here without editing this file. Then what single rows
promise: a classifier's legend, the ReLU mosaic's range, left-out arguments."""

import re

import numpy as np
import pytest

from shaderplay import Network, colormaps
from shaderplay.config import ViewConfig, mode_from_view
from shaderplay.cpu.modes import CPU_MODES
from shaderplay.dataset import Dataset
from shaderplay.errors import ShaderplayError
from shaderplay.gpu.renderer import KINDS, OPTIONS, Renderer
from shaderplay.gpu.source import assemble
from shaderplay.mode_legends import RANGED
from shaderplay.mode_ranges import Centred, Percentile
from shaderplay.modes import MODES, OVERLAYS, TARGET_USES, Legend, parse_mode
from shaderplay.resources import shader_dir
from shaderplay.view import View

ROWS = list(MODES)
VIEW = View.from_domain(-1.2, 0.9, -0.7, 1.1)
SIZE = (31, 27)
COLOUR_KINDS = set(KINDS) | {"auto", "plot"}


def _net(n_out=3):
    # Equal hidden widths (depth takes any hidden layer), biases off-centre, a norm layer.
    return Network.random(
        (2, 6, 6, n_out),
        activation=["relu", "tanh"],
        output="sigmoid",
        norm=["none", "layernorm"],
        bias_init="uniform",
        bias_scale=0.5,
        seed=8,
    )


NET = _net()


def _target(xy):
    return np.stack([0.5 + 0.5 * np.sin(2 * xy[:, 0]), xy[:, 1] ** 2, np.abs(xy[:, 0])], axis=1)


def _dataset():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (30, 2)).astype(np.float32)
    y = _target(x).astype(np.float32)
    return Dataset("made up", "regression", x[:24], y[:24], x[24:], y[24:], field=_target)


def _opts(row):
    return {"target": _dataset()} if row.target else {}


@pytest.fixture
def renderers(renderer_pair):
    for r in renderer_pair.values():
        r.set_network(NET)
    return renderer_pair


@pytest.mark.parametrize("name", ROWS)
def test_the_row_is_complete(name):
    row = MODES[name]
    assert row.name == name and row.about and row.shows
    assert row.kind in COLOUR_KINDS and row.colormap in colormaps.NAMES
    assert row.target in TARGET_USES and set(row.overlays) <= set(OVERLAYS)
    assert set(row.options) <= set(OPTIONS) and len(row.defaults) <= len(row.args)
    # Where its values come from: exactly one of its values pass, the target's own
    # field, two other rows side by side, or a plot of its own.
    sources = [row.entry is not None, row.shows_target_field, bool(row.halves), row.plot]
    assert sum(sources) == 1, sources
    assert all(half in MODES and not MODES[half].halves for half in row.halves or ())
    if row.cpu is not None:
        assert row.cpu in CPU_MODES, f"{name}: no function {row.cpu!r} in cpu/modes.CPU_MODES"
        assert row.entry is not None or row.shows_target_field  # the GPU path exists too


@pytest.mark.parametrize("name", [n for n in ROWS if MODES[n].entry])
def test_its_shader_exists_and_declares_the_uniforms_the_row_sets(name):
    row = MODES[name]
    assert (shader_dir() / row.entry).is_file()
    text = assemble(row.entry, {}).text
    named = row.named(parse_mode(name)[1])
    for uniform in row.uniforms_of(named, _net().spec, {"pre": True}):  # its own, not u_layers
        assert re.search(rf"uniform\s+\w+\s+{uniform}\b", text), f"{row.entry}: no {uniform}"


@pytest.mark.parametrize("name", ROWS)
def test_its_string_form_parses_back_and_its_arguments_are_checked(name):
    row = MODES[name]
    spec = _net().spec
    parsed, args = parse_mode(name)
    assert parsed is row and len(args) == len(row.args)
    assert parse_mode(":".join([name, *map(str, args)])) == (row, args)
    assert row.form.split(":") == [name, *(a.upper() for a in row.arg_names)]
    row.check(args, spec)  # its defaults exist in this network
    with pytest.raises(ShaderplayError, match="mode: got"):
        parse_mode(":".join([name, *["0"] * (len(row.args) + 1)]))
    for k, arg in enumerate(row.arg_names):
        wrong = args[:k] + (99,) + args[k + 1 :]
        with pytest.raises(ShaderplayError, match=f"mode {name}: {arg.upper()}: got 99"):
            row.check(wrong, spec)
    if row.needs_hidden:
        with pytest.raises(ShaderplayError, match="hidden layers"):
            row.check(args, Network.random((2, 3), seed=0).spec)
    if row.compares_target:
        with pytest.raises(ShaderplayError, match="outputs"):
            row.check(args, _net(n_out=5).spec)


@pytest.mark.parametrize("name", ROWS)
def test_both_evaluators_render_it_alike(renderers, name, monkeypatch):
    row = MODES[name]
    spec = renderers["shader"].spec
    want = renderers["shader"].values(VIEW, SIZE, name, **_opts(row))
    picture = renderers["shader"].image(VIEW, SIZE, name, **_opts(row))
    plain = [r.image(VIEW, SIZE, "output") for r in (renderers["shader"], renderers["cpu"])]
    assert want.shape == (SIZE[1], SIZE[0], row.channels(spec)) and want.dtype == np.float32
    assert picture.shape == (SIZE[1], SIZE[0], 3)
    assert len(np.unique(picture.reshape(-1, 3), axis=0)) > 3
    if row.cpu is not None:  # the CPU function computes it: no GL values pass on the way
        monkeypatch.setattr(Renderer, "_values_pass", lambda *a, **k: pytest.fail("GL pass"))
    got = renderers["cpu"].values(VIEW, SIZE, name, **_opts(row))
    assert got.shape == want.shape
    close = np.abs(got - want) <= 1e-3 * max(1.0, float(np.abs(want).max()))
    assert close.mean() >= 0.98  # region hashes differ where a neuron is ~0 at a pixel
    shown = renderers["cpu"].image(VIEW, SIZE, name, **_opts(row))
    if row.boundaries:  # lines: the shader's slope is its 2x2 quad's, the CPU's central
        lines = [np.abs(a.astype(int) - b).sum(2) > 30 for a, b in zip((picture, shown), plain)]
        assert (lines[0] & lines[1]).sum() >= 0.9 * (lines[0] | lines[1]).sum()
        return
    assert np.any(shown != picture, axis=2).mean() <= 0.02  # colormap entries flip at edges


@pytest.mark.parametrize("name", ROWS)
def test_its_default_range_and_legend_are_well_formed(renderers, name):
    row = MODES[name]
    spec = renderers["shader"].spec
    args = parse_mode(name)[1]
    default = row.default_range(args, spec)
    if default is None:  # set by each picture's values
        assert isinstance(row.value_range, (Centred, Percentile))
        values = renderers["shader"].values(VIEW, SIZE, name, **_opts(row))
        default = row.range_of(values)
    lo, hi = default
    assert np.isfinite(lo) and np.isfinite(hi) and lo < hi
    for pre in (False, True) if "pre" in row.options else (False,):
        legend = row.legend(args, spec, pre=pre)
        assert isinstance(legend, Legend) and legend.kind == row.shown_kind(spec)
        assert legend.shows and "{" not in legend.shows
        if legend.kind in RANGED:
            assert legend.source
            if row.default_range(args, spec, pre) is not None:
                assert legend.range == row.default_range(args, spec, pre)
        else:
            assert legend.range is None
        colours = [rgb for _, rgb in legend.swatches + legend.lines]
        assert all(len(c) == 3 and all(0.0 <= v <= 1.0 for v in c) for c in colours)
        assert bool(legend.swatches) == (legend.kind in ("classes", "rgb"))
        assert len(legend.lines) == (len(spec.hidden) if row.boundaries else 0)
    assert row.legend(args, spec, value_range=(2, 5)).range == (
        (2.0, 5.0) if row.shown_kind(spec) in RANGED else None
    )


def test_a_classifier_legend_names_its_classes():
    spec = _net(n_out=5).spec
    legend = MODES["output"].legend((), spec)
    assert legend.kind == "classes" and [label for label, _ in legend.swatches] == [
        f"class {k}" for k in range(5)
    ]
    binary = MODES["classes"].legend((), _net(n_out=1).spec)
    assert len(binary.swatches) == 2


def test_signed_views_are_centred_on_zero():
    # One convention for zero: a bounded activation's -m..m, else a range from the picture
    # (None here), never a one-sided 0..1 that would paint an off ReLU unit blue.
    relu = Network.random((2, 4, 4, 1), activation="relu", seed=0).spec
    tanh = Network.random((2, 4, 4, 1), activation="tanh", seed=0).spec
    sigmoid = Network.random((2, 4, 4, 1), activation="sigmoid", seed=0).spec
    mixed = Network.random((2, 4, 4, 1), activation=["relu", "tanh"], seed=0).spec
    assert MODES["mosaic"].default_range((), relu) is None
    assert MODES["neuron"].default_range((0, 0), relu) is None
    assert MODES["mosaic"].default_range((), tanh) == (-1.0, 1.0)
    assert MODES["neuron"].default_range((0, 0), sigmoid) == (-1.0, 1.0)
    assert MODES["neuron"].default_range((0, 0), tanh, pre=True) is None
    assert MODES["mosaic"].default_range((), mixed) is None


def test_left_out_arguments_take_the_modes_defaults():
    # A bare "representation" plots neurons 0 and 1 of layer 0 (not neuron 0 against itself).
    rep = MODES["representation"]
    assert parse_mode("representation") == (rep, (0, 0, 1))
    assert parse_mode("representation:2") == (rep, (2, 0, 1))
    assert parse_mode("representation:1:3:0") == (rep, (1, 3, 0))
    assert parse_mode("neuron") == (MODES["neuron"], (0, 0))
    from_view = mode_from_view(ViewConfig(mode="representation", layer=1))
    assert parse_mode(from_view) == (rep, (1, 0, 1))
    assert mode_from_view(ViewConfig(mode="neuron", layer=2, neuron=5)) == "neuron:2:5"


def test_an_unbounded_output_takes_its_range_from_the_picture(renderer_pair):
    """A linear output fitting values 10..90 (a CSV): a fixed 0..1 painted the whole
    picture one colour; the range comes from the values, 0 up to a robust top."""
    from shaderplay.view import View

    net = Network.random((2, 4, 1), activation="tanh", output="linear", seed=0)
    net.b(1)[:] = 50.0  # every output near 50 (a view of the flat parameters)
    assert MODES["output"].default_range((), net.spec) is None
    sigmoid = Network.random((2, 4, 1), seed=0).spec
    assert MODES["output"].default_range((), sigmoid) == (0.0, 1.0)
    cpu = renderer_pair["cpu"]
    cpu.set_network(net)
    view, size = View.fit((-1, 1, -1, 1), (16, 16)), (16, 16)
    picture = cpu.image(view, size)
    legend = cpu.legend("output", None)
    assert legend.range[0] == 0.0 and 50.0 < legend.range[1] <= 100.0
    assert "auto: 0 .. the 99th percentile" in legend.source
    assert len(np.unique(picture.reshape(-1, picture.shape[-1]), axis=0)) > 1
