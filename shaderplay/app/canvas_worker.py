"""The canvas's background painter: one thread that computes CPU pictures (a
renderer's PictureMaker: values, colours, boundary lines; no GL) while the
frame thread goes on drawing, so a heavy network never holds a frame up. One
job at a time: the canvas hands it the newest picture it wants when the last
one is done, and picks the result up on a later frame (GL work, the texture
upload and the overlays, stays on the frame thread).

Closing drops the waiting job and lets the running one finish (a picture's
size is capped at about a second's work): numba tears its worker threads down
as the process exits, and a kernel still running in them then crashed the
process (a window stopped by SIGTERM ended in a segmentation fault). The
thread is a daemon, so a picture that overruns JOIN_S cannot hold the exit up.

The painter runs at a lower priority (NICE): where the frame thread, llvmpipe's
threads drawing the frame, or the trainer want a core it has, they get it, and the
picture being made arrives a little later (the last one stands in meanwhile). On
this 2-core machine: zooming neylon 39 -> 48 frames/s, training in the window 86 ->
98 % of standalone, pictures a second about the same (26 -> 25).
"""

import contextlib
import math
import os
import threading
import time
from dataclasses import dataclass

import numba

JOIN_S = 2.0  # the longest closing waits for the picture being made
NICE = 5  # the painter's priority below the frame thread's and the trainer's (Linux: per thread)


@dataclass(frozen=True)
class Job:
    key: tuple  # what the canvas calls this picture (weights, view, mode, ... , size)
    spec: object  # the network's architecture the params belong to
    params: object  # its weights, a copy
    view: object
    size: tuple[int, int]  # the picture's pixels (the canvas's times `scale`)
    canvas: tuple[int, int]  # the canvas's pixels
    scale: float  # of the canvas's pixels, per side
    args: tuple  # (mode, colormap, opts) as the renderer takes them
    work: float  # multiply-adds per pixel at full size (the rate is timed from it)
    timed: bool  # whether `work` is exact, so the job may time the rate
    threads: int = 1  # numba threads it may use (numba's setting is per thread)


@dataclass(frozen=True)
class Done:
    job: Job
    rgba: object  # (H, W, 4) uint8, rows bottom first; None where the CPU could not
    seconds: float
    error: Exception | None = None


class Painter:
    def __init__(self, maker):
        self._maker = maker
        self._lock = threading.Condition()
        self._job: Job | None = None  # waiting to start
        self._running = False
        self._done: Done | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="shaderplay-canvas", daemon=True)
        self._thread.start()

    @property
    def busy(self) -> bool:
        """A job is queued or running, or its result not yet taken."""
        with self._lock:
            return self._job is not None or self._running or self._done is not None

    def submit(self, job: Job) -> None:
        with self._lock:
            self._job = job
            self._lock.notify_all()

    def take(self, timeout: float = 0.0) -> Done | None:
        """The finished picture, waiting for it at most `timeout` seconds; None if none."""
        end = time.perf_counter() + timeout
        with self._lock:
            while self._done is None and (self._job is not None or self._running):
                left = end - time.perf_counter()
                if left <= 0:
                    break
                self._lock.wait(None if math.isinf(left) else left)
            done, self._done = self._done, None
            return done

    def close(self) -> None:
        with self._lock:
            self._closed, self._job, self._done = True, None, None
            self._lock.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(JOIN_S)

    def _loop(self) -> None:
        _lower_priority()
        while True:
            with self._lock:
                while self._job is None and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                job, self._job, self._running = self._job, None, True
            start = time.perf_counter()
            rgba, error = None, None
            try:
                numba.set_num_threads(job.threads)
                mode, colormap, opts = job.args
                rgba = self._maker.make(
                    job.spec, job.params, job.view, job.size, mode, colormap, opts
                )
            except Exception as exc:  # the frame thread reports it as its own
                error = exc
            done = Done(job, rgba, time.perf_counter() - start, error)
            with self._lock:
                self._running = False
                if not self._closed:
                    self._done = done
                self._lock.notify_all()


def _lower_priority() -> None:
    """This thread at NICE. Linux sets a thread's priority by its id; elsewhere the call
    may refuse or be missing, and the painter runs at the process's priority."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
