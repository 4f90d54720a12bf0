"""The exported Shadertoy shader, compiled here (wrapped as Shadertoy does, in
GLSL 3.30 and in GLSL ES 3.00): its pixels against the NumPy oracle and
against the renderer's own picture; the CLI; bad input."""

import re

import numpy as np
import pytest

from shaderplay import Network
from shaderplay.cli import main
from shaderplay.colormaps import apply
from shaderplay.errors import ShaderplayError
from shaderplay.export import MAX_VEC4, export_network, export_source, run_exported
from shaderplay.gpu.layout import GpuLayout
from shaderplay.view import View

TOL = 1e-4


def _norms(net, seed):
    rng = np.random.default_rng(seed)
    for i, norm in enumerate(net.spec.norms):
        if norm != "none":
            n = net.spec.hidden[i]
            net.norm_param(i, "gamma")[:] = rng.uniform(0.5, 1.5, n)
            net.norm_param(i, "beta")[:] = rng.normal(0.0, 0.3, n)
    return net


def _oracle(net, view, size):
    w, h = size
    return net.forward(view.grid(size).reshape(-1, 2)).reshape(h, w, -1)


# 2 or 3 outputs come out as RG(B): the float picture is the network's output
# itself, mapped from the output activation's range, at full precision.
@pytest.mark.parametrize(
    "glsl, sizes, kw",
    [
        ("330", (2, 24, 12, 3), dict(activation="tanh", output="sigmoid")),
        (
            "es",
            (2, 16, 16, 16, 3),
            dict(activation="relu", output="tanh", bias_init="uniform", bias_scale=0.5),
        ),
        (
            "330",
            (3, 20, 20, 2),
            dict(
                activation=["sigmoid", "gelu"],
                output="sigmoid",
                norm="layernorm",
                features=("x", "y", "r"),
            ),
        ),
        (
            "es",
            (5, 9, 3),
            dict(activation="sin", output="sigmoid", fourier=1, latent=(0.7,), norm="batchnorm"),
        ),
    ],
)
def test_exported_shader_reproduces_the_network(ctx, tmp_path, glsl, sizes, kw):
    net = _norms(Network.random(sizes, scale=2.0, seed=len(sizes), **kw), 1)
    view = View.from_domain(-1.7, 0.9, -0.6, 1.4)
    size = (23, 17)
    path = export_network(net, tmp_path / "net.glsl", view)
    got = run_exported(path, size, ctx=ctx, dtype="f4", glsl=glsl)
    lo, hi = (-1.0, 1.0) if net.spec.output_activation == "tanh" else (0.0, 1.0)
    want = np.clip((_oracle(net, view, size) - lo) / (hi - lo), 0.0, 1.0)
    n = net.spec.n_out
    assert np.abs(got[..., :n] - want).max() <= TOL
    assert np.all(got[..., 3] == 1.0) and (n == 3 or np.all(got[..., 2] == 0.0))


@pytest.mark.parametrize(
    "glsl, colormap, square", [("330", "viridis", False), ("es", "magma_bands", True)]
)
def test_one_output_matches_the_renderers_picture(ctx, renderer, tmp_path, glsl, colormap, square):
    net = Network.random(
        (2, 16, 16, 16, 1),
        activation="relu",
        output="sigmoid",
        scale=2.0,
        bias_init="uniform",
        bias_scale=0.5,
        seed=7,
    )
    view = View((0.3, -0.2), 1.5, None if square else 1.3)
    size = (31, 19)
    path = export_network(net, tmp_path / "one.glsl", view, colormap)
    got = run_exported(path, size, ctx=ctx, glsl=glsl)
    renderer.set_network(net)
    shown = renderer.image(view, size, colormap=colormap)
    # Both look the value up in the same 256-entry table; a pixel within float
    # rounding of an entry's edge may take the neighbouring entry.
    assert np.mean(np.any(got != shown, axis=2)) <= 0.01
    table = apply(colormap, (np.arange(256) + 0.5) / 256)
    step = np.abs(np.diff(table, axis=0)).max()
    assert np.abs(got.astype(int) - shown).max() <= round(255 * step) + 1
    assert got.std() > 20  # a picture, not a flat colour


def test_exported_text_is_shadertoy_shaped():
    net = Network.random((2, 8, 8, 1), seed=0)
    text = export_source(net, View.from_domain(-2, 2, -1, 1))
    assert "void mainImage(out vec4 fragColor, in vec2 fragCoord)" in text
    code = re.sub(r"//.*", "", text)
    for banned in ("#include", "#line", "#version", "uniform ", "layout(", "texelFetch"):
        assert banned not in code, banned
    assert "#define SP_VIEW_CENTRE vec2(0.0, 0.0)" in text
    assert "#define SP_VIEW_ASPECT 2.0" in text
    # Every weight is written so that it reads back as the same float32.
    array = re.search(r"sp_params\[SP_PARAM_VEC4\] = vec4\[SP_PARAM_VEC4\]\((.*?)\);", text, re.S)
    packed = array.group(1).replace("vec4(0.0)", "0,0,0,0").replace("vec4", "")
    numbers = [float(v) for v in re.findall(r"-?\d[\d.]*(?:e[-+]\d+)?", packed)]
    assert sorted(set(np.float32(numbers)) - {0.0}) == sorted(set(net.params) - {0.0})


def test_bad_input_is_refused_with_a_clear_message(ctx, tmp_path):
    with pytest.raises(ShaderplayError, match="no such file"):
        run_exported(tmp_path / "missing.glsl", (8, 8), ctx=ctx)
    (tmp_path / "plain.glsl").write_text("void main() {}\n")
    with pytest.raises(ShaderplayError, match="defines no mainImage"):
        run_exported(tmp_path / "plain.glsl", (8, 8), ctx=ctx)
    (tmp_path / "broken.glsl").write_text("void mainImage(out vec4 c, in vec2 p) { c = vec4(p); \n")
    with pytest.raises(ShaderplayError, match=r"broken.glsl: does not compile as GLSL 330"):
        run_exported(tmp_path / "broken.glsl", (8, 8), ctx=ctx)
    wide = Network.random((2, 400, 400, 1), seed=0)
    assert GpuLayout.of(wide.spec).n_vec4 > MAX_VEC4
    with pytest.raises(ShaderplayError, match=f"at most {MAX_VEC4} packed vec4s"):
        export_source(wide)
    diverged = Network.random((2, 4, 1), seed=0)
    diverged.params[0] = np.nan
    with pytest.raises(ShaderplayError, match="NaN or Inf"):
        export_source(diverged)
    with pytest.raises(ShaderplayError, match="n_out"):
        export_source(Network.random((2, 4, 5), seed=0))
    with pytest.raises(ShaderplayError, match="colormap"):
        export_source(Network.random((2, 4, 1), seed=0), colormap="rainbow")


def test_cli_exports_and_previews(ctx, tmp_path, capsys):
    net_path = tmp_path / "net.npz"
    net = Network.random((2, 12, 12, 1), activation="tanh", output="sigmoid", scale=2.0, seed=3)
    net.save(net_path)
    out, preview = tmp_path / "net.glsl", tmp_path / "net.png"
    assert (
        main(
            [
                "export",
                str(net_path),
                "-o",
                str(out),
                "--view",
                "-2,2,-1,1",
                "--preview",
                str(preview),
                "--size",
                "24x12",
            ]
        )
        == 0
    )
    assert out.is_file() and preview.is_file()
    assert "SP_VIEW_ASPECT 2.0" in out.read_text()
    assert "wrote" in capsys.readouterr().out
    (tmp_path / "junk.npz").write_bytes(b"not a zip file")
    assert main(["export", str(tmp_path / "junk.npz"), "-o", str(out)]) == 2
    assert "not a readable .npz file" in capsys.readouterr().err
    assert main(["export", str(net_path), "-o", str(tmp_path / "nowhere" / "x.glsl")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_export_to_a_place_it_cannot_write_is_one_clear_error(tmp_path, capsys):
    net_path = tmp_path / "net.npz"
    Network.random((2, 4, 1), seed=0).save(net_path)
    for out in (tmp_path / "missing" / "net.glsl", tmp_path):
        assert main(["export", str(net_path), "-o", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("shaderplay: -o: got") and "Traceback" not in err
    assert (
        main(
            [
                "export",
                str(net_path),
                "-o",
                str(tmp_path / "ok.glsl"),
                "--preview",
                str(tmp_path / "nowhere" / "p.png"),
            ]
        )
        == 2
    )
    assert "--preview" in capsys.readouterr().err and not (tmp_path / "ok.glsl").exists()
