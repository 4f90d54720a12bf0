#!/usr/bin/env bash
# Checks style and the import layers of the source tree (ruff, import-linter: the
# contracts in pyproject.toml), then runs the test suite against the installed
# package in .venv (not the source tree), two workers. Window tests start their
# own Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check --quiet shaderplay tests tools benchmarks
.venv/bin/ruff format --check --quiet shaderplay tests tools benchmarks
PYTHONPATH="$PWD" .venv/bin/lint-imports --no-cache >/dev/null || PYTHONPATH="$PWD" .venv/bin/lint-imports --no-cache
# numba caches beside the installed package, where setup.sh compiled the kernels
# ahead: the tests start warm instead of compiling everything again.
cd tests  # keep the source tree off sys.path: import the installed package
exec ../.venv/bin/python -m pytest -q -n 2 -p no:cacheprovider "$@"
