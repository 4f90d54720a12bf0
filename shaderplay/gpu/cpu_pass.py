"""The Renderer's software-GL fast path (a mixin before ModePasses): where the
OpenGL is a CPU rasteriser (llvmpipe, softpipe, ...), the values of the plain
modes are computed by the numba evaluator (cpu_eval.py) and written into the
same float texture the values pass would have drawn, so the colour pass,
overlays and read-back do not know the difference. Other modes, and every
mode on a GPU, keep the fragment shader.

The choice: `Renderer(ctx, evaluator=...)`, "auto" (the CPU where the GL is
software), "cpu" (where the mode allows) or "shader"; the default comes from
the environment variable SHADERPLAY_EVALUATOR, else "auto". The numba kernel
is compiled (the first time after an install, several seconds) or loaded
from numba's cache on a background thread as the renderer is made; "auto"
draws with the shader until it is ready, "cpu" waits for it.
"""

import os

import numpy as np

from ..errors import choose
from .context import is_software
from .cpu_eval import CpuEvaluator, prepare

EVALUATORS = ("auto", "cpu", "shader")
EVALUATOR_ENV = "SHADERPLAY_EVALUATOR"
MAX_OUTPUTS = 4  # one RGBA texture: more outputs are shown as classes, by the shader
# "auto" waits this long for the numba kernel before its first picture: loading it
# from numba's cache takes ~0.1 s, while a wide net's first frame through llvmpipe's
# shader took minutes; a first compile after an install (seconds) draws with the shader.
FIRST_WAIT_S = 3.0


def cpu_plan(mode_name: str, entry: str, args: tuple, spec, pre: bool = False):
    """(layer, units, pre) for a values pass the CPU evaluator computes, else None.

    "output" (and the picture under "boundaries") with up to 4 outputs: the outputs;
    "classes" (or class colours under those) with up to 4 outputs: the outputs, turned
    into (class, confidence) by `classes_from_outputs`;
    "neuron:LAYER:UNIT": that unit, before its activation with `pre`.
    """
    plain = mode_name in ("output", "boundaries", "classes") and spec.n_out <= MAX_OUTPUTS
    if entry in ("output.frag.glsl", "classes.frag.glsl") and plain:
        return None, None, False
    if entry == "neuron.frag.glsl" and mode_name == "neuron":
        layer, unit = args
        return layer, range(unit, unit + 1), bool(pre)
    return None


class CpuPasses:
    def _init_cpu(self, evaluator: str | None) -> None:
        field = "evaluator" if evaluator is not None else EVALUATOR_ENV
        choice = evaluator if evaluator is not None else os.environ.get(EVALUATOR_ENV) or "auto"
        self._evaluator = choose(field, choice, EVALUATORS)
        self._software = is_software(self.ctx)
        self._cpu = None  # CpuEvaluator of the current architecture
        self._cpu_params = None  # the last upload, copied (a trainer may write the caller's array)
        self._cpu_values = None  # (H, W, 4) float32 written into the values texture
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

    def _mode_pass(self, r, entry: str, group: int = 0):
        plan = None
        if self.evaluator == "cpu" and group == 0:
            plan = cpu_plan(r.mode.name, entry, r.args, self.spec, r.opts.get("pre", False))
        if plan is None:
            return super()._mode_pass(r, entry, group)
        forced = self._evaluator == "cpu"
        ready = prepare(wait=forced or not self._waited, timeout=None if forced else FIRST_WAIT_S)
        self._waited = True
        if not ready and self._evaluator == "auto":
            return super()._mode_pass(r, entry, group)  # while numba compiles
        layer, units, pre = plan
        if self._cpu is None or self._cpu.spec != self.spec:
            self._cpu = CpuEvaluator(self.spec)
        w, h = r.size
        count = self.spec.sizes[-1 if layer is None else layer + 1] if units is None else len(units)
        fbo, textures = self._target("values", r.size, 1, "f4")
        if self._cpu_values is None or self._cpu_values.shape != (h, w, 4):
            self._cpu_values = np.zeros((h, w, 4), np.float32)
        self._cpu_values[..., count:] = 0.0  # what the shader writes in unused channels
        # Bottom row first, as the texture holds it.
        self._cpu.values(
            self._cpu_params,
            r.view,
            r.size,
            layer,
            pre,
            units,
            top_first=False,
            out=self._cpu_values,
        )
        if entry == "classes.frag.glsl":
            classes_from_outputs(self._cpu_values, count)
        textures[0].write(self._cpu_values)
        return fbo, textures


def classes_from_outputs(values: np.ndarray, n: int) -> None:
    """(H, W, 4) outputs in channels 0..n-1 -> (class, confidence, 0, 0) in place, as
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
