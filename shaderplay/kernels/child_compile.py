"""A first compile in a child process, where numba's cache holds no current entry.

A cold compile takes a core for tens of seconds, almost all of it Python that holds
the GIL (numba's typing and lowering): in the process that needs the kernels, it
shared that GIL with the window's frames and with any other first compile, so a
cold window's first trained frame waited for the trainer's kernels and the CPU
evaluator's one after the other. A child compiles on a core of its own and writes
numba's cache; this process then loads from it (a fraction of a second). The
child also finishes, and caches, when the command that started it ends first.
Where kernels can be compiled apart (the trainer's: train/compile_plan.py), the
child runs them in stages of processes side by side, one core each.
"""

import contextlib
import importlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]  # the folder that holds shaderplay/
TIMEOUT_S = 900.0  # a child still compiling by then is stopped; the caller compiles itself
_in_child = False  # set in the child: its own first calls compile, without a grandchild


def current(*kernels) -> bool:
    """Whether numba's cache has an entry for each dispatcher stamped with its current
    sources (numba's own index check; an entry made on another CPU still counts). An
    index numba cannot read counts as none: the compile writes a new one."""
    try:
        return all(kernel._cache._cache_file._load_index() for kernel in kernels)
    except Exception:  # a truncated or unreadable index file (numba handles only a missing one)
        return False


class ChildCompile:
    """Once per process, before the first call of `kernels`: where the cache has none
    of them current, run `stages` in a child at `nice` and wait for it (run_stages).
    Nothing is raised: a failed child leaves the compile to the caller's first call, as
    without this."""

    def __init__(self, kernels: tuple, *stages, nice: int = 0):
        self.kernels, self.nice = kernels, nice
        self.stages = tuple((s,) if isinstance(s, str) else tuple(s) for s in stages)
        self._lock = threading.Lock()
        self._done = False

    @property
    def settled(self) -> bool:
        """ensure() has returned: the kernels load from the cache (or, where the child
        failed, compile at their first call). Never waits, unlike ensure()."""
        return self._done

    def ensure(self) -> None:
        """Holds the lock while the child runs: a second caller waits for the same child."""
        with self._lock:
            if not (self._done or _in_child or current(*self.kernels)):
                self._run()
            self._done = True

    def _run(self) -> None:
        code = (
            f"import os; os.nice({int(self.nice)}); "
            f"from {__name__} import run_stages; run_stages({self.stages!r})"
        )
        # A process group of its own: Ctrl-C in the terminal stops this process, not the
        # compile, which goes on and fills the cache; a child past TIMEOUT_S is stopped
        # with every process it started. (Not a session of its own: with the kernel's
        # autogroups, nice counts only within a session.)
        with contextlib.suppress(OSError):
            env = dict(os.environ)  # the child imports this copy of shaderplay
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
            child = subprocess.Popen(_python(code), env=env, process_group=0, **_QUIET)
            try:
                child.wait(TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def run_stages(stages: tuple) -> None:
    """What the child runs. A stage is a tuple of "module:name" functions that compile,
    run side by side: the first here, each other one in a process of its own (numba
    compiles on one core, holding the GIL). A stage starts when the one before has
    ended, and loads what that one compiled from the cache. A failed function leaves
    its kernels to the next stage, or to the first call."""
    code = f"from {__name__} import run_here; run_here(%r)"
    for first, *others in stages:
        children = []
        for function in others:
            with contextlib.suppress(OSError):
                children.append(subprocess.Popen(_python(code % function), **_QUIET))
        try:
            with contextlib.suppress(Exception):
                run_here(first)
        finally:
            for child in children:
                child.wait()


def _python(code: str) -> list:
    return [sys.executable, "-c", code]


_QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}


def run_here(function: str) -> None:
    """Call `function` ("module:name"): what the child runs."""
    global _in_child
    _in_child = True
    module, name = function.split(":")
    getattr(importlib.import_module(module), name)()
