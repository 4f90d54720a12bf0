"""Renderer: the network evaluated per pixel on the GPU, read back or drawn.

A picture is a *values pass* (the fragment shader its mode's row names, with
the uniforms the row gives, which evaluates the network through
shaders/network.glsl into offscreen RGBA32F textures: the raw values
`values()` reads back), a *colour pass* (values -> colours, into an RGBA8
offscreen framebuffer for `image()` or the caller's framebuffer for `draw()`),
and overlays drawn over it (neuron boundaries, data points: overlays.py).
Frames are only ever read from offscreen framebuffers (surfaces.py). Where
the numba evaluator is chosen (cpu_pass.py), it computes the values and
colours of the modes it has a function for instead of the two passes.

Programs are compiled per architecture and cached (programs.py); `upload` is one
buffer write. A program that fails to compile raises a ShaderplayError naming the
file and line, and the renderer keeps the network and programs it had. Sizes are
(W, H); arrays come back with row 0 at the top. `legend()` says what the last
picture of a mode showed (shown.py). Every public method first makes the
context current: several in one process (a window, render(), tests) stay apart.
"""

import functools

import numpy as np

from .. import colormaps
from ..errors import ShaderplayError, bad_value, choose
from ..mode_legends import Legend
from ..network import Network
from ..spec import NetworkSpec
from .context import bind_default_framebuffer, is_software, make_current
from .cpu_pass import PictureMaker, cpu_picture, cpu_pictures_for
from .layout import GpuLayout, Packer
from .overlays import Overlays, boundaries_of
from .programs import (
    FULLSCREEN,
    Programs,
    attachments_for,
    output_defines,
    render_into,
    set_uniforms,
)
from .request import OPTIONS, Request, TargetField, make_request
from .shown import Shown
from .storage import STORAGES, GpuNetwork, ParamStorage, plan_for_context
from .surfaces import Surfaces, read_values

__all__ = ["OPTIONS", "Renderer"]
KINDS = {"map": 0, "rgb": 1, "classes": 2, "hash": 3, "tiles": 4}  # the colour pass's u_kind
VALUES_UNIT, LUT_UNIT, CLASSES_UNIT, TARGET_UNIT = 1, 2, 3, 4  # texture units; 0 holds the weights
# Compiled as a network is set: a network that does not compile is refused before
# anything is replaced (and the output pass is ready).
CHECK_ENTRY = "output.frag.glsl"


def _in_context(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        make_current(self.ctx)
        return method(self, *args, **kwargs)

    return wrapper


class Renderer:
    def __init__(
        self,
        ctx,
        storage: str = "auto",
        shader_root=None,
        evaluator: str | None = None,
        live: bool = False,
    ):
        """`storage` "auto" (uniform block while it fits), "uniform" or "texture";
        `shader_root` reads the .glsl files from another folder (shader development);
        `evaluator` "auto" (numba on the CPU for the modes it has where the GL is software),
        "cpu" or "shader" (default: $SHADERPLAY_EVALUATOR, else auto; see cpu_pass.py);
        `live` (the window): with "auto", draw with the shader while numba compiles."""
        self.ctx = ctx
        self._prefer = choose("storage", storage, STORAGES)
        self._net: GpuNetwork | None = None
        self._params = None  # the last upload: the representation plot frames itself with it
        self._programs = Programs(ctx, None if shader_root is None else str(shader_root))
        self._surfaces = Surfaces(ctx)
        self._overlays = Overlays(ctx, self._programs, self._surfaces)
        self._target = TargetField()
        self._cpu = cpu_pictures_for(evaluator, is_software(ctx), live)
        self._shown = Shown()  # the ranges and plot boxes pictures were drawn with

    @property
    def storage(self) -> str | None:
        """ "uniform" or "texture" for the current network (None before `set_network`)."""
        return self._net.plan.kind if self._net else None

    @property
    def spec(self) -> NetworkSpec | None:
        return self._net.spec if self._net else None

    @property
    def params(self) -> np.ndarray | None:  # the weights last uploaded
        return self._params

    @property
    def evaluator(self) -> str:
        """ "cpu" or "shader": what computes the modes that have a CPU function (cpu_pass.py)."""
        return "cpu" if self._cpu is not None else "shader"

    # --- network ------------------------------------------------------------------
    @_in_context
    def set_network(self, net: Network) -> None:
        """Use `net`: recompile if its architecture changed (cached per spec); upload it."""
        if not isinstance(net, Network):
            raise bad_value("network", type(net).__name__, "a shaderplay Network")
        if self._net is None or self._net.spec != net.spec:
            self._net = self._prepare(net.spec)  # raises before anything is replaced
        self.upload(net.params)

    @_in_context
    def upload(self, params: np.ndarray) -> None:
        """New weights for the current architecture: one buffer write, no recompile."""
        net = self._require_network()
        params = np.asarray(params)
        if params.dtype != np.float32 or params.shape != (net.packer.n_params,):
            raise bad_value(
                "params",
                f"{params.dtype} array of shape {params.shape}",
                f"float32 of shape ({net.packer.n_params},), the network's parameter buffer",
            )
        net.storage.write(net.packer.pack(params))
        self._params = params
        if self._cpu is not None:
            self._cpu.keep(params)

    @_in_context
    def reload(self) -> None:
        """Re-read the .glsl files and recompile what is in use (a compile error keeps all)."""
        self._programs.reload()

    def _prepare(self, spec: NetworkSpec) -> GpuNetwork:
        layout = GpuLayout.of(spec)
        plan = plan_for_context(self.ctx, layout.n_vec4, self._prefer)
        net = GpuNetwork(spec, layout, plan, Packer(spec, plan.n_vec4), None)
        self._programs.network(net, CHECK_ENTRY, extra=output_defines(spec))
        net.storage = ParamStorage(self.ctx, plan)  # compiled: now replace the old network
        if self._net is not None:
            self._net.storage.release()
        self._overlays.forget()
        self._target.clear()
        self._programs.keep_recent(spec)
        return net

    def _require_network(self) -> GpuNetwork:
        if self._net is None:
            raise ShaderplayError("renderer: no network yet; call set_network(net) first.")
        return self._net

    def _target_field(self, r: Request) -> np.ndarray:
        """The target at r's pixel centres: (H, W, n_out), row 0 at the top."""
        return self._target.of(r, self.spec.n_out)

    # --- values -------------------------------------------------------------------------
    def _values(self, r: Request) -> np.ndarray:
        """Raw values of r: float32 (H, W, C), row 0 at the top."""
        mode = r.mode
        if self._cpu is not None:
            values = self._cpu.values(r, self.spec, self._target_field)
            if values is not None:
                return values
        if mode.halves:
            left, right = r.halves()
            return np.concatenate([self._values(left), self._values(right)], axis=1)
        if mode.plot:
            fbo, _ = self._surfaces.framebuffer("image", r.size, 1, "f1")
            self._plot(r, fbo, (0, 0, *r.size))
            rgb = np.frombuffer(fbo.read(components=3), np.uint8)
            rgb = rgb.reshape(r.size[1], r.size[0], 3)[::-1]
            return (rgb / np.float32(255)).astype(np.float32)
        if mode.shows_target_field:
            return self._target_field(r)
        if mode.outputs:
            return self._output_values(r)
        fbo, _ = self._values_pass(r, mode.entry)
        return read_values(fbo, 0, r.size)[..., : mode.channels(self.spec)]

    def _output_values(self, r: Request) -> np.ndarray:
        """All outputs, up to 8 groups of 4 per pass (colour attachments)."""
        n = self.spec.n_out
        groups = -(-n // 4)
        attachments = attachments_for(groups)
        planes = []
        for group in range(0, groups, attachments):
            fbo, _ = self._values_pass(r, r.mode.entry, group=group)
            planes += [read_values(fbo, k, r.size) for k in range(min(attachments, groups - group))]
        return np.ascontiguousarray(np.concatenate(planes, axis=2)[..., :n])

    def _values_pass(self, r: Request, entry: str, group: int = 0):
        """The values pass of `entry` with r's mode's uniforms: (framebuffer, textures)
        of the float "values" framebuffer. A mode that needs the target reads its field
        as u_target; every output, 4 per attachment, where `entry` is an outputs
        mode's own."""
        import moderngl

        net = self._require_network()
        mode = r.mode
        uniforms = {**mode.uniforms(r.args, net.spec, r.opts), "u_group": group}
        if mode.needs_target:
            self._surfaces.data("target", self._target_field(r)).use(TARGET_UNIT)
            uniforms["u_target"] = TARGET_UNIT
        extra = output_defines(net.spec) if mode.outputs and entry == mode.entry else ()
        program, vao = self._programs.network(net, entry, evaluations=mode.evaluations, extra=extra)
        attachments = dict(extra).get("SP_ATTACHMENTS", 1)
        fbo, textures = self._surfaces.framebuffer("values", r.size, attachments, "f4")
        net.storage.bind(program)
        set_uniforms(program, {**r.view.uniforms(r.size), "u_origin": (0.0, 0.0), **uniforms})
        self.ctx.disable(moderngl.BLEND | moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        fbo.use()
        vao.render(moderngl.TRIANGLES, vertices=3)
        return fbo, textures

    # --- pictures -----------------------------------------------------------------------
    def _draw_picture(self, r: Request, fbo, viewport, picture=None) -> None:
        if r.mode.halves:
            left, right = r.halves()
            w = left.size[0]
            parts = (None, None) if picture is None else np.hsplit(picture, [w])
            self._draw_picture(left, fbo, (*viewport[:2], *left.size), parts[0])
            self._draw_picture(right, fbo, (viewport[0] + w, viewport[1], *right.size), parts[1])
            return
        net = self._require_network()
        if r.mode.plot:
            self._plot(r, fbo, viewport)
            return
        boundaries = boundaries_of(r, net.spec)
        lines_drawn = self._colour_layer(r, fbo, viewport, boundaries, picture)
        if boundaries is not None and not lines_drawn:
            self._overlays.boundaries(r, net, boundaries, fbo, viewport)
        if r.opts.get("points") is not None and "points" in r.mode.overlays:
            self._overlays.points(r, fbo, viewport)
        if r.opts.get("frame") is not None and "points" in r.mode.overlays:  # the domain as is
            self._overlays.frame(r, fbo, viewport)

    def _colour_layer(self, r: Request, fbo, viewport, boundaries=None, picture=None) -> bool:
        """The picture under the overlays: the mode's values through the colour pass.
        Colours mapped by the CPU, where it computed the values, are an 8-bit texture
        shown as it is (the "rgb" kind over [0, 1] gives back the same bytes), with the
        `boundaries` lines blended in by the CPU too (`picture`: made already by a
        PictureMaker). Returns whether they were."""
        if self._cpu is not None:
            rgba, lines = picture, boundaries is not None  # a painter's has them
            if rgba is None:
                rgba, lines = cpu_picture(
                    self._cpu, r, self.spec, self._target_field, self._range, boundaries
                )
            if rgba is not None:
                _, textures = self._surfaces.framebuffer("cpu picture", r.size, 1, "f1")
                textures[0].write(np.ascontiguousarray(rgba))  # a composite's half: a view
                self._colour_pass(
                    textures[0], "rgb", 3, r.colormap, (0.0, 1.0), False, fbo, viewport
                )
                return lines
        texture, kind, channels = self._shown_values(r)
        value_range = r.range or self._range(r, texture)
        discrete = bool(r.opts.get("discrete"))
        self._colour_pass(texture, kind, channels, r.colormap, value_range, discrete, fbo, viewport)
        return False

    def _shown_values(self, r: Request):
        """(texture, kind, channels) the colour pass shows for r."""
        spec = self.spec
        kind = r.mode.shown_kind(spec)
        if r.mode.shows_target_field:
            values = self._target_field(r)
            if kind == "classes":
                values = np.stack([values.argmax(axis=2), np.ones(values.shape[:2])], axis=2)
            return self._surfaces.data("display", values), kind, min(values.shape[2], 4)
        _, textures = self._values_pass(r, r.mode.shown_entry(spec))
        return textures[0], kind, r.mode.shown_channels(spec)

    def _range(self, r: Request, values) -> tuple[float, float]:
        return self._shown.range(r, self.spec, values)

    def _plot(self, r: Request, fbo, viewport) -> None:
        net = self._require_network()
        self._shown.plotted(r, self._overlays.plot(r, net, self._params, fbo, viewport, self._cpu))

    def _colour_pass(self, texture, kind, channels, colormap, value_range, discrete, fbo, viewport):
        import moderngl

        program, vao = self._programs.get(("colour.frag.glsl", FULLSCREEN, None))
        texture.use(VALUES_UNIT)
        self._surfaces.lut(colormap).use(LUT_UNIT)
        classes = colormaps.palette(colormaps.CLASS_COLOURS, 10)
        self._surfaces.table("classes", classes).use(CLASSES_UNIT)
        uniforms = {
            "u_values": VALUES_UNIT,
            "u_lut": LUT_UNIT,
            "u_classes": CLASSES_UNIT,
            "u_kind": KINDS[kind],
            "u_channels": channels,
            "u_discrete": int(discrete),
            "u_range": value_range,
            "u_tint": colormaps.REGION_TINT,
            "u_origin": (float(viewport[0]), float(viewport[1])),
        }
        set_uniforms(program, uniforms)
        self.ctx.disable(moderngl.BLEND | moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        render_into(self.ctx, fbo, viewport, vao, moderngl.TRIANGLES, 3)

    # --- public --------------------------------------------------------------------
    def _request(self, view, size, mode, colormap, opts) -> Request:
        return make_request(view, size, mode, colormap, opts, self._require_network().spec)

    @_in_context
    def values(self, view, size, mode: str = "output", **opts) -> np.ndarray:
        """Raw values of `mode` before colour mapping: float32 (H, W, C), row 0 = top."""
        return self._values(self._request(view, size, mode, None, opts))

    @_in_context
    def image(
        self, view, size, mode: str = "output", colormap: str | None = None, **opts
    ) -> np.ndarray:
        """Colour-mapped picture: uint8 (H, W, 3), row 0 = top. `colormap` None: the mode's own."""
        request = self._request(view, size, mode, colormap, opts)
        if self._cpu is not None and not request.has_overlays:  # the whole picture in numba
            picture = self._cpu.colours(request, self.spec, self._target_field, self._range, True)
            if picture is not None:
                return picture
        size = request.size
        fbo, _ = self._surfaces.framebuffer("image", size, 1, "f1")
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
        picture=None,
        **opts,
    ) -> None:
        """Draw the picture into `fbo` (default: the context's screen) at `viewport`
        (x, y, W, H). `picture`: its CPU colours made by `picture_maker()` (another thread)."""
        request = self._request(view, size, mode, colormap, opts)
        into = fbo if fbo is not None else self.ctx.screen
        if into is None:
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
        self._draw_picture(request, into, viewport, picture)

    @_in_context
    def draw_points(self, view, size, points, fbo) -> None:
        """Only the points= Dataset's points, over transparency (premultiplied), into `fbo`."""
        fbo.use()
        fbo.clear(0.0, 0.0, 0.0, 0.0)
        self._overlays.points(
            self._request(view, size, "output", None, {"points": points}), fbo, (0, 0, *size)
        )

    def picture_maker(self) -> "PictureMaker | None":
        """A maker of this renderer's CPU pictures for another thread (None: no CPU path)."""
        return None if self._cpu is None else PictureMaker(self._shown)

    @_in_context
    def legend(self, mode: str = "output", colormap: str | None = None, **opts) -> Legend:
        """What the last picture of `mode` with these options shows: its Legend, with
        the range (or plot frame) it was drawn with where the picture set it."""
        r = self._request((-1.0, 1.0, -1.0, 1.0), (2, 2), mode, colormap, opts)
        return self._shown.legend(r, self.spec)

    @_in_context
    def region_count(self, view, size=(256, 256)) -> int:
        """Distinct linear regions (active-neuron patterns) among the pixel centres."""
        return len(np.unique(self.values(view, size, "regions")))

    @_in_context
    def release(self) -> None:
        """Free every GL object this renderer made (call before the context goes)."""
        bind_default_framebuffer(self.ctx)  # not one about to be deleted
        self._programs.release()
        self._surfaces.release()
        self._overlays.forget()
        self._target.clear()
        if self._net is not None:
            self._net.storage.release()
        self._net = None
