"""How a view mode's values map onto the colormap when the caller gives no range.

A rule is one of: `Fixed` (the same two values always: error's 0..1), `Bounded`
(the range of the activation the values come out of, from its row's lo/hi) or
`Percentile` (data-driven: from each picture's own values, the gradient's). Each
says what its range is for a legend (`source`).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .spec import NetworkSpec

PRE_RANGE = (-2.0, 2.0)  # pre-activations: their sign is what matters


def output_activation(named, spec) -> tuple[str, ...]:
    return (spec.output_activation,)


def layer_activation(named, spec) -> tuple[str, ...]:
    """The activation of the mode's LAYER argument."""
    return (spec.layer_activations[named["layer"]],)


def hidden_activations(named, spec) -> tuple[str, ...]:
    return tuple(spec.activations)


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
    """A bounded activation's whole range (its row's lo..hi); with `one_sided`, (0, 1)
    for one whose values are >= 0 (ReLU: 0, a neuron that is off, sits at the map's low
    end and a dead neuron is a flat tile of it); else `otherwise`. `activations` picks
    the activations the values come out of: several different ones also give
    `otherwise`. `pre`: the range before the activation (the "pre" option)."""

    activations: Callable[[dict, NetworkSpec], tuple[str, ...]]
    otherwise: tuple[float, float]
    one_sided: bool = False
    pre: tuple[float, float] | None = None

    def default(self, named, spec, pre) -> tuple[float, float]:
        if pre and self.pre is not None:
            return self.pre
        names = set(self.activations(named, spec))
        if len(names) != 1:
            return self.otherwise
        row = ACTIVATIONS[names.pop()]
        if row.bounded:
            return row.lo, row.hi
        if self.one_sided and row.lo == 0.0:
            return 0.0, 1.0
        return self.otherwise

    def source(self, named, spec, pre) -> str:
        if pre and self.pre is not None:
            return "before the activation: its sign is what matters"
        names = sorted(set(self.activations(named, spec)))
        if len(names) != 1:
            return "fixed: the layers' activations differ"
        row = ACTIVATIONS[names[0]]
        if row.bounded:
            return f"the range of {row.name}"
        if self.one_sided and row.lo == 0.0:
            return f"{row.name} is >= 0"
        return f"fixed: {row.name} is unbounded"


@dataclass(frozen=True)
class Percentile:
    """Data-driven: 0 up to the `q`th percentile of the picture's channel 0 (1 where that
    is not > 0), so a few steep pixels do not wash out the rest."""

    q: float

    def default(self, named, spec, pre) -> None:
        return None

    def source(self, named, spec, pre) -> str:
        return f"0 .. the {self.q:g}th percentile of the picture"

    def of_values(self, channel0: np.ndarray) -> tuple[float, float]:
        shown = channel0[np.isfinite(channel0)]
        top = float(np.percentile(shown, self.q)) if shown.size else 0.0
        return 0.0, top if top > 0 else 1.0


RangeRule = Fixed | Bounded | Percentile
OUTPUT_RANGE = Bounded(output_activation, (0.0, 1.0))
