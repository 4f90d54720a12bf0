"""Parameter storage on the GPU: a std140 uniform block of vec4s while the
packed network fits GL_MAX_UNIFORM_BLOCK_SIZE (queried), else an RGBA32F
texture read with texelFetch (and always the texture on software GL, where
it compiles faster: see plan_for_context). shaders/storage.glsl gives both the same
accessor, so the network code does not know which it reads.

`plan_storage` is pure (tested without a GPU); `ParamStorage` owns the GL object;
`GpuNetwork` is what the renderer holds per architecture.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import ShaderplayError, choose
from ..spec import NetworkSpec
from .layout import GpuLayout, Packer

STORAGES = ("auto", "uniform", "texture")
UNIFORM_BINDING = 0  # uniform block binding point of SpParams
PARAM_TEXTURE_UNIT = 0  # texture unit of sp_param_tex
MAX_TEXTURE_WIDTH = 4096


@dataclass(frozen=True)
class StoragePlan:
    kind: str  # "uniform" or "texture"
    n_vec4: int  # capacity in vec4s (texture: width * height)
    tex_width: int = 0  # power of two, texture only

    @property
    def tex_height(self) -> int:
        return self.n_vec4 // self.tex_width if self.tex_width else 0

    def defines(self) -> tuple:
        """Hashable (name, value) pairs for shaders/storage.glsl."""
        if self.kind == "uniform":
            return (("SP_STORAGE_TEXTURE", 0), ("SP_PARAM_VEC4", self.n_vec4))
        return (
            ("SP_STORAGE_TEXTURE", 1),
            ("SP_TEX_WIDTH", self.tex_width),
            ("SP_TEX_SHIFT", self.tex_width.bit_length() - 1),
        )


def _pow2_at_most(n: int) -> int:
    return 1 << (max(int(n), 1).bit_length() - 1)


def plan_storage(
    n_vec4: int, max_block_bytes: int, max_texture_size: int, prefer: str = "auto"
) -> StoragePlan:
    """Uniform block when it fits (or is asked for), else a row-wrapped texture."""
    choose("storage", prefer, STORAGES)
    fits = n_vec4 * 16 <= max_block_bytes
    if prefer == "uniform" and not fits:
        raise ShaderplayError(
            f"storage: got 'uniform' for a network of {n_vec4 * 16} bytes; allowed: 'uniform' "
            f"only up to GL_MAX_UNIFORM_BLOCK_SIZE = {max_block_bytes} bytes on this driver, "
            "else 'texture' or 'auto'."
        )
    if prefer == "uniform" or (prefer == "auto" and fits):
        return StoragePlan("uniform", n_vec4)
    width = min(
        MAX_TEXTURE_WIDTH, _pow2_at_most(max_texture_size), 1 << max(n_vec4 - 1, 0).bit_length()
    )
    height = -(-n_vec4 // width)
    if height > max_texture_size:
        raise ShaderplayError(
            f"network size: got {n_vec4 * 4} packed parameters; allowed: at most "
            f"{width * max_texture_size * 4} on this driver "
            f"(GL_MAX_TEXTURE_SIZE = {max_texture_size})."
        )
    return StoragePlan("texture", width * height, width)


def plan_for_context(ctx, n_vec4: int, prefer: str = "auto") -> StoragePlan:
    """The plan for this driver. "auto" on a software rasteriser means the texture:
    Mesa llvmpipe compiled the uniform-block shaders 1.5-5x slower (0.8 s vs 4.7 s for
    the 2-64-64-64-64-3 net) for the same frame time, measured on this project's machine."""
    from .context import is_software

    if prefer == "auto" and is_software(ctx):
        prefer = "texture"
    return plan_storage(
        n_vec4,
        int(ctx.info["GL_MAX_UNIFORM_BLOCK_SIZE"]),
        int(ctx.info["GL_MAX_TEXTURE_SIZE"]),
        prefer,
    )


class ParamStorage:
    """The GL object holding the packed parameters; `write` is the one upload per weight update."""

    def __init__(self, ctx, plan: StoragePlan):
        import moderngl

        self.plan = plan
        if plan.kind == "uniform":
            self._object = ctx.buffer(reserve=plan.n_vec4 * 16, dynamic=True)
        else:
            self._object = ctx.texture((plan.tex_width, plan.tex_height), 4, dtype="f4")
            self._object.filter = (moderngl.NEAREST, moderngl.NEAREST)
            self._object.repeat_x = self._object.repeat_y = False

    def write(self, packed: np.ndarray) -> None:
        self._object.write(packed[: self.plan.n_vec4 * 4])

    def bind(self, program) -> None:
        if self.plan.kind == "uniform":
            self._object.bind_to_uniform_block(UNIFORM_BINDING)
            if "SpParams" in program:
                program["SpParams"].binding = UNIFORM_BINDING
        else:
            self._object.use(PARAM_TEXTURE_UNIT)
            if "sp_param_tex" in program:
                program["sp_param_tex"].value = PARAM_TEXTURE_UNIT

    def release(self) -> None:
        self._object.release()


@dataclass
class GpuNetwork:
    """One architecture as the renderer holds it: its layout in vec4s, the storage plan,
    the packer of its parameter buffer and the storage (None until it compiled)."""

    spec: NetworkSpec
    layout: GpuLayout
    plan: StoragePlan
    packer: Packer
    storage: ParamStorage | None
