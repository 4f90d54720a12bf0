"""The Renderer's software-GL fast path (a mixin before ModePasses): where the
OpenGL is a CPU rasteriser (llvmpipe, softpipe, ...), a mode's values are
computed by the numba evaluator (cpu/evaluator.py, per mode in cpu/modes.py) and
coloured by cpu/colour.py, as the shaders would. `image()` without overlays
never touches GL; `draw()` (the window) and pictures with overlays get the
colours as an 8-bit texture, so overlays and read-back do not know the
difference. The representation plot, the output views of nets with more
than 4 outputs (one RGBA texture in the shaders), and every mode on a GPU
keep the fragment shaders.

The choice: `Renderer(ctx, evaluator=...)`, "auto" (the CPU where the GL is
software), "cpu" (where the mode allows) or "shader"; the default comes from
the environment variable SHADERPLAY_EVALUATOR, else "auto". The numba kernel
is compiled (the first time after an install, several seconds) or loaded
from numba's cache on a background thread as the renderer is made; "auto"
draws with the shader until it is ready, "cpu" waits for it.
"""

import os

import numpy as np

from ..cpu import colour as cpu_colour
from ..cpu import modes as cpu_modes
from ..cpu.ahead import prepare
from ..cpu.evaluator import CpuEvaluator
from ..cpu.modes import MAX_OUTPUTS
from ..errors import choose
from ..modes import default_range, shown_kind
from .context import is_software
from .modepasses import gradient_range

EVALUATORS = ("auto", "cpu", "shader")
EVALUATOR_ENV = "SHADERPLAY_EVALUATOR"
# "auto" waits this long for the numba kernel before its first picture: loading it
# from numba's cache takes ~0.1 s, while a wide net's first frame through llvmpipe's
# shader took minutes; a first compile after an install (seconds) draws with the shader.
FIRST_WAIT_S = 3.0


class CpuPasses:
    def _init_cpu(self, evaluator: str | None) -> None:
        field = "evaluator" if evaluator is not None else EVALUATOR_ENV
        choice = evaluator if evaluator is not None else os.environ.get(EVALUATOR_ENV) or "auto"
        self._evaluator = choose(field, choice, EVALUATORS)
        self._software = is_software(self.ctx)
        self._cpu = None  # CpuEvaluator of the current architecture
        self._cpu_params = None  # the last upload, copied (a trainer may write the caller's array)
        self._cpu_buffers = {}  # top_first -> float32 values, reused frame to frame
        self._cpu_rgba = None  # (H, W, 4) uint8 colours for the picture texture
        self._waited = False  # "auto" has given the kernel its one wait
        if self.evaluator == "cpu":
            prepare()

    @property
    def evaluator(self) -> str:
        """What computes the plain modes' values here, "cpu" or "shader" (with "auto", the
        shader until the numba kernel is loaded)."""
        cpu = self._evaluator == "cpu" or (self._evaluator == "auto" and self._software)
        return "cpu" if cpu else "shader"

    def _keep_params(self, params: np.ndarray) -> None:
        self._cpu_params = params.copy() if self.evaluator == "cpu" else None

    def _raw_values(self, r):
        """values(): straight from the evaluator, without a texture round trip."""
        if r.mode.entry is not None:
            values = self._cpu_values(r, r.mode.entry, top_first=True)
            if values is not None:
                return values[..., : r.mode.channels(self.spec)].copy()
        return super()._raw_values(r)

    def _colour_layer(self, r, fbo, viewport) -> None:
        """Colours mapped by the CPU, where it computed the values: an 8-bit texture shown
        as it is (the colour pass's "rgb" kind over [0, 1] gives back the same bytes)."""
        w, h = r.size
        if self._cpu_rgba is None or self._cpu_rgba.shape != (h, w, 4):
            self._cpu_rgba = np.full((h, w, 4), 255, np.uint8)  # RGBA8 textures are everywhere
        if self._cpu_colours(r, top_first=False, out=self._cpu_rgba) is None:
            return super()._colour_layer(r, fbo, viewport)
        _, textures = self._target("cpu picture", r.size, 1, "f1")
        textures[0].write(self._cpu_rgba)
        self._colour_pass(textures[0], "rgb", 3, r.colormap, (0.0, 1.0), False, fbo, viewport)

    def _cpu_picture(self, r):
        """image(): the whole picture, uint8 (H, W, 3) row 0 at the top, when nothing in it
        needs GL (a mode the CPU evaluates, no overlays); else None."""
        if r.opts.get("boundaries") is not None or r.opts.get("points") is not None:
            return None
        if r.mode.name == "boundaries":
            return None  # its lines are drawn by GL
        return self._cpu_colours(r, top_first=True)

    def _cpu_colours(self, r, top_first: bool, out=None):
        """The colour pass's picture of r from CPU values, by cpu_colour (into channels 0-2
        of `out` if given); None where the shader computes the values."""
        if r.mode.entry is None:
            return None
        kind = shown_kind(r.mode, self.spec)
        entry = (
            "classes.frag.glsl"
            if kind == "classes" and r.mode.entry == "output.frag.glsl"
            else r.mode.entry
        )
        values = self._cpu_values(r, entry, top_first=top_first)
        if values is None:
            return None
        channels = 2 if kind == "classes" else min(r.mode.channels(self.spec), MAX_OUTPUTS)
        value_range = r.range
        if value_range is None:
            value_range = (
                gradient_range(values[..., 0])
                if r.mode.name == "gradient"
                else default_range(r.mode, r.args, self.spec, bool(r.opts.get("pre")))
            )
        return cpu_colour.colour(
            values,
            kind,
            channels,
            r.colormap,
            value_range,
            bool(r.opts.get("discrete")),
            top_first=top_first,
            out=out,
        )

    def _cpu_values(self, r, entry: str, top_first: bool):
        """The float32 values (H, W, C) the values pass `entry` would draw, rows top first
        or (for a texture) bottom first, from the numba evaluator; reused, so valid until
        the next call. None where the shader computes them (a mode the CPU does not, or
        "auto" while numba compiles)."""
        name = r.mode.name
        if self.evaluator != "cpu" or not cpu_modes.supported(name, entry, self.spec):
            return None
        forced = self._evaluator == "cpu"
        ready = prepare(wait=forced or not self._waited, timeout=None if forced else FIRST_WAIT_S)
        self._waited = True
        if not ready and self._evaluator == "auto":
            return None
        if self._cpu is None or self._cpu.spec != self.spec:
            self._cpu = CpuEvaluator(self.spec)
        if name in cpu_modes.POINT_MODES:
            worker = cpu_modes.gradient_values if name == "gradient" else cpu_modes.mosaic_values
            got = worker(self._cpu, self._cpu_params, r)
            return got if top_first else np.ascontiguousarray(got[::-1])
        classes = entry == "classes.frag.glsl"
        written = 1 if name in ("neuron", "regions") else self.spec.n_out
        w, h = r.size
        # classes_from_outputs turns the outputs into (class, confidence): 2 channels at least
        shape = (h, w, max(written, 2) if classes else written)
        values = self._cpu_buffers.get(top_first)
        if values is None or values.shape != shape:  # reused: a fresh array faults in its pages
            values = self._cpu_buffers[top_first] = np.empty(shape, np.float32)
        target = self._target_field(r) if name == "error" else None
        cpu_modes.grid_values(self._cpu, self._cpu_params, r, entry, top_first, values, target)
        if classes:
            classes_from_outputs(values, written)
        return values


def classes_from_outputs(values: np.ndarray, n: int) -> None:
    """(H, W, >= 2) outputs in channels 0..n-1 -> (class, confidence, 0, ...) in place, as
    shaders/classes.frag.glsl computes them: one output is a probability (class 1 above
    0.5, confidence |2p - 1|); several are scored by softmax (class = argmax,
    confidence = (p_max - 1/n) / (1 - 1/n))."""
    out = values[..., :n]
    if n == 1:
        p = out[..., 0].copy()
        values[..., 0] = p > 0.5
        values[..., 1] = np.abs(2.0 * p - 1.0)
    else:
        best = np.argmax(out, axis=-1)
        top = np.max(out, axis=-1, keepdims=True)
        share = 1.0 / np.exp(out - top).sum(axis=-1)
        values[..., 1] = (share - 1.0 / n) / (1.0 - 1.0 / n)
        values[..., 0] = best
    values[..., 2:] = 0.0
