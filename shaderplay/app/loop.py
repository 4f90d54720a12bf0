"""The frame loop: the one place that wires the window, the session, the renderer
and the GUI together. It owns no math and no state of its own.

Each frame: events -> script steps, dropped files, keys, file dialogs -> the
snapshot to show (the trainer's newest, or the timeline's scrubbed one) -> one
buffer upload -> the canvas drawn into its rectangle of the window -> the
panels -> screenshots and recording from offscreen framebuffers -> present. A
minimised (zero-sized) window draws nothing and sleeps a little.

Sharing the CPU: the canvas painter (the numba evaluator that draws the canvas on
software GL, on its own thread) leaves a core to this thread and llvmpipe's, and
one more to the trainer while it runs (numba's thread count is per calling thread).
"""

import json
import sys
import time
import traceback
from contextlib import suppress
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from ..checks import WriteFailed, atomic_file
from ..errors import ShaderplayError
from ..images import data_frame
from ..view import fit_within
from . import (
    canvas,
    canvas_legend,
    file_actions,
    gui,
    panel_timeline,
    render_args,
    run_actions,
    training_actions,
    view_actions,
)
from .canvas_compare import SplitCanvas
from .canvas_picture import CanvasPicture
from .dialogs import FileDialogs
from .frame_rate import MAX_FPS, FrameRate
from .keys import handle_keys
from .offscreen import colour_target, release_target
from .recording import Recording
from .session import Session
from .state import AppState
from .thumbnails import Thumbnails
from .window import Window

BACKGROUND = (0.08, 0.085, 0.10)


def run(
    preset,
    source: str = "default",
    size=(1280, 800),
    script=None,
    max_frames: int = 0,
    vsync: bool = True,
    on_frame=None,
    max_fps: float = MAX_FPS,
) -> AppState:
    """Open the window on `preset` and run until Esc, the close button, `quit`
    in the script, or `max_frames` (0: no limit). At most `max_fps` frames a
    second (0: as many as it can draw). Returns the final state."""
    from ..gpu.renderer import Renderer

    window = Window(size, title=f"shaderplay - {preset.name}", vsync=vsync)
    session = renderer = thumbs = None
    try:
        renderer = Renderer(window.ctx, live=True)
        preset, mode_args = render_args.split_mode(preset)
        session = Session(preset)
        state = AppState(preset=preset, source=source, mode_args=mode_args)
        thumbs = Thumbnails(window.ctx, renderer)
        loop = Loop(window, session, renderer, thumbs, state, script, on_frame)
        loop.rate.max_fps = max_fps
        loop.run(max_frames)
        return state
    finally:
        for thing in (session, thumbs, renderer):
            if thing is not None:
                (thing.close if thing is session else thing.release)()
        window.release()


class Loop:
    def __init__(self, window, session, renderer, thumbs, state, script=None, on_frame=None):
        self.window, self.session, self.renderer, self.thumbs = window, session, renderer, thumbs
        self.state, self.script, self.on_frame = state, script, on_frame
        self.info = gui.FrameInfo(renderer_name=str(window.ctx.info.get("GL_RENDERER", "?")))
        self.recording = Recording()
        self.picture = CanvasPicture(window.ctx, renderer)
        self.split = SplitCanvas(window.ctx, renderer)  # an A/B comparison's two halves
        self.dialogs = FileDialogs()
        self.generation = -1
        self._uploaded = None  # the weights_key of the weights the renderer has
        self.window_shots: list[str] = []
        self.layout_reports: list[str] = []  # JSON paths, written once the frame's UI is laid out
        self._frame_times: list[float] = []
        self._first = True
        self._threads = None  # numba threads the canvas evaluator may use now
        self.rate = FrameRate()  # frames a second: at most, and while calm
        self.driven = script is not None  # acted on frame by frame (a script, a benchmark)

    def run(self, max_frames: int = 0) -> None:
        # The trainer thread waits for the GIL between kernel calls while this loop
        # runs Python; a shorter switch interval hands it over sooner (default 5 ms).
        previous = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)
        # NumPy's small products here (thumbnails, health check) gain nothing from
        # OpenBLAS's threads, whose busy-waiting after each call took a core from
        # llvmpipe and the trainer: 20-23 frames/s zooming `default`, 32 without.
        try:
            with threadpool_limits(limits=1, user_api="blas"):
                self._run(max_frames)
        finally:
            sys.setswitchinterval(previous)

    def _run(self, max_frames: int) -> None:
        state, window = self.state, self.window
        try:
            while not (window.should_close or state.quit):
                if max_frames and state.frame >= max_frames:
                    break
                if window.minimized:
                    window.wait(0.05)  # nothing to draw; training goes on in its thread
                    continue
                start = time.perf_counter()
                self.frame()
                if self.script is not None:
                    self.script.tell(state)
                self._pace(start)
        finally:  # closed, quit, or a signal: a recording still ends in a whole file
            self.recording.finish(state, self.session)
            if self.script is not None:
                self.script.tell(state)
            self.dialogs.close()
            self.picture.release()
            self.split.release()
            self._share_cores(None)

    def _pace(self, start: float) -> None:
        state, session, key = self.state, self.session, self.session.weights_key
        # a paced trainer's speed is steps per frame: its new weights keep the full rate
        paced = key if session.playing and not session.pacing.free_running else None
        moved = (state.view, state.preset.view, session.compare is not None, paced)
        news = (key, self.picture.renders)
        # a script acts by frame numbers; a recording's video and a replay take a frame each;
        # a picture on its way (not a free-running trainer's next one) shows when it is made
        waiting = self.picture.pending and not session.pacing.free_running
        lively = self.driven or bool(state.recording) or state.replaying or waiting
        self.rate.wait(self.window, start, moved, news, lively)

    def frame(self) -> None:
        """One frame. A bug in any part of it is reported in the message bar (and
        on stderr) and the frame still ends properly: the window stays usable."""
        window = self.window
        window.begin_frame()
        self.state.frame += 1
        saved = window.save_ui_stack()
        rect = None
        try:
            rect = self._frame_body()
        except Exception as exc:
            window.restore_ui_stack(saved)
            self._report(exc)
        window.end_frame(self._window_shot_fbo() if rect is not None else None)
        self._measure()
        if self.on_frame is not None:
            self.on_frame(self)

    def _report(self, exc: Exception) -> None:
        text = f"internal error: {type(exc).__name__}: {exc}"
        if self.state.message is None or self.state.message.text != text:
            traceback.print_exception(exc, file=sys.stderr)
        self.state.say(text + " (traceback on stderr)", error=True)

    def _frame_body(self):
        state, session, window = self.state, self.session, self.window
        run_actions.advance_replay(
            state, session
        )  # first: a replay begun this frame shows its start
        if self.script is not None:
            ops = []
            self.script.run(state.frame, state, session, ops, self.picture.shown_mode)
            self._window_ops(ops)
        dropped = window.take_dropped()
        if dropped:
            file_actions.drop_files(state, session, dropped)
        handle_keys(state, session)
        self.dialogs.update(state, session)
        if state.fullscreen != window.fullscreen:
            window.set_fullscreen(state.fullscreen)
            state.fullscreen = window.fullscreen  # stays windowed where no monitor is found
        snap = session.tick()
        training_actions.observe(state, session, snap)
        self._share_cores(session.playing)
        self._sync_network(snap)
        if state.panels.get("diagram", True) and state.show_ui:
            self.thumbs.refresh(
                session.latest_network(), state.view, (session.weights_key, state.view)
            )
        size = window.size
        rect = gui.draw(state, session, self.info, self.thumbs, size)
        if data_frame(session.dataset) is not None:  # an image target: the canvas has its shape
            w, h = fit_within((rect.w, rect.h), state.preset.view.domain)
            rect = canvas.Rect(rect.x + (rect.w - w) / 2, rect.y + (rect.h - h) / 2, w, h)
        if self._first:  # the canvas's shape is known now: fit the home domain into it
            state.canvas_size = (rect.w, rect.h)
            state.view = state.home
            self._first = False
        state.canvas_size = (max(rect.w, 1.0), max(rect.h, 1.0))
        canvas.handle_mouse(state, session, rect)
        self._draw_canvas(rect, size, snap)
        if session.compare is None:  # the split canvas labels its halves itself
            canvas.draw_labels(state, rect)
        canvas_legend.draw(state, rect, self.renderer, self._draw_args())
        self._screenshots(rect, size)
        self._report_layout(size)
        return rect

    # --- pieces of a frame --------------------------------------------------------------
    def _window_ops(self, ops) -> None:
        for do, kwargs in ops:
            if do == "window_screenshot":
                self.window_shots.append(kwargs.get("path", f"window-{self.state.frame}.png"))
            elif do == "resize":
                self.window.set_size(*(int(n) for n in kwargs.get("size", (1280, 800))))
            elif do == "drop":
                self.window.deliver_drop(kwargs.get("paths", []))
            elif do == "report_layout":
                self.layout_reports.append(kwargs.get("path", f"layout-{self.state.frame}.json"))
            elif do == "mouse":
                from imgui_bundle import imgui

                imgui.get_io().add_mouse_pos_event(*(float(v) for v in kwargs.get("pos", (0, 0))))

    def _share_cores(self, training: bool | None) -> None:
        """The canvas painter's threads: a core fewer than the machine has for this
        thread and llvmpipe's, which draw every frame, and one more fewer while the
        trainer runs (at least one); None: the loop has ended, all of them."""
        import numba

        most = numba.config.NUMBA_NUM_THREADS
        want = most if training is None else max(1, most - 1 - int(training))
        if want != self._threads:
            numba.set_num_threads(want)
            self._threads = want

    def _sync_network(self, snap) -> None:
        if self.session.generation != self.generation:
            try:
                self.renderer.set_network(self.session.net)
            except ShaderplayError as exc:  # the renderer keeps its last program
                self.state.say(str(exc), error=True)
            self.generation = self.session.generation
            self.info.storage = str(self.renderer.storage)
            self._uploaded = None
        key = self.session.weights_key
        if key != self._uploaded:  # packing a 14x400 net's weights took ~7 % of every frame
            self.renderer.upload(snap.params if snap is not None else self.session.net.params)
            self._uploaded = key

    def _viewport(self, rect, size) -> tuple[int, int, int, int]:
        """Canvas rectangle (window units, y down) -> GL viewport (pixels, y up)."""
        return canvas.viewport_px(rect, size, self.window.framebuffer_size)

    def _draw_args(self):
        return render_args.draw_args(self.state, self.session)

    def _draw_canvas(self, rect, size, snap) -> None:
        """Clear the window; refresh the canvas picture if needed and queue it for imgui."""
        ctx, state = self.window.ctx, self.state
        ctx.screen.use()
        ctx.clear(*BACKGROUND, 1.0)
        if rect.empty:
            return
        w, h = self._viewport(rect, size)[2:]
        args = self._draw_args()
        mode, colormap, opts = args
        key = (
            self.session.weights_key,
            (
                state.view,
                mode,
                colormap,
                tuple(sorted((k, _hashable(v)) for k, v in opts.items())),
                (w, h),
            ),
        )
        free = self.session.pacing.free_running
        if self.session.compare is not None:  # A left, B right
            self.split.draw(state, self.session, rect, (w, h), args, key[1], free)
            return
        try:
            self.picture.update(key, state.view, (w, h), args, state.adaptive, share=free)
        except ShaderplayError as exc:
            if state.preset.view.mode != "output":  # show the plain output meanwhile
                view_actions.set_view(state, self.session, mode="output")
            state.say(str(exc), error=True)
        self.picture.show(rect)
        self.info.scale = self.picture.shown_scale

    def _screenshots(self, rect, size) -> None:
        """PNGs of the canvas alone, at its pixel size, from an offscreen framebuffer."""
        state = self.state
        while state.screenshots:
            path = state.screenshots.pop(0)
            _, _, w, h = self._viewport(rect, size)
            mode, colormap, opts = self._draw_args()
            try:
                if self.session.compare is not None:  # A left, B right, as on screen
                    image = self.split.image(state, self.session, (w, h), self._draw_args())
                else:
                    image = self.renderer.image(state.view, (w, h), mode, colormap, **opts)
                _save_png("screenshot", path, image)
                state.say(f"Saved screenshot {path} ({w} x {h}).")
            except WriteFailed as exc:
                state.say(str(exc), error=True)
            except ShaderplayError as exc:
                state.say(f"screenshot {path}: {exc}", error=True)
        self.recording.update(
            state,
            self.session,
            self.renderer,
            self._viewport(rect, size),
            self._draw_args(),
            self.info.fps,
        )

    def _report_layout(self, size) -> None:
        while self.layout_reports:
            path = self.layout_reports.pop(0)
            report = {"window": list(size), **{k: list(v) for k, v in self.info.rects.items()}}
            report["mode"] = self.state.preset.view.mode
            try:
                with atomic_file(path, "layout report") as fh:
                    fh.write(json.dumps(report).encode())
            except WriteFailed as exc:
                self.state.say(str(exc), error=True)

    def _window_shot_fbo(self):
        """An offscreen framebuffer the window draws this frame's UI into (canvas
        included: imgui shows it), for a pending window screenshot."""
        if not self.window_shots:
            return None
        fbo = colour_target(self.window.ctx, self.window.framebuffer_size)
        fbo.use()
        self.window.ctx.clear(*BACKGROUND, 1.0)
        return _ShotTarget(fbo, self.window_shots.pop(0), self.state)

    def _measure(self) -> None:
        now = time.perf_counter()
        times = self._frame_times
        times.append(now)
        while len(times) > 2 and now - times[0] > 1.0:
            times.pop(0)
        if len(times) >= 2:
            self.info.fps = (len(times) - 1) / (times[-1] - times[0])
        size = self.window.size
        shown = panel_timeline.shown(self.state, self.session)
        self.info.canvas_px = self._viewport(gui.canvas_rect(self.state, *size, shown), size)[2:]


class _ShotTarget:
    """A framebuffer the window draws this frame's UI into; saved, then released."""

    def __init__(self, fbo, path: str, state):
        self.fbo, self.path, self.state = fbo, path, state

    def done(self) -> None:
        w, h = self.fbo.size
        data = np.frombuffer(self.fbo.read(components=3), np.uint8).reshape(h, w, 3)[::-1]
        try:
            _save_png("window screenshot", self.path, data)
        except WriteFailed as exc:
            self.state.say(str(exc), error=True)
        release_target(self.fbo)


def _hashable(value):
    """`value` for a cache key; objects holding arrays (a Dataset) by identity."""
    try:
        hash(value)
        return value
    except TypeError:
        return ("id", id(value))


def _save_png(field: str, path, image: np.ndarray) -> None:
    """A PNG written whole or not at all; a failure is one WriteFailed naming `field`."""
    from PIL import Image

    with suppress(OSError):  # a folder that cannot be made: atomic_file says so
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path, field) as fh:
        Image.fromarray(np.ascontiguousarray(image)).save(fh, format="PNG")
