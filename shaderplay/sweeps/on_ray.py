"""Cells as Ray tasks, for a cluster (`pip install shaderplay[ray]` on every node).

`address` is what ray.init takes: "auto" (the cluster this machine is part of),
"ray://HEAD:10001" (a remote cluster's client port) or "local" (a new Ray on
this machine). Where Ray is already initialised (a notebook), its connection is
used and left open. Each task asks for one CPU; Ray spreads them over the
nodes, and the outcomes (pictures and network files as bytes) come back here,
so nodes need no shared disk.
"""

from collections.abc import Iterator

from ..errors import ShaderplayError
from .cell import Outcome, outcome_of
from .picture import cell_task
from .plan import Cell, Look


def _ray():
    try:
        import ray
    except ImportError:
        raise ShaderplayError(
            "ray: the Ray executor needs the package ray; install it with "
            "pip install 'shaderplay[ray]' (on every node of the cluster), or use --workers N "
            "for this machine's cores"
        ) from None
    return ray


def run_on_ray(cells: tuple[Cell, ...], look: Look, address: str) -> Iterator[Outcome]:
    """Each cell's Outcome as it finishes, on the Ray cluster at `address` (a missing
    Ray is refused now, before any file is written)."""
    return _tasks(_ray(), cells, look, address)


def _tasks(ray, cells, look, address) -> Iterator[Outcome]:
    started = not ray.is_initialized()
    if started:
        try:
            ray.init(address=address, log_to_driver=False)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            raise ShaderplayError(
                f"ray: cannot connect to {address!r} ({exc}); allowed: auto (this machine's "
                "cluster, after `ray start`), ray://HEAD:10001, or local (a Ray on this machine)"
            ) from None
    task = ray.remote(num_cpus=1, max_retries=1)(cell_task)
    cell_of = {task.remote(cell, look): cell for cell in cells}
    pending = list(cell_of)
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            yield outcome_of(lambda ref=done[0]: ray.get(ref), cell_of[done[0]])
    finally:
        for ref in pending:  # stopped early
            ray.cancel(ref, force=True)
        if started:
            ray.shutdown()
