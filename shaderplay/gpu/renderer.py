"""Renderer: the network evaluated per pixel on the GPU, read back or drawn.

A picture is a *values pass* (the mode's shader, which evaluates the network
through shaders/network.glsl, into offscreen RGBA32F textures: the raw values
`values()` reads back), a *colour pass* (values -> colours, into an RGBA8
offscreen target for `image()` or the caller's framebuffer for `draw()`), and
overlays drawn over it (neuron boundaries, data points). Frames are only
ever read from offscreen framebuffers. The per-mode passes are in modepasses.py.

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
from .cpu_pass import CpuPasses
from .layout import GpuLayout, Packer
from .modepasses import OPTIONS, ModePasses
from .source import assemble, explain_compile_error, network_source
from .storage import STORAGES, ParamStorage, StoragePlan, plan_for_context

__all__ = ["Renderer", "OPTIONS"]
MAX_TARGETS = 8  # colour attachments per values pass (the GL 3.3 minimum of GL_MAX_DRAW_BUFFERS)
KEEP_SPECS = 4  # architectures whose compiled programs stay cached


@dataclass
class _Net:
    """What the renderer holds for the current architecture."""

    spec: NetworkSpec
    layout: GpuLayout
    plan: StoragePlan
    packer: Packer
    storage: ParamStorage | None


def _in_context(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        make_current(self.ctx)
        return method(self, *args, **kwargs)

    return wrapper


def targets_for(groups: int) -> int:
    """Attachments per pass: 1, 2, 4 or 8 (the shader's SP_TARGETS steps)."""
    return next(t for t in (1, 2, 4, 8) if t >= min(groups, MAX_TARGETS))


class Renderer(CpuPasses, ModePasses):
    def __init__(self, ctx, storage: str = "auto", shader_root=None, evaluator: str | None = None):
        """`storage` "auto" (uniform block while it fits), "uniform" or "texture";
        `shader_root` reads the .glsl files from another folder (shader development);
        `evaluator` "auto" (numba on the CPU for the plain modes where the GL is software),
        "cpu" or "shader" (default: $SHADERPLAY_EVALUATOR, else auto; see cpu_pass.py)."""
        self.ctx = ctx
        self._prefer = choose("storage", storage, STORAGES)
        self._root = None if shader_root is None else str(shader_root)
        self._net: _Net | None = None
        self._params = None
        self._programs = {}  # program key (see _sources) -> (program, vao)
        self._targets = {}  # kind -> (key, framebuffer, textures)
        self._textures = {}  # name -> small lookup textures (colormaps, class and layer colours)
        self._cache = {}  # per-mode CPU data (target fields, point buffers)
        self._init_cpu(evaluator)

    @property
    def storage(self) -> str | None:
        """ "uniform" or "texture" for the current network (None before `set_network`)."""
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
            raise bad_value(
                "params",
                f"{params.dtype} array of shape {params.shape}",
                f"float32 of shape ({state.packer.n_params},), the network's parameter buffer",
            )
        state.storage.write(state.packer.pack(params))
        self._params = params  # the representation view frames its plot with a NumPy pass
        self._keep_params(params)

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

    def _prepare(self, spec: NetworkSpec) -> _Net:
        layout = GpuLayout.of(spec)
        plan = plan_for_context(self.ctx, layout.n_vec4, self._prefer)
        state = _Net(spec, layout, plan, Packer(spec, plan.n_vec4), None)
        groups = -(-spec.n_out // 4)
        self._network_program(
            "output.frag.glsl", state=state, extra=(("SP_TARGETS", targets_for(groups)),)
        )
        state.storage = ParamStorage(self.ctx, plan)  # compiled: now replace the old network
        if self._net is not None:
            self._net.storage.release()
        self._release_cache()
        self._forget_old_programs(spec)
        return state

    def _forget_old_programs(self, spec: NetworkSpec) -> None:
        """Keep the programs of the last KEEP_SPECS architectures (going back and forth
        between a few is instant); release older ones, each can hold megabytes."""
        self._recent = [s for s in getattr(self, "_recent", []) if s != spec][
            -(KEEP_SPECS - 1) :
        ] + [spec]
        old = {
            k: v
            for k, v in self._programs.items()
            if k[2] is not None and k[2][0] not in self._recent
        }
        self._release_programs(old)
        for key in old:
            del self._programs[key]

    def _require_network(self) -> _Net:
        if self._net is None:
            raise ShaderplayError("renderer: no network yet; call set_network(net) first.")
        return self._net

    def _unroll(self, state: _Net, evaluations: int) -> int:
        unroll = state.layout.choose_unroll(evaluations)
        if unroll:
            return unroll
        if is_software(self.ctx):
            raise ShaderplayError(
                f"network size: got {state.layout.macs() * evaluations} multiply-adds per pixel; allowed: what "
                f"one shader invocation of {describe(self.ctx)} finishes within its 65535-loop-iteration "
                f"limit (about 14 layers of 600 units, a quarter of that for the gradient). "
                f"Use a smaller network or a GPU."
            )
        return 16

    # --- programs -----------------------------------------------------------------
    # Programs are held by what they are (a key), not by their text: files are
    # read when a key is first needed and again only on reload().
    # A key is (fragment entry, vertex entry, network part or None).
    def _sources(self, key):
        """(fragment, vertex) ShaderSources for a program key."""
        fragment, vertex, network = key
        if network is None:
            return assemble(fragment, {}, self._root), assemble(vertex, {}, self._root)
        spec, unroll, storage, extra = network
        return (
            network_source(fragment, spec, unroll, storage, extra, self._root),
            network_source(vertex, spec, unroll, storage, extra, self._root),
        )

    def _compile(self, fragment, vertex):
        import moderngl

        try:
            program = self.ctx.program(vertex_shader=vertex.text, fragment_shader=fragment.text)
        except moderngl.Error as exc:
            raise explain_compile_error(
                str(exc), {"vertex_shader": vertex, "fragment_shader": fragment}, describe(self.ctx)
            ) from None
        return program, self.ctx.vertex_array(program, [])

    def _program(self, key):
        if key not in self._programs:
            self._programs[key] = self._compile(*self._sources(key))
        return self._programs[key]

    def _network_program(
        self,
        fragment: str,
        vertex: str = "fullscreen.vert.glsl",
        evaluations: int = 1,
        extra: tuple = (),
        state: _Net | None = None,
    ):
        state = state or self._require_network()
        network = (state.spec, self._unroll(state, evaluations), state.plan.defines(), extra)
        return self._program((fragment, vertex, network))

    @staticmethod
    def _release_programs(programs: dict) -> None:
        for program, vao in programs.values():
            vao.release()
            program.release()

    @staticmethod
    def _set(program, name, value):
        if name in program:  # drivers drop unused uniforms
            program[name].value = value

    # --- GL objects ------------------------------------------------------------------
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

    def _table_texture(self, name: str, rgb: np.ndarray):
        """A 1-row RGBA8 lookup texture (colormaps, class and layer colours), made once per name."""
        import moderngl

        if name not in self._textures:
            rgba = np.concatenate([np.asarray(rgb, np.float64), np.ones((len(rgb), 1))], axis=1)
            data = np.ascontiguousarray(np.round(rgba * 255).astype(np.uint8))
            tex = self.ctx.texture((len(rgb), 1), 4, data.tobytes())
            tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
            self._textures[name] = tex
        return self._textures[name]

    def _lut(self, name: str):
        return self._table_texture("lut:" + name, colormaps.lut(name) / 255.0)

    def _network_pass(self, program_vao, view: View, size, uniforms: dict, targets: int = 1):
        """Run a network fragment program over a `size` picture into the float "values" target."""
        import moderngl

        state = self._require_network()
        program, vao = program_vao
        fbo, textures = self._target("values", size, targets, "f4")
        state.storage.bind(program)
        for name, value in {**view.uniforms(size), "u_origin": (0.0, 0.0), **uniforms}.items():
            self._set(program, name, value)
        self.ctx.disable(moderngl.BLEND | moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        fbo.use()
        vao.render(moderngl.TRIANGLES, vertices=3)
        return fbo, textures

    # --- public --------------------------------------------------------------------
    @_in_context
    def values(self, view, size, mode: str = "output", **opts) -> np.ndarray:
        """Raw values of `mode` before colour mapping: float32 (H, W, C), row 0 = top."""
        request = self._request(view, size, mode, None, opts)
        return self._raw_values(request)

    @_in_context
    def image(
        self, view, size, mode: str = "output", colormap: str | None = None, **opts
    ) -> np.ndarray:
        """Colour-mapped picture: uint8 (H, W, 3), row 0 = top. `colormap` None: the mode's own."""
        request = self._request(view, size, mode, colormap, opts)
        picture = self._cpu_picture(request)  # software GL: the whole picture in numba
        if picture is not None:
            return picture
        size = request.size
        fbo, _ = self._target("image", size, 1, "f1")
        self._draw_picture(request, fbo, (0, 0, *size))
        data = fbo.read(components=3, attachment=0)
        return np.frombuffer(data, np.uint8).reshape(size[1], size[0], 3)[::-1].copy()

    @_in_context
    def draw(
        self,
        view,
        size,
        mode: str = "output",
        colormap: str | None = None,
        fbo=None,
        viewport=None,
        **opts,
    ) -> None:
        """Draw the picture into `fbo` (default: the context's screen) at `viewport` (x, y, W, H)."""
        request = self._request(view, size, mode, colormap, opts)
        target = fbo if fbo is not None else self.ctx.screen
        if target is None:
            raise ShaderplayError(
                "draw: this context has no screen; pass fbo=, or use image() headless."
            )
        viewport = tuple(
            int(v) for v in (viewport if viewport is not None else (0, 0, *request.size))
        )
        if len(viewport) != 4 or viewport[2:] != tuple(request.size):
            raise bad_value(
                "viewport",
                viewport,
                f"(x, y, {request.size[0]}, {request.size[1]}): its size must equal `size`",
            )
        self._draw_picture(request, target, viewport)

    @_in_context
    def region_count(self, view, size=(256, 256)) -> int:
        """Distinct linear regions (patterns of active hidden neurons) among the pixel centres."""
        return int(len(np.unique(self.values(view, size, "regions"))))

    @_in_context
    def release(self) -> None:
        """Free every GL object this renderer made (call before the context goes)."""
        bind_default_framebuffer(self.ctx)  # not one about to be deleted
        self._release_programs(self._programs)
        for _, fbo, textures in self._targets.values():
            fbo.release()
            for tex in textures:
                tex.release()
        for tex in self._textures.values():
            tex.release()
        self._release_cache()
        if self._net is not None:
            self._net.storage.release()
        self._programs, self._targets, self._textures, self._net = {}, {}, {}, None
