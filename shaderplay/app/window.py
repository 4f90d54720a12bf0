"""Window: a glfw window with an OpenGL 3.3 core context, a moderngl context on
it, and Dear ImGui (imgui-bundle's C++ glfw + OpenGL3 backends) plus ImPlot.

It owns those resources and nothing else: no application state, no drawing.
Sizes: `size` is the window in screen units (what imgui and the mouse use),
`framebuffer_size` is in pixels; they differ on HiDPI screens. Both follow
glfw's size callbacks rather than being asked for each time: on X11 every
query is a round trip to the server.
"""

import ctypes
import sys

import glfw
import moderngl
from imgui_bundle import imgui, implot  # before glfw: it points pyGLFW at its own libglfw

from ..errors import ShaderplayError


def _translucent_grabs() -> None:
    """Slider grabs let the value under them show through (opaque ones hid digits)."""
    style = imgui.get_style()
    for which, alpha in ((imgui.Col_.slider_grab, 0.45), (imgui.Col_.slider_grab_active, 0.7)):
        c = style.color_(which)
        style.set_color_(which, imgui.ImVec4(c.x, c.y, c.z, alpha))


def _glfw_error(code, description):
    # glfw reports problems (no display, lost context) through this callback.
    text = description.decode() if isinstance(description, bytes) else description
    print(f"shaderplay: glfw error {code}: {text}", file=sys.stderr)


class Window:
    """Open a window; `begin_frame()` / `end_frame()` bracket each frame."""

    def __init__(self, size=(1280, 800), title="shaderplay", vsync=True, visible=True):
        glfw.set_error_callback(_glfw_error)
        if not glfw.init():  # without a display glfw.init() only warns; check its result
            raise ShaderplayError(
                "window: could not start glfw; allowed: a desktop session or an "
                "X server (DISPLAY), e.g. `xvfb-run shaderplay`."
            )
        for hint, value in (
            (glfw.CONTEXT_VERSION_MAJOR, 3),
            (glfw.CONTEXT_VERSION_MINOR, 3),
            (glfw.OPENGL_PROFILE, glfw.OPENGL_CORE_PROFILE),
            (glfw.OPENGL_FORWARD_COMPAT, True),  # macOS needs it for 3.3 core
            (glfw.SCALE_TO_MONITOR, True),
            (glfw.VISIBLE, visible),
        ):
            glfw.window_hint(hint, value)
        self.handle = glfw.create_window(int(size[0]), int(size[1]), title, None, None)
        if not self.handle:
            glfw.terminate()
            raise ShaderplayError(
                "window: could not create an OpenGL 3.3 core window; allowed: a "
                "driver with OpenGL >= 3.3 (Mesa's llvmpipe will do)."
            )
        glfw.make_context_current(self.handle)
        glfw.swap_interval(1 if vsync else 0)
        self.ctx = moderngl.create_context(require=330)
        # The trainer thread must never free GL objects: collect them here, once a frame.
        self.ctx.gc_mode = "context_gc"
        self._windowed_rect = None
        self.dropped: list[str] = []
        self._size = tuple(glfw.get_window_size(self.handle))
        self._fb_size = tuple(glfw.get_framebuffer_size(self.handle))
        self._iconified = False
        # imgui's backend (installed below) chains to callbacks set before it, and sets
        # none of these four itself.
        glfw.set_drop_callback(self.handle, self._on_drop)
        glfw.set_window_size_callback(self.handle, self._on_size)
        glfw.set_framebuffer_size_callback(self.handle, self._on_fb_size)
        glfw.set_window_iconify_callback(self.handle, self._on_iconify)
        imgui.create_context()
        implot.create_context()
        io = imgui.get_io()
        # No keyboard navigation: with it imgui claims the keyboard whenever a panel
        # has focus, and the shortcuts (Space, R, ...) would stop reaching the canvas.
        io.set_ini_filename("")  # panel layout comes from code, not from a stray imgui.ini
        # After a bug in a panel the frame's stacks are unwound quietly (see the loop).
        io.config_error_recovery_enable_assert = False
        self._scale_ui()
        _translucent_grabs()
        address = ctypes.cast(self.handle, ctypes.c_void_p).value
        imgui.backends.glfw_init_for_opengl(address, True)
        imgui.backends.opengl3_init("#version 330")

    def _scale_ui(self) -> None:
        """HiDPI: where the system scales content but not the framebuffer (Windows,
        most Linux desktops), grow fonts and widgets by the content scale; where
        the framebuffer itself is denser (macOS), imgui already draws sharp."""
        content, _ = glfw.get_window_content_scale(self.handle)
        (fw, _), (ww, _) = self.framebuffer_size, self.size
        scale = content / (fw / ww) if fw > 0 and ww > 0 else 1.0
        if abs(scale - 1.0) > 0.05:
            style = imgui.get_style()
            style.scale_all_sizes(scale)
            style.font_scale_dpi = scale

    # --- per frame ------------------------------------------------------------------
    def begin_frame(self) -> None:
        glfw.poll_events()
        imgui.backends.opengl3_new_frame()
        imgui.backends.glfw_new_frame()
        imgui.new_frame()

    def end_frame(self, shot=None) -> None:
        """Draw the UI over whatever is on the screen framebuffer and present it.

        `shot` (optional) has an `fbo` that gets this frame's UI drawn over it
        too, and a `done()` called after: a whole-window screenshot that never
        reads the default framebuffer.
        """
        imgui.render()
        draw_data = imgui.get_draw_data()
        if shot is not None:
            shot.fbo.use()
            imgui.backends.opengl3_render_draw_data(draw_data)
            shot.done()
        self.ctx.screen.use()
        imgui.backends.opengl3_render_draw_data(draw_data)
        glfw.swap_buffers(self.handle)
        self.collect_garbage()

    def collect_garbage(self) -> None:
        """`ctx.gc()`, except that objects released explicitly before Python dropped
        them are skipped: moderngl 5.13 queues their InvalidObject too, and its
        gc() then fails on it."""
        queue = self.ctx.objects
        while queue:
            obj = queue.popleft()
            if hasattr(obj, "release"):
                obj.release()

    @staticmethod
    def save_ui_stack():
        """imgui's stacks (windows, ids, styles) now; `restore_ui_stack` unwinds to it
        after an exception left a Begin without its End."""
        saved = imgui.internal.ErrorRecoveryState()
        imgui.internal.error_recovery_store_state(saved)
        return saved

    @staticmethod
    def restore_ui_stack(saved) -> None:
        imgui.internal.error_recovery_try_to_recover_state(saved)

    @staticmethod
    def wait(seconds: float) -> None:
        """Sleep until an event arrives or `seconds` pass (a minimised window)."""
        glfw.wait_events_timeout(seconds)

    def _on_size(self, _window, width, height) -> None:
        self._size = (int(width), int(height))

    def _on_fb_size(self, _window, width, height) -> None:
        self._fb_size = (int(width), int(height))

    def _on_iconify(self, _window, iconified) -> None:
        self._iconified = bool(iconified)

    # --- queries and window operations ----------------------------------------------
    @property
    def should_close(self) -> bool:
        return bool(glfw.window_should_close(self.handle))

    def close(self) -> None:
        glfw.set_window_should_close(self.handle, True)

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    def set_size(self, width: int, height: int) -> None:
        glfw.set_window_size(self.handle, max(1, int(width)), max(1, int(height)))

    @property
    def framebuffer_size(self) -> tuple[int, int]:
        return self._fb_size

    @property
    def minimized(self) -> bool:
        w, h = self._fb_size
        return w <= 0 or h <= 0 or self._iconified

    @property
    def fullscreen(self) -> bool:
        return bool(glfw.get_window_monitor(self.handle))

    def set_fullscreen(self, on: bool) -> None:
        monitor = glfw.get_window_monitor(self.handle)
        if on and not monitor:
            self._windowed_rect = (*glfw.get_window_pos(self.handle), *self.size)
            monitor = glfw.get_primary_monitor()
            if monitor:  # none under some virtual displays: then stay windowed
                mode = glfw.get_video_mode(monitor)
                glfw.set_window_monitor(
                    self.handle, monitor, 0, 0, mode.size.width, mode.size.height, mode.refresh_rate
                )
        elif not on and monitor:
            x, y, w, h = self._windowed_rect or (50, 50, 1280, 800)
            glfw.set_window_monitor(self.handle, None, x, y, w, h, 0)

    def take_dropped(self) -> list[str]:
        paths, self.dropped = self.dropped, []
        return paths

    def _on_drop(self, _window, paths) -> None:
        self.dropped.extend(p.decode() if isinstance(p, bytes) else str(p) for p in paths)

    def deliver_drop(self, paths) -> None:
        """Hand `paths` to the drop callback that GLFW holds for this window, through
        the C entry point GLFW calls when files are dropped (scripts and tests: an
        X server without a drag source cannot make a real drop)."""
        setter = glfw.library.glfw.glfwSetDropCallback
        null = setter.argtypes[1]()  # a NULL function pointer of the callback's type
        current = setter(self.handle, null)  # read the callback by swapping it out...
        setter(self.handle, current)  # ...and straight back in
        if not current:
            raise ShaderplayError("drop: this window has no drop callback")
        encoded = [str(p).encode() for p in paths]
        current(self.handle, len(encoded), (ctypes.c_char_p * len(encoded))(*encoded))

    def release(self) -> None:
        """Backends and contexts go before the GL context they draw with."""
        imgui.backends.opengl3_shutdown()
        imgui.backends.glfw_shutdown()
        implot.destroy_context()
        imgui.destroy_context()
        self.ctx.release()
        glfw.destroy_window(self.handle)
        glfw.terminate()
