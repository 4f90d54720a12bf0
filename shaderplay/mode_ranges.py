"""How a view mode's values map onto the colormap when the caller gives no range.

One convention for zero: signed values (a neuron, the mosaic) go through a
diverging map centred on 0, so 0 is the map's middle colour in every view of
every network (`Centred`). A rule is one of: `Fixed` (the same two values
always: error's 0..1), `Bounded` (the range of the activation the values come
out of: the outputs'; from the picture where it has none), `Centred` (-m..m: m the
activation's bound, else from the picture) or `Percentile` (0 up to a robust top of
the picture: the gradient).

A range from the picture is robust (a percentile of |value| of what is in view,
a thinned sample of it), rounded up to a step of STEPS (a legend reads 0.5, 2,
30, not 0.4817) and, in a renderer that draws frame after frame, kept steady by
`RangeMemory`: it grows as soon as values pass it and shrinks only once they
stay below SHRINK of it, so a training run's colours do not flicker. Each rule
says what its range is for a legend (`source`).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .spec import NetworkSpec

STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0, 10.0)  # a picture's range top, per decade
SHRINK = 0.5  # a held range gives way once the picture's top falls below this share of it
SAMPLE = 1 << 16  # values at most read for a picture's percentile (an even thinning)
ROBUST_Q = 99.0  # percentile of |value|: a few extreme pixels do not wash out the rest


def output_activation(named, spec) -> tuple[str, ...]:
    return (spec.output_activation,)


def layer_activation(named, spec) -> tuple[str, ...]:
    """The activation of the mode's LAYER argument."""
    return (spec.layer_activations[named["layer"]],)


def hidden_activations(named, spec) -> tuple[str, ...]:
    return tuple(spec.activations)


def nice_top(top: float) -> float:
    """The smallest step of STEPS x 10^k at least `top` (1 where `top` is not > 0)."""
    if not (np.isfinite(top) and top > 0.0):
        return 1.0
    decade = 10.0 ** math.floor(math.log10(top))
    return next(s * decade for s in STEPS if s * decade >= top * (1.0 - 1e-9))


def robust_top(values: np.ndarray, q: float = ROBUST_Q) -> float:
    """The q-th percentile of |value| over the finite values (a thinned sample)."""
    values = np.asarray(values).reshape(-1)
    if values.size > SAMPLE:
        values = values[:: -(-values.size // SAMPLE)]
    shown = np.abs(values[np.isfinite(values)])
    return float(np.percentile(shown, q)) if shown.size else 0.0


class RangeMemory:
    """The range each picture key (mode, arguments, options) was last shown with:
    kept while the picture's top stays within (SHRINK x held, held], else a new
    `nice_top`. A renderer holds one, so frame after frame the colours hold still."""

    def __init__(self):
        self._held: dict = {}

    def steady(self, key, top: float) -> float:
        held = self._held.get(key)
        if held is not None and SHRINK * held < top <= held:
            return held
        self._held[key] = nice_top(top)
        return self._held[key]

    def last(self, key) -> float | None:
        return self._held.get(key)


@dataclass(frozen=True)
class Fixed:
    """Always lo..hi."""

    lo: float
    hi: float

    def default(self, named, spec, pre) -> tuple[float, float]:
        return self.lo, self.hi

    def source(self, named, spec, pre) -> str:
        return "fixed"


@dataclass(frozen=True)
class Bounded:
    """A bounded activation's whole range (its row's lo..hi), else (a linear output, or
    several different activations) from the picture as `Percentile` takes it: 0 up to
    a robust top, so a CSV of values 10..90 is not one colour past a fixed 0..1.
    `activations` picks the activations the values come out of."""

    activations: Callable[[dict, NetworkSpec], tuple[str, ...]]

    def default(self, named, spec, pre) -> tuple[float, float] | None:
        row = _one_row(self.activations(named, spec))
        return (row.lo, row.hi) if row is not None and row.bounded else None

    def source(self, named, spec, pre) -> str:
        row = _one_row(self.activations(named, spec))
        if row is not None and row.bounded:
            return f"the range of {row.name}"
        return f"auto: 0 .. the {ROBUST_Q:g}th percentile of |value| in view"

    def extent(self, top: float) -> tuple[float, float]:
        return 0.0, top


@dataclass(frozen=True)
class Centred:
    """Signed values, 0 in the middle: -m..m, m the largest |value| of the one bounded
    activation the values come out of (tanh 1, sigmoid 1); from the picture where
    that is unbounded (ReLU), where several activations mix, and before the activation
    (`pre`: what the norm leaves, unbounded)."""

    activations: Callable[[dict, NetworkSpec], tuple[str, ...]]

    def default(self, named, spec, pre) -> tuple[float, float] | None:
        row = None if pre else _one_row(self.activations(named, spec))
        if row is None or not row.bounded:
            return None
        m = max(abs(row.lo), abs(row.hi))
        return -m, m

    def source(self, named, spec, pre) -> str:
        if self.default(named, spec, pre) is not None:
            return f"the range of {_one_row(self.activations(named, spec)).name}, 0 in the middle"
        return f"auto: the {ROBUST_Q:g}th percentile of |value| in view, 0 in the middle"

    def extent(self, top: float) -> tuple[float, float]:
        return -top, top


@dataclass(frozen=True)
class Percentile:
    """Data-driven, values >= 0: 0 up to the `q`th percentile of the picture's values,
    so a few steep pixels do not wash out the rest."""

    q: float

    def default(self, named, spec, pre) -> None:
        return None

    def source(self, named, spec, pre) -> str:
        return f"auto: 0 .. the {self.q:g}th percentile in view"

    def extent(self, top: float) -> tuple[float, float]:
        return 0.0, top


def _one_row(names):
    names = set(names)
    return ACTIVATIONS[names.pop()] if len(names) == 1 else None


def picture_range(rule, values: np.ndarray, memory: RangeMemory | None = None, key=None):
    """The range a picture-driven rule (Bounded, Centred, Percentile) gives `values` (the shown
    channel, gaps left out): a steady one from `memory` under `key`, else `nice_top`."""
    q = rule.q if isinstance(rule, Percentile) else ROBUST_Q
    top = robust_top(values, q)
    return rule.extent(memory.steady(key, top) if memory is not None else nice_top(top))


RangeRule = Fixed | Bounded | Centred | Percentile
OUTPUT_RANGE = Bounded(output_activation)
