"""Compiling the CPU path's kernels ahead of the first picture.

evaluate_grid (evaluator.py), colour_grid (colour.py) and draw_boundaries
(boundaries.py) have one signature for every network, compiled once per
install and then loaded from numba's cache (~0.1 s); the first compile takes
~45 s of a core, in child processes side by side (kernels/child_compile.py). This process
loads them, on a thread while the renderer is being set up. Every picture but a
window's waits for them (gpu/cpu_pass.py). The thread is a daemon so that a
window quits at once whatever runs.
"""

import threading

import numpy as np

from ..kernels.child_compile import ChildCompile, current
from ..network import Network
from .boundaries import draw, draw_boundaries
from .colour import colour, colour_grid
from .evaluator import CpuEvaluator, evaluate_grid

# At a lower priority than the trainer's: a window draws with the shader meanwhile. The
# kernels are independent, so each compiles in a process of its own; a picture waits
# for the values' and the colours' (~20 s on a cold cache), one with boundary lines for
# theirs too (~24 s). The lines' compile starts only where lines are asked for: a
# command without them (`render default`) left it running on the other core, and the
# next command after a fresh install shared the machine with it (0.7 s -> 1.1 s).
_child = ChildCompile(
    (evaluate_grid, colour_grid),
    (f"{__name__}:_compile_values", f"{__name__}:_compile_colours"),
    nice=10,
)
_lines = ChildCompile((draw_boundaries,), f"{__name__}:_compile_lines", nice=10)

_ready = threading.Event()
_start = threading.Lock()
_compiler: threading.Thread | None = None
_lines_compiler: threading.Thread | None = None


def _picture_kernels():
    """Call the values' and the colours' kernels once; the evaluator and its weights."""
    evaluator, params = _compile_values()
    _compile_colours()
    return evaluator, params


def _tiny():
    """The evaluator of a 2-1 network and its weights: each kernel has one signature for
    every network, so the smallest compiles (or loads) it."""
    net = Network.random((2, 1), seed=0)
    return CpuEvaluator(net.spec), net.params


def _compile_values():
    """evaluate_grid (what a child runs); the evaluator and its weights."""
    evaluator, params = _tiny()
    evaluator.values(params, None, (1, 1))
    return evaluator, params


def _compile_colours() -> None:
    """colour_grid (what a child runs)."""
    colour(np.zeros((1, 1, 1), np.float32), "map", 1, "grey", (0.0, 1.0))


def _compile_lines() -> None:
    """draw_boundaries (what a child runs)."""
    rgba = np.zeros((1, 1, 4), np.uint8)
    draw(*_tiny(), None, (1, 1), np.ones((1, 4)), np.ones((1, 3)), 1.5, rgba)


def _load() -> None:
    _child.ensure()
    # loaded from the cache, or compiled here if the child could not; the boundary
    # lines' kernel loads at its first picture (~30 ms a picture without them spent)
    _picture_kernels()
    _ready.set()


def cached() -> bool:
    """Whether the picture kernels load from numba's cache (else a first compile runs)."""
    return current(evaluate_grid, colour_grid)


def lines_ready() -> None:
    """Wait for the boundary lines' kernel where a cold cache has it compiling (a
    command's picture; a window's uses the shader's lines until lines_loaded())."""
    _lines.ensure()


def lines_loaded() -> bool:
    """Whether the boundary lines' kernel is ready to load at once (never waits); the
    first call starts its compile (or the check that it is cached) on a thread."""
    global _lines_compiler
    with _start:
        if _lines_compiler is None:
            _lines_compiler = threading.Thread(
                target=_lines.ensure, name="shaderplay-cpu-lines", daemon=True
            )
            _lines_compiler.start()
    return _lines.settled


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
