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

One compile of the same kernels at a time on a machine: a child holds a lock file in
the kernels' cache folder while it runs, and a second child waits for it and then
only loads what the first cached. Each `shaderplay render` run on a fresh install had
started a compile of the boundary lines' kernel of its own, and three of them at once
slowed the renders that followed.
"""

import contextlib
import importlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: no lock, each compile runs as it comes
    fcntl = None

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

    def _lock_path(self) -> str | None:
        """The lock file of this compile, beside the first kernel's cache (None: none)."""
        try:
            folder = Path(self.kernels[0]._cache._cache_path)
        except (AttributeError, IndexError):  # numba's cache internals moved
            return None
        name = "".join(c if c.isalnum() else "_" for c in self.stages[0][0])
        return str(folder / f"{name}.compile-lock")

    def _run(self) -> None:
        names = tuple(f"{k.py_func.__module__}:{k.py_func.__name__}" for k in self.kernels)
        code = (
            f"import os; os.nice({int(self.nice)}); from {__name__} import run_stages; "
            f"run_stages({self.stages!r}, {self._lock_path()!r}, {names!r})"
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


def run_stages(stages: tuple, lock: str | None = None, kernels: tuple = ()) -> None:
    """What the child runs, holding the file `lock` (once another child holding it ends),
    unless the `kernels` ("module:name") are current by then (that child cached them).
    A stage is a tuple of "module:name" functions that compile, run side by side: the
    first here, each other one in a process of its own (numba compiles on one core,
    holding the GIL). A stage starts when the one before has ended, and loads what that
    one compiled from the cache. A failed function leaves its kernels to the next stage,
    or to the first call."""
    with contextlib.ExitStack() as held:
        if lock and fcntl is not None:
            with contextlib.suppress(OSError):  # no lock where the folder cannot hold one
                os.makedirs(os.path.dirname(lock), exist_ok=True)
                fcntl.flock(held.enter_context(open(lock, "a")), fcntl.LOCK_EX)
        with contextlib.suppress(Exception):
            if kernels and current(*(_named(k) for k in kernels)):
                return
        _run_stages(stages)


def _named(name: str):
    """The object `name` ("module:attribute") names."""
    module, attribute = name.split(":")
    return getattr(importlib.import_module(module), attribute)


def _run_stages(stages: tuple) -> None:
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
    _named(function)()
