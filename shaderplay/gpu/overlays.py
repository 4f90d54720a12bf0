"""Overlays drawn over a picture (neuron boundaries, data points, the frame
where an image's data lies) and the
representation plot: what they draw, prepared on the CPU (vertex rows of data
points, the mask of neuron boundaries to draw, the points and grid lines a
representation view carries through the network), and the GL passes that
draw them (`Overlays`, which the renderer holds).

Vertex rows are float32 (x, y, r, g, b, a, hollow): a point of the input
domain, its colour, and 1 for test points (drawn as rings).
"""

import itertools
from dataclasses import dataclass

import numpy as np

from .. import colormaps
from ..cpu.ahead import prepare
from ..cpu.evaluator import CpuEvaluator
from ..dataset import Dataset
from ..errors import bad_value
from ..network import Network
from ..spec import NetworkSpec
from .programs import FULLSCREEN, Programs, render_into, set_uniforms
from .storage import GpuNetwork
from .surfaces import Surfaces

GRID_LINES = 21  # per direction, across the view's domain: dense enough to see it bend
GRID_SEGMENTS = 96  # per line: enough to show the bending
GRID_COLOUR = (0.55, 0.62, 0.75, 0.55)
POINT_LIMIT = 20000  # more points than this are thinned evenly
BACKGROUND = (0.09, 0.09, 0.11, 1.0)  # representation plot
FRAME_COLOUR = (1.0, 0.8, 0.25, 0.9)  # the data's frame: amber, seen on black and on white
FRAME_MARGIN = 0.1  # of the plotted extent, around it on each side
FLAT_SHARE = 0.05
# The plot's points shrink as they grow many (radius ~ 1 / sqrt(count)), so the grid
# between them still shows: PLOT_POINTS points or fewer keep the point_size asked.
PLOT_POINTS, PLOT_MIN_RADIUS = 400, 2.0
MASK_UNIT, LAYERS_UNIT = 5, 6  # texture units (the renderer's passes use 0-4)


def _rows(xy, rgba, hollow) -> np.ndarray:
    n = len(xy)
    out = np.empty((n, 7), np.float32)
    out[:, :2] = xy
    out[:, 2:6] = rgba
    out[:, 6] = hollow
    return out


def point_colours(dataset: Dataset, y: np.ndarray) -> np.ndarray:
    """(N, 4) RGBA: class colours for classification, the viridis colour of the
    first value (0..1) for regression."""
    y = np.asarray(y, np.float64).reshape(len(y), -1)
    if dataset.kind == "binary":
        labels = (y[:, 0] > 0.5).astype(int)
    elif dataset.kind == "multiclass":
        labels = np.argmax(y, axis=1)
    else:
        rgb = colormaps.apply("viridis", y[:, 0]) if len(y) else np.zeros((0, 3))
        return np.concatenate([rgb, np.ones((len(y), 1))], axis=1)
    rgb = colormaps.palette(colormaps.CLASS_COLOURS, int(labels.max(initial=0)) + 1)[labels]
    return np.concatenate([rgb, np.ones((len(y), 1))], axis=1)


def point_rows(dataset) -> np.ndarray:
    """Vertex rows for a Dataset's train points (discs) and test points (rings)."""
    if not isinstance(dataset, Dataset):
        raise bad_value(
            "points", type(dataset).__name__, "a shaderplay Dataset (its train and test points)"
        )
    parts = []
    for x, y, hollow in (
        (dataset.x_train, dataset.y_train, 0.0),
        (dataset.x_test, dataset.y_test, 1.0),
    ):
        x = np.asarray(x, np.float32).reshape(-1, 2)
        if len(x) > POINT_LIMIT:
            keep = np.linspace(0, len(x) - 1, POINT_LIMIT).astype(int)
            x, y = x[keep], np.asarray(y)[keep]
        if len(x):
            parts.append(_rows(x, point_colours(dataset, y), hollow))
    return np.concatenate(parts) if parts else np.zeros((0, 7), np.float32)


def boundary_mask(spec: NetworkSpec, boundaries) -> tuple[np.ndarray, int]:
    """(mask, layers): mask[layer, unit] = 1 where that neuron's zero set is drawn
    (width padded to whole vec4 groups), and how many layers the shader must walk.

    `boundaries` holds weight-layer numbers (every unit of the layer) and
    (layer, unit) pairs (one neuron), in any mix.
    """
    depth = spec.depth
    width = 4 * max((n + 3) // 4 for n in spec.sizes[1:])
    mask = np.zeros((depth, width), np.float32)
    for item in boundaries:
        try:
            layer, unit = (int(item), None) if np.ndim(item) == 0 else (int(item[0]), int(item[1]))
        except (TypeError, ValueError, IndexError):
            raise bad_value(
                "boundaries", item, "weight layers (ints) or (layer, unit) pairs"
            ) from None
        if not 0 <= layer < depth:
            raise bad_value("boundaries", item, f"weight layers 0..{depth - 1}")
        n = spec.sizes[layer + 1]
        if unit is None:
            mask[layer, :n] = 1.0
        elif 0 <= unit < n:
            mask[layer, unit] = 1.0
        else:
            raise bad_value("boundaries", item, f"units 0..{n - 1} of layer {layer}")
    drawn = np.nonzero(mask.any(axis=1))[0]
    return mask, int(drawn.max()) + 1 if len(drawn) else 0


def layer_colours(depth: int) -> np.ndarray:
    return colormaps.palette(colormaps.LAYER_COLOURS, depth)


def boundaries_of(r, spec: NetworkSpec):
    """The boundary lines r's picture draws: its `boundaries` option, else every hidden
    layer's where the mode always draws them; None where the mode takes none."""
    if "boundaries" not in r.mode.overlays:
        return None
    boundaries = r.opts.get("boundaries")
    if boundaries is None and r.mode.boundaries:
        boundaries = range(len(spec.hidden))
    return boundaries


# --- the representation view ------------------------------------------------------


@dataclass
class Plot:
    points: np.ndarray  # vertex rows, drawn as discs/rings
    grid: np.ndarray  # vertex rows, consecutive pairs are line segments
    box: tuple[float, float, float, float]  # plotted (xmin, xmax, ymin, ymax) of the two neurons


def grid_lines(domain) -> list[np.ndarray]:
    """The GRID_LINES x GRID_LINES grid over `domain`: per line its GRID_SEGMENTS + 1
    points (x, y) in order, float32 as the vertex rows hold them."""
    xmin, xmax, ymin, ymax = domain
    t = np.linspace(0.0, 1.0, GRID_SEGMENTS + 1)
    lines = []
    for k in np.linspace(0.0, 1.0, GRID_LINES):
        lines += [
            np.stack([xmin + t * (xmax - xmin), np.full_like(t, ymin + k * (ymax - ymin))], 1),
            np.stack([np.full_like(t, xmin + k * (xmax - xmin)), ymin + t * (ymax - ymin)], 1),
        ]
    return [xy.astype(np.float32) for xy in lines]


def _segments(lines) -> np.ndarray:
    """Vertex rows of line segments along each line's points: a, b, b, c, c, ..."""
    xy = np.concatenate([np.repeat(line, 2, axis=0)[1:-1] for line in lines])
    return _rows(xy, np.tile(GRID_COLOUR, (len(xy), 1)), 0.0)


def grid_rows(domain) -> np.ndarray:
    """Line segments of a GRID_LINES x GRID_LINES grid over `domain`."""
    return _segments(grid_lines(domain))


def plot_box(q: np.ndarray) -> tuple[float, float, float, float]:
    """(xmin, xmax, ymin, ymax) that frames the positions q (N, 2), the non-finite left out."""
    q = q[np.all(np.isfinite(q), axis=1)]
    lo, hi = (q.min(axis=0), q.max(axis=0)) if len(q) else (np.full(2, -1.0), np.full(2, 1.0))
    # A neuron that barely varies (a dead ReLU) spans at least FLAT_SHARE of the other
    # axis around its value: a line in a readable frame, not its rounding noise blown up.
    centre, span = (lo + hi) / 2, np.maximum(hi - lo, max(FLAT_SHARE * (hi - lo).max(), 1e-6))
    lo, hi = centre - (0.5 + FRAME_MARGIN) * span, centre + (0.5 + FRAME_MARGIN) * span
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def _plot_points(dataset) -> np.ndarray:
    return point_rows(dataset) if dataset is not None else np.zeros((0, 7), np.float32)


def representation_plot(net, dataset, domain, layer: int, axes, pre: bool = False) -> Plot:
    """Points and grid to draw, with a box that frames where layer `layer` puts them
    (the positions themselves are computed by the shader; the box only frames them);
    `pre`: its neurons before their activation. Only layers 0..`layer` are computed."""
    points, grid = _plot_points(dataset), grid_rows(domain)
    xy = np.concatenate([points[:, :2], grid[:, :2]]).astype(np.float64)
    q = net.forward_layers(xy, last=layer)[layer][0 if pre else 1][:, list(axes)]
    return Plot(points, grid, plot_box(q))


def placed_plot(evaluator, params, dataset, domain, layer: int, axes, pre: bool = False) -> Plot:
    """As `representation_plot`, with the points and the grid's vertices carried through
    the network by the numba `evaluator` (cpu/evaluator.py; each grid point once): the
    rows hold where they land on neurons `axes`, drawn as they are (points.vert.glsl)."""
    points, lines = _plot_points(dataset), grid_lines(domain)
    xy = np.concatenate([points[:, :2], *lines]).astype(np.float64)
    first, last = min(axes), max(axes)
    values = evaluator.values_at(params, xy, layer, pre, range(first, last + 1))
    q = values[:, [axes[0] - first, axes[1] - first]]
    placed = points.copy()
    placed[:, :2] = q[: len(points)]
    ends = np.cumsum([len(points)] + [len(line) for line in lines])
    grid = _segments([q[a:b] for a, b in itertools.pairwise(ends)])
    return Plot(placed, grid, plot_box(q.astype(np.float64)))


# --- the GL passes ---------------------------------------------------------------------
class Overlays:
    """Draws overlays and plots with the renderer's programs and surfaces; holds the
    vertex arrays of the rows it drew (rebuilt when the rows change)."""

    def __init__(self, ctx, programs: Programs, surfaces: Surfaces):
        self.ctx = ctx
        self._programs = programs
        self._surfaces = surfaces
        self._vertex_arrays = {}  # (name, program key) -> (rows, buffer, vertex array)
        self._points = {}  # id(dataset) -> (dataset, rows); holding it keeps its id unique
        self._cpu_evaluator = None  # the representation plot's, where numba carries its points

    def boundaries(self, r, net: GpuNetwork, boundaries, fbo, viewport) -> None:
        """The zero sets of the neurons `boundaries` names, in their layer's colour."""
        import moderngl

        spec = net.spec
        mask, layers = boundary_mask(spec, boundaries)
        if not layers:
            return
        self._surfaces.data("mask", mask[::-1, :, None]).use(MASK_UNIT)  # row l = layer l
        self._surfaces.table(f"layers{spec.depth}", layer_colours(spec.depth)).use(LAYERS_UNIT)
        program, vao = self._programs.network(net, "boundaries.frag.glsl")
        net.storage.bind(program)
        uniforms = {
            **r.view.uniforms(r.size),
            "u_origin": (float(viewport[0]), float(viewport[1])),
            "u_layers": layers,
            "u_enabled": MASK_UNIT,
            "u_layer_colours": LAYERS_UNIT,
            "u_width": float(r.opts.get("line_width", 1.5)),
        }
        set_uniforms(program, uniforms)
        render_into(self.ctx, fbo, viewport, vao, moderngl.TRIANGLES, 3, blend=True)

    def points(self, r, fbo, viewport) -> None:
        """The points= Dataset's train points (discs) and test points (rings)."""
        import moderngl

        rows = self._point_rows(r.opts["points"])
        if not len(rows):
            return
        key = ("points.frag.glsl", "points.vert.glsl", None)
        program, vao = self._vertex_array("points", key, rows)
        uniforms = {**r.view.uniforms(r.size), "u_radius": float(r.opts.get("point_size", 4.0))}
        set_uniforms(program, uniforms)
        render_into(self.ctx, fbo, viewport, vao, moderngl.POINTS, len(rows), blend=True)

    def frame(self, r, fbo, viewport) -> None:
        """A thin line along the edges of the frame= rectangle (where the data lies)."""
        import moderngl

        program, vao = self._programs.get(("frame.frag.glsl", FULLSCREEN, None))
        uniforms = {
            **r.view.uniforms(r.size),
            "u_origin": (float(viewport[0]), float(viewport[1])),
            "u_frame": r.opts["frame"],
            "u_colour": FRAME_COLOUR,
            "u_width": float(r.opts.get("line_width", 1.5)),
        }
        set_uniforms(program, uniforms)
        render_into(self.ctx, fbo, viewport, vao, moderngl.TRIANGLES, 3, blend=True)

    def plot(self, r, net: GpuNetwork, params, fbo, viewport, cpu=None) -> tuple:
        """Representation: points and the domain's grid carried to layer LAYER, on neurons
        A, B; the plotted box (xmin, xmax, ymin, ymax) of the two neurons. With `cpu`
        (the renderer's CpuPictures, where the numba evaluator draws) and its kernel
        ready, numba carries them through the network, each grid point once; else the
        vertex shader does, and the NumPy oracle finds the box."""
        import moderngl

        layer, a, b = r.args
        points = r.opts.get("points")
        if points is None and isinstance(r.opts.get("target"), Dataset):
            points = r.opts["target"]
        domain = r.view.domain_for(r.size)
        radius = float(r.opts.get("point_size", 4.0))
        if cpu is not None and prepare(wait=cpu.waits):
            plot = placed_plot(
                self._evaluator(net.spec), params, points, domain, layer, (a, b), r.pre
            )
            x0, x1, y0, y1 = plot.box
            w, h = viewport[2:]
            uniforms = {
                "u_centre": ((x0 + x1) / 2, (y0 + y1) / 2),
                "u_pixel": ((x1 - x0) / w, (y1 - y0) / h),
                "u_half": (w / 2, h / 2),
            }
            vertex, network = "points.vert.glsl", None
        else:
            plot = representation_plot(
                Network(net.spec, params), points, domain, layer, (a, b), r.pre
            )
            uniforms = {
                "u_layers": layer + 1,
                "u_axes": (a, b),
                "u_pre": int(r.pre),
                "u_box": plot.box,
            }
            vertex, network = "representation.vert.glsl", self._programs.network_key(net)
        crowd = np.sqrt(PLOT_POINTS / max(len(plot.points), 1))
        uniforms["u_radius"] = max(min(radius, PLOT_MIN_RADIUS), min(radius, radius * crowd))
        fbo.use()
        self.ctx.clear(*BACKGROUND, viewport=viewport)
        for name, fragment, rows, primitive in (
            ("grid", "lines.frag.glsl", plot.grid, moderngl.LINES),
            ("plot", "points.frag.glsl", plot.points, moderngl.POINTS),
        ):
            if not len(rows):
                continue
            program, vao = self._vertex_array(name, (fragment, vertex, network), rows)
            if network is not None:
                net.storage.bind(program)
            set_uniforms(program, uniforms)
            render_into(self.ctx, fbo, viewport, vao, primitive, len(rows), blend=True)
        return plot.box

    def _evaluator(self, spec) -> CpuEvaluator:
        if self._cpu_evaluator is None or self._cpu_evaluator.spec != spec:
            self._cpu_evaluator = CpuEvaluator(spec)
        return self._cpu_evaluator

    def forget(self) -> None:
        """Release the vertex arrays and forget the point rows (a new network, or the end)."""
        for _, vbo, vao in self._vertex_arrays.values():
            vao.release()
            vbo.release()
        self._vertex_arrays, self._points = {}, {}

    def _point_rows(self, dataset) -> np.ndarray:
        if id(dataset) not in self._points:
            self._points[id(dataset)] = (dataset, point_rows(dataset))
        return self._points[id(dataset)][1]

    def _vertex_array(self, name, key, rows: np.ndarray):
        """A vertex array of `rows` for program `key`, rebuilt only when the rows change."""
        program, _ = self._programs.get(key)
        held = self._vertex_arrays.get((name, key))
        if held is not None and held[0] is rows:
            return program, held[2]
        if held is not None:
            held[2].release()
            held[1].release()
        vbo = self.ctx.buffer(np.ascontiguousarray(rows, np.float32).tobytes() or b"\0" * 28)
        layout = [("2f", "in_xy"), ("4f", "in_colour"), ("1f", "in_hollow")]
        used = [(fmt, n) for fmt, n in layout if n in program]  # drivers drop unused inputs
        fmt = " ".join(fmt if n in program else fmt[0] + "x4" for fmt, n in layout)
        vao = self.ctx.vertex_array(program, [(vbo, fmt, *(n for _, n in used))])
        self._vertex_arrays[(name, key)] = (rows, vbo, vao)
        return program, vao
