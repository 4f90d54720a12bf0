"""A network as one self-contained fragment shader: weights baked in as a
const vec4 array, Shadertoy's `mainImage` as the entry point, GLSL ES 3.00
syntax (no #include, no #line, no uniform blocks, no uniforms of its own).

The file is the renderer's own shader pieces (shaders/network.glsl and what
it includes, joined by gpu/source.py) under shaders/export.frag.glsl, with
the constants written above them: the network's #defines, the packed
parameters (gpu/layout.py's vec4 layout), the view, the value range and,
for one output, the colormap's 256-entry table. It shows what
`Renderer.image()` shows for the same view: the view is baked in as centre,
scale and aspect, so on a canvas of another shape the domain stretches with
it (aspect 0: square pixels, the width follows the canvas).

`run_exported(path, size)` runs such a file here, wrapped as Shadertoy does
(its uniforms, then `main()` calling `mainImage` at each pixel centre), in
GLSL 3.30 core or GLSL ES 3.00 (`glsl="es"`, what Shadertoy compiles).
Pictures come back with row 0 at the top.
"""

from pathlib import Path

import numpy as np

from . import colormaps
from .checks import atomic_file
from .errors import ShaderplayError, bad_value, choose
from .gpu.layout import GpuLayout, Packer
from .gpu.source import assemble, network_defines
from .modes import MODES
from .network import Network
from .view import View, parse_size

ENTRY = "export.frag.glsl"
# The weights are one const array. Drivers keep it in uniform/constant space,
# 4096 vec4s on common ones (Mesa: GL_MAX_FRAGMENT_UNIFORM_VECTORS; D3D11, under
# ANGLE in browsers: the immediate constant buffer); beyond that llvmpipe
# compiled a 7000-vec4 net for over 10 minutes. Bigger networks are refused.
MAX_VEC4 = 4096
GLSL = {
    "330": "#version 330 core\n",
    "es": "#version 300 es\nprecision highp float;\nprecision highp int;\n",
}
# The inputs Shadertoy gives every shader (the exported one reads iResolution and iFrame).
SHADERTOY_UNIFORMS = "".join(
    f"uniform {decl};\n"
    for decl in (
        "vec3 iResolution",
        "float iTime",
        "float iTimeDelta",
        "float iFrameRate",
        "int iFrame",
        "vec4 iMouse",
        "vec4 iDate",
    )
)
_WRAPPER_MAIN = (
    "out vec4 sp_fragColor;\n{text}\nvoid main() {{ mainImage(sp_fragColor, gl_FragCoord.xy); }}\n"
)


def _literal(value) -> str:
    """Shortest decimal that reads back as the same float32, in GLSL float syntax."""
    v = np.float32(value)
    if v == 0:
        return "0.0"
    if 1e-4 <= abs(v) < 1e7:
        return np.format_float_positional(v, unique=True, trim="0")
    return np.format_float_scientific(v, unique=True, trim="0")


def _vec4s(packed: np.ndarray) -> str:
    items = [
        "vec4(0.0)" if not row.any() else f"vec4({', '.join(map(_literal, row))})"
        for row in packed.reshape(-1, 4)
    ]
    return ",\n".join("    " + ", ".join(items[k : k + 4]) for k in range(0, len(items), 4))


def _lut(colormap: str) -> str:
    rows = [
        f"vec3({r / 255:.6f}, {g / 255:.6f}, {b / 255:.6f})" for r, g, b in colormaps.lut(colormap)
    ]
    return ",\n".join("    " + ", ".join(rows[k : k + 4]) for k in range(0, len(rows), 4))


def _view_defines(view: View) -> dict:
    cx, cy = view.centre
    return {
        "SP_VIEW_CENTRE": f"vec2({_literal(cx)}, {_literal(cy)})",
        "SP_VIEW_SCALE": _literal(view.scale),
        "SP_VIEW_ASPECT": _literal(view.aspect or 0.0)
        + "  // domain width / height; 0.0: follow the canvas",
    }


def _summary(net: Network, view: View, colormap: str, value_range, name: str) -> str:
    spec = net.spec
    norms = ", ".join(spec.norms) if any(n != "none" for n in spec.norms) else "none"
    xmin, xmax, ymin, ymax = view.domain_for((1, 1)) if view.aspect is None else view.domain
    if spec.n_out == 1:
        shown = f"through the {colormap} colormap"
    else:
        shown = ("as RG", "as RGB")[spec.n_out - 2]
    follows = " (width follows the canvas)" if view.aspect is None else ""
    return "\n".join(
        [
            f"// {name or 'network'}: exported by shaderplay (an MLP evaluated at every pixel).",
            (
                f"// sizes {'-'.join(map(str, spec.sizes))}, "
                f"activations {', '.join(spec.layer_activations)},"
            ),
            f"// features {', '.join(spec.features)}, norms {norms}; {net.param_count} parameters.",
            f"// View x in [{xmin:g}, {xmax:g}], y in [{ymin:g}, {ymax:g}]{follows};",
            f"// outputs {value_range[0]:g}..{value_range[1]:g} shown {shown}.",
            "// Paste the whole file into the Image tab of https://www.shadertoy.com/new, or run",
            "// it with shaderplay.export.run_exported(path, size). Edit SP_VIEW_* to pan/zoom.",
        ]
    )


def _plain_glsl(source, skip=()) -> str:
    """The assembled text without #version and #line (Shadertoy adds its own
    #version; GLSL ES #line takes no file numbers), leaving out the files
    named in `skip` (found by the #line directives that mark each file)."""
    names = [name for name, _ in source.files]
    lines, current = [], None
    for line in source.text.splitlines()[1:]:
        if line.startswith("#line"):
            current = names[int(line.split()[2])]
        elif current not in skip:
            lines.append(line)
    return "\n".join(lines).strip("\n")


def export_source(
    net: Network, view=None, colormap: str = "viridis", value_range=None, name: str = ""
) -> str:
    """The exported shader's text for `net` shown on `view` (default the square [-1, 1]^2).

    `value_range` (lo, hi) is the output value shown as the two ends of the
    colormap (default: the output activation's range, as the renderer's).
    """
    if not isinstance(net, Network):
        raise bad_value("network", type(net).__name__, "a shaderplay Network")
    view = View.from_domain(-1, 1, -1, 1) if view is None else View.coerce(view)
    choose("colormap", colormap, colormaps.NAMES)
    if net.spec.n_out > 3:
        raise bad_value(
            "network n_out",
            net.spec.n_out,
            "1 (colormap), 2 or 3 (RGB) outputs for "
            "export; class colours of a classifier are not exported",
        )
    lo, hi = MODES["output"].default_range((), net.spec) if value_range is None else value_range
    if not (np.isfinite(lo) and np.isfinite(hi) and lo != hi):
        raise bad_value(
            "range",
            value_range,
            "two different finite numbers (value shown as 0, value shown as 1)",
        )
    if not np.all(np.isfinite(net.params)):
        raise ShaderplayError(
            "network: its parameters hold NaN or Inf values; allowed: a finite "
            "network (a diverged training run cannot be exported)."
        )
    layout = GpuLayout.of(net.spec)
    unroll = layout.choose_unroll()
    if unroll == 0 or layout.n_vec4 > MAX_VEC4:
        raise ShaderplayError(
            f"network size: got {net.param_count} parameters ({layout.n_vec4} packed vec4s, "
            f"{layout.macs()} multiply-adds per pixel); allowed for export: at most {MAX_VEC4} "
            "packed vec4s (e.g. 4 hidden layers of 64 or 14 of 30 units): the weights become one "
            "constant array, and shader compilers keep at most that many in constant memory."
        )
    defines = {
        **_view_defines(view),
        "SP_RANGE": f"vec2({_literal(lo)}, {_literal(hi)})",
        "SP_CHANNELS": min(net.spec.n_out, 3),
        **network_defines(net.spec, layout, unroll),
        "SP_PARAM_VEC4": layout.n_vec4,
    }
    packed = Packer(net.spec).pack(net.params)
    parts = [
        _summary(net, view, colormap, (lo, hi), name),
        "".join(f"#define {k} {v}\n" for k, v in defines.items()).rstrip("\n"),
        f"const vec4 sp_params[SP_PARAM_VEC4] = vec4[SP_PARAM_VEC4](\n{_vec4s(packed)});",
    ]
    if net.spec.n_out == 1:
        parts.append(f"const vec3 sp_lut[256] = vec3[256](\n{_lut(colormap)});")
    parts.append(_plain_glsl(assemble(ENTRY, {}), skip=("storage.glsl",)))
    return "\n".join(parts) + "\n"


def export_network(
    net: Network, path, view=None, colormap: str = "viridis", value_range=None
) -> Path:
    """Write `export_source(...)` to `path`; returns the path."""
    path = Path(path)
    if not path.parent.is_dir():
        raise bad_value(
            "output", str(path), f"a file in an existing folder ({path.parent} does not exist)"
        )
    text = export_source(net, view, colormap, value_range, name=path.stem)
    with atomic_file(path, "output", "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


# --- running an exported file here ------------------------------------------------


def _read_exported(path) -> tuple[str, str]:
    path = Path(path)
    if not path.is_file():
        raise ShaderplayError(f"exported shader {path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        raise ShaderplayError(f"exported shader {path}: not a readable text file ({exc})") from None
    if "mainImage" not in text:
        raise ShaderplayError(
            f"exported shader {path}: defines no mainImage; allowed: a "
            "Shadertoy-style fragment shader with void mainImage(out vec4 "
            "fragColor, in vec2 fragCoord), as `shaderplay export` writes."
        )
    return str(path), text


def wrap_shadertoy(text: str, glsl: str = "330") -> tuple[str, str]:
    """(vertex, fragment) sources running `text`'s mainImage over a full-screen triangle."""
    header = GLSL[choose("glsl", glsl, GLSL)]
    vertex = assemble("fullscreen.vert.glsl", {}).text.split("\n", 1)[1]
    return header + vertex, header + SHADERTOY_UNIFORMS + _WRAPPER_MAIN.format(text=text)


def run_exported(
    path,
    size=(256, 256),
    ctx=None,
    dtype: str = "u1",
    glsl: str = "330",
    frame: int = 0,
    time: float = 0.0,
) -> np.ndarray:
    """Render an exported shader file: uint8 (H, W, 3), or with dtype "f4" the
    unclamped float32 fragColor (H, W, 4); row 0 = top. `ctx` defaults to a
    fresh headless context (released afterwards)."""
    import moderngl

    from .gpu.context import bind_default_framebuffer, describe, headless_context, make_current

    name, text = _read_exported(path)
    w, h = parse_size(size)
    choose("dtype", dtype, ("u1", "f4"))
    own = ctx is None
    ctx = headless_context() if own else ctx
    make_current(ctx)
    made = []
    try:
        vertex, fragment = wrap_shadertoy(text, glsl)
        try:
            program = ctx.program(vertex_shader=vertex, fragment_shader=fragment)
        except moderngl.Error as exc:
            log = " ".join(str(exc).split())[:800]
            raise ShaderplayError(
                f"exported shader {name}: does not compile as GLSL {glsl} on {describe(ctx)}: {log}"
            ) from None
        made.append(program)
        inputs = {
            "iResolution": (float(w), float(h), 1.0),
            "iFrame": int(frame),
            "iTime": float(time),
        }
        for key, value in inputs.items():
            if key in program:
                program[key].value = value
        vao = ctx.vertex_array(program, [])
        # "f1" is normalised 8-bit ("u1" would be an integer texture a colour cannot go to).
        texture = ctx.texture((w, h), 4, dtype="f4" if dtype == "f4" else "f1")
        fbo = ctx.framebuffer(color_attachments=[texture])
        made += [vao, texture, fbo]
        fbo.use()
        ctx.viewport = (0, 0, w, h)
        vao.render(moderngl.TRIANGLES, vertices=3)
        if dtype == "f4":
            picture = np.frombuffer(fbo.read(components=4, dtype="f4"), np.float32).reshape(h, w, 4)
        else:
            picture = np.frombuffer(fbo.read(components=3), np.uint8).reshape(h, w, 3)
        bind_default_framebuffer(ctx)  # never leave a framebuffer about to go bound
        return picture[::-1].copy()
    finally:
        for obj in reversed(made):
            obj.release()
        if own:
            ctx.release()
