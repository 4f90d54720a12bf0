"""Make numba's on-disk cache notice edits to any source a cached kernel is built from.

numba stamps a cached function with the modification time and size of the one
file that defines it, not with the files of the functions it calls or of the
globals it freezes: an edit to norms.py, or a new entry in the activation
table, would otherwise leave train_steps (train/kernel.py) running stale
machine code from the cache. The locator registered here stamps every cached
function defined in this package with a digest of the contents of its file and
every package module that file imports, directly or through others
(function-local imports included), so the stamp follows the imports as they are
written instead of a list kept by hand. Contents, not times: reinstalling the
same sources (new files, new times) keeps the compiled kernels.

Loading one of these kernels from the cache initialises numba's runtime only,
not every registry numba has: numba's own load refreshed its whole lowering and
typing registries first (importing ~80 of its modules, ~0.2 s of each command's
start, a third of a warm `render`), which rebuilding machine code from the cache
does not use. A compile still refreshes them itself (CompilerBase does), so a
kernel compiled later in the process sees every registry.

It plugs into numba's cache machinery (numba.core.caching), which is not a
public API; if that ever moves, `install()` leaves numba's default in place.
"""

import ast
import hashlib
import re
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _module_file(name: str) -> Path | None:
    """The file of package module `name` ("shaderplay.kernels.jit"), None if not ours."""
    parts = name.split(".")
    if parts[0] != _PACKAGE.name:
        return None
    base = _PACKAGE.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(_PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# An import statement on its own line(s): `import a, b` or `from .x import y` / `(y, z)`.
_IMPORT_LINES = re.compile(
    r"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+import[ \t]+(?:\([^)]*\)|.*)|import[ \t]+.*)$", re.M
)
_TRIPLE_QUOTE = '"' * 3  # spelled so: written out, it would open a string for the count


def import_statements(text: str) -> list:
    """The import statements of a module's source (function-local ones included), as
    ast nodes. Only the import lines are parsed, not the whole file: every cached kernel's
    stamp is computed as its module loads, and parsing ~35 files took ~0.1-0.3 s of
    every command's start. A line inside a docstring (after an odd number of triple
    quotes) is not code; tests/test_train_cache.py holds this to a full parse of every
    package file."""
    found = []
    for match in _IMPORT_LINES.finditer(text):
        if text.count(_TRIPLE_QUOTE, 0, match.start()) % 2:
            continue
        try:
            found += ast.parse(match.group(0).strip()).body
        except SyntaxError:  # an import-like line of a string
            continue
    return found


@cache
def imports_of(path: Path) -> tuple[Path, ...]:
    """The package files `path` imports (anywhere in it), as written."""
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found = set()
    for node in import_statements(path.read_text()):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = [module] + [f"{module}.{a.name}" for a in node.names]
        for name in names:
            file = _module_file(name)
            if file is not None and file != path:
                found.add(file)
    return tuple(sorted(found))


@cache
def sources_of(path: Path) -> tuple[Path, ...]:
    """`path` and every package file it reaches through imports, sorted."""
    seen, todo = {path}, [path]
    while todo:
        for file in imports_of(todo.pop()):
            if file not in seen:
                seen.add(file)
                todo.append(file)
    return tuple(sorted(seen))


@cache
def sources_digest(path: Path) -> bytes:
    digest = hashlib.sha256()
    for file in sources_of(path):
        digest.update(str(file.relative_to(_PACKAGE)).encode())
        digest.update(file.read_bytes())
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

    class SourcesLocator(base):
        """numba's usual locator for the file, stamped with its sources' digest."""

        _shaderplay = True

        def __init__(self, inner, path):
            self._inner = inner
            self._path = path

        def get_cache_path(self):
            return self._inner.get_cache_path()

        def get_source_stamp(self):
            return sources_digest(self._path)

        def get_disambiguator(self):
            return self._inner.get_disambiguator()

        @classmethod
        def from_function(cls, py_func, py_file):
            path = Path(py_file).resolve()
            if _PACKAGE not in path.parents:
                return None
            for fallback in fallbacks:
                inner = fallback.from_function(py_func, py_file)
                if inner is not None:
                    return cls(inner, path)
            return None

    impl._locator_classes = [SourcesLocator, *fallbacks]
    _load_lightly(caching)
    return True


def _load_lightly(caching) -> None:
    """Loading our kernels from the cache initialises numba's runtime (NRT, whose
    functions the machine code calls) instead of refreshing every registry (see the
    module docstring); other functions' loads are numba's own."""
    try:
        from numba.core.runtime import rtsys
    except ImportError:
        return
    cache = getattr(caching, "Cache", None)
    original = getattr(cache, "load_overload", None)
    if (
        original is None
        or getattr(original, "_shaderplay", False)
        or not hasattr(cache, "_load_overload")
        or not hasattr(cache, "_guard_against_spurious_io_errors")
    ):
        return

    def load_overload(self, sig, target_context):
        locator = getattr(getattr(self, "_impl", None), "locator", None)
        if not getattr(locator, "_shaderplay", False):
            return original(self, sig, target_context)
        rtsys.initialize(target_context)
        with self._guard_against_spurious_io_errors():
            return self._load_overload(sig, target_context)
        # None where the `with` swallowed an I/O error, as numba's own

    load_overload._shaderplay = True
    cache.load_overload = load_overload
