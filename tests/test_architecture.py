"""The package's shape: small modules. (The import layers and the absence of
import circles, function-local imports included, are contracts in
pyproject.toml that tools/test.sh checks with import-linter.)"""

from pathlib import Path

import shaderplay

PACKAGE = Path(shaderplay.__file__).resolve().parent
MAX_LINES = 400


def test_no_package_file_is_over_400_lines():
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text().splitlines())
        for p in sorted(PACKAGE.rglob("*.py"))
    }
    assert len(sizes) > 50  # the installed package, not an empty folder
    long = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not long, f"split these modules (over {MAX_LINES} lines): {long}"
