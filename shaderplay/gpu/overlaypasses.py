"""Overlays drawn over a picture (neuron boundaries, data points) and the
representation plot: the GL half of overlays.py, a mixin of the Renderer
(renderer.py owns programs, targets and the network state). `r` is a
modepasses.Request."""

from __future__ import annotations

import numpy as np

from ..dataset import Dataset
from ..network import Network
from . import overlays

BACKGROUND = (0.09, 0.09, 0.11, 1.0)  # representation plot
MASK_UNIT, LAYERS_UNIT = 5, 6  # texture units (see modepasses.py for the others)


class OverlayPasses:
    # --- overlays ------------------------------------------------------------------------
    def _draw_boundaries(self, r: Request, boundaries, fbo, viewport) -> None:
        import moderngl

        spec = self.spec
        mask, layers = overlays.boundary_mask(spec, boundaries)
        if not layers:
            return
        self._data_texture("mask", mask[::-1, :, None]).use(MASK_UNIT)  # row l = layer l
        self._table_texture(f"layers{spec.depth}", overlays.layer_colours(spec.depth)).use(
            LAYERS_UNIT
        )
        program, vao = self._network_program("boundaries.frag.glsl")
        self._require_network().storage.bind(program)
        uniforms = {
            **r.view.uniforms(r.size),
            "u_origin": (float(viewport[0]), float(viewport[1])),
            "u_layers": layers,
            "u_enabled": MASK_UNIT,
            "u_layer_colours": LAYERS_UNIT,
            "u_width": float(r.opts.get("line_width", 1.5)),
        }
        for name, value in uniforms.items():
            self._set(program, name, value)
        self._render_into(fbo, viewport, vao, moderngl.TRIANGLES, 3, blend=True)

    def _vertex_array(self, name, key, rows: np.ndarray):
        """A vertex array of `rows` for program `key`, rebuilt only when the rows change."""
        program, _ = self._program(key)
        held = self._cache.get(("vao", name, key))
        if held is not None and held[0] is rows:
            return program, held[2]
        if held is not None:
            held[2].release()
            held[1].release()
        vbo = self.ctx.buffer(np.ascontiguousarray(rows, np.float32).tobytes() or b"\0" * 28)
        layout = [("2f", "in_xy"), ("4f", "in_colour"), ("1f", "in_hollow")]
        used = [
            (fmt, name) for fmt, name in layout if name in program
        ]  # drivers drop unused inputs
        fmt = " ".join(fmt if name in program else fmt[0] + "x4" for fmt, name in layout)
        vao = self.ctx.vertex_array(program, [(vbo, fmt, *(name for _, name in used))])
        self._cache[("vao", name, key)] = (rows, vbo, vao)
        return program, vao

    def _point_rows(self, dataset) -> np.ndarray:
        key = ("points", id(dataset))
        if key not in self._cache:
            self._cache[key] = (
                dataset,
                overlays.point_rows(dataset),
            )  # holding dataset keeps its id unique
        return self._cache[key][1]

    def _draw_points(self, r: Request, fbo, viewport) -> None:
        import moderngl

        rows = self._point_rows(r.opts["points"])
        if not len(rows):
            return
        program, vao = self._vertex_array(
            "points", ("points.frag.glsl", "points.vert.glsl", None), rows
        )
        for name, value in {
            **r.view.uniforms(r.size),
            "u_radius": float(r.opts.get("point_size", 4.0)),
        }.items():
            self._set(program, name, value)
        self._render_into(fbo, viewport, vao, moderngl.POINTS, len(rows), blend=True)

    def _draw_plot(self, r: Request, fbo, viewport) -> None:
        """Representation: points and the domain's grid carried to layer LAYER, on neurons A, B."""
        import moderngl

        layer, a, b = r.args
        state = self._require_network()
        points = r.opts.get("points")
        if points is None and isinstance(r.opts.get("target"), Dataset):
            points = r.opts["target"]
        net = Network(state.spec, self._params)
        plot = overlays.representation_plot(net, points, r.view.domain_for(r.size), layer, (a, b))
        fbo.use()
        self.ctx.clear(*BACKGROUND, viewport=viewport)
        uniforms = {
            "u_layers": layer + 1,
            "u_axes": (a, b),
            "u_box": plot.box,
            "u_radius": float(r.opts.get("point_size", 4.0)),
        }
        for name, fragment, rows, primitive in (
            ("grid", "lines.frag.glsl", plot.grid, moderngl.LINES),
            ("plot", "points.frag.glsl", plot.points, moderngl.POINTS),
        ):
            if not len(rows):
                continue
            key = (fragment, "representation.vert.glsl", self._network_key())
            program, vao = self._vertex_array(name, key, rows)
            state.storage.bind(program)
            for uname, value in uniforms.items():
                self._set(program, uname, value)
            self._render_into(fbo, viewport, vao, primitive, len(rows), blend=True)

    def _network_key(self):
        state = self._require_network()
        return state.spec, self._unroll(state, 1), state.plan.defines(), ()

    def _release_cache(self) -> None:
        for key, held in self._cache.items():
            if key[0] == "vao":
                held[2].release()
                held[1].release()
        self._cache = {}
