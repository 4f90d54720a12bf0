"""The canvas split for an A/B comparison: run A's picture on the left half,
run B's on the right, each drawn by a renderer holding its own weights (B's
network may differ in architecture: an activation or norm change), a label
naming each half's values of the changed settings over it (as many as fit the
half, the rest counted) and a divider between them.

Each half shows what the whole canvas shows (the view's domain fitted into
the half, square pixels), so both pictures cover the same region; a canvas
screenshot holds both halves side by side. The halves
are CanvasPictures of their own: the full canvas's picture keeps its cache
for when the comparison ends.
"""

import numpy as np
from imgui_bundle import imgui

from ..errors import ShaderplayError
from ..view import View
from .canvas import LABEL, Rect, shadowed_text
from .canvas_picture import CanvasPicture
from .compare_settings import MOST_SHOWN, label

PAD = 6.0  # window units between a half's edge and its label


class SplitCanvas:
    def __init__(self, ctx, renderer_a):
        self.ctx = ctx
        self.picture_a = CanvasPicture(ctx, renderer_a)
        self.renderer_b = self.picture_b = None
        self._run_b = None  # the Compare whose network renderer B holds

    def _follow(self, run_b) -> None:
        """Renderer B on run B's network (made on the first comparison, kept after)."""
        if run_b is self._run_b:
            return
        if self.renderer_b is None:
            from ..gpu.renderer import Renderer

            self.renderer_b = Renderer(self.ctx, live=True)
            self.picture_b = CanvasPicture(self.ctx, self.renderer_b)
        self.renderer_b.set_network(run_b.net)
        self._run_b = run_b

    def draw(self, state, session, rect: Rect, size_px, args, key, share: bool) -> None:
        """Both halves over `rect` (`size_px` its pixels); `key` names everything but the
        weights, as the full picture's key does. A half that cannot be drawn says why."""
        run_b = session.compare
        half_px = (max(1, size_px[0] // 2), size_px[1])
        left = Rect(rect.x, rect.y, rect.w / 2, rect.h)
        right = Rect(rect.x + rect.w / 2, rect.y, rect.w / 2, rect.h)
        view = View.fit(state.view.domain_for(state.canvas_size), (left.w, left.h))
        key = (view, half_px, key)
        try:
            self._follow(run_b)
            self.renderer_b.upload(run_b.params())
            halves = (
                (self.picture_a, (session.weights_key, key), left),
                (self.picture_b, ((id(run_b), run_b.step), key), right),
            )
            for picture, picture_key, half in halves:
                picture.update(picture_key, view, half_px, args, state.adaptive, share=share)
                picture.show(half)
        except ShaderplayError as exc:
            state.say(f"A/B picture: {exc}", error=True)
        _furniture(run_b.parts, left, right)

    def image(self, state, session, size_px, args):
        """Both halves side by side at `size_px` (a screenshot), no labels: uint8 (H, W, 3).
        Renderer A holds A's weights on screen; B's are uploaded as the canvas does."""
        run_b = session.compare
        self._follow(run_b)
        self.renderer_b.upload(run_b.params())
        half = (max(1, size_px[0] // 2), size_px[1])
        view = View.fit(state.view.domain_for(state.canvas_size), half)
        mode, colormap, opts = args
        pictures = [
            renderer.image(view, half, mode, colormap, **opts)
            for renderer in (self.picture_a.renderer, self.renderer_b)
        ]
        return np.concatenate(pictures, axis=1)

    def release(self) -> None:
        for thing in (self.picture_a, self.picture_b, self.renderer_b):
            if thing is not None:
                thing.release()


def _furniture(parts, left: Rect, right: Rect) -> None:
    """The divider and each half's label, over the pictures, under the panels."""
    dl = imgui.get_background_draw_list()
    colour = imgui.color_convert_float4_to_u32(LABEL)
    x = right.x
    dl.add_line(imgui.ImVec2(x, right.y), imgui.ImVec2(x, right.y + right.h), colour, 2.0)
    for text, half in zip(_fitted(parts, left.w - 2 * PAD), (left, right), strict=True):
        shadowed_text(dl, half.x + PAD, half.y + PAD, text)


def _fitted(parts, width: float) -> tuple[str, str]:
    """Both halves' labels naming the same number of settings (MOST_SHOWN at most), as
    many as fit `width`; the rest counted ("+2 more")."""
    for most in range(min(MOST_SHOWN, len(parts[0])), 0, -1):
        texts = (label("A", parts[0], most), label("B", parts[1], most))
        if max(imgui.calc_text_size(text).x for text in texts) <= width:
            return texts
    return label("A", parts[0], 0), label("B", parts[1], 0)
