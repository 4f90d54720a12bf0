"""The renderer's offscreen surfaces: framebuffers of RGBA textures, one per use
("values", "image", ...) and remade when the size changes, and the small
textures it samples (colormap lookup tables, class and layer colours, data
uploaded from NumPy). Frames are only ever read from these framebuffers."""

import numpy as np

from .. import colormaps


class Surfaces:
    def __init__(self, ctx):
        self.ctx = ctx
        self._framebuffers = {}  # use -> (key, framebuffer, textures)
        self._tables = {}  # name -> 1-row lookup texture

    def framebuffer(self, use: str, size, count: int, dtype: str):
        """(framebuffer, textures): `count` RGBA textures of `size`, kept per `use`."""
        key = (tuple(size), count, dtype)
        held = self._framebuffers.get(use)
        if held and held[0] == key:
            return held[1], held[2]
        textures = [self.ctx.texture(tuple(size), 4, dtype=dtype) for _ in range(count)]
        fbo = self.ctx.framebuffer(color_attachments=textures)
        if held:
            fbo.use()  # never leave a deleted framebuffer bound: moderngl rebinds it (GL error)
            held[1].release()
            for tex in held[2]:
                tex.release()
        self._framebuffers[use] = (key, fbo, textures)
        return fbo, textures

    def table(self, name: str, rgb: np.ndarray):
        """A 1-row RGBA8 lookup texture (colormaps, class and layer colours), made once per name."""
        import moderngl

        if name not in self._tables:
            rgba = np.concatenate([np.asarray(rgb, np.float64), np.ones((len(rgb), 1))], axis=1)
            data = np.ascontiguousarray(np.round(rgba * 255).astype(np.uint8))
            tex = self.ctx.texture((len(rgb), 1), 4, data.tobytes())
            tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
            self._tables[name] = tex
        return self._tables[name]

    def lut(self, colormap: str):
        return self.table("lut:" + colormap, colormaps.lut(colormap) / 255.0)

    def data(self, name: str, values: np.ndarray):
        """A float RGBA texture holding (H, W, <=4) values, row 0 = top (reused per name
        and size)."""
        h, w = values.shape[:2]
        rgba = np.zeros((h, w, 4), np.float32)
        rgba[..., : min(4, values.shape[2])] = values[..., :4]
        _, textures = self.framebuffer("data:" + name, (w, h), 1, "f4")
        textures[0].write(np.ascontiguousarray(rgba[::-1]).tobytes())
        return textures[0]

    def release(self) -> None:
        for _, fbo, textures in self._framebuffers.values():
            fbo.release()
            for tex in textures:
                tex.release()
        for tex in self._tables.values():
            tex.release()
        self._framebuffers, self._tables = {}, {}


def read_values(fbo, attachment: int, size) -> np.ndarray:
    """An RGBA32F attachment of `fbo` as (H, W, 4) float32, row 0 at the top."""
    data = fbo.read(components=4, attachment=attachment, dtype="f4")
    return np.frombuffer(data, np.float32).reshape(size[1], size[0], 4)[::-1]
