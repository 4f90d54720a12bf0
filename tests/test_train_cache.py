"""numba's on-disk cache must notice edits to every source a cached kernel is
compiled from (numba alone only looks at the defining file)."""

import json
import subprocess
import sys
from pathlib import Path

from numba import njit

from shaderplay.kernels import cache
from shaderplay.kernels.jit import kernel

PACKAGE = Path(cache.__file__).resolve().parent.parent


def _names(path):
    return {str(p.relative_to(PACKAGE)) for p in cache.sources_of(PACKAGE / path)}


def test_a_kernels_stamp_follows_its_imports():
    names = _names("train/kernel.py")
    assert {
        "kernels/linalg.py",
        "kernels/norms.py",
        "kernels/activate.py",
        "train/optim.py",
    } <= names
    assert {"activations.py", "kernels/jit.py"} <= names  # tables the kernels freeze in
    assert "train/trainer.py" not in names  # plain Python that imports the kernels, not theirs
    evaluator = _names("cpu/evaluator.py")
    assert {
        "kernels/linalg.py",
        "kernels/norms.py",
        "kernels/activate.py",
        "features.py",
    } <= evaluator
    assert "gpu/renderer.py" not in evaluator


def test_locator_stamps_package_files_only():
    from numba.core import caching

    assert cache.install()
    impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl
    locator = impl._locator_classes[0]

    def probe():
        return 0

    for rel in ("train/kernel.py", "cpu/evaluator.py"):
        path = PACKAGE / rel
        found = locator.from_function(probe, str(path))
        assert found is not None and found.get_source_stamp() == cache.sources_digest(path)
    assert cache.sources_digest(PACKAGE / "train/kernel.py") != cache.sources_digest(
        PACKAGE / "cpu/evaluator.py"
    )
    assert locator.from_function(probe, "/tmp/elsewhere.py") is None


def test_the_import_scan_finds_what_a_full_parse_finds_in_every_package_file():
    """Stamps are computed as kernels load, from the import lines alone; a full parse of
    every package file is the reference (a triple quote in code would break the scan)."""
    import ast

    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text()
        full = [
            ast.dump(n)
            for n in ast.walk(ast.parse(text))
            if isinstance(n, ast.Import | ast.ImportFrom)
        ]
        assert sorted(full) == sorted(ast.dump(n) for n in cache.import_statements(text)), path
    assert (
        cache.import_statements('"""\nfrom . import docs\n"""\nimport os\n')[0].names[0].name
        == "os"
    )


@kernel
def _sign(flag, x):
    return x if flag else -x


@njit
def _constant_flags(x):
    return _sign(True, x) + _sign(False, x) + _sign(x > 0.0, x)


def test_a_kernel_called_with_constant_flags_compiles_once():
    """numba would compile a called kernel once per constant argument (Literal types)."""
    assert _constant_flags(2.0) == 2.0
    assert len(_sign.signatures) == 1


LOAD = """
import json
import sys

import numpy as np

from shaderplay import Network
from shaderplay.cpu import ahead
from shaderplay.cpu.evaluator import evaluate
from shaderplay.view import View

warm = ahead.cached()
assert ahead.prepare(wait=True)
net = Network.random((2, 8, 8, 1), seed=3)
view = View.fit((-1, 1, -1, 1), (8, 8))
got = evaluate(net, view, (8, 8))
want = net.forward(view.grid((8, 8)).reshape(-1, 2)).reshape(8, 8, 1)
refreshed = [m for m in ("numba.np.arraymath", "numba.typed.typeddict") if m in sys.modules]
print(json.dumps([warm, refreshed, float(np.abs(got - want).max())]))
"""


def test_a_cached_kernel_loads_without_refreshing_numbas_registries():
    """A warm command's kernels load from the cache with numba's runtime initialised,
    not every registry numba has (~0.2 s of each start): a fresh process that loads the
    picture kernels imports none of the modules numba's refresh would, and computes the
    NumPy oracle's values. A cold cache compiles first (which refreshes); a second
    process then loads."""
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", LOAD], capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
        warm, refreshed, error = json.loads(done.stdout.splitlines()[-1])
        if warm:
            break
    assert warm and refreshed == [], done.stdout
    assert error <= 1e-4
