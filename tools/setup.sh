#!/usr/bin/env bash
# Installs everything shaderplay needs on a fresh Debian/Ubuntu machine:
# Mesa's EGL/GL drivers (headless rendering, llvmpipe when there is no GPU),
# Xvfb (window tests), and a virtual environment in .venv with shaderplay and
# its test extras installed non-editable (so a file missing from the package
# fails the tests). Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri libglx-mesa0 xvfb xauth)
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
.venv/bin/python -m pip install -q --disable-pip-version-check --no-cache-dir ".[test]"
echo "setup: ready (.venv/bin/shaderplay)"
