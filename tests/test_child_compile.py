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

def call():
    assert double(1.5) == 3.0
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


def _run(tmp_path, function: str) -> dict:
    (tmp_path / "tiny_kernels.py").write_text(KERNELS)
    cache = tmp_path / "cache"
    cache.mkdir(exist_ok=True)
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHECK.format(function=function))],
        env=dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONPATH=path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    words = done.stdout.split()
    return {"current": words[1] == "True", "hits": int(words[3]), "misses": int(words[5])}


def test_a_cold_kernel_is_compiled_by_the_child_and_loaded_here(tmp_path):
    seen = _run(tmp_path, "call")
    assert seen == {"current": True, "hits": 1, "misses": 0}


def test_a_failed_child_leaves_the_compile_to_the_first_call(tmp_path):
    seen = _run(tmp_path, "no_such_function")
    assert seen == {"current": False, "hits": 0, "misses": 1}
