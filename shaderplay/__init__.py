"""shaderplay: see what a neural network computes.

    from shaderplay import Network, Trainer, render

`Trainer` (numba), `render` (OpenGL) and `sweep` load on first use, so commands that
need neither (`shaderplay presets`) start quickly.
"""

from .errors import ShaderplayError
from .network import Network
from .spec import NetworkSpec

__all__ = [
    "Network",
    "NetworkSpec",
    "ShaderplayError",
    "Trainer",
    "render",
    "render_image",
    "sweep",
]
__version__ = "0.1.0"

_LAZY = {
    "Trainer": ".train",
    "render": ".render",
    "render_image": ".render",
    "sweep": ".sweeps.run",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'shaderplay' has no attribute {name!r}")
