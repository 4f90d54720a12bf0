"""shaderplay: see what a neural network computes.

    from shaderplay import Network, Trainer, render
"""

from .errors import ShaderplayError
from .network import Network
from .spec import NetworkSpec

__all__ = ["Network", "NetworkSpec", "ShaderplayError"]
__version__ = "0.1.0"
