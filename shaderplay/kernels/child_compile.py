"""A first compile in a child process, where numba's cache holds no current entry.

A cold compile takes a core for tens of seconds, almost all of it Python that holds
the GIL (numba's typing and lowering): in the process that needs the kernels, it
shared that GIL with the window's frames and with any other first compile, so a
cold window's first trained frame waited for the trainer's kernels and the CPU
evaluator's one after the other. A child compiles on a core of its own and writes
numba's cache; this process then loads from it (a fraction of a second). The
child also finishes, and caches, when the command that started it ends first.
"""

import contextlib
import importlib
import os
import subprocess
import sys
import threading
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]  # the folder that holds shaderplay/
TIMEOUT_S = 900.0  # a child still compiling by then is stopped; the caller compiles itself
_in_child = False  # set in the child: its own first calls compile, without a grandchild


def current(*kernels) -> bool:
    """Whether numba's cache has an entry for each dispatcher stamped with its current
    sources (numba's own index check; an entry made on another CPU still counts)."""
    return all(kernel._cache._cache_file._load_index() for kernel in kernels)


class ChildCompile:
    """Once per process, before the first call of `kernels`: where the cache has none
    of them current, run `function` ("module:name", which calls them) in a child at
    `nice` and wait for it. Nothing is raised: a failed child leaves the compile to
    the caller's first call, as without this."""

    def __init__(self, kernels: tuple, function: str, nice: int = 0):
        self.kernels, self.function, self.nice = kernels, function, nice
        self._lock = threading.Lock()
        self._done = False

    def ensure(self) -> None:
        with self._lock:
            if not (self._done or _in_child or current(*self.kernels)):
                self._run()
            self._done = True

    def _run(self) -> None:
        code = (
            f"import os; os.nice({int(self.nice)}); "
            f"from {__name__} import run_here; run_here({self.function!r})"
        )
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
        quiet = subprocess.DEVNULL
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run(
                [sys.executable, "-c", code],
                env=env,
                stdout=quiet,
                stderr=quiet,
                timeout=TIMEOUT_S,
            )


def run_here(function: str) -> None:
    """Call `function` ("module:name"): what the child runs."""
    global _in_child
    _in_child = True
    module, name = function.split(":")
    getattr(importlib.import_module(module), name)()
