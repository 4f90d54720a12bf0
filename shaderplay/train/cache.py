"""Make numba's on-disk cache of the trainer kernels notice edits to any of their sources.

numba keys a cached function on the content of the one file that defines it,
not on the files of the functions it calls or of the globals it freezes: an
edit to norms.py, or a new entry in the activation table, would otherwise
leave train_steps (kernel.py) running stale machine code from the cache. The
locator registered here stamps every kernel of this package with a digest of
all the sources they compile from instead: every module here that imports
from .jit, the CPU evaluator that reuses them (gpu/cpu_eval.py), plus the
shared tables. (The Trainer's plain-Python modules are
left out, so editing them does not cost a recompilation.)

It plugs into numba's cache machinery (numba.core.caching), which is not a
public API; if that ever moves, `install()` leaves numba's default in place.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

_TRAIN = Path(__file__).resolve().parent
_PACKAGE = _TRAIN.parent
# Module-level values the kernels freeze at compile time live in these too.
_SHARED = ("activations.py", "spec.py", "config.py", "features.py")
# Kernels outside this package that compile the trainer's kernels into their own.
_OTHER_KERNELS = (_PACKAGE / "gpu" / "cpu_eval.py",)


def _kernel_sources() -> list[Path]:
    """jit.py and every module that compiles with it (imports from .jit), then the shared tables."""
    own = [
        p
        for p in sorted(_TRAIN.glob("*.py"))
        if p.name == "jit.py" or "from .jit import" in p.read_text()
    ]
    return own + list(_OTHER_KERNELS) + [_PACKAGE / name for name in _SHARED]


@lru_cache(maxsize=1)
def sources_digest() -> bytes:
    files = _kernel_sources()
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


def install() -> bool:
    """Register the locator (once); False where numba's cache internals are not as expected."""
    try:
        from numba.core import caching
    except ImportError:
        return False
    impl = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl", None)
    base = getattr(caching, "_CacheLocator", None)
    if (
        impl is None
        or base is None
        or not isinstance(getattr(impl, "_locator_classes", None), list)
    ):
        return False
    if any(getattr(cls, "_shaderplay", False) for cls in impl._locator_classes):
        return True
    fallbacks = list(impl._locator_classes)

    class TrainerSourcesLocator(base):
        """numba's usual locator for the file, with the whole trainer's digest as stamp."""

        _shaderplay = True

        def __init__(self, inner):
            self._inner = inner

        def get_cache_path(self):
            return self._inner.get_cache_path()

        def get_source_stamp(self):
            return self._inner.get_source_stamp(), sources_digest()

        def get_disambiguator(self):
            return self._inner.get_disambiguator()

        @classmethod
        def from_function(cls, py_func, py_file):
            path = Path(py_file).resolve()
            if path.parent != _TRAIN and path not in _OTHER_KERNELS:
                return None
            for fallback in fallbacks:
                inner = fallback.from_function(py_func, py_file)
                if inner is not None:
                    return cls(inner)
            return None

    impl._locator_classes = [TrainerSourcesLocator, *fallbacks]
    return True
