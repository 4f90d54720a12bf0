"""Recording from the window (V), through shaderplay.record's LiveRecorder.

Each frame of the video is the canvas rendered offscreen at the size it had
when recording started (MP4 pads odd sides). While recording, training runs
a fixed number of steps per frame, so the film is deterministic and plays at
the pace it was watched: the preset's `steps_per_frame` when set, else what
the free-running trainer managed per displayed frame when V was pressed.
Closing the window (or a signal) while recording finishes the file.
"""

import sys

from ..errors import ShaderplayError
from ..record.live import LiveRecorder

FPS = 30.0


class Recording:
    def __init__(self):
        self.recorder = LiveRecorder()
        self.size = (0, 0)

    @property
    def status(self) -> str:
        return self.recorder.status()

    def update(self, state, session, renderer, viewport, draw_args, fps: float) -> None:
        """Start, feed or stop the recorder to match `state.recording`."""
        if state.recording and not self.recorder.recording:
            self._start(state, session, viewport, fps)
        elif not state.recording and self.recorder.recording:
            self.stop(state, session)
        if not self.recorder.recording:
            return
        mode, colormap, opts = draw_args
        try:
            self.recorder.add(renderer.image(state.view, self.size, mode, colormap, **opts))
        except ShaderplayError as exc:
            state.say(str(exc), error=True)
            self.stop(state, session)

    def _start(self, state, session, viewport, fps: float) -> None:
        size = (max(2, viewport[2]), max(2, viewport[3]))
        try:
            self.recorder.start(state.recording, size, FPS)
        except ShaderplayError as exc:
            state.say(str(exc), error=True)
            state.recording = ""
            return
        self.size = size
        pace = state.preset.train.steps_per_frame
        if pace <= 0:
            pace = max(1, round(session.steps_per_second / max(fps, 1.0)))
        session.set_fixed_pace(pace)
        state.say(
            f"Recording to {state.recording} at {size[0]} x {size[1]}, {pace} training "
            f"steps per frame; V stops."
        )

    def finish(self, state, session) -> None:
        """The window is closing: a recording still going ends in a whole file, and
        what it holds is said on stderr (the message bar goes with the window)."""
        if self.recorder.recording:
            self.stop(state, session)
            print(f"shaderplay: {self.recorder.last_message}", file=sys.stderr)

    def stop(self, state, session) -> None:
        session.set_fixed_pace(0)
        state.recording = ""
        if not self.recorder.recording:
            return
        try:
            self.recorder.stop()
            state.say(self.recorder.status())
        except ShaderplayError as exc:
            state.say(str(exc), error=True)
