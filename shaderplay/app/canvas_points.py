"""Data points over a reduced canvas picture, at the window's full resolution in
their class colours: the renderer's own points pass, drawn into a transparent
texture the size of the canvas that imgui lays over the picture. A picture
rendered at a fraction of the canvas's pixels and stretched over it had turned
them into dark blobs; once the picture is sharp again the renderer draws them
into it itself (as in screenshots).

The layer is drawn again only when the view, the canvas's size or the data
change: the points do not move with the weights, so while training reshapes
the picture every frame the layer costs one textured quad. (imgui drawing
each point as two circles had cost ~15 % of every frame of a 1000-point set.)
"""

from imgui_bundle import imgui

from .offscreen import colour_target, release_target


class PointsLayer:
    def __init__(self, ctx, renderer):
        self.ctx, self.renderer = ctx, renderer
        self.fbo = None
        self._key = None  # (data, view, size) the texture holds
        self.draws = 0  # times the points were drawn (tests)

    def show(self, data, view, size_px, rect) -> None:
        """The points of `data` as `view` at `size_px` (the canvas's pixels) places them,
        over the canvas `rect` (window units)."""
        self.update(data, view, size_px)
        # premultiplied colours drawn straight: only the 1-pixel dark rim's edge differs
        dl = imgui.get_background_draw_list()
        ref = imgui.ImTextureRef(self.fbo.color_attachments[0].glo)
        dl.add_image(
            ref,
            imgui.ImVec2(rect.x, rect.y),
            imgui.ImVec2(rect.x + rect.w, rect.y + rect.h),
            imgui.ImVec2(0, 1),
            imgui.ImVec2(1, 0),
        )

    def update(self, data, view, size_px) -> None:
        """Draw the points into the texture if the data, view or size changed."""
        size = (max(1, int(size_px[0])), max(1, int(size_px[1])))
        key = (id(data), view, size)
        if key != self._key:
            if self.fbo is None or self.fbo.size != size:
                self.release()
                self.fbo = colour_target(self.ctx, size, linear=True)
            self.renderer.draw_points(view, size, data, self.fbo)
            self._key, self.draws = key, self.draws + 1

    def release(self) -> None:
        if self.fbo is not None:
            release_target(self.fbo)
            self.fbo, self._key = None, None
