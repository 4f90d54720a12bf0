"""Animations: frame index -> (parameters, view, caption), deterministically.

Each animation has `net` (a Network of its architecture, for
`Renderer.set_network`), `n_frames` and `frame(i) -> Frame`. Frame i of n
sits at t = i / (n - 1) in [0, 1] (t = 0 for a single frame).

- training: a time-lapse; frame 0 shows the initial weights, frame i the
  weights after i * steps_per_frame steps. It trains as it goes, so frames
  must be asked for in order (0, 1, 2, ...). When training stops by itself
  (it diverged, reached max_steps or target_loss) the remaining frames show
  the last weights, captioned with why: a recording always ends.
- zoom: from one view to another. The half extents change exponentially
  (equal zoom factor per frame) and the centre moves in step with them, so
  the point the two views share stays put on screen: a straight zoom into
  it. (Equal scales: the centre moves linearly, a pan.)
- weight-scale: a network's weight matrices and biases multiplied by a
  factor going geometrically from `a` to `b` (norm gains, Fourier
  frequencies and latent inputs are left as they are). With `base` (the
  init scale the weights were drawn at, network.scale), `a` and `b` are
  absolute init scales: the factor is scale / base.
- morph: network A to network B (same architecture, other seed). The
  parameters follow p = cos(theta) A + sin(theta) B with theta from 0 to
  pi/2 along an eased t: for independent random initialisations this keeps
  the weights' variance (a plain lerp halves it midway and the picture
  fades). Entries equal in A and B (norm gains, running statistics, zero
  biases) stay put. Frame 0 is A and the last frame B, exactly.
- playback: the snapshots of a run file spread over the frames, the weights
  (and the step and loss of the caption) interpolated linearly between two
  snapshots, so a replay lasts as long as asked, smoothly.
"""

import math
from dataclasses import dataclass

import numpy as np

from ..config import MAX_FRAMES, MAX_MAGNITUDE, MAX_PER_FRAME
from ..errors import bad_value
from ..network import Network
from ..runs import RunFile, RunRecorder
from ..view import View
from .captions import loss_caption


@dataclass(frozen=True)
class Frame:
    params: np.ndarray  # the flat float32 parameter buffer to upload (its own copy)
    view: View
    caption: str = ""
    curve: np.ndarray | None = None  # losses so far, for the sparkline
    curve_total: int = 0  # how many losses the whole animation will show


def frame_time(i: int, n: int) -> float:
    if not 0 <= i < n:
        raise bad_value("frame index", i, f"0..{n - 1}")
    return i / (n - 1) if n > 1 else 0.0


def eased(t: float) -> float:
    """Cosine ease in and out: starts and stops gently, t=0 -> 0, t=1 -> 1."""
    return 0.5 - 0.5 * math.cos(math.pi * t)


def _check_frames(n_frames) -> int:
    whole = isinstance(n_frames, int) and not isinstance(n_frames, bool)
    if not (whole and 1 <= n_frames <= MAX_FRAMES):
        raise bad_value("frames", n_frames, f"an integer 1..{MAX_FRAMES}")
    return n_frames


# --- the interpolations, as plain functions ---------------------------------------
def zoom_view(a: View, b: View, t: float, size) -> View:
    """The view at t in [0, 1] on the zoom from `a` to `b` for pictures of `size`."""
    (ax, ay), (bx, by) = a.half_extent(size), b.half_extent(size)
    scale = a.scale * (b.scale / a.scale) ** t
    # Centre weight: how far the scale has gone; the shared point stays fixed.
    w = (a.scale - scale) / (a.scale - b.scale) if not math.isclose(a.scale, b.scale) else t
    centre = tuple(ca + (cb - ca) * w for ca, cb in zip(a.centre, b.centre))
    if a.aspect is None and b.aspect is None:
        return View(centre, scale, None)
    aspect = (ax / ay) * ((bx / by) / (ax / ay)) ** t
    return View(centre, scale, aspect)


F32_MAX = float(np.finfo(np.float32).max)


def _scaled_arrays(net: Network):
    """Views of the arrays a weight-scale multiplies: every weight matrix and bias."""
    for i in range(net.spec.depth):
        yield net.W(i)
        yield net.b(i)


def scaled_params(net: Network, factor: float) -> np.ndarray:
    """`net`'s buffer with every weight matrix and bias multiplied by `factor`."""
    out = net.copy()
    for arr in _scaled_arrays(out):
        arr *= np.float32(factor)
    return out.params


def morph_params(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """cos/sin blend of two parameter buffers at eased t (see the module notes)."""
    if t <= 0.0:
        return a.astype(np.float32, copy=True)
    if t >= 1.0:
        return b.astype(np.float32, copy=True)
    theta = 0.5 * math.pi * eased(t)
    mixed = math.cos(theta) * a.astype(np.float64) + math.sin(theta) * b.astype(np.float64)
    return np.where(a == b, a, mixed).astype(np.float32)


# --- the animations ------------------------------------------------------------------
class Zoom:
    name = "zoom"

    def __init__(self, net: Network, start: View, end: View, n_frames: int, size):
        self.net, self.start, self.end, self.size = net, start, end, size
        self.n_frames = _check_frames(n_frames)

    def frame(self, i: int) -> Frame:
        view = zoom_view(self.start, self.end, frame_time(i, self.n_frames), self.size)
        factor = self.start.scale / view.scale
        return Frame(self.net.params.copy(), view, f"zoom x{factor:.3g}")


class WeightScale:
    """Factors `scale_from` to `scale_to` on `net`'s weights; with `base`, absolute
    init scales from `scale_from` to `scale_to`, `net` having been drawn at `base`."""

    name = "weight-scale"

    def __init__(
        self,
        net: Network,
        scale_from: float,
        scale_to: float,
        n_frames: int,
        view: View,
        base: float | None = None,
    ):
        if base is not None and not (
            isinstance(base, (int, float)) and math.isfinite(base) and base > 0
        ):
            raise bad_value("base", base, "a number > 0 (the scale the network was drawn at)")
        # A factor is an init scale (the same bound), and the largest factor times the
        # largest weight or bias must stay a float32 number; with a base the values are
        # absolute scales, base times the factor.
        largest = max(float(np.abs(a).max(initial=0.0)) for a in _scaled_arrays(net))
        limit = min(MAX_MAGNITUDE, F32_MAX / largest / 2 if largest > 0 else math.inf)
        limit *= base or 1.0
        for field, value in (("scale_from", scale_from), ("scale_to", scale_to)):
            if not (isinstance(value, (int, float)) and 0 < value <= limit):
                allowed = (
                    f"a number in (0, {limit:.3g}] (the scales run geometrically; "
                    "scaled weights must stay finite)"
                )
                raise bad_value(field, value, allowed)
        self.net, self.a, self.b, self.view = net, float(scale_from), float(scale_to), view
        self.base = base
        self.n_frames = _check_frames(n_frames)

    def scale(self, i: int) -> float:
        """Frame i's factor, or with a base its absolute scale."""
        return self.a * (self.b / self.a) ** frame_time(i, self.n_frames)

    def factor(self, i: int) -> float:
        return self.scale(i) / (self.base or 1.0)

    def frame(self, i: int) -> Frame:
        scale = self.scale(i)
        caption = f"weights x{scale:.3g}" if self.base is None else f"weight scale {scale:.3g}"
        return Frame(scaled_params(self.net, self.factor(i)), self.view, caption)


class Morph:
    name = "morph"

    def __init__(self, net_a: Network, net_b: Network, n_frames: int, view: View):
        if net_a.spec != net_b.spec:
            raise bad_value(
                "morph networks", "two architectures", "two networks of one architecture"
            )
        self.net, self.net_b, self.view = net_a, net_b, view
        self.n_frames = _check_frames(n_frames)

    def frame(self, i: int) -> Frame:
        t = frame_time(i, self.n_frames)
        params = morph_params(self.net.params, self.net_b.params, t)
        return Frame(params, self.view, f"morph {t:.2f}")


class Playback:
    name = "playback"

    def __init__(self, run: RunFile, view: View, n_frames: int | None = None):
        self.run, self.view = run, view
        self.n_frames = _check_frames(len(run) if n_frames is None else n_frames)
        self.net = run.network_at(0)

    def position(self, i: int) -> tuple[int, float]:
        """(k, f): frame i lies the fraction f of the way from snapshot k to k + 1."""
        t = frame_time(i, self.n_frames) * (len(self.run) - 1)
        k = min(math.floor(t), max(len(self.run) - 2, 0))
        return k, t - k

    def frame(self, i: int) -> Frame:
        k, f = self.position(i)
        run, after = self.run, min(k + 1, len(self.run) - 1)
        a, b = run.snapshots[k], run.snapshots[after]
        params = a + (b - a) * np.float32(f)  # f = 0: snapshot k exactly
        step = round(run.steps[k] + (run.steps[after] - run.steps[k]) * f)
        losses = run.snapshot_loss
        loss = float(losses[k] + (losses[after] - losses[k]) * f)
        curve = np.append(losses[: k + 1], loss) if f else losses[: k + 1].copy()
        return Frame(params, self.view, loss_caption(step, loss), curve, len(self.run))


class TrainingTimelapse:
    """Trains `trainer` (the documented Trainer API: `.net`, `.step`,
    `.advance(n)`, `.stopped`, `.why_stopped()`) `steps_per_frame` steps per
    frame. With a RunRecorder, a snapshot is kept every `recorder.every` steps
    (training pauses exactly at those steps; fixed-step training makes that
    invisible in the frames). `stopped_at` is the first frame after training
    stopped by itself (None while it goes on)."""

    name = "training"

    def __init__(
        self,
        trainer,
        n_frames: int,
        steps_per_frame: int,
        view: View,
        recorder: RunRecorder | None = None,
        loss_of=None,
    ):
        spf = steps_per_frame
        if isinstance(spf, bool) or not isinstance(spf, int) or not 0 <= spf <= MAX_PER_FRAME:
            raise bad_value("steps_per_frame", steps_per_frame, f"an integer 0..{MAX_PER_FRAME}")
        self.trainer, self.view, self.recorder = trainer, view, recorder
        self.net = trainer.net
        self.n_frames = _check_frames(n_frames)
        self.steps_per_frame = steps_per_frame
        self.loss_of = loss_of or latest_train_loss
        self._next = 0
        self._curve: list[float] = []
        self.stopped_at: int | None = None
        if recorder is not None and recorder.due(trainer.step):
            recorder.add(trainer.step, trainer.net.params, self.loss_of(trainer))

    def _advance(self, steps: int) -> None:
        target = self.trainer.step + steps
        while self.trainer.step < target and self.trainer.stopped is None:
            n = target - self.trainer.step
            if self.recorder is not None:
                n = min(n, self.recorder.every - self.trainer.step % self.recorder.every)
            before = self.trainer.step
            self.trainer.advance(n)
            if self.trainer.step == before:  # it stopped itself (max_steps, divergence)
                return  # the later frames show the last weights
            if self.recorder is not None and self.recorder.due(self.trainer.step):
                self.recorder.add(
                    self.trainer.step, self.trainer.net.params, self.loss_of(self.trainer)
                )

    def frame(self, i: int) -> Frame:
        if i != self._next:
            raise bad_value(
                "training frame", i, f"frame {self._next} next (training runs forwards)"
            )
        if i > 0:
            self._advance(self.steps_per_frame)
        self._next += 1
        loss = self.loss_of(self.trainer)
        self._curve.append(loss)
        caption = loss_caption(self.trainer.step, loss)
        if self.trainer.stopped is not None:
            if self.stopped_at is None:
                self.stopped_at = i
            caption += "\ntraining stopped: " + self.trainer.stopped.replace("_", " ")
        return Frame(
            self.trainer.net.params.copy(), self.view, caption, np.array(self._curve), self.n_frames
        )

    @property
    def stop_note(self) -> str:
        """What the CLI says when training stopped before the last frame ('' if not)."""
        if self.stopped_at is None:
            return ""
        shown = f"frames {self.stopped_at}..{self.n_frames - 1} show"
        if self.stopped_at == self.n_frames - 1:
            shown = f"frame {self.stopped_at} shows"
        return (
            f"training stopped at step {self.trainer.step}: {self.trainer.why_stopped()}; "
            f"{shown} the weights it stopped with"
        )


def latest_train_loss(trainer) -> float:
    """The trainer's most recent training loss; NaN before the first step."""
    return math.nan if trainer.step == 0 else trainer.last_loss[0]
