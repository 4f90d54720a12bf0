"""Training on a background thread, for the window and the recorder.

The thread runs kernel chunks (GIL released, so the render thread keeps its
core) and publishes a Snapshot after each into a latest-value slot that
`latest()` reads without waiting. It never touches GL.

Two pacing modes:
- free-running (steps_per_frame == 0, not paused): chunk after chunk;
- fixed steps: `advance(n)` queues exactly n steps, run even while paused;
  the same seed then gives the same weights at the same step, whatever the
  timing. `wait()` blocks until the queue is empty.
A divergence, max_steps or target_loss pauses the thread, drops queued
steps and says which in `stopped` (until training is asked for again:
`advance()`, `resume()`, `run()`); `rollback()` / `resume()` continue.

The host class (Trainer) provides `config`, `diverged`, `run(n)` and
`_chunk(n) -> (steps run, stop reason)`.
"""

import threading

from .settings import step_count


class ThreadControl:
    def _init_thread(self):
        self._slot_lock = threading.Lock()
        self._latest = None
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._busy = False  # a chunk is chosen or running
        self._stopping = False
        self._paused = False
        self._pending = 0
        self.error: BaseException | None = None  # what ended the thread, if it failed
        # Why training stopped by itself ("diverged", "max_steps", "target_loss"); None
        # while it can go on. Queued steps after a stop are dropped, so a waiter reads this.
        self.stopped: str | None = None

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    @property
    def paused(self) -> bool:
        return self._paused

    def start(self):
        """Start the trainer thread (no-op when it runs already)."""
        if self.running:
            return
        with self._cond:
            self._stopping = False
            self.error = None
        self._thread = threading.Thread(target=self._loop, name="shaderplay-trainer", daemon=True)
        self._thread.start()

    def pause(self):
        """Stop free-running after the current chunk (queued advance() steps still run)."""
        with self._cond:
            self._paused = True
            self._cond.notify_all()

    def resume(self):
        with self._cond:
            self._paused = False
            self.stopped = None
            self._cond.notify_all()

    def stop(self, timeout: float | None = None):
        """Ask the thread to finish its chunk and end; join it. Queued steps are dropped."""
        thread = self._thread
        if thread is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        thread.join(timeout)
        if not thread.is_alive():
            self._thread = None
            with self._cond:
                self._pending = 0
                self._cond.notify_all()

    def advance(self, n: int, wait: bool = False):
        """Run exactly n more steps: queued on the thread if started, else right here."""
        n = step_count("advance", n)
        if not self.running:
            self.run(n)
            return
        with self._cond:
            self._pending += n
            self.stopped = None
            self._cond.notify_all()
        if wait:
            self.wait()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until queued steps are done (or dropped); False if `timeout` ran out first."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._pending == 0 or self._thread is None or not self._thread.is_alive(),
                timeout,
            )

    def settle(self, timeout: float | None = None) -> bool:
        """Block until the thread is between chunks with nothing to run (after pause(): the
        last chunk has landed and none will start); False if `timeout` ran out first."""
        with self._cond:
            return self._cond.wait_for(
                lambda: (
                    self._thread is None
                    or not self._thread.is_alive()
                    or not (self._busy or self._has_work())
                ),
                timeout,
            )

    def _wake(self):
        with self._cond:
            self._cond.notify_all()

    def _has_work(self) -> bool:
        if self._stopping or self._pending > 0:  # queued steps after a divergence get dropped
            return True
        return self.diverged is None and not self._paused and self.config.steps_per_frame == 0

    def _loop(self):
        try:
            while True:
                with self._cond:
                    self._cond.wait_for(self._has_work)
                    if self._stopping:
                        return
                    queued = self._pending > 0
                    n = self._pending if queued else self.config.chunk_steps
                    self._busy = True
                ran, stopped = self._chunk(n, finish=queued)
                with self._cond:
                    self._busy = False
                    if queued:
                        self._pending = max(0, self._pending - ran)
                    if stopped != "steps":
                        self._pending = 0
                        self._paused = True
                        self.stopped = stopped
                    self._cond.notify_all()
        except BaseException as exc:  # surfaced through .error; the waiters must not hang
            self.error = exc
            with self._cond:
                self._busy = False
                self._pending = 0
                self._cond.notify_all()
