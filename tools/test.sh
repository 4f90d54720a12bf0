#!/usr/bin/env bash
# Runs the test suite against the installed package in .venv (not the source
# tree), two workers. Window tests start their own Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
export NUMBA_CACHE_DIR="${NUMBA_CACHE_DIR:-$PWD/.venv/numba-cache}"
cd tests  # keep the source tree off sys.path: import the installed package
exec ../.venv/bin/python -m pytest -q -n 2 -p no:cacheprovider "$@"
