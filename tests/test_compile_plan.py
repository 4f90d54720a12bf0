"""The cold-cache compile plan (train/compile_plan.py) names the signatures the entry
points really use: a stale row would compile a kernel nothing calls, and the entry
point would compile it again, one after the other, as before the plan."""

import numpy as np
import pytest

from shaderplay.network import Network
from shaderplay.train import Trainer
from shaderplay.train import compile_plan as plan


def _cached_signatures(kernel) -> set:
    """The signatures numba's cache holds for `kernel` (any CPU)."""
    return {key[0] for key in kernel._cache._cache_file._load_index()}


@pytest.mark.parametrize(
    "kernel, signature", plan.LAYERS + plan.GRADIENTS, ids=lambda k: getattr(k, "__name__", "")
)
def test_each_called_kernel_is_cached_with_the_planned_signature_only(kernel, signature):
    """The entry points, compiled after the plan's kernels in any process that filled
    this cache, asked for no other signature (it would be cached beside the plan's)."""
    plan._compile([(kernel, signature)])  # loads it, or compiles it where the cache has none
    held = _cached_signatures(kernel)
    assert held == {signature}, f"cached: {held} (entries a stale plan left: delete them)"


def test_the_entry_points_run_with_the_planned_signatures():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    trainer = Trainer(Network.random((2, 3, 1), seed=0), (x, x[:, :1]))
    trainer.run(2)
    trainer.evaluate("train")
    for kernel, signature in plan.ENTRIES:
        assert signature in [tuple(s) for s in kernel.signatures]
