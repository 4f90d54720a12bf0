"""shaderplay: see what a neural network computes.

    from shaderplay import Network, Trainer, render
"""

from .errors import ShaderplayError
from .network import Network
from .render import render
from .spec import NetworkSpec
from .train import Trainer

__all__ = ["Network", "NetworkSpec", "ShaderplayError", "Trainer", "render"]
__version__ = "0.1.0"
