"""Mouse and keyboard input, fed as events to a headless Dear ImGui context (no
window, no GL): wheel zoom about the cursor, drag to pan, click to probe,
double-click to reset, keys to actions, and nothing reaches the canvas while
a panel has the mouse or a text field has the keyboard."""

import numpy as np
import pytest
from imgui_bundle import imgui

from shaderplay.app import canvas, keys
from shaderplay.app.state import AppState

RECT = canvas.Rect(200.0, 0.0, 600.0, 600.0)  # the canvas right of a 200-wide panel


class Recorder:
    """Stands in for the Session: the keys under test only flip state or call these."""

    def __init__(self):
        self.calls = []
        self.playing = True
        self.step_count = 0

    def set_playing(self, playing):
        self.calls.append(("set_playing", playing))
        self.playing = playing

    def step(self, n):
        self.calls.append(("step", n))


@pytest.fixture
def ui():
    ctx = imgui.create_context()
    io = imgui.get_io()
    io.display_size = (800, 600)
    io.delta_time = 1 / 60
    io.backend_flags |= imgui.BackendFlags_.renderer_has_textures  # no font texture needed
    state = AppState(canvas_size=(RECT.w, RECT.h))
    state.view = state.home
    yield state, io
    imgui.destroy_context(ctx)


def frame(state, session=None, *events, panel=False, text_field=False):
    io = imgui.get_io()
    for event in events:
        event(io)
    io.delta_time = 1 / 60
    imgui.new_frame()
    if panel:  # a panel over the left 200 units, as the controls column
        imgui.set_next_window_pos((0, 0))
        imgui.set_next_window_size((200, 600))
        imgui.begin("panel")
        if text_field:
            imgui.set_keyboard_focus_here()
            imgui.input_text("path", "")
        imgui.end()
    keys.handle_keys(state, session)
    canvas.handle_mouse(state, session, RECT)
    imgui.render()


def move(x, y):
    return lambda io: io.add_mouse_pos_event(x, y)


def button(down):
    return lambda io: io.add_mouse_button_event(0, down)


def wheel(dy):
    return lambda io: io.add_mouse_wheel_event(0.0, dy)


def key(k, down):
    return lambda io: io.add_key_event(k, down)


def domain_at(state, x, y):
    return state.view.pixel_to_domain((x - RECT.x, y - RECT.y), state.canvas_size)


def test_wheel_zooms_about_the_cursor(ui):
    state, _ = ui
    frame(state, None, move(650, 120))
    under = domain_at(state, 650, 120)
    frame(state, None, wheel(2.0))
    assert state.view.scale == pytest.approx(1.0 / canvas.ZOOM_STEP**2)
    np.testing.assert_allclose(domain_at(state, 650, 120), under, atol=1e-12)


def test_drag_pans_and_a_click_probes(ui):
    state, _ = ui
    frame(state, None, move(400, 300))
    grabbed = domain_at(state, 400, 300)
    frame(state, None, button(True))
    for x in (420, 450, 480):
        frame(state, None, move(x, 330))
    frame(state, None, button(False))
    np.testing.assert_allclose(domain_at(state, 480, 330), grabbed, atol=1e-12)  # stays under
    assert state.probe is None  # a drag is not a click
    frame(state, None, move(700, 100))
    frame(state, None, button(True))
    frame(state, None, button(False))
    np.testing.assert_allclose(state.probe, domain_at(state, 700, 100), atol=1e-12)


def test_double_click_resets_the_view(ui):
    state, _ = ui
    frame(state, None, move(500, 300))
    frame(state, None, wheel(3.0))
    assert state.view != state.home
    for _ in range(2):
        frame(state, None, button(True))
        frame(state, None, button(False))
    assert state.view == state.home


def test_a_panel_under_the_mouse_keeps_input_from_the_canvas(ui):
    state, _ = ui
    home = state.view
    frame(state, None, move(100, 300), panel=True)
    frame(state, None, wheel(1.0), panel=True)
    frame(state, None, button(True), panel=True)
    frame(state, None, move(150, 320), panel=True)
    frame(state, None, button(False), panel=True)
    assert state.view == home and state.probe is None


def test_keys_run_their_actions_unless_a_text_field_is_typed_into(ui):
    state, _ = ui
    session = Recorder()
    frame(state, session, key(imgui.Key.space, True))
    frame(state, session, key(imgui.Key.space, False))
    assert session.calls == [("set_playing", False)] and not session.playing
    frame(state, session, key(imgui.Key.h, True))
    frame(state, session, key(imgui.Key.h, False))
    assert not state.show_ui
    frame(state, session, key(imgui.Key.p, True))
    frame(state, session, key(imgui.Key.p, False))
    assert len(state.screenshots) == 1 and state.screenshots[0].endswith(".png")
    frame(state, session, key(imgui.Key.escape, True))
    assert state.quit
    state.quit = False
    frame(state, session, key(imgui.Key.escape, False))
    for _ in range(3):  # the focus request lands, then imgui claims the keyboard
        frame(state, session, move(100, 300), panel=True, text_field=True)
    frame(state, session, key(imgui.Key.r, True), panel=True, text_field=True)
    frame(state, session, key(imgui.Key.escape, True), panel=True, text_field=True)
    assert not state.quit  # Esc went to the text field


class NoThumbnails:
    ready = False  # the diagram draws plain nodes, as before the first GPU refresh
    interval = 0.0  # no slow-refresh note


def test_every_panel_and_notice_draws_and_ends_what_it_begins(ui):
    """The whole layout on a real (paused) Session, headless: a panel that left a
    Begin without its End, or failed, would make imgui or the test raise."""
    from imgui_bundle import implot

    from shaderplay.app import gui, plots, scopes
    from shaderplay.app.session import Session
    from shaderplay.config import NetConfig, Preset, TargetConfig

    state, io = ui
    implot.create_context()
    preset = Preset(
        name="c", network=NetConfig(hidden=(4, 3), seed=1), target=TargetConfig("circle")
    )
    session = Session(preset, playing=False)
    try:
        session.step(20)
        session.trainer.wait()
        session.tick()
        state.preset, state.probe, state.show_help = preset, (0.1, 0.2), True
        state.diverged_at = 3  # the banner, as after a divergence
        state.say("a message")
        size = (1280.0, 2400.0)  # tall: every section of the right column shows
        for tab in ("Network", "Training", "View", "Files"):
            io.display_size = size
            io.delta_time = 1 / 60
            imgui.new_frame()
            state.tab = tab
            rect = gui.draw(state, session, gui.FrameInfo(), NoThumbnails(), size)
            with scopes.window("weights") as visible:  # what the closed tree node holds
                assert visible
                plots.weight_heatmap("W0", session.latest_network().W(0), 200.0)
            imgui.render()
            assert rect == gui.canvas_rect(state, *size, timeline=True)
            assert state.tab == "" and all(state.panels.values())
        assert state.message.text == "a message"  # no panel reported an error
    finally:
        session.close()
        implot.destroy_context()
