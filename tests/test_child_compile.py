"""A first compile in a child process (kernels/child_compile.py): where numba's cache
has no current entry, the child compiles and caches the kernels and this process
only loads them; a child that fails leaves the compile to the first call."""

import fcntl
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

KERNELS = """
import numba

@numba.njit(cache=True)
def double(x):
    return 2.0 * x

@numba.njit(cache=True)
def triple(x):
    return 3.0 * x

@numba.njit(cache=True)
def both(x):
    return double(x) + triple(x)

def call():
    assert double(1.5) == 3.0

def call_triple():
    assert triple(1.5) == 4.5

def call_both():
    assert both(1.0) == 5.0

def slow():  # a compile, its start and end written down
    import os, time
    with open(os.environ["SPANS"], "a") as spans:
        print("start", file=spans, flush=True)
        time.sleep(0.2)
        print("end", file=spans)
"""

CHECK = """
import tiny_kernels as t
from shaderplay.kernels.child_compile import ChildCompile, current

assert not current(t.double)  # an empty cache
ChildCompile((t.double,), "tiny_kernels:{function}").ensure()
print("current", current(t.double))
t.call()
stats = t.double.stats
print("hits", sum(stats.cache_hits.values()), "misses", sum(stats.cache_misses.values()))
"""


STAGED = """
import tiny_kernels as t
from shaderplay.kernels.child_compile import ChildCompile, current

first = ("tiny_kernels:call", "tiny_kernels:call_triple")
ChildCompile((t.both,), first, "tiny_kernels:call_both").ensure()
t.call_both()
print(sum(t.both.stats.cache_hits.values()), sum(t.both.stats.cache_misses.values()))
cached = __import__("pathlib").Path("{cache}").rglob("*.nbi")
print(sorted(p.name.split(".")[1].split("-")[0] for p in cached))
"""


def _python(tmp_path, code: str) -> str:
    (tmp_path / "tiny_kernels.py").write_text(KERNELS)
    cache = tmp_path / "cache"
    cache.mkdir(exist_ok=True)
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", code.replace("{cache}", str(cache))],
        env=dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONPATH=path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _run(tmp_path, function: str) -> dict:
    words = _python(tmp_path, textwrap.dedent(CHECK.format(function=function))).split()
    return {"current": words[1] == "True", "hits": int(words[3]), "misses": int(words[5])}


def test_a_cold_kernel_is_compiled_by_the_child_and_loaded_here(tmp_path):
    seen = _run(tmp_path, "call")
    assert seen == {"current": True, "hits": 1, "misses": 0}


def test_a_failed_child_leaves_the_compile_to_the_first_call(tmp_path):
    seen = _run(tmp_path, "no_such_function")
    assert seen == {"current": False, "hits": 0, "misses": 1}


def test_stages_run_side_by_side_then_in_order_and_this_process_only_loads(tmp_path):
    """Stage one compiles `double` and `triple` in two processes; stage two compiles
    `both`, which calls them: all three are in the cache, and `both` loads here."""
    hits, cached = _python(tmp_path, textwrap.dedent(STAGED)).splitlines()
    assert hits.split() == ["1", "0"]
    assert sorted(eval(cached)) == ["both", "double", "triple"]


CORRUPT = """
import tiny_kernels as t
from pathlib import Path
from shaderplay.kernels.child_compile import current

t.call()  # compiled and cached here
assert current(t.double)
for index in Path("{cache}").rglob("*.nbi"):
    index.write_bytes(index.read_bytes()[:5])  # a truncated index
print(current(t.double))
"""


def test_an_index_numba_cannot_read_counts_as_no_entry(tmp_path):
    assert _python(tmp_path, textwrap.dedent(CORRUPT)).split() == ["False"]


LOCKED = """
import os, pathlib, time
import tiny_kernels as t
from shaderplay.kernels.child_compile import ChildCompile

compile = ChildCompile((t.double,), "tiny_kernels:slow")
print(compile._lock_path(), flush=True)
go = pathlib.Path(os.environ["SPANS"] + ".go")
while not go.exists():
    time.sleep(0.05)
compile.ensure()
"""


def _waited_for(path: str) -> bool:
    """Whether a process waits for the flock on `path` (a blocked "->" row of /proc/locks,
    whose device:inode field ends in the file's inode)."""
    inode = f":{os.stat(path).st_ino}"
    rows = Path("/proc/locks").read_text().splitlines()
    return any("->" in row and any(f.endswith(inode) for f in row.split()) for row in rows)


@pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="Linux's lock table")
def test_one_compile_of_the_same_kernels_at_a_time(tmp_path, wait_for):
    """A compile child waits while another holds the kernels' lock (here, this test),
    and compiles only once it is free: two processes that find the cache cold compile
    one after the other, the second loading what the first cached."""
    (tmp_path / "tiny_kernels.py").write_text(KERNELS)
    spans = tmp_path / "spans"
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=path)
    env["SPANS"] = str(spans)
    argv = [sys.executable, "-c", textwrap.dedent(LOCKED)]
    child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)
    lock = child.stdout.readline().strip()
    assert lock.startswith(str(tmp_path / "cache"))
    os.makedirs(os.path.dirname(lock), exist_ok=True)
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as another process's compile would
        (tmp_path / "spans.go").touch()
        wait_for(lambda: _waited_for(lock))  # the child's compile waits for it
        assert not spans.exists()
    child.communicate(timeout=300)
    assert child.returncode == 0
    assert spans.read_text().split() == ["start", "end"]


CACHED = """
import tiny_kernels as t
from shaderplay.kernels.child_compile import run_stages

t.call()  # cached here, as by the child that held the lock before
run_stages((("tiny_kernels:slow",),), None, ("tiny_kernels:double",))
run_stages((("tiny_kernels:slow",),), None, ("tiny_kernels:triple",))  # not cached: runs
"""


def test_a_child_that_waited_for_the_lock_only_runs_where_the_kernels_are_not_cached(
    tmp_path,
):
    spans = tmp_path / "spans"
    (tmp_path / "tiny_kernels.py").write_text(KERNELS)
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=path)
    env["SPANS"] = str(spans)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CACHED)], env=env, capture_output=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert spans.read_text().split() == ["start", "end"]  # once: for triple alone
