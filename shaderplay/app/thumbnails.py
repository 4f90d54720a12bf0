"""Thumbnails: every shown neuron's field over the canvas's view (a square
around its centre), in one atlas texture that the network diagram shows with
imgui (one texture, many uv rectangles). Colours as the renderer's neuron
mode: the diverging map, blue low, white middle, red high, over the
activation's range where it has one (tanh -1..1, sigmoid 0..1, ...); an
unbounded activation (relu, linear, ...) over -m..m, m the unit's largest
|value| in its cell, so a small field still shows its shape (0 stays white).

The arithmetic runs on a worker thread, never on the frame thread: NumPy's
matrix products release the GIL. A refresh starts from the newest weights and
view asked for when none is running, and no sooner than MIN_INTERVAL_S after
the last one began nor before the last one's cost fits in DUTY of the time
since (a slow network refreshes less often, never taking more than a tenth of
a core: the cost is the worker's CPU time and the frame thread's upload); what
it made is shown from the first frame after it finished.
`behind` counts the weights and views asked for since the ones the atlas
shows; `interval` is the time between refreshes its cost allows, which the
diagram states where it is long.

How a refresh draws depends on the GL. On a GPU the worker finds the
unbounded units' ranges (a coarse NumPy pass) and each cell is then one
neuron-mode pass of the renderer, drawn round-robin within BUDGET_S a frame.
On software GL (llvmpipe) per-neuron passes cost O(depth^2 x width) network
layers per cell; the NumPy oracle's `forward_layers` gives every neuron of
every layer from one pass over a grid of the view instead (about 1 ms for the
default net), which the worker colours into the atlas image; the frame thread
only writes it into the texture. The grid has CELL pixels a side, fewer for a
network whose pass would exceed MAX_MACS multiply-adds (the 27x30 neylon net:
40; a 14x400 net: 16, where 64 took 2.4 s), shown scaled up by the texture's
linear filter.

GL calls only on the main thread.
"""

import itertools
import math
import queue
import threading
import time
from functools import partial

import numpy as np
from imgui_bundle import imgui

from ..activations import ACTIVATIONS
from ..colormaps import lut
from ..modes import MODES
from ..view import View
from .offscreen import colour_target, release_target
from .render_args import mode_string

CELL = 64  # pixels per thumbnail side (a node's tooltip shows it large)
MIN_CELL = 16  # the fewest a side a large network's grid is cut down to
MAX_MACS = 5e7  # multiply-adds of one software refresh (~0.1 s of NumPy on a busy core)
COLUMNS = 16
SHOWN_UNITS = 10  # the diagram shows at most this many units of any layer
MAX_CELLS = 1024
BUDGET_S = 0.003  # GPU path: cell rendering per frame
MIN_INTERVAL_S = 1 / 30  # refreshes a second at most: every other frame at 60 Hz
DUTY = 0.1  # and at most this share of the time spent refreshing
NEURON = MODES["neuron"]  # every cell is this mode's picture of one unit
COLORMAP = NEURON.colormap
RANGE_GRID = 16  # GPU path: samples per side for the unbounded units' ranges


def cell_side(spec) -> int:
    """Pixels a side of a software refresh's cells: CELL, or fewer (down to MIN_CELL, a
    multiple of 8) where a CELL x CELL pass through `spec` would exceed MAX_MACS."""
    sizes = spec.sizes
    macs = sum(a * b for a, b in itertools.pairwise(sizes))
    side = int(math.sqrt(MAX_MACS / macs)) // 8 * 8
    return max(MIN_CELL, min(CELL, side))


class Job:
    """One refresh's arithmetic for the worker thread: `work()`'s result and the CPU
    seconds it took (the thread's own: waiting for a core is not its cost), once `done`
    is set."""

    def __init__(self, key, asked: int, work):
        self.key, self.asked, self.work = key, asked, work
        self.result, self.seconds, self.error = None, 0.0, None
        self.done = threading.Event()

    def run(self) -> None:
        start = time.thread_time()
        try:
            self.result = self.work()
        except Exception as exc:  # handed to the frame thread, which reports it
            self.error = exc
        self.seconds = time.thread_time() - start
        self.done.set()


def _serve(jobs: queue.SimpleQueue) -> None:
    """The worker thread: runs the jobs handed to it in turn, until a None."""
    while (job := jobs.get()) is not None:
        job.run()


class Thumbnails:
    def __init__(self, ctx, renderer):
        self.ctx = ctx
        self.renderer = renderer
        self.fbo = None
        self.cell = CELL  # pixels a side of the atlas's cells
        self.cells: dict[tuple[int, int], int] = {}  # (weight layer, unit) -> cell index
        self._order: list[tuple[int, int]] = []
        self._spec = None
        self._jobs = queue.SimpleQueue()  # jobs for the worker thread, in turn
        # started here, before any frame: a thread's start waits until it runs (0.2 s
        # on a busy machine), handing it a job is a queue put
        self._worker = threading.Thread(target=_serve, args=(self._jobs,), daemon=True)
        self._worker.start()
        self._job: Job | None = None  # the refresh being computed on its thread
        self._drawing = None  # GPU path: the refresh whose cells are being drawn
        self._pending: list[tuple[int, int]] = []  # its cells still to draw
        self._ranges = None  # per cell: the values shown as the map's two ends
        self._cost = 0.0  # seconds spent on it so far, both threads
        self._began = 0.0  # when it began
        self._next = 0.0  # the next refresh may begin then
        self._asked_key, self._asked = None, 0  # the newest key asked for; keys asked so far
        self.shown_key, self._shown_asked = None, 0  # what the atlas shows, its ask number
        self.interval = 0.0  # seconds between refreshes at the last one's cost
        self.refreshes = 0  # completed refreshes (tests, status)

    @property
    def software(self) -> bool:
        """Whether the renderer computes neuron fields on the CPU (software GL)."""
        return self.renderer.evaluator == "cpu"

    @property
    def behind(self) -> int:
        """Weights or views asked for since the ones the atlas shows (0: the newest)."""
        return self._asked - self._shown_asked

    @property
    def computing(self) -> bool:
        """Whether a refresh's arithmetic is running on its thread."""
        return self._job is not None and not self._job.done.is_set()

    def _allocate(self, spec, shown: int) -> None:
        units = [(i, u) for i, n in enumerate(spec.sizes[1:]) for u in range(min(n, shown))]
        units = units[:MAX_CELLS]
        self.cell = cell_side(spec) if self.software else CELL
        rows = max(1, math.ceil(len(units) / COLUMNS))
        size = (COLUMNS * self.cell, rows * self.cell)
        if self.fbo is None or self.fbo.size != size:
            self._release_atlas()
            self.fbo = colour_target(self.ctx, size, linear=True)
        self.fbo.use()
        self.ctx.clear(0.1, 0.1, 0.12, 1.0)
        self.cells = {key: k for k, key in enumerate(units)}
        self._order = units
        self._spec = spec
        # a job of the old network finishes on its own; its result is dropped
        self._job, self._drawing, self._pending, self._next = None, None, [], 0.0
        self.shown_key = None

    def refresh(
        self, net, view: View, key, now: float | None = None, shown: int = SHOWN_UNITS
    ) -> bool:
        """Bring the atlas towards network `net` over `view`; `key` names both (the same
        key: nothing to do). Starts the arithmetic on a worker thread and returns; a
        later call shows what it made. True when a refresh completed on this call."""
        if net.spec != self._spec:
            self._allocate(net.spec, shown)
        now = time.perf_counter() if now is None else now
        if key != self._asked_key:
            self._asked_key, self._asked = key, self._asked + 1
        completed = self._collect(view)
        idle = self._job is None and self._drawing is None
        if idle and key != self.shown_key and now >= self._next:
            self._start(net, view, key, now)
        return completed

    def _start(self, net, view: View, key, now: float) -> None:
        order = list(self._order)
        if self.software:
            work = partial(atlas_image, net, view, order, self.fbo.size, self.cell)
        else:
            work = partial(coarse_ranges, net, view, order)
        self._job = Job(key, self._asked, work)
        self._jobs.put(self._job)
        self._began, self._cost = now, 0.0

    def _collect(self, view: View) -> bool:
        """A finished job's result into the atlas (software: one texture write; GPU: the
        cells drawn over this and the next frames). True when the atlas is complete."""
        job = self._job
        if job is not None and job.done.is_set():
            self._job = None
            self._cost += job.seconds
            if job.error is not None:
                raise job.error
            if self.software:
                start = time.perf_counter()
                self.fbo.color_attachments[0].write(job.result)
                self._cost += time.perf_counter() - start
                return self._finish(job)
            self._drawing, self._ranges, self._pending = job, job.result, list(self._order)
        if self._drawing is None:
            return False
        start = time.perf_counter()
        self._draw_some(view, start)
        self._cost += time.perf_counter() - start
        if self._pending:
            return False
        job, self._drawing = self._drawing, None
        return self._finish(job)

    def _finish(self, job: Job) -> bool:
        self.shown_key, self._shown_asked = job.key, job.asked
        self.interval = max(MIN_INTERVAL_S, self._cost / DUTY)
        self._next = self._began + self.interval
        self.refreshes += 1
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the refresh's arithmetic in progress (tests); False on a timeout."""
        job = self._job
        return job is None or job.done.wait(timeout)

    def _draw_some(self, view: View, start: float) -> None:
        """GPU: neuron passes of the renderer for BUDGET_S (at least one cell)."""
        while self._pending:
            layer, unit = self._pending.pop(0)
            k = self.cells[layer, unit]
            x, y = (k % COLUMNS) * CELL, (k // COLUMNS) * CELL
            # colormap None: the neuron mode's own (a diverging map: sign matters)
            self.renderer.draw(
                view,
                (CELL, CELL),
                mode_string(NEURON.name, layer, unit),
                None,
                fbo=self.fbo,
                viewport=(x, y, CELL, CELL),
                range=self._ranges[k],
            )
            if time.perf_counter() - start > BUDGET_S:
                break

    @property
    def units(self) -> list[tuple[int, int]]:
        """The (weight layer, unit) pairs with a cell, in cell order."""
        return list(self._order)

    @property
    def ready(self) -> bool:
        """False until the atlas exists."""
        return self.fbo is not None

    @property
    def texture_ref(self):
        return imgui.ImTextureRef(self.fbo.color_attachments[0].glo)

    def uv(self, layer: int, unit: int):
        """uv rectangle of a cell; GL textures have v up, imgui's images v down."""
        k, c = self.cells.get((layer, unit), 0), self.cell
        w, h = self.fbo.size
        x, y = (k % COLUMNS) * c, (k // COLUMNS) * c
        return imgui.ImVec2(x / w, (y + c) / h), imgui.ImVec2((x + c) / w, y / h)

    def release(self) -> None:
        self._job = None  # a running job finishes on its own; nothing waits for it
        self._jobs.put(None)  # the worker ends after it
        self._release_atlas()

    def _release_atlas(self) -> None:
        if self.fbo is not None:
            release_target(self.fbo)
            self.fbo = None


def atlas_image(net, view: View, units, size, cell: int = CELL) -> np.ndarray:
    """(H, W, 4) uint8 atlas of `size` (W, H) as a GL texture holds it (row 0 at the
    bottom): cell k of `units` ((weight layer, unit) pairs) at column k % COLUMNS,
    row k // COLUMNS from the bottom, each the unit's field over a `cell` x `cell`
    square of `view`, y up inside the cell."""
    w, h = size
    atlas = np.zeros((h, w, 4), np.uint8)
    atlas[..., :3] = (26, 26, 31)
    atlas[..., 3] = 255
    square = View(view.centre, view.scale, None)
    layers = net.forward_layers(square.grid((cell, cell)).reshape(-1, 2))
    table = lut(COLORMAP)
    ranges = unit_ranges(net, layers, units)
    for layer in sorted({layer for layer, _ in units}):
        ks = [k for k, (i, _) in enumerate(units) if i == layer]
        lo, hi = (np.array([ranges[k][e] for k in ks]) for e in (0, 1))
        fields = layers[layer][1][:, [units[k][1] for k in ks]]  # (CELL * CELL, cells)
        t = np.nan_to_num(np.clip((fields - lo) / (hi - lo), 0.0, 1.0), nan=0.5)
        index = np.minimum((t * len(table)).astype(np.int64), len(table) - 1)
        colours = table[index].reshape(cell, cell, len(ks), 3)[::-1]  # bottom row first
        for c, k in enumerate(ks):
            x, y = (k % COLUMNS) * cell, (k // COLUMNS) * cell
            atlas[y : y + cell, x : x + cell, :3] = colours[:, :, c]
    return atlas


def coarse_ranges(net, view: View, units) -> list[tuple[float, float]]:
    """GPU path: `unit_ranges` from a RANGE_GRID x RANGE_GRID pass over `view`."""
    grid = View(view.centre, view.scale, None).grid((RANGE_GRID, RANGE_GRID))
    return unit_ranges(net, net.forward_layers(grid.reshape(-1, 2)), units)


def unit_ranges(net, layers, units) -> list[tuple[float, float]]:
    """Per (layer, unit): the values shown as the colormap's two ends. `layers` is
    `forward_layers` over some samples of the view."""
    out = []
    for layer, unit in units:
        if ACTIVATIONS[net.spec.layer_activations[layer]].bounded:
            out.append(NEURON.default_range((layer, unit), net.spec))
        else:
            values = np.abs(layers[layer][1][:, unit])
            top = float(np.max(values[np.isfinite(values)], initial=0.0)) or 1.0
            out.append((-top, top))
    return out
