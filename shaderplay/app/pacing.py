"""Pacing: when the trainer thread runs, and whether the window is training
(`playing`, the one place that says so; no GL, no GUI).

`speed` is the window's pace in steps per frame (the preset's `train.pace`,
then the transport bar's speed control): n > 0 queues n steps a frame
whenever the trainer has finished the last ones (a slow trainer never makes
the frames wait), 0 lets the thread free-run. While the window records,
`fixed` > 0 steps run per frame, overlapping the frame's rendering, and each
frame waits for the steps queued before it: the video is deterministic (same
seed, same frames).
"""

CHUNK_SECONDS = 0.015  # work per trainer kernel call; the thread needs the GIL between calls
CHUNK_RANGE = (64, 16384)


class Pacing:
    def __init__(self):
        self.trainer = None
        self.playing = False
        self.fixed = 0  # steps per frame while recording; 0: `speed`
        self.speed = 0  # steps per frame while playing; 0: free-running
        self._frames = 0

    def attach(self, trainer, playing: bool) -> None:
        """Pace `trainer` (None: nothing to train, never playing) from now on."""
        self.trainer = trainer
        self.playing = bool(playing) and trainer is not None
        self._frames = 0

    def set_playing(self, playing: bool) -> None:
        self.playing = bool(playing)
        if self.playing and self.trainer is not None:
            self.trainer.stopped = None  # asked to train again: only a new stop counts
        self.apply()

    @property
    def free_running(self) -> bool:
        """Training as fast as the trainer goes (the picture then takes a share of the CPU)."""
        return self.playing and not self.fixed and not self.speed

    def set_speed(self, steps: int) -> None:
        self.speed = max(0, int(steps))
        self.apply()

    def set_fixed(self, steps: int) -> None:
        self.fixed = max(0, int(steps))
        self.apply()

    def apply(self) -> None:
        # The thread free-runs only when resumed; every other pacing feeds it with
        # advance() from the frame.
        if self.trainer is None:
            return
        if self.free_running:
            self.trainer.resume()
        else:
            self.trainer.pause()

    def before_frame(self) -> None:
        """Before the frame takes its snapshot: wait for the steps queued for it (fixed
        pace), or queue `speed` more; notice a trainer that stopped itself."""
        trainer = self.trainer
        if not self.playing:
            return
        per_frame = self.speed
        if self.fixed:
            trainer.wait()  # this frame shows exactly the steps queued so far
        elif per_frame and trainer.wait(0) and trainer.stopped is None:
            trainer.advance(per_frame)
        if trainer.stopped is not None:
            # The trainer stopped itself (divergence, max_steps, target_loss) and drops
            # what is queued: whatever the pacing, the window stops playing.
            self.playing = False

    def after_frame(self, snap) -> None:
        """After the frame took `snap`: the next fixed steps run while it renders."""
        if self.playing and self.fixed:
            self.trainer.advance(self.fixed)
        self._frames += 1
        self._size_chunks(snap)

    def _size_chunks(self, snap) -> None:
        """Keep each kernel call near CHUNK_SECONDS: the trainer thread needs the GIL
        only between calls, and the busy frame loop makes it wait for it, so tiny
        chunks would leave it idle (measured: 128-step chunks, 0.8 ms, kept the
        kernel busy 52% of the time in the window, 96% alone). The preset's
        chunk_steps is left as it is.

        A free-running trainer takes its lock back between chunks faster than a
        waiting set_config wakes (measured: 0.3 s stalls), so it is paused for the
        change, which then waits for one chunk at most."""
        us = snap.us_per_step if snap is not None else float("nan")
        if not us > 0 or self._frames % 30 != 5:
            return
        lo, hi = CHUNK_RANGE
        want = int(min(hi, max(lo, CHUNK_SECONDS * 1e6 / us)))
        want = 1 << (want.bit_length() - 1)  # a power of two: no churn from small changes
        if want != self.trainer.config.chunk_steps:
            self.trainer.pause()
            self.trainer.set_config(chunk_steps=want)
            self.apply()
