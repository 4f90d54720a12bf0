"""How long the frame loop waits between frames: at most `max_fps` frames a
second (what a 60 Hz display shows; where vsync does not pace the loop, faster
frames would only take CPU from the trainer thread), and CALM_FPS once the
window is calm: no input, and no new weights, view or picture, for CALM_S. A
calm window waits for events, so input still gets a frame at once. A paused
window at 1280x800 took 83 % of a core at the full rate, and a cold one took it
from the first compile of the trainer's kernels."""

import time

MAX_FPS = 60.0
CALM_S = 0.5
CALM_FPS = 10.0


class FrameRate:
    def __init__(self, max_fps: float = MAX_FPS):
        self.max_fps = max_fps  # 0: as many as the loop draws (calm frames still wait)
        self._seen = None  # what the last frame showed (see `wait`)
        self._lively_at = 0.0  # when the window last had input or something new to show

    def calm(self, now: float) -> bool:
        return now - self._lively_at > CALM_S

    def wait(self, window, start: float, shown, lively: bool = False) -> None:
        """Wait out the rest of the frame begun at `start`. `shown`: what the frame
        showed (a change is news); `lively`: never calm now (a script counts frames)."""
        now = time.perf_counter()
        if shown != self._seen or lively:
            self._seen, self._lively_at = shown, now
        calm = self.calm(now)
        fps = CALM_FPS if calm else self.max_fps
        rest = 1.0 / fps - (now - start) if fps > 0 else 0.0
        if rest <= 0:
            return
        if not calm:
            time.sleep(rest)
            return
        window.wait(rest)
        if time.perf_counter() - now < 0.9 * rest:  # woken by an event: input
            self._lively_at = time.perf_counter()
