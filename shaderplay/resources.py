"""Where the GLSL sources and the built-in assets live.

An installed package carries them as shaderplay/shaders and shaderplay/assets
(pyproject maps the top-level folders there); a source checkout has them at the
repository's top level beside the package.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"shaderplay's {name}/ folder is missing next to {_PACKAGE}")


def shader_dir() -> Path:
    return _find("shaders")


def asset_dir() -> Path:
    return _find("assets")
