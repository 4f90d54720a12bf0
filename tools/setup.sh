#!/usr/bin/env bash
# Installs everything shaderplay needs on a fresh Debian/Ubuntu machine:
# Mesa's EGL/GL drivers (headless rendering, llvmpipe when there is no GPU),
# Xvfb (window tests), Chromium (the gallery page's browser test), and a virtual environment in .venv with shaderplay and
# its test extras installed non-editable (so a file missing from the package
# fails the tests). Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri libglx-mesa0 xvfb xauth chromium)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing system packages: ${missing[*]}"
    sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
"$python" -c 'import sys; assert sys.version_info >= (3, 11), "shaderplay needs Python >= 3.11"'
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
# setuptools reuses build/ between installs: a module deleted from the source
# would still be copied into the package from there.
rm -rf build
.venv/bin/python -m pip install -q --disable-pip-version-check --no-cache-dir ".[test]"
# PyTorch is only a reference (tests compare optimiser steps with torch.optim;
# benchmarks run it side by side). Install it when a local CPU wheel is at hand
# (no multi-GB CUDA download); otherwise those tests skip and say why.
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
    wheel=$(ls /opt/wheels/torch-2.13.0*cp3$(.venv/bin/python -c 'import sys; print(sys.version_info.minor)')*.whl 2>/dev/null | head -n 1 || true)
    if [ -n "$wheel" ] || [ "${SHADERPLAY_WITH_TORCH:-0}" = 1 ]; then
        .venv/bin/python -m pip install -q --disable-pip-version-check --no-cache-dir "torch==2.13.0" >/dev/null \
            || echo "setup: torch not installed; PyTorch comparisons will be skipped"
    fi
fi
# The numba kernels, compiled into the cache the installed program reads (the
# trainer's; where the GL is software, the CPU evaluator's and, through a picture
# with boundary lines, the lines'), so that the first window, render or train after
# an install runs at warm speed. The cache keys on the sources' contents: after a
# reinstall of unchanged sources this takes seconds. A failure only means that the
# first command compiles instead.
echo "setup: compiling the numba kernels (under a minute the first time)"
warm=$(mktemp -d)
.venv/bin/shaderplay train xor --steps 100 >"$warm/train.log" 2>&1 &
trainer=$!
.venv/bin/shaderplay render default --mode boundaries -o "$warm/default.png" --size 64x64 >"$warm/render.log" 2>&1 \
    || { echo "setup: the render warm-up failed:"; cat "$warm/render.log"; }
wait "$trainer" || { echo "setup: the training warm-up failed:"; cat "$warm/train.log"; }
rm -rf "$warm"
echo "setup: ready (.venv/bin/shaderplay)"
