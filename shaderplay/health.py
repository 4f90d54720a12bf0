"""Health hints: what is wrong with a network on its training data, in one line each.

    hints = check(net, dataset.x_train)          # [Hint(what, where, suggestion), ...]
    dead_units(hints)                            # {(weight layer, unit), ...}

Two findings, both from one NumPy forward pass (`Network.forward_layers`) over
the training points:
- a hidden unit is *dead* when no training point gets a gradient through it:
  its activation's slope is below SLOPE_FLOOR of that activation's steepest
  slope on every point (a ReLU unit off everywhere, a tanh unit saturated
  everywhere). Nothing can bring it back but another start.
- an output is *stuck* when it is the same (within FLAT) on every training
  point: the picture is flat, the loss cannot fall (a ReLU output that died,
  a sigmoid output pinned at 0 or 1, or every unit below it dead).

The suggestions are table rows by activation (SUGGESTIONS). `Watch` keeps the
hints of the weights a window shows, checked on a worker thread (a check of a
wide network takes tens of milliseconds: no frame waits for it) at most every
PERIOD_S seconds while they change, at once for a new network. No GL, no GUI.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from . import activations

SLOPE_FLOOR = 1e-3  # of the activation's steepest slope: below it on every point, dead
FLAT = 1e-4  # an output that varies less than this over the data is stuck
PERIOD_S = 1.0  # Watch: seconds between two checks of changing weights
WINDOW_POINTS = 2048  # Watch: training points checked (evenly thinned beyond)
LISTED = 6  # units named in a hint's `where`; more are counted

# activation -> (dead hidden units, stuck output): what to try
SUGGESTIONS = {
    "relu": (
        "ReLU units never active on the data: lower the learning rate, use leaky_relu or "
        "start the biases above 0",
        "ReLU output dead: lower the learning rate or use sigmoid",
    ),
    "sigmoid": (
        "sigmoid units saturated on all the data: lower the learning rate or the weight scale",
        "sigmoid output stuck: lower the learning rate, or use bce for a 0/1 target",
    ),
}
DEFAULT_SUGGESTION = (
    "{act} units saturated on all the data: lower the learning rate or the weight scale",
    "{act} output stuck: lower the learning rate or change the output activation",
)


@dataclass(frozen=True)
class Hint:
    what: str  # "dead units", "stuck output"
    where: str  # which units, e.g. "layer 2: 2 of 16 (units 0, 3)"
    suggestion: str  # one line: what it means and what to try
    units: tuple[tuple[int, int], ...] = ()  # (weight layer, unit) pairs it is about

    def __str__(self) -> str:
        return f"{self.what} ({self.where}): {self.suggestion}"


def suggestion(activation: str, output: bool) -> str:
    row = SUGGESTIONS.get(activation, DEFAULT_SUGGESTION)
    return row[int(output)].format(act=activation)


def _steepest(activation) -> float:
    """The activation's largest |slope| over a grid of inputs (1 for ReLU, 0.25 sigmoid)."""
    return float(np.max(np.abs(activation.np_df(np.linspace(-6.0, 6.0, 1201)))))


def _listed(units) -> str:
    """ "unit 3", "units 0, 4", "units 0, 1, 2, 3, 4, 5, ..." """
    shown = ", ".join(str(u) for u in units[:LISTED]) + (", ..." if len(units) > LISTED else "")
    return f"unit{'s' if len(units) > 1 else ''} {shown}"


def check(net, points, limit: int | None = None) -> list[Hint]:
    """The hints for `net` on training `points` (N, 2); with `limit`, at most that many
    points, evenly spread over the array. No points: no hints."""
    points = np.asarray(points, np.float64).reshape(-1, 2)
    if limit is not None and len(points) > limit:
        points = points[np.linspace(0, len(points) - 1, limit).round().astype(np.int64)]
    if not len(points):
        return []
    hints = []
    layers = net.forward_layers(points)
    last = len(layers) - 1
    for i, (pre, post) in enumerate(layers):
        name = net.layout.layers[i].activation
        if i < last:
            act = activations.get(name)
            slope = np.max(np.abs(act.np_df(pre)), axis=0)
            dead = np.flatnonzero(slope <= SLOPE_FLOOR * _steepest(act))
            if len(dead):
                where = f"layer {i + 1}: {len(dead)} of {pre.shape[1]} ({_listed(dead)})"
                units = tuple((i, int(u)) for u in dead)
                hints.append(Hint("dead units", where, suggestion(name, False), units))
            continue
        stuck = np.flatnonzero(np.ptp(post, axis=0) < FLAT)
        if len(stuck):
            values = ", ".join(f"{post[0, k]:.3g}" for k in stuck[:LISTED])
            where = f"output {', '.join(str(k) for k in stuck)} = {values} on every point"
            units = tuple((i, int(k)) for k in stuck)
            hints.append(Hint("stuck output", where, suggestion(name, True), units))
    return hints


def dead_units(hints) -> frozenset:
    """(weight layer, unit) of every unit the hints name."""
    return frozenset(u for hint in hints for u in hint.units)


class Watch:
    """The hints of the weights a window shows: `of(key, network, points)` starts a
    check when the network changed (the first part of `key`; the old hints go at once)
    or, while only the weights change, PERIOD_S seconds after the last one started, and
    returns the newest hints finished. `network` is a callable, called only then, whose
    Network must not change afterwards (a snapshot's)."""

    def __init__(self, period: float = PERIOD_S):
        self.period = period
        self._key = None
        self._at = -np.inf
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="health")
        self._running = None  # the check under way (a Future), if any
        self.hints: list[Hint] = []

    def of(self, key: tuple, network, points) -> list[Hint]:
        if self._running is not None and self._running.done():
            self.hints, self._running = self._running.result(), None
        now = time.monotonic()
        same_net = self._key is not None and self._key[0] == key[0]
        due = key != self._key and not (same_net and now - self._at < self.period)
        if due and (self._running is None or not same_net):
            if not same_net:
                self.hints = []
            self._running = self._worker.submit(check, network(), points, WINDOW_POINTS)
            self._key, self._at = key, now
        return self.hints

    def wait(self) -> list[Hint]:
        """The hints once the check under way has finished (tests, scripts)."""
        if self._running is not None:
            self.hints, self._running = self._running.result(), None
        return self.hints
