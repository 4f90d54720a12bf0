"""Offscreen colour targets the window draws into and imgui shows (the canvas
picture, the neuron thumbnails, whole-window screenshots)."""

import moderngl

from ..gpu.context import bind_default_framebuffer


def colour_target(ctx, size, linear: bool = False):
    """A framebuffer with one RGBA8 texture of `size` (W, H); `linear` filtering
    for a picture shown larger or smaller than it was rendered."""
    texture = ctx.texture(tuple(size), 4)
    if linear:
        texture.filter = (moderngl.LINEAR, moderngl.LINEAR)
    return ctx.framebuffer(color_attachments=[texture])


def release_target(fbo) -> None:
    """Free `fbo` and its textures, the default framebuffer bound first: moderngl
    rebinds the previous framebuffer later, and a deleted one is a GL error."""
    bind_default_framebuffer(fbo.ctx)
    for texture in fbo.color_attachments:
        texture.release()
    fbo.release()
