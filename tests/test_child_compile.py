"""A first compile in a child process (kernels/child_compile.py): where numba's cache
has no current entry, the child compiles and caches the kernels and this process
only loads them; a child that fails leaves the compile to the first call."""

import os
import subprocess
import sys
import textwrap

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
