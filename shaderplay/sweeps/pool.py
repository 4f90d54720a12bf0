"""Cells on local processes: a concurrent.futures pool of `workers` fresh
interpreters (spawn: no GL context or numba state is inherited from the caller).

Workers ignore SIGINT: Ctrl-C reaches the whole process group, and the caller
alone decides what an interrupt means (keep the finished cells). When the
caller stops early, cells not started are cancelled and running ones end
with their processes.
"""

import multiprocessing
import signal
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from .cell import Outcome, outcome_of
from .picture import cell_task
from .plan import Cell, Look


def _worker_start() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_local(cells: tuple[Cell, ...], look: Look, workers: int) -> Iterator[Outcome]:
    """Each cell's Outcome as it finishes, on `workers` processes."""
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(cells)) or 1, mp_context=context, initializer=_worker_start
    )
    cell_of = {pool.submit(cell_task, cell, look): cell for cell in cells}
    pending = set(cell_of)
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield outcome_of(future.result, cell_of[future])
    finally:
        if pending:  # stopped early: the caller was interrupted or failed
            pool.shutdown(wait=False, cancel_futures=True)
            for process in multiprocessing.active_children():
                process.terminate()
        pool.shutdown(wait=True)
