"""Shader assembly, the GPU parameter layout and the storage plan, as plain
strings and arrays: no GPU needed."""

import numpy as np
import pytest

from shaderplay import Network, NetworkSpec
from shaderplay.activations import ACTIVATIONS
from shaderplay.errors import ShaderplayError
from shaderplay.gpu.layout import LOOP_BUDGET, GpuLayout, Packer
from shaderplay.gpu.source import (
    LINE_BLOCK,
    MIN_STATE4,
    assemble,
    explain_compile_error,
    input_code,
    network_defines,
    network_source,
)
from shaderplay.gpu.storage import plan_storage


def _write(root, name, text):
    (root / name).write_text(text)


def test_includes_resolve_once_with_line_directives(tmp_path):
    _write(tmp_path, "a.glsl", "// a\nfloat a() { return 1.0; }\n")
    _write(tmp_path, "b.glsl", '#include "a.glsl"\nfloat b() { return a(); }\n')
    _write(tmp_path, "main.glsl", 'line1\n#include "a.glsl"\n#include "b.glsl"\nline4\n')
    src = assemble("main.glsl", {"N": 3}, tmp_path)
    lines = src.text.splitlines()
    assert lines[0] == "#version 330 core" and lines[1] == "#line 1 0" and lines[2] == "#define N 3"
    assert [name for name, _ in src.files] == ["<defines>", "main.glsl", "a.glsl", "b.glsl"]
    assert src.text.count("float a()") == 1  # included once
    # File k's lines count from k * LINE_BLOCK + 1 (Mesa reports no file number);
    # after each include, numbering resumes at the next line of the includer.
    assert lines[lines.index("line4") - 1] == f"#line {LINE_BLOCK + 4} 1"
    assert f"#line {2 * LINE_BLOCK + 1} 2" in lines and f"#line {3 * LINE_BLOCK + 1} 3" in lines


def test_missing_include_names_file_and_parent(tmp_path):
    _write(tmp_path, "main.glsl", '#include "nope.glsl"\n')
    with pytest.raises(ShaderplayError, match=r"nope.glsl \(included from main.glsl\)"):
        assemble("main.glsl", {}, tmp_path)


def test_excerpt_numbers_real_file_lines(tmp_path):
    _write(tmp_path, "main.glsl", "one\ntwo\nthree\nfour\nfive\n")
    src = assemble("main.glsl", {}, tmp_path)
    text = src.excerpt(1, 3, context=1)
    assert text.splitlines() == ["     2 | two", ">    3 | three", "     4 | four"]


def test_network_defines_come_from_the_spec():
    net = Network.random(
        (2, 5, 9, 3),
        activation=["relu", "gcu"],
        output="sigmoid",
        norm=["layernorm", "none"],
        features=("x", "y"),
        seed=0,
    )
    layout = GpuLayout.of(net.spec)
    d = network_defines(net.spec, layout, 2)
    assert d["SP_LAYERS"] == 3 and d["SP_UNROLL"] == 2
    assert d["SP_IN4"] == "1, 2, 3" and d["SP_OUT4"] == "2, 3, 1" and d["SP_NOUT"] == "5, 9, 3"
    assert d["SP_MAX4"] == max(3, MIN_STATE4)
    assert d["SP_NORM"] == "1, 0, 0"
    codes = [ACTIVATIONS[a].code for a in ("relu", "gcu", "sigmoid")]
    assert d["SP_ACT"] == ", ".join(map(str, codes))
    for a in ("relu", "gcu", "sigmoid"):
        assert f"return act_{a}(z);" in d["SP_ACTIVATE_CASES"]
    assert "act_tanh" not in d["SP_ACTIVATE_CASES"]


def test_input_code_packs_features_four_to_a_vec4():
    net = Network.random(
        (7, 4, 1), features=("x", "r", "sinx"), fourier=1, latent=(0.5, -1.0), seed=0
    )
    code = input_code(net.spec)
    assert code == (
        "sp_h[0] = vec4(feat_x(p), feat_r(p), feat_sinx(p), sp_fsin(0, p)); "
        "sp_h[1] = vec4(sp_fcos(0, p), sp_latent(0), sp_latent(1), 0.0);"
    )


def test_network_source_is_cached_per_spec():
    a = Network.random((2, 8, 1), seed=0)
    b = Network.random((2, 8, 1), seed=5)  # same architecture, other weights
    storage = (("SP_STORAGE_TEXTURE", 0), ("SP_PARAM_VEC4", 64))
    sa = network_source("output.frag.glsl", a.spec, 1, storage, (("SP_ATTACHMENTS", 1),))
    sb = network_source("output.frag.glsl", b.spec, 1, storage, (("SP_ATTACHMENTS", 1),))
    assert sa is sb
    assert "#define SP_PARAM_VEC4 64" in sa.text and "uniform SpParams" in sa.text
    assert "#include" not in sa.text


def _emulate(layout: GpuLayout, packed: np.ndarray, net: Network, xy: np.ndarray) -> np.ndarray:
    """What shaders/network.glsl computes, in NumPy, reading only the packed buffer."""
    from shaderplay import activations
    from shaderplay.spec import NORMS

    vec4 = packed.reshape(-1, 4).astype(np.float64)
    feats = net.input_features(xy)
    h = np.zeros((len(xy), 4 * layout.layers[0].in4))
    h[:, : feats.shape[1]] = feats
    for gl, act in zip(layout.layers, net.spec.layer_activations):
        blocks = vec4[gl.w : gl.w + 4 * gl.in4 * gl.out4].reshape(
            gl.out4, gl.in4, 4, 4
        )  # j, i, column, row
        W = blocks.transpose(0, 3, 1, 2).reshape(4 * gl.out4, 4 * gl.in4)
        z = h @ W.T + vec4[gl.b : gl.b + gl.out4].ravel()
        if NORMS[gl.norm] == "layernorm":
            real = z[:, : gl.n_out]
            z = (z - real.mean(1, keepdims=True)) / np.sqrt(real.var(1, keepdims=True) + 1e-5)
            z = (
                z * vec4[gl.gamma : gl.gamma + gl.out4].ravel()
                + vec4[gl.beta : gl.beta + gl.out4].ravel()
            )
        h = activations.ACTIVATIONS[act].np_f(z)
    return h[:, : net.spec.n_out]


@pytest.mark.parametrize(
    "sizes, kw",
    [
        ((2, 5, 9, 3), dict(norm="layernorm")),
        ((5, 30, 30, 1), dict(fourier=1, latent=(0.3,), features=("x", "y"))),
        ((2, 1, 2), {}),
    ],
)
def test_packed_layout_reproduces_forward(sizes, kw):
    net = Network.random(sizes, activation="tanh", seed=2, **kw)
    if kw.get("norm") == "layernorm":
        net.norm_param(0, "gamma")[:] = np.linspace(0.5, 2.0, sizes[1])
        net.norm_param(0, "beta")[:] = 0.1
    packer = Packer(net.spec)
    packed = packer.pack(net.params)
    xy = np.random.default_rng(0).uniform(-1, 1, (20, 2))
    np.testing.assert_allclose(_emulate(packer.layout, packed, net, xy), net.forward(xy), atol=1e-6)


def test_pack_is_one_scatter_and_padding_stays_zero():
    net = Network.random((2, 3, 1), seed=0)
    packer = Packer(net.spec, capacity_vec4=64)
    packed = packer.pack(net.params)
    assert packed.size == 256
    assert np.count_nonzero(packed) == np.count_nonzero(net.params)
    net.params[:] = 7.0
    packed = packer.pack(net.params)
    assert np.count_nonzero(packed) == net.layout.n_trainable  # every parameter lands, nothing else


def test_unroll_keeps_wide_deep_nets_within_llvmpipe_loop_budget():
    def spec(widths):
        return NetworkSpec(hidden=widths, activations=("tanh",) * len(widths), n_out=3)

    wide = GpuLayout.of(spec((400,) * 14))
    deep = GpuLayout.of(spec((30,) * 40))
    assert wide.loop_iterations(1) > 65535  # what gave wrong pixels
    assert wide.choose_unroll() > 1 and wide.loop_iterations(wide.choose_unroll()) <= LOOP_BUDGET
    assert deep.choose_unroll() == 1
    huge = GpuLayout.of(spec((4096, 4096)))
    assert huge.choose_unroll() == 0


def test_storage_plan():
    assert plan_storage(100, 65536, 16384).kind == "uniform"
    assert plan_storage(4096, 65536, 16384).kind == "uniform"
    tex = plan_storage(4097, 65536, 16384)
    assert (
        tex.kind == "texture"
        and tex.tex_width == 4096
        and tex.tex_height == 2
        and tex.n_vec4 == 8192
    )
    small = plan_storage(10, 65536, 16384, prefer="texture")
    assert small.kind == "texture" and small.tex_width == 16 and small.n_vec4 == 16
    assert dict(tex.defines())["SP_TEX_SHIFT"] == 12
    with pytest.raises(ShaderplayError, match="GL_MAX_UNIFORM_BLOCK_SIZE = 16384"):
        plan_storage(5000, 16384, 16384, prefer="uniform")
    with pytest.raises(ShaderplayError, match="storage: got 'ssbo'"):
        plan_storage(10, 65536, 16384, prefer="ssbo")
    with pytest.raises(ShaderplayError, match="GL_MAX_TEXTURE_SIZE"):
        plan_storage(10**8, 65536, 1024)


def test_driver_logs_map_back_to_files(tmp_path):
    _write(tmp_path, "lib.glsl", "float f() {\n  return 1.0\n}\n")
    _write(tmp_path, "main.glsl", '#include "lib.glsl"\nvoid main() {}\n')
    src = assemble("main.glsl", {"A": 1}, tmp_path)
    number = [n for n, _ in src.files].index("lib.glsl")
    line = number * LINE_BLOCK + 3
    for log in (
        f"0:{line}(1): error: syntax error, unexpected '}}'",  # Mesa: source number always 0
        f"{number}({line}) : error C0000: syntax error, unexpected '}}'",  # NVIDIA
        f"ERROR: {number}:{line}: '}}' : syntax error",
    ):  # AMD / Intel
        err = explain_compile_error(
            "GLSL Compiler failed\n\nfragment_shader\n=====\n" + log,
            {"vertex_shader": src, "fragment_shader": src},
            "TestGL",
        )
        text = str(err)
        assert (
            "lib.glsl:3" in text and "fragment shader" in text and "previous program stays" in text
        )
        assert ">    3 | }" in text and "     2 |   return 1.0" in text
    unknown = explain_compile_error("link failed: something odd", {"fragment_shader": src})
    assert "something odd" in str(unknown)
