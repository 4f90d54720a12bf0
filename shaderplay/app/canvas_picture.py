"""CanvasPicture: the network's picture for the canvas, rendered offscreen into
a texture that imgui draws behind the panels (linear filtering when scaled).

Why offscreen: the picture is only re-rendered when something it depends on
changed (new weights, view, mode, size), so a paused network costs nothing
per frame; and while it changes (training, panning, zooming) it can be
rendered at a lower resolution (`scale`) that adapts to keep each render
within a time budget, then shown full size. Once it holds still it is
rendered again at full resolution. A reduced picture leaves the data points out: a
layer at the canvas's resolution shows them over it (canvas_points.py). Screenshots and
recordings never use this texture: they render at the canvas's full pixel size.

In the background: where the renderer's CPU computes a picture (software GL),
a Painter thread (canvas_worker.py) computes it while frames go on, and the
frame thread only uploads the result and draws the overlays. Meanwhile the
last picture stays on screen, moved and scaled to where its domain lies in
the view now, so zooming and panning follow the mouse at the frame rate
whatever the network costs. Only a picture that cannot stand in (another
mode, colours, size or architecture) is waited for, and for at most WAIT_S.

Sharing the CPU with training: while the trainer free-runs (`share`), new
weights alone (the view unchanged) re-render the picture only once the last
render's time fits in DUTY of the time since it began, so on software GL the
picture takes at most that share of a core and the trainer keeps the rest; at
a watchable pace every new snapshot is drawn. A change of view, mode or size
renders at once, so panning and zooming stay immediate.
"""

import time
from dataclasses import replace

import numba
import numpy as np
from imgui_bundle import imgui

from ..modes import MODES, parse_mode
from .canvas_points import PointsLayer
from .canvas_worker import Job, Painter
from .offscreen import colour_target, release_target

BUDGET_S = 0.012  # target time of one canvas render while training
DUTY = 0.4  # most of the time spent re-rendering for new weights alone
SETTLE_S = 0.3  # a reduced picture unchanged this long is drawn again at full size
MIN_SCALE = 1 / 32  # while moving: a blurred picture that keeps up beats a sharp late one
# A frame waits for a background picture of another mode (colours, size) at most WAIT_S,
# and for one of a new architecture (or the first) until it is made: the canvas never
# shows another network's picture (a render's size is capped at LONGEST_S).
WAIT_S = 0.04
STEP = 1.25  # scale change per adjustment
# A picture whose multiply-adds would take longer than LONGEST_S at the rate renders reach
# (a 14x400 net's boundaries took ~2 minutes at full size) is drawn at the size that fits,
# down to FLOOR_SCALE, and stays there: screenshots and recordings render full size.
LONGEST_S, FLOOR_SCALE, RATE = 1.0, 1 / 32, 5e9
WALKS_ONCE = ("output", "neuron", "classes", "error")  # CPU functions that walk the net once
PASSES = {"gradient": 3.0}  # the value and its two derivatives


class CanvasPicture:
    def __init__(self, ctx, renderer):
        self.ctx = ctx
        self.renderer = renderer
        self.scale = 1.0  # fraction of the canvas's pixels rendered (per side)
        self.fbo = None
        self._sharp = False  # the texture holds the best render of its job's key
        self.render_seconds = 0.0
        self._began = -1e9  # when the last render began
        self.renders = 0  # renders so far (the benchmark reports their rate)
        self._points = None  # the Dataset whose points go over a reduced picture
        self.rate = RATE  # multiply-adds per second a render reached, measured as they go
        self._job = None  # the Job whose picture the texture holds
        self._wants = None  # (view, canvas pixels) the canvas shows now
        self._best = 1.0  # the scale a sharp picture of the current key has
        maker = getattr(renderer, "picture_maker", None)  # test stand-ins have none
        self._maker = maker() if maker is not None else None
        self._painter = None  # the background thread, started at the first picture it makes
        self._layer = None  # the data points over a reduced picture (canvas_points.py)
        self._painting = (None, False)  # its job's (imgui points, whether to adapt the scale)

    @property
    def pending(self) -> bool:
        """The painter thread is making a picture, or has one not yet taken in."""
        return self._painter is not None and self._painter.busy

    @property
    def _key(self):
        """(weights, the rest) of the picture the texture holds."""
        return self._job.key if self._job is not None else None

    def _target(self, size) -> None:
        if self.fbo is not None and self.fbo.size == size:
            return
        self._release_fbo()
        self.fbo = colour_target(self.ctx, size, linear=True)

    def update(
        self,
        key,
        view,
        size_px,
        draw_args,
        adaptive: bool,
        now: float | None = None,
        share: bool = True,
    ) -> bool:
        """Render if `key` = (weights, everything else the picture depends on)
        changed, or to sharpen a reduced render once it holds still. True if it
        rendered (in the background: if it began one, or took one in)."""
        w, h = max(1, int(size_px[0])), max(1, int(size_px[1]))
        self._wants = (view, (w, h))
        took = self._collect(0.0)
        if key == self._key and self._sharp:
            return took
        if self._painter is not None and self._painter.busy:
            return took  # the picture being made comes first; then the newest is asked for
        now = time.perf_counter() if now is None else now
        moving = key != self._key
        if not moving and adaptive and now - self._began < SETTLE_S:
            return took  # sharpened once the picture has held still a moment
        spec = getattr(self.renderer, "spec", None)
        # New weights of the same network may wait; a new architecture never does.
        weights_only = moving and self._key is not None and key[1] == self._key[1]
        weights_only = weights_only and self._job.spec == spec
        if share and weights_only and now - self._began < self.render_seconds / DUTY:
            return took  # new weights wait a little; the old picture stays
        row = MODES.get(draw_args[0].split(":")[0])
        sharp = row is not None and row.plot  # a plot's points and lines: always full size
        scale = self.scale if (adaptive and moving and not sharp) else 1.0
        per_pixel, timed = (0.0, False) if sharp else self._work(row, draw_args)
        work = per_pixel * w * h  # multiply-adds at full size
        best = min(1.0, (LONGEST_S * self.rate / work) ** 0.5) if work else 1.0
        scale = min(scale, max(FLOOR_SCALE, best))  # no render that freezes the window
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        mode, colormap, opts = draw_args
        opts = _thin(opts, mode, scale)
        points = None
        overlays = row.overlays if row is not None else ()
        if scale < 1.0 and opts.get("points") is not None and "points" in overlays:
            points = opts["points"]  # the points layer draws them at full resolution
            opts = {k: v for k, v in opts.items() if k != "points"}
        job = Job(
            key, spec, None, view, size, (w, h), scale, (mode, colormap, opts), per_pixel, timed
        )
        self._began, self._best = now, best
        if self._background(mode):
            self._painting = (points, adaptive and moving)
            params, threads = self.renderer.params.copy(), numba.get_num_threads()
            self._painter.submit(replace(job, params=params, threads=threads))  # the loop's share
            self._collect(self._patience(job))
            return True
        start = time.perf_counter()
        self._target(size)
        self.renderer.draw(view, size, mode, colormap, fbo=self.fbo, viewport=(0, 0, *size), **opts)
        self._shown(job, points, time.perf_counter() - start, adaptive and moving)
        return True

    def _patience(self, job: Job) -> float:
        """How long this frame waits for `job`'s picture: not at all where the picture on
        screen may stand in for it (the same architecture and picture, other weights or
        another view of it: keys are (weights, (view, *the rest))), WAIT_S for another
        picture of the same network, else until it is made."""
        shown = self._job
        if shown is None or shown.spec != job.spec:
            return float("inf")
        if shown.canvas == job.canvas and shown.key[1][1:] == job.key[1][1:]:
            return 0.0
        return WAIT_S

    def _background(self, mode: str) -> bool:
        """Whether this picture is made by the painter thread (starting it if need be)."""
        spec = getattr(self.renderer, "spec", None)
        if self._maker is None or spec is None or not self._maker.ready():
            return False  # the shader draws while numba's kernels compile
        if not self._maker.computes(mode, spec):
            return False
        if self._painter is None:
            self._painter = Painter(self._maker)
        return True

    def _collect(self, timeout: float) -> bool:
        """Take a finished background picture into the texture (GL: the frame thread)."""
        if self._painter is None:
            return False
        done = self._painter.take(timeout)
        if done is None:
            return False
        if done.error is not None:
            raise done.error
        job = done.job
        if done.rgba is None or job.spec != self.renderer.spec:
            return False  # the network changed meanwhile: the next picture is its
        self._target(job.size)
        mode, colormap, opts = job.args
        self.renderer.draw(
            job.view, job.size, mode, colormap, fbo=self.fbo, viewport=(0, 0, *job.size),
            picture=done.rgba, **opts,
        )  # fmt: skip
        points, adapt = self._painting
        self._shown(job, points, done.seconds, adapt)
        return True

    def _shown(self, job: Job, points, seconds: float, adapt: bool) -> None:
        """The texture holds `job`'s picture now, made in `seconds`."""
        self.render_seconds = seconds
        scale = job.scale
        if job.timed and job.work and seconds > 0.005:  # long enough: this machine's rate
            self.rate = job.work * job.size[0] * job.size[1] / seconds
        self.renders += 1
        if adapt:
            self._adapt()
        self._points = points
        # sharp: the best picture the time allows (full size unless the net is too heavy)
        self._sharp, self._job = scale >= min(1.0, self._best), job

    def _work(self, row, draw_args) -> tuple[float, bool]:
        """(multiply-adds per pixel of a picture, whether that is its real count and may
        time the rate): the layers its mode walks, times its passes, twice with boundary
        lines (their slope and coverage per neuron); the mosaic counts the whole net, an
        upper bound that caps but does not time."""
        spec = getattr(self.renderer, "spec", None)
        if spec is None or row is None:
            return 0.0, False
        per_layer = [a * b for a, b in zip(spec.sizes, spec.sizes[1:])]
        named = row.named(parse_mode(draw_args[0])[1])
        walked = per_layer[: named["layer"] + 1] if "layer" in named else per_layer
        exact = row.cpu in WALKS_ONCE
        lines = draw_args[2].get("boundaries") is not None or row.boundaries
        factor = PASSES.get(row.cpu, 1.0) * (2.0 if lines else 1.0)
        return float(sum(walked)) * factor, exact

    def _adapt(self) -> None:
        """Fewer pixels when a render took longer than the budget, more when it was quick."""
        t = self.render_seconds
        if t > BUDGET_S:
            self.scale = max(MIN_SCALE, self.scale / STEP)
        elif t < BUDGET_S / 2:
            self.scale = min(1.0, self.scale * STEP)

    def show(self, rect) -> None:
        """Draw the texture over the canvas rectangle, under every panel: where the
        view moved since it was drawn, at the place its domain has now."""
        if self.fbo is None or rect.empty:
            return
        (x0, y0), (x1, y1) = self._placed(rect)
        dl = imgui.get_background_draw_list()
        dl.push_clip_rect(
            imgui.ImVec2(rect.x, rect.y), imgui.ImVec2(rect.x + rect.w, rect.y + rect.h), True
        )
        ref = imgui.ImTextureRef(self.fbo.color_attachments[0].glo)
        # GL textures have row 0 at the bottom; imgui's v grows downwards.
        dl.add_image(
            ref, imgui.ImVec2(x0, y0), imgui.ImVec2(x1, y1), imgui.ImVec2(0, 1), imgui.ImVec2(1, 0)
        )
        dl.pop_clip_rect()
        if self._points is not None and self._wants is not None:
            if self._layer is None:
                self._layer = PointsLayer(self.ctx, self.renderer)
            self._layer.show(self._points, *self._wants, rect)

    def _placed(self, rect) -> tuple[tuple[float, float], tuple[float, float]]:
        """The window corners (top left, bottom right) of the texture's picture."""
        job, wants = self._job, self._wants
        corners = ((rect.x, rect.y), (rect.x + rect.w, rect.y + rect.h))
        if job is None or wants is None or (job.view, job.canvas) == wants:
            return corners
        xmin, xmax, ymin, ymax = job.view.domain_for(job.canvas)
        ends = np.array([[xmin, ymax], [xmax, ymin]])
        (x0, y0), (x1, y1) = wants[0].domain_to_pixel(ends, (rect.w, rect.h)) + (rect.x, rect.y)
        return (float(x0), float(y0)), (float(x1), float(y1))

    @property
    def shown_scale(self) -> float:
        """Fraction of the canvas's pixels (per side) in the picture on screen now."""
        return self._job.scale if self._job is not None else 1.0

    @property
    def shown_mode(self) -> str | None:
        """The view mode of the picture on the canvas ("neuron:1:3"), None before the first."""
        return self._job.args[0] if self._job is not None else None

    def release(self) -> None:
        if self._painter is not None:
            self._painter.close()
            self._painter = None
        if self._layer is not None:
            self._layer.release()
        self._release_fbo()

    def _release_fbo(self) -> None:
        if self.fbo is not None:
            release_target(self.fbo)
            self.fbo = None


LINE_WIDTH = 1.5  # pixels: the renderer's overlay lines at full resolution


def _thin(opts: dict, mode: str, scale: float) -> dict:
    """Overlay lines as thin in a reduced picture as in a full one once it is
    stretched over the canvas (never below what still shows)."""
    if scale >= 1.0:
        return opts
    out = dict(opts)
    row = MODES.get(mode.split(":")[0])
    if opts.get("boundaries") or (row is not None and row.boundaries):
        out.setdefault("line_width", max(0.75, LINE_WIDTH * scale))
    return out
