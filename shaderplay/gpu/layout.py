"""Where each parameter sits in GPU memory, and the one gather that puts it there.

The shader reads parameters as vec4s (the unit of a std140 uniform array and
of an RGBA32F texel). `Network.params` packs rows back to back (a 30-wide
layer's rows start at odd offsets), so the GPU copy is laid out for aligned
vec4 reads: every layer's W is cut into 4x4 blocks, block (j, i) holding
W[4j:4j+4, 4i:4i+4] as four vec4 COLUMNS (so `mat4(block) * h[i]` adds 16
multiply-adds), rows of blocks one after another; b, gamma, beta, mean and
var as vec4 groups; each Fourier row (bx, by) in its own vec4; latent values
four to a vec4. Padding is zero, so padded neurons compute exactly 0 before
their activation and padded inputs are multiplied by 0.

`GpuLayout.pack(params, out)` is one precomputed scatter: an upload stays one
buffer write per weight update, whatever the architecture.

All offsets here are in vec4 units.
"""

from dataclasses import dataclass

import numpy as np

from .. import activations
from ..spec import NORMS, NetworkSpec

# Mesa's llvmpipe stops every loop of a shader invocation after 65535
# iterations IN TOTAL (gallivm's LP_MAX_TGSI_LOOP_ITERATIONS, shared by all
# loops): a deep wide net then silently gives wrong pixels. The network loop
# processes `unroll` input groups per iteration to stay below this budget.
LOOP_BUDGET = 48000
UNROLLS = (1, 2, 4, 8, 16)


def groups(n: int) -> int:
    """vec4 groups needed for n values."""
    return (n + 3) // 4


@dataclass(frozen=True)
class GpuLayer:
    n_in: int
    n_out: int
    in4: int
    out4: int
    act: int  # activation code (activations.ACTIVATIONS[name].code)
    norm: int  # index into spec.NORMS: 0 none, 1 layernorm, 2 batchnorm
    w: int  # first 4x4 block; block (j, i) starts at w + 4 * (j * in4 + i)
    b: int
    gamma: int = -1
    beta: int = -1
    mean: int = -1
    var: int = -1


@dataclass(frozen=True)
class GpuLayout:
    layers: tuple[GpuLayer, ...]
    fourier: int  # first Fourier row, -1 if none
    latent: int  # first latent group, -1 if none
    n_vec4: int

    @staticmethod
    def of(spec: NetworkSpec) -> "GpuLayout":
        offset = 0
        layers = []
        for s in spec.layout().layers:
            in4, out4 = groups(s.n_in), groups(s.n_out)
            slots = dict(w=offset)
            offset += 4 * in4 * out4
            for name in ("b", "gamma", "beta", "mean", "var"):
                if getattr(s, name) >= 0:
                    slots[name] = offset
                    offset += out4
            layers.append(
                GpuLayer(
                    s.n_in,
                    s.n_out,
                    in4,
                    out4,
                    activations.ACTIVATIONS[s.activation].code,
                    NORMS.index(s.norm),
                    **slots,
                )
            )
        fourier = latent = -1
        if spec.n_fourier:
            fourier, offset = offset, offset + spec.n_fourier
        if spec.n_latent:
            latent, offset = offset, offset + groups(spec.n_latent)
        return GpuLayout(tuple(layers), fourier, latent, max(offset, 1))

    @property
    def max4(self) -> int:
        """Widest layer (inputs included) in vec4 groups: the size of the shader's state arrays."""
        return max(max(layer.in4, layer.out4) for layer in self.layers)

    def loop_iterations(self, unroll: int) -> int:
        """Loop iterations one pixel runs in shaders/network.glsl (upper bound)."""
        total = self.max4 + len(self.layers)
        for layer in self.layers:
            inner = layer.in4 // unroll + layer.in4 % unroll
            total += layer.out4 * (inner + 1) + 4 * layer.out4 + unroll
        return total

    def choose_unroll(self, evaluations: int = 1) -> int:
        """Smallest unroll that keeps a pixel evaluating the network `evaluations` times
        within llvmpipe's loop budget (smallest: fastest to compile)."""
        for unroll in UNROLLS:
            if evaluations * self.loop_iterations(unroll) <= LOOP_BUDGET:
                return unroll
        return 0  # too big for one pass; the caller reports it

    def macs(self) -> int:
        """Multiply-adds per pixel of the real network (padding not counted)."""
        return sum(layer.n_in * layer.n_out for layer in self.layers)

    # --- the scatter ------------------------------------------------------------
    def scatter_indices(self, spec: NetworkSpec) -> tuple[np.ndarray, np.ndarray]:
        """(dst, src): packed[dst] = params[src] fills every non-padding float."""
        dst, src = [], []
        for gl, s in zip(self.layers, spec.layout().layers):
            rows = np.arange(s.n_out)[:, None]
            cols = np.arange(s.n_in)[None, :]
            block = (rows // 4) * gl.in4 + cols // 4
            dst.append((((gl.w + 4 * block + cols % 4) * 4) + rows % 4).ravel())
            src.append((s.w + rows * s.n_in + cols).ravel())
            for name in ("b", "gamma", "beta", "mean", "var"):
                if getattr(s, name) >= 0:
                    dst.append(getattr(gl, name) * 4 + np.arange(s.n_out))
                    src.append(getattr(s, name) + np.arange(s.n_out))
        layout = spec.layout()
        if spec.n_fourier:
            k = np.arange(spec.n_fourier)
            dst += [(self.fourier + k) * 4, (self.fourier + k) * 4 + 1]
            src += [layout.fourier + 2 * k, layout.fourier + 2 * k + 1]
        if spec.n_latent:
            dst.append(self.latent * 4 + np.arange(spec.n_latent))
            src.append(layout.latent + np.arange(spec.n_latent))
        return np.concatenate(dst).astype(np.int64), np.concatenate(src).astype(np.int64)


class Packer:
    """Turns `Network.params` into the GPU layout: one scatter into a reused array."""

    def __init__(self, spec: NetworkSpec, capacity_vec4: int | None = None):
        self.spec = spec
        self.layout = GpuLayout.of(spec)
        self.n_params = spec.layout().size
        self._dst, self._src = self.layout.scatter_indices(spec)
        capacity = max(capacity_vec4 or 0, self.layout.n_vec4)
        self.packed = np.zeros(capacity * 4, np.float32)  # padding stays zero forever

    def pack(self, params: np.ndarray) -> np.ndarray:
        self.packed[self._dst] = params[self._src]
        return self.packed
