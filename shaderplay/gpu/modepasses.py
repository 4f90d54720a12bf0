"""The per-mode passes of the Renderer (a mixin; renderer.py owns the GL
state, programs and the generic network pass): which shader computes a
mode's values, with which uniforms, and how they are coloured. Overlays and
the representation plot are in overlaypasses.py.

Options (keyword arguments of values/image/draw):
  range=(lo, hi)   values shown as the two ends of the colormap
  pre=True         neuron mode: the pre-activation (after the norm)
  discrete=True    class colours without confidence shading, with a line where the class changes
  boundaries=...   weight layers and/or (layer, unit) pairs whose zero sets are drawn as lines
  points=Dataset   its train points (discs) and test points (rings) drawn over the picture
  target=...       a Dataset with a `field`, or a function of points (N, 2) -> (N, n_out)
  line_width=1.5, point_size=4.0   in pixels
"""

from dataclasses import dataclass, replace

import numpy as np

from .. import colormaps
from ..dataset import Dataset
from ..errors import bad_value, choose
from ..view import View, parse_size
from .overlaypasses import OverlayPasses
from ..modes import (
    MODES,
    MOSAIC_GAP,
    Mode,
    check_args,
    default_range,
    mosaic_tiles,
    parse_mode,
    shown_kind,
)

OPTIONS = ("range", "pre", "discrete", "boundaries", "points", "target", "line_width", "point_size")
KINDS = {"map": 0, "rgb": 1, "classes": 2, "hash": 3, "tiles": 4}
VALUES_UNIT, LUT_UNIT, CLASSES_UNIT, TARGET_UNIT = 1, 2, 3, 4  # texture units; 0 holds the weights


@dataclass(frozen=True)
class Request:
    view: View
    size: tuple[int, int]
    mode: Mode
    args: tuple[int, ...]
    colormap: str
    range: tuple[float, float] | None
    opts: dict


def _positive(name, value):
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not (np.isfinite(v) and v > 0):
        raise bad_value(name, value, "a number of pixels > 0")
    return v


def _check_range(value_range):
    if value_range is None:
        return None
    try:
        lo, hi = (float(v) for v in value_range)
    except (TypeError, ValueError):
        lo = hi = float("nan")
    if not (np.isfinite(lo) and np.isfinite(hi) and hi != lo):
        raise bad_value(
            "range",
            value_range,
            "two different finite numbers (value shown as 0, value shown as 1)",
        )
    return lo, hi


def gradient_range(magnitude: np.ndarray) -> tuple[float, float]:
    """The gradient mode's automatic range: 0 up to the 99th percentile of |grad|."""
    magnitude = magnitude[np.isfinite(magnitude)]
    top = float(np.percentile(magnitude, 99)) if magnitude.size else 0.0
    return 0.0, top if top > 0 else 1.0


class ModePasses(OverlayPasses):
    # --- requests ----------------------------------------------------------------------
    def _request(self, view, size, mode, colormap, opts) -> Request:
        view, size = View.coerce(view), parse_size(size)
        mode, args = parse_mode(mode)
        spec = self._require_network().spec
        check_args(mode, args, spec)
        for key in opts:
            choose("render option", key, OPTIONS)
        colormap = choose("colormap", colormap or mode.colormap, colormaps.NAMES)
        if mode.needs_target and opts.get("target") is None:
            raise bad_value(
                "target",
                None,
                f"a Dataset with a field, or a function of points (N, 2) -> "
                f"(N, {spec.n_out}), for mode {mode.name}",
            )
        if mode.name == "side" and size[0] < 2:
            raise bad_value("size", size, "at least 2 pixels wide for side by side")
        for name in ("line_width", "point_size"):
            if name in opts:
                _positive(name, opts[name])
        return Request(
            view, size, mode, args, colormap, _check_range(opts.get("range")), dict(opts)
        )

    def _with_mode(self, r: Request, name: str, size=None) -> Request:
        return replace(r, mode=MODES[name], args=(), size=size or r.size)

    @staticmethod
    def _halves(size):
        left = size[0] // 2
        return (left, size[1]), (size[0] - left, size[1])

    # --- values -----------------------------------------------------------------------
    def _raw_values(self, r: Request) -> np.ndarray:
        name = r.mode.name
        if name == "target":
            return self._target_field(r)
        if name == "side":
            left, right = self._halves(r.size)
            return np.concatenate(
                [
                    self._raw_values(self._with_mode(r, "output", left)),
                    self._raw_values(self._with_mode(r, "target", right)),
                ],
                axis=1,
            )
        if name == "representation":
            fbo, _ = self._target("image", r.size, 1, "f1")
            self._draw_plot(r, fbo, (0, 0, *r.size))
            rgb = np.frombuffer(fbo.read(components=3), np.uint8).reshape(r.size[1], r.size[0], 3)[
                ::-1
            ]
            return (rgb / np.float32(255)).astype(np.float32)
        if r.mode.entry == "output.frag.glsl":
            return self._output_values(r)
        fbo, _ = self._mode_pass(r, r.mode.entry)
        return self._read(fbo, 0, r.size)[..., : r.mode.channels(self.spec)]

    @staticmethod
    def _read(fbo, attachment, size) -> np.ndarray:
        data = fbo.read(components=4, attachment=attachment, dtype="f4")
        return np.frombuffer(data, np.float32).reshape(size[1], size[0], 4)[::-1]

    def _output_values(self, r: Request) -> np.ndarray:
        """All outputs, up to 8 groups of 4 per pass (colour attachments)."""
        from .renderer import targets_for

        n = self.spec.n_out
        groups = -(-n // 4)
        targets = targets_for(groups)
        planes = []
        for group in range(0, groups, targets):
            fbo, _ = self._mode_pass(r, "output.frag.glsl", group=group)
            planes += [self._read(fbo, k, r.size) for k in range(min(targets, groups - group))]
        return np.ascontiguousarray(np.concatenate(planes, axis=2)[..., :n])

    def _mode_pass(self, r: Request, entry: str, group: int = 0):
        """The values pass of `entry` for request r: (framebuffer, textures) of the float target."""
        from .renderer import targets_for

        state = self._require_network()
        spec, depth, named = state.spec, state.spec.depth, dict(zip(r.mode.args, r.args))
        uniforms = {"u_layers": depth, "u_group": group, "u_depth": 0}
        extra = ()
        if entry == "output.frag.glsl":
            extra = (("SP_TARGETS", targets_for(-(-spec.n_out // 4))),)
        if r.mode.name == "depth":
            uniforms.update(u_layers=named["layer"] + 1, u_depth=1)
        elif r.mode.name == "neuron":
            uniforms.update(
                u_layer=named["layer"], u_unit=named["neuron"], u_pre=int(bool(r.opts.get("pre")))
            )
        elif r.mode.name == "gradient":
            uniforms.update(u_output=named["output"])
        elif r.mode.name == "regions":
            uniforms.update(u_hidden=depth - 1)
        elif r.mode.name == "mosaic":
            uniforms.update(
                u_tiles=mosaic_tiles(spec), u_neurons=sum(spec.hidden), u_gap=MOSAIC_GAP
            )
        elif r.mode.name == "error":
            self._data_texture("target", self._target_field(r)).use(TARGET_UNIT)
            uniforms.update(u_target=TARGET_UNIT)
        program = self._network_program(entry, evaluations=r.mode.evaluations, extra=extra)
        return self._network_pass(
            program, r.view, r.size, uniforms, dict(extra).get("SP_TARGETS", 1)
        )

    def _target_field(self, r: Request) -> np.ndarray:
        """The target evaluated at the pixel centres (NumPy, cached per view and size): (H, W, n_out)."""
        target = r.opts["target"]
        field = target.field if isinstance(target, Dataset) else target
        n_out = self.spec.n_out
        if field is None:
            raise bad_value(
                "target",
                getattr(target, "name", target),
                "a target with a field (functions, images); "
                "point sets have only points: show them with points=",
            )
        if not callable(field):
            raise bad_value(
                "target",
                type(target).__name__,
                "a Dataset or a function of points (N, 2) -> (N, n_out)",
            )
        key = ("target", id(field), r.view, r.size)
        if key not in self._cache:
            w, h = r.size
            values = np.asarray(field(r.view.grid(r.size).reshape(-1, 2)), np.float32)
            if values.size != w * h * n_out:
                raise bad_value(
                    "target",
                    f"values of shape {values.shape}",
                    f"({w * h}, {n_out}): one per output of the network",
                )
            self._cache = {k: v for k, v in self._cache.items() if k[0] != "target"}
            self._cache[key] = values.reshape(h, w, n_out)
        return self._cache[key]

    def _data_texture(self, name: str, values: np.ndarray):
        """A float RGBA texture holding (H, W, <=4) values, row 0 = top (reused per name and size)."""
        h, w = values.shape[:2]
        rgba = np.zeros((h, w, 4), np.float32)
        rgba[..., : min(4, values.shape[2])] = values[..., :4]
        fbo_key = "data:" + name
        _, textures = self._target(fbo_key, (w, h), 1, "f4")
        textures[0].write(np.ascontiguousarray(rgba[::-1]).tobytes())
        return textures[0]

    # --- pictures -----------------------------------------------------------------------
    def _display(self, r: Request):
        """(texture, kind, channels) the colour pass shows for request r."""
        spec = self.spec
        kind = shown_kind(r.mode, spec)
        if r.mode.name == "target":
            values = self._target_field(r)
            if kind == "classes":
                values = np.stack([values.argmax(axis=2), np.ones(values.shape[:2])], axis=2)
            return self._data_texture("display", values), kind, min(values.shape[2], 4)
        if kind == "classes" and r.mode.entry == "output.frag.glsl":
            entry = "classes.frag.glsl"  # many outputs: argmax and confidence, not the first four
        else:
            entry = r.mode.entry
        _, textures = self._mode_pass(r, entry)
        channels = 2 if kind == "classes" else min(r.mode.channels(spec), 4)
        return textures[0], kind, channels

    def _auto_range(self, r: Request, texture) -> tuple[float, float]:
        if r.mode.name != "gradient":
            pre = bool(r.opts.get("pre"))
            return default_range(r.mode, r.args, self.spec, pre)
        return gradient_range(np.frombuffer(texture.read(), np.float32)[::4])

    def _draw_picture(self, r: Request, fbo, viewport) -> None:
        if r.mode.name == "side":
            left, right = self._halves(r.size)
            self._draw_picture(self._with_mode(r, "output", left), fbo, (*viewport[:2], *left))
            self._draw_picture(
                self._with_mode(r, "target", right),
                fbo,
                (viewport[0] + left[0], viewport[1], *right),
            )
            return
        if r.mode.kind == "plot":
            self._draw_plot(r, fbo, viewport)
            return
        self._colour_layer(r, fbo, viewport)
        boundaries = r.opts.get("boundaries")
        if boundaries is None and r.mode.name == "boundaries":
            boundaries = range(len(self.spec.hidden))
        if boundaries is not None and r.mode.name not in ("target", "mosaic"):
            self._draw_boundaries(r, boundaries, fbo, viewport)
        if r.opts.get("points") is not None and r.mode.name != "mosaic":
            self._draw_points(r, fbo, viewport)

    def _colour_layer(self, r: Request, fbo, viewport) -> None:
        """The picture under the overlays: the mode's values through the colour pass."""
        texture, kind, channels = self._display(r)
        value_range = r.range or self._auto_range(r, texture)
        self._colour_pass(
            texture,
            kind,
            channels,
            r.colormap,
            value_range,
            bool(r.opts.get("discrete")),
            fbo,
            viewport,
        )

    def _colour_pass(self, texture, kind, channels, colormap, value_range, discrete, fbo, viewport):
        import moderngl

        program, vao = self._program(("colour.frag.glsl", "fullscreen.vert.glsl", None))
        texture.use(VALUES_UNIT)
        self._lut(colormap).use(LUT_UNIT)
        self._table_texture("classes", colormaps.palette(colormaps.CLASS_COLOURS, 10)).use(
            CLASSES_UNIT
        )
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
        for name, value in uniforms.items():
            self._set(program, name, value)
        self.ctx.disable(moderngl.BLEND | moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        self._render_into(fbo, viewport, vao, moderngl.TRIANGLES, 3)

    def _render_into(self, fbo, viewport, vao, primitive, vertices=-1, blend=False):
        import moderngl

        fbo.use()
        previous = self.ctx.viewport
        self.ctx.viewport = viewport
        if blend:  # premultiplied colour "over" what is there
            self.ctx.enable(moderngl.BLEND | moderngl.PROGRAM_POINT_SIZE)
            self.ctx.blend_func = moderngl.ONE, moderngl.ONE_MINUS_SRC_ALPHA
        vao.render(primitive, vertices=vertices)
        if blend:
            self.ctx.disable(moderngl.BLEND)
        self.ctx.viewport = previous
