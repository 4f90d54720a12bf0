"""Every row of every extension table against its other forms, one loop per table, so
a new row is tested without editing this file.

- activations: scalar and NumPy forms, derivative by finite differences, the value
  range [lo, hi], the numba dispatch (trainer and forward-only), the GLSL float and
  vec4 overloads, and the torch.nn module the row names (torch installed);
- features: the NumPy forms, the numba evaluator, the GLSL functions, and all of them
  with Fourier and latent inputs through the network in both evaluators, in order;
- norms: the numba evaluator and the shader against the NumPy oracle;
- colormaps: the lookup tables;
- optimisers: a numba branch that moves the weights, the state slots and fields the
  row declares, and 20 steps against torch.optim;
- schedules: the kernel against the NumPy `lr_at`, the fields the row declares, and
  torch.optim.lr_scheduler.
"""

import contextlib
import math
import re
import shutil
from dataclasses import fields, replace

import numpy as np
import pytest
from train_helpers import torch_model

from shaderplay import colormaps, features, optimizers, schedules
from shaderplay.activations import ACTIVATIONS
from shaderplay.config import TrainConfig
from shaderplay.cpu.evaluator import CpuEvaluator, evaluate
from shaderplay.gpu.context import bind_default_framebuffer, make_current
from shaderplay.gpu.source import assemble
from shaderplay.kernels.activate import activate, activate_values
from shaderplay.network import Network
from shaderplay.resources import shader_dir
from shaderplay.spec import NORMS
from shaderplay.train import Trainer, lr_at
from shaderplay.view import View

ACTS = list(ACTIVATIONS.values())
CONFIG_FIELDS = {f.name for f in fields(TrainConfig)}
NUMERIC_FIELDS = [f.name for f in fields(TrainConfig) if type(f.default) in (int, float)]


def _ids(row):
    return row.name


# --- a fragment shader over a row of inputs -----------------------------------------------


@contextlib.contextmanager
def glsl_probe(ctx, tmp_path, include: str, cases):
    """A shader including shaders/`include` whose `u_which` picks one of `cases` ((code,
    GLSL statements) writing out0 and out1 from the texel z): yields run(code, data) ->
    (out0, out1), float64 arrays the length of the float32 `data` (4 floats a texel)."""
    import moderngl

    make_current(ctx)  # raw moderngl calls go to the current context
    shutil.copy(shader_dir() / include, tmp_path)
    shutil.copy(shader_dir() / "fullscreen.vert.glsl", tmp_path)
    switch = "\n".join(f"        case {code}: {body} break;" for code, body in cases)
    (tmp_path / "probe.frag.glsl").write_text(f"""#include "{include}"
uniform sampler2D u_z;
uniform int u_which;
layout(location = 0) out vec4 out0;
layout(location = 1) out vec4 out1;
void main() {{
    vec4 z = texelFetch(u_z, ivec2(gl_FragCoord.xy), 0);
    out0 = vec4(0.0);
    out1 = vec4(0.0);
    switch (u_which) {{
{switch}
    }}
}}
""")
    frag = assemble("probe.frag.glsl", {}, tmp_path)
    vert = assemble("fullscreen.vert.glsl", {}, tmp_path)
    program = ctx.program(vertex_shader=vert.text, fragment_shader=frag.text)
    vao = ctx.vertex_array(program, [])
    made = [vao, program]

    def run(code, data):
        width = len(data) // 4
        z_tex = ctx.texture((width, 1), 4, np.asarray(data, np.float32).tobytes(), dtype="f4")
        outs = [ctx.texture((width, 1), 4, dtype="f4") for _ in range(2)]
        fbo = ctx.framebuffer(color_attachments=outs)
        made.extend([fbo, *outs, z_tex])
        z_tex.use(0)
        program["u_z"].value = 0
        program["u_which"].value = code
        fbo.use()
        vao.render(moderngl.TRIANGLES, vertices=3)
        return tuple(
            np.frombuffer(fbo.read(components=4, attachment=k, dtype="f4"), np.float32).astype(
                np.float64
            )
            for k in range(2)
        )

    try:
        yield run
    finally:
        bind_default_framebuffer(ctx)
        for obj in reversed(made):
            obj.release()


# --- activations ------------------------------------------------------------------------

Z = np.concatenate([np.linspace(-6, 6, 241), [-30.0, -1e-3, 1e-3, 30.0]])
Z = Z[np.abs(Z) > 1e-9]  # keep off the kinks of relu/leaky/elu
# float32 inputs for the numba dispatch: dense over the interesting range, plus saturation
# and values near 0 (kinks, expm1, log1p).
Z32 = np.concatenate(
    [np.linspace(-6.0, 6.0, 481), [-40.0, -12.0, 12.0, 40.0, 0.0, 1e-4, -1e-4, 3e-7]]
).astype(np.float32)


@pytest.mark.parametrize("act", ACTS, ids=_ids)
def test_activation_numpy_matches_scalar(act):
    expected = np.array([act.f(float(z)) for z in Z])
    np.testing.assert_allclose(act.np_f(Z), expected, rtol=1e-6, atol=1e-6)
    expected_d = np.array([act.df(float(z)) for z in Z])
    np.testing.assert_allclose(act.np_df(Z), expected_d, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("act", ACTS, ids=_ids)
def test_activation_derivative_matches_finite_difference(act):
    h = 1e-6
    zs = [z for z in np.linspace(-4, 4, 81) if abs(z) > 1e-3]
    for z in zs:
        numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
        assert math.isclose(act.df(z), numeric, rel_tol=1e-5, abs_tol=1e-6), (act.name, z)


@pytest.mark.parametrize("act", ACTS, ids=_ids)
def test_activation_values_lie_in_the_rows_range(act):
    z = np.concatenate([np.linspace(-8, 8, 16001), [-1e5, -1e3, 1e3, 1e5]])
    v = act.np_f(z)
    assert act.lo <= v.min() and v.max() <= act.hi, (v.min(), v.max())
    # and the range is tight: a finite end is (nearly) reached, an infinite one left far behind
    assert v.min() <= act.lo + 0.01 if math.isfinite(act.lo) else v.min() < -100.0
    assert v.max() >= act.hi - 0.01 if math.isfinite(act.hi) else v.max() > 100.0
    assert act.probability == (act.lo >= 0.0 and act.hi <= 1.0)


@pytest.mark.parametrize("act", ACTS, ids=_ids)
def test_activation_numba_dispatch_matches_numpy(act):
    H, D = Z32.copy(), np.empty_like(Z32)
    activate(act.code, H, D)
    z = Z32.astype(np.float64)
    # float32 results: a few ulp of the value, or of 1 where the value is near 0.
    np.testing.assert_allclose(H, act.np_f(z), rtol=2e-6, atol=2e-6, err_msg=f"{act.name} f")
    np.testing.assert_allclose(D, act.np_df(z), rtol=2e-6, atol=2e-6, err_msg=f"{act.name} df")


@pytest.mark.parametrize("act", ACTS, ids=_ids)
def test_activation_forward_only_values_equal_the_trainers(act):
    """The renderer's evaluator skips derivatives; its values must be the trainer's, bit for bit."""
    H, D = Z32.copy(), np.empty_like(Z32)
    activate(act.code, H, D)
    V = np.concatenate([Z32, [np.nan, np.inf, -np.inf]]).astype(np.float32)
    mine = V.copy()
    activate_values(act.code, mine, np.empty_like(V))
    np.testing.assert_array_equal(mine[:-3], H)
    ref = V[-3:].copy()
    activate(act.code, ref, np.empty(3, np.float32))
    np.testing.assert_array_equal(mine[-3:], ref)  # NaN and inf handled alike too


def test_every_activation_has_a_glsl_function():
    source = (shader_dir() / "activations.glsl").read_text()
    for act in ACTS:
        assert f"float {act.glsl}(float z)" in source, act.name
        assert f"vec4 {act.glsl}(vec4 z)" in source, act.name


def test_glsl_activations_match_numpy(ctx, tmp_path):
    """Both overloads of every activation's GLSL on the same float32 inputs, large |z| too."""
    special = [0.0, 1e-8, -1e-8, 0.5, -0.5, 1.0, -1.0, 20.0, -20.0, 44.0, -44.0, 88.0, -88.0]
    z = np.concatenate([np.linspace(-12.0, 12.0, 1008), special, [100.0, -100.0, 3.0]])
    z = z.astype(np.float32)
    z64 = z.astype(np.float64)
    cases = [
        (
            a.code,
            f"out0 = {a.glsl}(z); "
            f"out1 = vec4({a.glsl}(z.x), {a.glsl}(z.y), {a.glsl}(z.z), {a.glsl}(z.w));",
        )
        for a in ACTS
    ]
    with glsl_probe(ctx, tmp_path, "activations.glsl", cases) as run:
        for act in ACTS:
            want = act.np_f(z64)
            for form, got in zip(("vec4", "float"), run(act.code, z)):
                assert np.all(np.isfinite(got)), (act.name, form, z[~np.isfinite(got)])
                # float32: relative error, plus slack growing with |z| (sin, cos of large z)
                tol = 2e-6 * np.abs(want) + 1e-6 * np.maximum(1.0, np.abs(z64))
                bad = np.abs(got - want) > tol
                assert not bad.any(), (act.name, form, z[bad][:5], got[bad][:5], want[bad][:5])


@pytest.mark.parametrize("act", [a for a in ACTS if a.torch], ids=_ids)
def test_activation_is_its_torch_module(act):
    torch = pytest.importorskip("torch")
    got = getattr(torch.nn, act.torch)()(torch.from_numpy(Z)).numpy()
    np.testing.assert_allclose(got, act.np_f(Z), rtol=1e-6, atol=1e-6)


# --- input features ---------------------------------------------------------------------

FIXED = list(features.FEATURES.values())
POINTS = np.random.default_rng(5).uniform(-3.0, 3.0, (512, 2))


def test_feature_numpy_forms_are_distinct_columns():
    cols = features.evaluate(list(features.FEATURES), POINTS, np.zeros((0, 2)), np.zeros(0))
    assert cols.shape == (len(POINTS), len(FIXED)) and np.all(np.isfinite(cols))
    for k, feat in enumerate(FIXED):
        np.testing.assert_array_equal(cols[:, k], feat.np_f(POINTS[:, 0], POINTS[:, 1]))
        assert feat.glsl == "feat_" + feat.name and feat.about
        for j in range(k):  # a row copied without its formula changed shows here
            assert not np.allclose(cols[:, k], cols[:, j]), (feat.name, FIXED[j].name)


@pytest.mark.parametrize("feat", FIXED, ids=_ids)
def test_feature_numba_dispatch_matches_numpy(feat):
    view, size = View((0.3, -0.8), 2.5, 1.2), (8, 6)
    net = Network.random((1, 1), output="linear", features=(feat.name,), seed=0)
    net.W(0)[:] = 1.0
    net.b(0)[:] = 0.0
    xy = view.grid(size).reshape(-1, 2)
    want = feat.np_f(xy[:, 0], xy[:, 1]).reshape(6, 8, 1)
    assert np.abs(evaluate(net, view, size) - want).max() <= 1e-5, feat.name


def test_glsl_features_match_numpy(ctx, tmp_path):
    source = (shader_dir() / "features.glsl").read_text()
    for feat in FIXED:
        assert f"float {feat.glsl}(vec2 p)" in source, feat.name
    cases = [
        (k, f"out0 = vec4({f.glsl}(z.xy), {f.glsl}(z.zw), 0.0, 0.0);") for k, f in enumerate(FIXED)
    ]
    p = POINTS.astype(np.float32)
    p64 = p.astype(np.float64)
    with glsl_probe(ctx, tmp_path, "features.glsl", cases) as run:
        for k, feat in enumerate(FIXED):
            got = run(k, p.ravel())[0].reshape(-1, 4)[:, :2].ravel()
            want = feat.np_f(p64[:, 0], p64[:, 1])
            tol = 2e-6 * np.abs(want) + 1e-6 * np.maximum(1.0, np.abs(p64).max(axis=1))
            bad = np.abs(got - want) > tol
            assert not bad.any(), (feat.name, p[bad][:3], got[bad][:3], want[bad][:3])


@pytest.mark.renderer(evaluator="shader")
def test_every_feature_reaches_the_network(renderer):
    # A linear layer holding the identity passes the features through: 16 outputs (4 passes' worth).
    feats = tuple(features.FEATURES)
    net = Network.random(
        [len(feats) + 4 + 2] + [len(feats) + 6],
        output="linear",
        features=feats,
        fourier=2,
        fourier_scale=1.5,
        latent=(0.25, -2.0),
        seed=3,
    )
    net.W(0)[:] = np.eye(len(feats) + 6)
    net.b(0)[:] = 0.0
    view, size = View((0.3, -0.2), 1.7, 1.3), (19, 13)
    renderer.set_network(net)
    got = renderer.values(view, size)
    want = net.input_features(view.grid(size).reshape(-1, 2)).reshape(13, 19, -1)
    assert got.shape == want.shape == (13, 19, 16)
    np.testing.assert_allclose(got, want, atol=2e-5, rtol=1e-5)
    np.testing.assert_allclose(evaluate(net, view, size), want, atol=2e-5, rtol=1e-5)  # numba


# --- norms ------------------------------------------------------------------------------


def _normed_net(norm):
    net = Network.random((2, 7, 5, 2), activation="relu", norm=norm, output="sigmoid", seed=4)
    rng = np.random.default_rng(1)
    for i, n in enumerate(net.spec.hidden):
        if norm != "none":
            net.norm_param(i, "gamma")[:] = rng.uniform(0.5, 1.5, n)
            net.norm_param(i, "beta")[:] = rng.normal(0.0, 0.3, n)
        if norm == "batchnorm":
            net.norm_param(i, "mean")[:] = rng.normal(0.0, 0.3, n)
            net.norm_param(i, "var")[:] = rng.uniform(0.3, 2.0, n)
    return net


@pytest.mark.parametrize("norm", NORMS)
def test_norm_numba_matches_numpy(norm):
    net = _normed_net(norm)
    view, size = View.from_domain(-3, 2, -1, 4), (23, 17)
    layers = net.forward_layers(view.grid(size).reshape(-1, 2))
    ev = CpuEvaluator(net.spec)
    for layer in range(net.spec.depth):  # before and after the activation: the norm's output
        for pre in (False, True):
            got = ev.values(net.params, view, size, layer, pre).reshape(
                -1, net.spec.sizes[layer + 1]
            )
            assert np.abs(got - layers[layer][int(not pre)]).max() <= 1e-4, (layer, pre)


@pytest.mark.renderer(evaluator="shader")  # the GLSL path, also on software GL
@pytest.mark.parametrize("norm", NORMS)
def test_norm_glsl_matches_numpy(renderer, norm):
    net = _normed_net(norm)
    view, size = View.from_domain(-3, 2, -1, 4), (23, 17)
    renderer.set_network(net)
    want = net.forward(view.grid(size).reshape(-1, 2)).reshape(17, 23, -1)
    assert np.abs(renderer.values(view, size) - want).max() <= 1e-4


# --- colormaps --------------------------------------------------------------------------


@pytest.mark.parametrize("name", colormaps.NAMES)
def test_colormap_lookup_table(name):
    banded = name.endswith("_bands")
    base = colormaps.BASE[name.removesuffix("_bands")]
    assert base.about and all(re.fullmatch(r"#[0-9a-f]{6}", a) for a in base.anchors)
    table = colormaps.lut(name)
    assert table.shape == (colormaps.LUT_SIZE, 3) and table.dtype == np.uint8
    assert not table.flags.writeable
    colours = {tuple(c) for c in table}
    if banded:  # flat bands, each with a darker contour line at its lower edge
        assert colormaps.BANDS < len(colours) <= 2 * colormaps.BANDS
    else:  # a smooth ramp from the first anchor to the last, nearly every entry its own colour
        assert len(colours) > 200
        for entry, anchor in ((table[0], base.anchors[0]), (table[-1], base.anchors[-1])):
            rgb = np.array([int(anchor[i : i + 2], 16) for i in (1, 3, 5)])
            assert np.abs(entry.astype(int) - rgb).max() <= 8, (name, entry, anchor)
    np.testing.assert_array_equal(colormaps.apply(name, [0.0, 1.0]), table[[0, -1]] / 255.0)


# --- optimisers -------------------------------------------------------------------------

OPTS = list(optimizers.OPTIMIZERS.values())


def _changed(value):
    """Another valid value of a setting, far enough away to show in a few float32 steps."""
    if isinstance(value, int):
        return value + 2  # train.threads allows 0..4
    return value / 2 if value >= 0.01 else 0.1


def _read_by(rows, outcome, base) -> None:
    """Each numeric TrainConfig field changes `outcome(row, config)` for exactly the rows
    that list it in `fields`, unless it changes it for every row (lr: no row lists it)."""
    want = {row.name: outcome(row, base) for row in rows}
    for name in NUMERIC_FIELDS:
        config = replace(base, **{name: _changed(getattr(base, name))})
        changed = {
            row.name for row in rows if not np.array_equal(outcome(row, config), want[row.name])
        }
        listed = {row.name for row in rows if name in row.fields}
        assert changed == listed or (len(changed) == len(rows) and not listed), (name, changed)


def _small_trainer(**settings):
    """A trainer of a small net on 12 random samples."""
    rng = np.random.default_rng(0)
    X, Y = rng.uniform(-1, 1, (12, 2)), rng.uniform(0, 1, (12, 2))
    net = Network.random(
        (2, 4, 2), activation="tanh", output="linear", bias_init="uniform", bias_scale=0.3, seed=3
    )
    return Trainer(net, (X, Y), **settings)


def _three_steps(opt, config) -> np.ndarray:
    """The trainable weights of `_small_trainer` after three steps of optimiser `opt`."""
    trainer = _small_trainer(config=replace(config, optimizer=opt.name))
    trainer.run(3)
    return trainer.net.trainable.copy()


@pytest.mark.parametrize("opt", OPTS, ids=_ids)
def test_optimizer_row(opt):
    assert opt.code == OPTS.index(opt) and opt.about
    assert 0 <= opt.slots <= optimizers.MAX_SLOTS
    assert set(opt.fields) <= CONFIG_FIELDS - {"lr", "weight_decay"}, opt.fields
    kwargs = opt.torch_kwargs(TrainConfig())  # every field the torch arguments name exists
    assert kwargs["lr"] == TrainConfig().lr


@pytest.mark.parametrize("opt", OPTS, ids=_ids)
def test_optimizer_kernel_moves_the_weights_and_keeps_its_slots(opt):
    # A row without a branch in train/optim.py fails its first step: the guard stops it.
    trainer = _small_trainer(optimizer=opt.name, lr=0.01, weight_decay=0.01, batch_size=12)
    before = trainer.net.trainable.copy()
    trainer.run(3)
    assert trainer.step == 3 and trainer.diverged is None
    weights = trainer.net.trainable
    assert np.all(np.isfinite(weights)) and not np.array_equal(weights, before)
    n = trainer.net.layout.n_trainable
    state = trainer._state.reshape(-1, n)
    assert len(state) == optimizers.MAX_SLOTS
    for k, slot in enumerate(state):
        assert np.any(slot != 0.0) == (k < opt.slots), (opt.name, k)


def test_optimizers_read_exactly_their_fields():
    # batch size 1: the seed picks other samples for every optimiser, not only a new order
    _read_by(OPTS, _three_steps, TrainConfig(lr=0.01, weight_decay=0.01, batch_size=1))


@pytest.mark.parametrize("opt", OPTS, ids=_ids)
def test_optimizer_steps_like_torch(opt):
    torch = pytest.importorskip("torch", reason="the torch comparison needs PyTorch")
    torch.set_num_threads(1)
    config = TrainConfig(optimizer=opt.name, lr=0.01, weight_decay=0.01)
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (32, 2)).astype(np.float32)
    Y = (X[:, :1] * X[:, 1:] > 0).astype(np.float32)
    net = Network.random((2, 8, 8, 1), activation="tanh", output="linear", seed=2)
    model = torch_model(net)
    topt = getattr(torch.optim, opt.torch)(model.parameters(), **opt.torch_kwargs(config))
    xt, yt = torch.from_numpy(X), torch.from_numpy(Y)
    for _ in range(20):
        topt.zero_grad()
        torch.nn.MSELoss()(model(xt), yt).backward()
        topt.step()
    Trainer(net, (X, Y), config=config, batch_size=len(X)).run(20)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    for i, lin in enumerate(linears):
        np.testing.assert_allclose(net.W(i), lin.weight.detach().numpy(), rtol=1e-4, atol=2e-5)
        np.testing.assert_allclose(net.b(i), lin.bias.detach().numpy(), rtol=1e-4, atol=2e-5)


# --- learning-rate schedules ------------------------------------------------------------

SCHEDS = list(schedules.SCHEDULES.values())
# Short periods, so every schedule changes within a few dozen steps.
SCHED_CONFIG = TrainConfig(
    lr=0.1, step_size=7, gamma=0.9, cosine_steps=50, restart_period=10, lr_min=0.001
)


@pytest.mark.parametrize("sched", SCHEDS, ids=_ids)
def test_schedule_row(sched):
    assert sched.code == SCHEDS.index(sched) and sched.about
    assert set(sched.fields) <= CONFIG_FIELDS - {"lr", "warmup_steps"}, sched.fields
    sched.torch_kwargs(TrainConfig())  # every field the torch arguments name exists


def test_schedules_read_exactly_their_fields():
    def curve(sched, config):
        return lr_at(replace(config, schedule=sched.name), np.arange(120))

    _read_by(SCHEDS, curve, SCHED_CONFIG)


@pytest.mark.parametrize("sched", SCHEDS, ids=_ids)
def test_kernel_uses_the_same_schedule(sched):
    rng = np.random.default_rng(0)
    X, Y = rng.uniform(-1, 1, (64, 2)), rng.uniform(0, 1, (64, 1))
    net = Network.random((2, 4, 1), activation="tanh", output="sigmoid", seed=0)
    settings = dict(
        lr=0.05,
        warmup_steps=5,
        schedule=sched.name,
        step_size=4,
        gamma=0.8,
        cosine_steps=20,
        restart_period=7,
        restart_mult=2,
        lr_min=0.001,
        chunk_steps=3,
    )
    trainer = Trainer(net, (X, Y), optimizer="sgd", batch_size=16, **settings)
    expected = lr_at(trainer.config, np.arange(40))
    seen = []
    trainer.run(40, callback=lambda t: seen.append((t.step, t.latest().lr)))
    assert len(seen) == 14  # 40 steps in chunks of 3
    for step, lr in seen:
        assert lr == pytest.approx(expected[step - 1], rel=1e-12)  # lr of the last step taken


@pytest.mark.parametrize("sched", SCHEDS, ids=_ids)
def test_schedule_like_torch(sched):
    torch = pytest.importorskip("torch", reason="the torch comparison needs PyTorch")
    config = replace(SCHED_CONFIG, schedule=sched.name)
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=config.lr)
    if sched.torch is not None:
        scheduler = getattr(torch.optim.lr_scheduler, sched.torch)(
            opt, **sched.torch_kwargs(config)
        )
    # Up to cosine_steps: past it torch's cosine rises again where ours holds lr_min.
    steps = config.cosine_steps + 1
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if sched.torch is not None:
            scheduler.step()
    np.testing.assert_allclose(lr_at(config, np.arange(steps)), lrs, rtol=1e-9, atol=1e-12)
