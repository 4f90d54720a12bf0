"""The numba trainer: `Trainer(net, target, **config)` trains a Network in place.

Kernels (kernel.py and the modules it calls) are compiled with numba,
nogil and cached; results.py holds the records it hands out; `lr_at` gives
the learning-rate schedule for plotting.
"""

from .results import Divergence, Snapshot, TrainResult
from .schedule import lr_at
from .trainer import Trainer

__all__ = ["Divergence", "Snapshot", "TrainResult", "Trainer", "lr_at"]
