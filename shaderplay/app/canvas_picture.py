"""CanvasPicture: the network's picture for the canvas, rendered offscreen into
a texture that imgui draws behind the panels (linear filtering when scaled).

Why offscreen: the picture is only re-rendered when something it depends on
changed (new weights, view, mode, size), so a paused network costs nothing
per frame; and while it changes (training, panning, zooming) it can be
rendered at a lower resolution (`scale`) that adapts to keep each render
within a time budget, then shown full size. Once it holds still it is
rendered again at full resolution. A reduced picture leaves the data points out: imgui draws them
over it at the window's resolution (canvas_points.py). Screenshots and
recordings never use this texture: they render at the canvas's full pixel size.

Sharing the CPU with training: while the trainer free-runs (`share`), new
weights alone (the view unchanged) re-render the picture only once the last
render's time fits in DUTY of the time since it began, so on software GL the
picture takes at most that share of a core and the trainer keeps the rest; at
a watchable pace every new snapshot is drawn. A change of view, mode or size
renders at once, so panning and zooming stay immediate.
"""

import time

from imgui_bundle import imgui

from ..modes import MODES, parse_mode
from . import canvas_points
from .offscreen import colour_target, release_target

BUDGET_S = 0.012  # target time of one canvas render while training
DUTY = 0.4  # most of the time spent re-rendering for new weights alone
SETTLE_S = 0.3  # a reduced picture unchanged this long is drawn again at full size
MIN_SCALE = 0.125
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
        self._key = None  # (weights, the rest) the texture shows
        self._sharp = False  # the texture holds a full-resolution render of `_key`
        self.render_seconds = 0.0
        self._began = -1e9  # when the last render began
        self.renders = 0  # renders so far (the benchmark reports their rate)
        self._drawn = 1.0  # the scale of the picture in the texture
        self._points = None  # (point rows, view) drawn over a reduced picture by imgui
        self.rate = RATE  # multiply-adds per second a render reached, measured as they go

    def _target(self, size) -> None:
        if self.fbo is not None and self.fbo.size == size:
            return
        self.release()
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
        rendered."""
        w, h = max(1, int(size_px[0])), max(1, int(size_px[1]))
        if key == self._key and self._sharp:
            return False
        now = time.perf_counter() if now is None else now
        moving = key != self._key
        if not moving and adaptive and now - self._began < SETTLE_S:
            return False  # sharpened once the picture has held still a moment
        weights_only = moving and self._key is not None and key[1] == self._key[1]
        if share and weights_only and now - self._began < self.render_seconds / DUTY:
            return False  # new weights wait a little; the old picture stays
        row = MODES.get(draw_args[0].split(":")[0])
        sharp = row is not None and row.plot  # a plot's points and lines: always full size
        scale = self.scale if (adaptive and moving and not sharp) else 1.0
        per_pixel, timed = (0.0, False) if sharp else self._work(row, draw_args)
        work = per_pixel * w * h  # multiply-adds at full size
        best = min(1.0, (LONGEST_S * self.rate / work) ** 0.5) if work else 1.0
        scale = min(scale, max(FLOOR_SCALE, best))  # no render that freezes the window
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        self._target(size)
        mode, colormap, opts = draw_args
        opts = _thin(opts, mode, scale)
        self._points = None
        overlays = row.overlays if row is not None else ()
        if scale < 1.0 and opts.get("points") is not None and "points" in overlays:
            self._points = (canvas_points.preview_rows(opts["points"]), view)
            opts = {k: v for k, v in opts.items() if k != "points"}
        start = time.perf_counter()
        self.renderer.draw(view, size, mode, colormap, fbo=self.fbo, viewport=(0, 0, *size), **opts)
        self.render_seconds = time.perf_counter() - start
        if timed and work and self.render_seconds > 0.005:  # long enough: this machine's rate
            self.rate = work * scale * scale / self.render_seconds
        self._began, self.renders = now, self.renders + 1
        if adaptive and moving:
            self._adapt()
        # sharp: the best picture the time allows (full size unless the net is too heavy)
        self._key, self._sharp, self._drawn = key, scale >= min(1.0, best), scale
        return True

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
        """Draw the texture over the canvas rectangle, under every panel."""
        if self.fbo is None or rect.empty:
            return
        dl = imgui.get_background_draw_list()
        ref = imgui.ImTextureRef(self.fbo.color_attachments[0].glo)
        # GL textures have row 0 at the bottom; imgui's v grows downwards.
        dl.add_image(
            ref,
            imgui.ImVec2(rect.x, rect.y),
            imgui.ImVec2(rect.x + rect.w, rect.y + rect.h),
            imgui.ImVec2(0, 1),
            imgui.ImVec2(1, 0),
        )
        if self._points is not None:
            canvas_points.draw(*self._points, rect)

    @property
    def shown_scale(self) -> float:
        """Fraction of the canvas's pixels (per side) in the picture on screen now."""
        return self._drawn

    def release(self) -> None:
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
