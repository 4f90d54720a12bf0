"""The Renderer's CPU evaluation, an object it holds where the numba evaluator
computes the pictures: where the OpenGL is a CPU rasteriser (llvmpipe,
softpipe, ...), a mode's values are computed by the numba evaluator
(cpu/evaluator.py, per mode the function its row names in cpu/modes.py) and
coloured by cpu/colour.py, as the shaders would. `image()` without overlays
never touches GL; `draw()` (the window) and pictures with overlays get the
colours as an 8-bit texture, so overlays and read-back do not know the
difference. Modes without a CPU function, the output views of nets with more
than 4 outputs (one RGBA texture in the shaders), and every mode on a GPU
keep the fragment shaders.

The choice: `Renderer(ctx, evaluator=...)`, "auto" (the CPU where the GL is
software), "cpu" (where the mode allows) or "shader"; the default comes from
the environment variable SHADERPLAY_EVALUATOR, else "auto". The numba kernel
is compiled (the first time after an install, several seconds) or loaded
from numba's cache on a background thread as the renderer is made. A picture
waits for it: the kernel compiled once and cached beats llvmpipe's shader on
every later call (a picture through the shader also differs in its last bits).
Only a live renderer (the window) with "auto" draws with the shader meanwhile,
after waiting FIRST_WAIT_S at its first picture where the kernels load from the
cache (not at all where they compile: a cold window's first frame came 3 s later),
so that it never freezes.
"""

import os

import numpy as np

from ..cpu import boundaries as cpu_boundaries
from ..cpu import colour as cpu_colour
from ..cpu.ahead import cached, lines_loaded, lines_ready, prepare
from ..cpu.evaluator import CpuEvaluator
from ..cpu.modes import Job, classes_from_outputs, cpu_mode
from ..errors import choose
from ..modes import parse_mode
from .overlays import boundaries_of, boundary_mask, layer_colours
from .request import Request, TargetField, make_request

EVALUATORS = ("auto", "cpu", "shader")
EVALUATOR_ENV = "SHADERPLAY_EVALUATOR"
# A live "auto" renderer waits this long for the numba kernel before its first picture
# where it loads from numba's cache (~0.1 s; a wide net's first frame through llvmpipe's
# shader took minutes); during a first compile it does not wait and draws with the shader.
FIRST_WAIT_S = 3.0


def cpu_pictures_for(
    evaluator: str | None, software: bool, live: bool = False
) -> "CpuPictures | None":
    """The CPU evaluation `evaluator` (None: $SHADERPLAY_EVALUATOR, else "auto") asks
    for on this GL, or None where the shaders compute every picture. `live`: a window's
    renderer, which may draw with the shader while the kernel compiles ("auto" only)."""
    field = "evaluator" if evaluator is not None else EVALUATOR_ENV
    choice = evaluator if evaluator is not None else os.environ.get(EVALUATOR_ENV) or "auto"
    choice = choose(field, choice, EVALUATORS)
    if choice == "cpu" or (choice == "auto" and software):
        return CpuPictures(waits=not (live and choice == "auto"))
    return None


class CpuPictures:
    def __init__(self, waits: bool):
        """`waits`: every picture waits for the numba kernel; else (a live "auto" renderer)
        the shader draws until it is ready."""
        self.waits = waits
        self._evaluator = None  # CpuEvaluator of the current architecture
        self._params = None  # the last upload, copied (a trainer may write the caller's array)
        self._buffers = {}  # top_first -> float32 values, reused frame to frame
        self._rgba = None  # (H, W, 4) uint8 colours for the picture texture
        self._waited = False  # a live renderer has given the kernel its one wait
        prepare()

    def keep(self, params: np.ndarray, owned: bool = False) -> None:
        """Compute with `params` from now on: a copy, unless the caller hands it over."""
        self._params = params if owned else params.copy()

    def values(self, r: Request, spec, target_field) -> np.ndarray | None:
        """values(): straight from the evaluator, without a texture round trip; None
        where the shader computes them. `target_field(r)`: the target at r's pixels."""
        values = self._values(r, spec, target_field, top_first=True, classes=False)
        return None if values is None else values[..., : r.mode.channels(spec)].copy()

    def colours(self, r: Request, spec, target_field, range_of, top_first: bool, out=None):
        """The colour pass's picture of r from CPU values (into channels 0-2 of `out` if
        given), uint8 (H, W, 3); None where the shader computes the values.
        `range_of(r, values)`: the range shown where r gives none."""
        mode = r.mode
        classes = mode.shown_entry(spec) != mode.entry  # outputs shown as classes
        values = self._values(r, spec, target_field, top_first, classes)
        if values is None:
            return None
        value_range = r.range or range_of(r, values)
        return cpu_colour.colour(
            values,
            mode.shown_kind(spec),
            mode.shown_channels(spec),
            r.colormap,
            value_range,
            bool(r.opts.get("discrete")),
            top_first=top_first,
            out=out,
        )

    def boundaries(self, r: Request, spec, mask, colours, line_width: float, rgba) -> None:
        """Blend the boundaries of `mask` over the texture picture `rgba` that `colours`
        just filled for r (rows bottom first), with the weights it used."""
        if not mask.any():  # nothing to draw: no wait for the kernel's first compile
            return
        lines_ready()
        cpu_boundaries.draw(
            self._evaluator, self._params, r.view, r.size, mask, colours, line_width, rgba, False
        )

    def rgba(self, size) -> np.ndarray:
        """The (H, W, 4) uint8 picture buffer `colours` fills for a texture, reused."""
        w, h = size
        if self._rgba is None or self._rgba.shape != (h, w, 4):
            self._rgba = np.full((h, w, 4), 255, np.uint8)  # RGBA8 textures are everywhere
        return self._rgba

    def _values(self, r: Request, spec, target_field, top_first: bool, classes: bool):
        """The float32 values (H, W, C) of r's mode (with `classes`: its outputs as
        (class, confidence)), rows top first or (for a texture) bottom first; reused, so
        valid until the next call. None where the shader computes them (a mode without a
        CPU function, or a live renderer's picture while numba compiles)."""
        found = cpu_mode(r.mode, spec)
        if found is None:
            return None
        # A live renderer waits once, for a load from the cache, never for a first compile.
        wait = self.waits or (not self._waited and cached())
        ready = prepare(wait=wait, timeout=None if self.waits else FIRST_WAIT_S)
        self._waited = True
        if not ready and not self.waits:
            return None
        if self._evaluator is None or self._evaluator.spec != spec:
            self._evaluator = CpuEvaluator(spec)
        target = target_field(r) if r.mode.needs_target else None
        named = r.mode.named(r.args)
        least = 2 if classes else 1  # (class, confidence) need 2 channels
        job = Job(r.view, r.size, named, r.pre, top_first, target, self._buffers, least)
        values = found.values(self._evaluator, self._params, job)
        if classes:
            classes_from_outputs(values, spec.n_out)
        return values


def draws_lines(cpu: CpuPictures) -> bool:
    """Whether `cpu` blends boundary lines into its pictures: a command's waits for their
    kernel; a live renderer's only once it is loaded (the shader draws them meanwhile,
    never a frame held up by their first compile)."""
    return cpu.waits or lines_loaded()


def cpu_picture(cpu: CpuPictures, r: Request, spec, target_field, range_of, boundaries):
    """(rgba, lines): r's colours as the picture texture holds them ((H, W, 4) uint8,
    rows bottom first, `cpu`'s buffer), None where the shader computes the values; and
    whether the `boundaries` lines are blended in (else the shader draws them over)."""
    if boundaries is not None:
        lines_loaded()  # on a cold cache, their compile runs beside the values' one
    rgba = cpu.rgba(r.size)
    if cpu.colours(r, spec, target_field, range_of, False, rgba) is None:
        return None, False
    lines = boundaries is not None and draws_lines(cpu)  # asked once: a kernel that
    # loads meanwhile must not leave the frame's lines to neither
    if lines:
        mask, _ = boundary_mask(spec, boundaries)
        width = float(r.opts.get("line_width", 1.5))
        cpu.boundaries(r, spec, mask, layer_colours(spec.depth), width, rgba)
    return rgba, lines


class PictureMaker:
    """A renderer's CPU pictures made on another thread: the same colours `draw` would
    compute, with GL nowhere near, so a window's frames never wait for them. It has its
    own evaluator, buffers and target field; the ranges it picks go to the renderer's
    `Shown`, so the legend names them."""

    def __init__(self, shown):
        self._cpu = CpuPictures(waits=True)
        self._target = TargetField()
        self._shown = shown

    @staticmethod
    def ready() -> bool:
        """Whether the numba kernels, the boundary lines' included, are loaded (their first
        compile is not waited on: the painter must never wait for one). Both start at
        the first question, side by side."""
        lines = lines_loaded()
        return prepare() and lines

    @staticmethod
    def computes(mode: str, spec) -> bool:
        """Whether `make` draws this mode's picture whole: it has a CPU function and is
        not a plot, or it is a composite of two such halves."""
        row = parse_mode(mode)[0]
        if row.halves:
            return all(PictureMaker.computes(half, spec) for half in row.halves)
        return not row.plot and cpu_mode(row, spec) is not None

    def make(self, spec, params, view, size, mode, colormap, opts):
        """The picture texture `Renderer.draw(..., picture=)` takes (see `cpu_picture`),
        a copy; None where the shader computes it. `params` is handed over: a copy no
        one else writes."""
        r = make_request(view, size, mode, colormap, opts, spec)
        self._cpu.keep(params, owned=True)

        def target_field(request):
            return self._target.of(request, spec.n_out)

        def range_of(request, values):
            return self._shown.range(request, spec, values)

        parts = []
        for part in r.halves() if r.mode.halves else (r,):  # a composite: side by side
            rgba, _ = cpu_picture(  # the painter runs once the lines' kernel is loaded
                self._cpu, part, spec, target_field, range_of, boundaries_of(part, spec)
            )
            if rgba is None:
                return None
            parts.append(rgba.copy())  # the buffer is the next part's too
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)
