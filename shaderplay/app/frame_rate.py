"""How long the frame loop waits between frames: at most `max_fps` frames a
second (what a 60 Hz display shows; where vsync does not pace the loop, faster
frames would only take CPU from the trainer thread) while the user acts (the
loop counts a paced trainer's steps as such: its speed is steps per frame);
WATCH_FPS while only a free-running trainer changes the picture, so that it keeps
more of the CPU; CALM_FPS once nothing has changed for CALM_S. Below the full
rate the loop waits for events, so input gets a frame at once and the full rate
again. On this 2-core machine a paused window at 1280x800 took 83 % of a core at
the full rate (20 % calm), and a cold one took that core from the first compile
of the trainer's kernels."""

import time

MAX_FPS = 60.0
WATCH_FPS = 30.0
CALM_FPS = 10.0
CALM_S = 0.5  # this long without input (or news) lowers the rate


class FrameRate:
    def __init__(self, max_fps: float = MAX_FPS):
        self.max_fps = max_fps  # 0: as many as the loop draws (calm frames still wait)
        self._moved = self._news = None  # what the last frame showed (see `wait`)
        self._touched_at = self._news_at = 0.0  # the last input; the last news

    def fps(self, now: float) -> float:
        """The rate for a frame ending `now` (0: no limit)."""
        if now - self._touched_at <= CALM_S:
            return self.max_fps
        if now - self._news_at <= CALM_S:
            return min(self.max_fps, WATCH_FPS) if self.max_fps > 0 else 0.0
        return CALM_FPS

    def wait(self, window, start: float, moved, news, lively: bool = False) -> None:
        """Wait out the rest of the frame begun at `start`. `moved`: what the user
        changes (the view, ...), `news`: what training changes (the weights, ...); a
        change from the last frame counts as input or news. `lively`: input now (a
        script counts frames: it never lowers the rate)."""
        now = time.perf_counter()
        if moved != self._moved or lively:
            self._moved, self._touched_at = moved, now
        if news != self._news:
            self._news, self._news_at = news, now
        fps = self.fps(now)
        rest = 1.0 / fps - (now - start) if fps > 0 else 0.0
        if rest <= 0:
            return
        if fps == self.max_fps:
            time.sleep(rest)
            return
        window.wait(rest)
        if time.perf_counter() - now < 0.9 * rest:  # woken by an event: input
            self._touched_at = time.perf_counter()
