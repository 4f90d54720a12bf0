"""Renderer: the network evaluated per pixel on the GPU, read back or drawn.

Every picture is two passes. A *values pass* runs the mode's shader (which
evaluates the network through shaders/network.glsl) into offscreen RGBA32F
textures: the raw values, which `values()` reads back. A *colour pass*
maps them through a colormap into an RGBA8 offscreen target (`image()`) or
into the caller's framebuffer (`draw()`, the window's canvas). Frames are
only ever read from offscreen framebuffers.

Programs are compiled per architecture and cached; `upload` is one buffer
write. A program that fails to compile raises a ShaderplayError naming the
file and line, and the renderer keeps the network and programs it had.
Conventions: sizes are (W, H); arrays come back with row 0 at the top.
Every public method first makes the renderer's context current
(`make_current`), so several contexts in one process (a window, render(),
tests) do not write into each other.
"""

import functools
from dataclasses import dataclass

import numpy as np

from .. import colormaps
from ..errors import ShaderplayError, bad_value, choose
from ..network import Network
from ..spec import NetworkSpec
from ..view import View, parse_size
from .context import bind_default_framebuffer, describe, is_software, make_current
from .layout import GpuLayout, Packer
from .modes import default_range, parse_mode
from .source import assemble, explain_compile_error, network_source
from .storage import STORAGES, ParamStorage, StoragePlan, plan_for_context

VALUES_UNIT, LUT_UNIT = 1, 2  # texture units (0 is the parameter texture)
MAX_TARGETS = 8  # colour attachments per values pass (the GL 3.3 minimum of GL_MAX_DRAW_BUFFERS)
OPTIONS = ("range",)


@dataclass
class _Net:
    """What the renderer holds for the current architecture."""

    spec: NetworkSpec
    layout: GpuLayout
    unroll: int
    plan: StoragePlan
    packer: Packer
    storage: ParamStorage


def _in_context(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        make_current(self.ctx)
        return method(self, *args, **kwargs)
    return wrapper


def _targets_for(groups: int) -> int:
    """Attachments per pass: 1, 2, 4 or 8 (the shader's SP_TARGETS steps)."""
    return next(t for t in (1, 2, 4, 8) if t >= min(groups, MAX_TARGETS))


class Renderer:
    def __init__(self, ctx, storage: str = "auto", shader_root=None):
        """`storage` "auto" (uniform block while it fits), "uniform" or "texture";
        `shader_root` reads the .glsl files from another folder (shader development)."""
        self.ctx = ctx
        self._prefer = choose("storage", storage, STORAGES)
        self._root = None if shader_root is None else str(shader_root)
        self._net: _Net | None = None
        self._programs = {}  # program key (see _sources) -> (program, vao)
        self._targets = {}  # kind -> (key, framebuffer, textures)
        self._luts = {}

    @property
    def storage(self) -> str | None:
        """"uniform" or "texture" for the current network (None before `set_network`)."""
        return self._net.plan.kind if self._net else None

    @property
    def spec(self) -> NetworkSpec | None:
        return self._net.spec if self._net else None

    # --- network ------------------------------------------------------------------
    @_in_context
    def set_network(self, net: Network) -> None:
        """Use `net`: recompile if its architecture changed (cached per spec), then upload its weights."""
        if not isinstance(net, Network):
            raise bad_value("network", type(net).__name__, "a shaderplay Network")
        if self._net is None or self._net.spec != net.spec:
            self._net = self._prepare(net.spec)  # raises before anything is replaced
        self.upload(net.params)

    @_in_context
    def upload(self, params: np.ndarray) -> None:
        """New weights for the current architecture: one buffer write, no recompile."""
        state = self._require_network()
        params = np.asarray(params)
        if params.dtype != np.float32 or params.shape != (state.packer.n_params,):
            raise bad_value("params", f"{params.dtype} array of shape {params.shape}",
                            f"float32 of shape ({state.packer.n_params},), the network's parameter buffer")
        state.storage.write(state.packer.pack(params))

    @_in_context
    def reload(self) -> None:
        """Re-read the .glsl files and recompile what is in use; on a compile error
        everything stays as it was (the old programs keep drawing)."""
        network_source.cache_clear()
        fresh = {}
        try:
            for key in self._programs:
                fresh[key] = self._compile(*self._sources(key))
        except ShaderplayError:
            self._release_programs(fresh)
            raise
        self._release_programs(self._programs)
        self._programs = fresh

    @staticmethod
    def _release_programs(programs: dict) -> None:
        for program, vao in programs.values():
            vao.release()
            program.release()

    def _prepare(self, spec: NetworkSpec) -> _Net:
        layout = GpuLayout.of(spec)
        unroll = layout.choose_unroll()
        if unroll == 0:
            if is_software(self.ctx):
                raise ShaderplayError(
                    f"network size: got {layout.macs()} multiply-adds per pixel; allowed: what one shader "
                    f"invocation of {describe(self.ctx)} finishes within its 65535-loop-iteration limit "
                    f"(about 14 layers of 600 units). Use a smaller network or a GPU.")
            unroll = 16
        plan = plan_for_context(self.ctx, layout.n_vec4, self._prefer)
        state = _Net(spec, layout, unroll, plan, Packer(spec, plan.n_vec4), None)
        self._network_program("output", state)  # compile now: errors surface in set_network
        state.storage = ParamStorage(self.ctx, plan)
        if self._net is not None:
            self._net.storage.release()
        return state

    def _require_network(self) -> _Net:
        if self._net is None:
            raise ShaderplayError("renderer: no network yet; call set_network(net) first.")
        return self._net

    # --- programs -----------------------------------------------------------------
    # Programs are held by what they are (a logical key), not by their text: files
    # are read when a key is first needed and again only on reload().
    def _sources(self, key):
        """(fragment, vertex) ShaderSources for a program key."""
        vertex = assemble("fullscreen.vert.glsl", {}, self._root)
        if key[0] == "colour":
            return assemble("colour.frag.glsl", {}, self._root), vertex
        _, entry, spec, unroll, storage, extra = key
        return network_source(entry, spec, unroll, storage, extra, self._root), vertex

    def _compile(self, fragment, vertex):
        import moderngl

        try:
            program = self.ctx.program(vertex_shader=vertex.text, fragment_shader=fragment.text)
        except moderngl.Error as exc:
            raise explain_compile_error(str(exc), {"vertex_shader": vertex, "fragment_shader": fragment},
                                        describe(self.ctx)) from None
        return program, self.ctx.vertex_array(program, [])

    def _program(self, key):
        if key not in self._programs:
            self._programs[key] = self._compile(*self._sources(key))
        return self._programs[key]

    def _network_program(self, mode_name: str, state: _Net | None = None):
        state = state or self._require_network()
        mode, _ = parse_mode(mode_name)
        groups = -(-mode.channels(state.spec) // 4)
        extra = (("SP_TARGETS", _targets_for(groups)),)
        return self._program(("network", mode.entry, state.spec, state.unroll, state.plan.defines(), extra))

    def _colour_program(self):
        return self._program(("colour",))

    # --- offscreen targets -----------------------------------------------------------
    def _target(self, kind: str, size, count: int, dtype: str):
        """Offscreen framebuffer of `count` RGBA textures; one per kind, remade when the size changes."""
        key = (tuple(size), count, dtype)
        held = self._targets.get(kind)
        if held and held[0] == key:
            return held[1], held[2]
        textures = [self.ctx.texture(tuple(size), 4, dtype=dtype) for _ in range(count)]
        fbo = self.ctx.framebuffer(color_attachments=textures)
        if held:
            fbo.use()  # never leave a deleted framebuffer bound: moderngl rebinds it (GL error)
            held[1].release()
            for tex in held[2]:
                tex.release()
        self._targets[kind] = (key, fbo, textures)
        return fbo, textures

    def _lut(self, name: str):
        import moderngl

        if name not in self._luts:
            table = np.concatenate([colormaps.lut(name), np.full((colormaps.LUT_SIZE, 1), 255, np.uint8)], axis=1)
            tex = self.ctx.texture((colormaps.LUT_SIZE, 1), 4, np.ascontiguousarray(table).tobytes())
            tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
            self._luts[name] = tex
        return self._luts[name]

    # --- passes --------------------------------------------------------------------
    @staticmethod
    def _set(program, name, value):
        if name in program:  # drivers drop unused uniforms
            program[name].value = value

    def _values_pass(self, mode_name: str, view: View, size, group: int):
        import moderngl

        state = self._require_network()
        mode, _ = parse_mode(mode_name)
        groups = -(-mode.channels(state.spec) // 4)
        targets = _targets_for(groups)
        program, vao = self._network_program(mode_name)
        fbo, textures = self._target("values", size, targets, "f4")
        state.storage.bind(program)
        for name, value in view.uniforms(size).items():
            self._set(program, name, value)
        self._set(program, "u_origin", (0.0, 0.0))
        self._set(program, "u_layers", len(state.layout.layers))
        self._set(program, "u_group", group)
        self.ctx.disable(moderngl.BLEND | moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        fbo.use()
        vao.render(moderngl.TRIANGLES, vertices=3)
        return fbo, textures

    def _colour_pass(self, values_tex, channels: int, colormap: str, value_range, fbo, viewport):
        import moderngl

        program, vao = self._colour_program()
        values_tex.use(VALUES_UNIT)
        self._lut(colormap).use(LUT_UNIT)
        self._set(program, "u_values", VALUES_UNIT)
        self._set(program, "u_lut", LUT_UNIT)
        self._set(program, "u_channels", min(channels, 3))
        self._set(program, "u_range", tuple(float(v) for v in value_range))
        self._set(program, "u_origin", (float(viewport[0]), float(viewport[1])))
        self.ctx.disable(moderngl.BLEND | moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        fbo.use()
        previous = self.ctx.viewport
        self.ctx.viewport = tuple(int(v) for v in viewport)
        vao.render(moderngl.TRIANGLES, vertices=3)
        self.ctx.viewport = previous

    def _options(self, opts) -> tuple[float, float]:
        for key in opts:
            choose("render option", key, OPTIONS)
        value_range = opts.get("range") or default_range(self._require_network().spec)
        try:
            lo, hi = (float(v) for v in value_range)
        except (TypeError, ValueError):
            lo = hi = float("nan")
        if not (np.isfinite(lo) and np.isfinite(hi) and hi != lo):
            raise bad_value("range", value_range, "two different finite numbers (value shown as 0, value shown as 1)")
        return lo, hi

    # --- public --------------------------------------------------------------------
    @_in_context
    def values(self, view, size, mode: str = "output", **opts) -> np.ndarray:
        """Raw values of `mode` before colour mapping: float32 (H, W, C), row 0 = top."""
        view, size = View.coerce(view), parse_size(size)
        self._options(opts)
        mode_obj, _ = parse_mode(mode)
        channels = mode_obj.channels(self._require_network().spec)
        groups = -(-channels // 4)
        targets = _targets_for(groups)
        w, h = size
        planes = []
        for group in range(0, groups, targets):
            fbo, _ = self._values_pass(mode, view, size, group)
            for k in range(min(targets, groups - group)):
                data = fbo.read(components=4, attachment=k, dtype="f4")
                planes.append(np.frombuffer(data, np.float32).reshape(h, w, 4))
        return np.ascontiguousarray(np.concatenate(planes, axis=2)[::-1, :, :channels])

    @_in_context
    def image(self, view, size, mode: str = "output", colormap: str = "viridis", **opts) -> np.ndarray:
        """Colour-mapped picture: uint8 (H, W, 3), row 0 = top."""
        view, size = View.coerce(view), parse_size(size)
        fbo, _ = self._target("image", size, 1, "f1")
        self.draw(view, size, mode, colormap, fbo=fbo, viewport=(0, 0, *size), **opts)
        data = fbo.read(components=3, attachment=0)
        return np.frombuffer(data, np.uint8).reshape(size[1], size[0], 3)[::-1].copy()

    @_in_context
    def draw(self, view, size, mode: str = "output", colormap: str = "viridis", fbo=None, viewport=None,
             **opts) -> None:
        """Draw the picture into `fbo` (default: the context's screen) at `viewport` (x, y, W, H)."""
        view, size = View.coerce(view), parse_size(size)
        choose("colormap", colormap, colormaps.NAMES)
        value_range = self._options(opts)
        mode_obj, _ = parse_mode(mode)
        channels = mode_obj.channels(self._require_network().spec)
        _, textures = self._values_pass(mode, view, size, 0)
        target = fbo if fbo is not None else self.ctx.screen
        if target is None:
            raise ShaderplayError("draw: this context has no screen; pass fbo=, or use image() headless.")
        viewport = viewport if viewport is not None else (0, 0, *size)
        if tuple(viewport[2:]) != tuple(size):
            raise bad_value("viewport", viewport, f"(x, y, {size[0]}, {size[1]}): its size must equal `size`")
        self._colour_pass(textures[0], channels, colormap, value_range, target, viewport)

    @_in_context
    def release(self) -> None:
        """Free every GL object this renderer made (call before the context goes)."""
        bind_default_framebuffer(self.ctx)  # not one about to be deleted
        self._release_programs(self._programs)
        for _, fbo, textures in self._targets.values():
            fbo.release()
            for tex in textures:
                tex.release()
        for tex in self._luts.values():
            tex.release()
        if self._net is not None:
            self._net.storage.release()
        self._programs, self._targets, self._luts, self._net = {}, {}, {}, None
