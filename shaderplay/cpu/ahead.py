"""Compiling the CPU path's kernels ahead of the first picture.

evaluate_grid (evaluator.py), colour_grid (colour.py) and draw_boundaries
(boundaries.py) have one signature for every network, compiled once per
install and then loaded from numba's cache (~0.1 s); the first compile takes
~40 s of a core, in a child process (kernels/child_compile.py). This process
loads them, on a thread while the renderer is being set up. Every picture but a
window's waits for them (gpu/cpu_pass.py). The thread is a daemon so that a
window quits at once whatever runs.
"""

import threading

import numpy as np

from ..kernels.child_compile import ChildCompile
from ..network import Network
from .boundaries import draw, draw_boundaries
from .colour import colour, colour_grid
from .evaluator import CpuEvaluator, evaluate_grid

# at a lower priority than the trainer's: a window draws with the shader meanwhile
_child = ChildCompile(
    (evaluate_grid, colour_grid, draw_boundaries), f"{__name__}:_compile", nice=10
)

_ready = threading.Event()
_start = threading.Lock()
_compiler: threading.Thread | None = None


def _picture_kernels():
    """Call the values' and the colours' kernels once; the evaluator and its weights."""
    net = Network.random((2, 1), seed=0)
    evaluator = CpuEvaluator(net.spec)
    values = evaluator.values(net.params, None, (1, 1))
    colour(values, "map", 1, "grey", (0.0, 1.0))
    return evaluator, net.params


def _compile() -> None:
    """All three kernels (what the child runs)."""
    evaluator, params = _picture_kernels()
    rgba = np.zeros((1, 1, 4), np.uint8)
    draw(evaluator, params, None, (1, 1), np.ones((1, 4)), np.ones((1, 3)), 1.5, rgba)


def _load() -> None:
    _child.ensure()
    # loaded from the cache, or compiled here if the child could not; the boundary
    # lines' kernel loads at its first picture (~30 ms a picture without them spent)
    _picture_kernels()
    _ready.set()


def prepare(wait: bool = False, timeout: float | None = None) -> bool:
    """Start compiling (or loading) the CPU kernels on a background thread, once per process.

    Returns whether they are ready; `wait` blocks until the attempt has finished, or
    for at most `timeout` seconds.
    """
    global _compiler
    with _start:
        if _compiler is None:
            _compiler = threading.Thread(target=_load, name="shaderplay-cpu-eval", daemon=True)
            _compiler.start()
    if wait:
        _compiler.join(timeout)
    return _ready.is_set()
