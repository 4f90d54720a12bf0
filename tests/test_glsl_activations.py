"""Every activation's GLSL (vec4 and float overloads in shaders/activations.glsl)
against its NumPy form, on the same float32 inputs, large |z| included."""

import shutil

import numpy as np

from shaderplay.activations import ACTIVATIONS
from shaderplay.gpu.context import bind_default_framebuffer, make_current
from shaderplay.gpu.source import assemble
from shaderplay.resources import shader_dir


def _probe_shader(root) -> str:
    cases = "\n".join(
        f"        case {a.code}: vec_form = {a.glsl}(z); "
        f"float_form = vec4({a.glsl}(z.x), {a.glsl}(z.y), {a.glsl}(z.z), {a.glsl}(z.w)); break;"
        for a in ACTIVATIONS.values()
    )
    (root / "probe.frag.glsl").write_text(f"""#include "activations.glsl"
uniform sampler2D u_z;
uniform int u_which;
layout(location = 0) out vec4 vec_form;
layout(location = 1) out vec4 float_form;
void main() {{
    vec4 z = texelFetch(u_z, ivec2(gl_FragCoord.xy), 0);
    switch (u_which) {{
{cases}
    }}
}}
""")
    return "probe.frag.glsl"


def test_glsl_activations_match_numpy(ctx, tmp_path):
    import moderngl

    make_current(ctx)  # raw moderngl calls go to the current context

    shutil.copy(shader_dir() / "activations.glsl", tmp_path)
    shutil.copy(shader_dir() / "fullscreen.vert.glsl", tmp_path)
    frag = assemble(_probe_shader(tmp_path), {}, tmp_path)
    vert = assemble("fullscreen.vert.glsl", {}, tmp_path)
    program = ctx.program(vertex_shader=vert.text, fragment_shader=frag.text)
    vao = ctx.vertex_array(program, [])
    special = [
        0.0,
        1e-8,
        -1e-8,
        0.5,
        -0.5,
        1.0,
        -1.0,
        20.0,
        -20.0,
        44.0,
        -44.0,
        88.0,
        -88.0,
        100.0,
        -100.0,
        3.0,
    ]
    z = np.concatenate([np.linspace(-12.0, 12.0, 1008), special]).astype(np.float32)
    z_tex = ctx.texture((256, 1), 4, z.tobytes(), dtype="f4")
    outs = [ctx.texture((256, 1), 4, dtype="f4") for _ in range(2)]
    fbo = ctx.framebuffer(color_attachments=outs)
    z_tex.use(0)
    program["u_z"].value = 0
    z64 = z.astype(np.float64)
    try:
        for act in ACTIVATIONS.values():
            program["u_which"].value = act.code
            fbo.use()
            vao.render(moderngl.TRIANGLES, vertices=3)
            want = act.np_f(z64)
            for k, form in enumerate(("vec4", "float")):
                got = np.frombuffer(
                    fbo.read(components=4, attachment=k, dtype="f4"), np.float32
                ).astype(np.float64)
                assert np.all(np.isfinite(got)), (act.name, form, z[~np.isfinite(got)])
                # float32 evaluation: relative error, plus absolute slack growing with |z| (sin, cos of large z)
                tol = 2e-6 * np.abs(want) + 1e-6 * np.maximum(1.0, np.abs(z64))
                bad = np.abs(got - want) > tol
                assert not bad.any(), (act.name, form, z[bad][:5], got[bad][:5], want[bad][:5])
    finally:
        bind_default_framebuffer(ctx)
        for obj in (fbo, *outs, z_tex, vao, program):
            obj.release()
