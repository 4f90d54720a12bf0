"""Window parts that need no window: the canvas's pixel rectangle on HiDPI
screens, the plots' step ticks, file dialogs that never block the frame
(their answer runs the same action as the typed path field), and imgui's
begin/end pairs kept balanced by the scopes, NumPy's BLAS on one thread in the
frame loop."""

import os

import numpy as np
import pytest
from imgui_bundle import imgui, implot
from threadpoolctl import threadpool_info

from shaderplay.app import diagram, dialogs, scopes
from shaderplay.app.canvas import Rect, viewport_px
from shaderplay.app.loop import Loop
from shaderplay.app.plots import heatmap_blocks, step_ticks
from shaderplay.app.state import AppState
from shaderplay.config import Preset, TargetConfig
from shaderplay.network import Network


@pytest.mark.parametrize("scale", [(1, 1), (2, 2), (1.5, 1.25)])
def test_the_canvas_viewport_scales_each_axis_by_its_framebuffer_ratio(scale):
    window, rect = (1280, 800), Rect(300.0, 0.0, 668.0, 770.0)
    fb = (round(1280 * scale[0]), round(800 * scale[1]))
    x, y, w, h = viewport_px(rect, window, fb)
    assert (w, h) == (round(668 * scale[0]), round(770 * scale[1]))
    assert x == round(300 * scale[0])
    assert y + h == fb[1]  # the canvas touches the top: GL's y grows upwards
    assert y == round(30 * scale[1]) > 0  # the 30 units below it (timeline strip) stay free


def test_a_degenerate_canvas_still_gets_one_pixel_inside_the_framebuffer():
    assert viewport_px(Rect(0.0, 0.0, 0.2, 0.0), (640, 480), (640, 480))[2:] == (1, 1)
    x, y, w, h = viewport_px(Rect(600.0, 450.0, 100.0, 100.0), (640, 480), (1280, 960))
    assert x + w <= 1280 and y >= 0 and (w, h) == (80, 60)


def test_step_ticks_are_round_and_short():
    values, labels = step_ticks(0, 34_240)
    assert values == [0.0, 10_000.0, 20_000.0, 30_000.0]
    assert labels == ["0", "10k", "20k", "30k"]
    values, labels = step_ticks(1_200_000, 2_950_000)
    assert labels == ["1.5M", "2M", "2.5M"] and len(values) <= 4
    assert step_ticks(7, 7) == ([7.0], ["7"])


class FakeDialog:
    """Answers after `wait` polls, as a dialog the user takes a while over."""

    def __init__(self, answer, wait=2):
        self.answer, self.wait, self.killed = answer, wait, False

    def ready(self, timeout=20):
        assert timeout == 0  # never a blocking wait in the frame loop
        self.wait -= 1
        return self.wait < 0

    def result(self):
        return self.answer

    def kill(self):
        self.killed = True


def test_a_large_weight_matrix_is_shown_in_blocks_of_its_strongest_weight():
    w = np.zeros((400, 130))
    w[5, 7], w[398, 129], w[200, 3], w[201, 6] = -3.0, 2.0, 0.5, -0.25
    w[199, 4] = 0.1  # weaker than 0.5 in its block
    shown = heatmap_blocks(w, 64)
    assert shown.shape == (58, 44)  # blocks of 7 x 3 weights
    assert shown[0, 2] == -3.0 and shown[56, 43] == 2.0  # the sign stays
    assert shown[28, 1] == 0.5 and shown[28, 2] == -0.25  # each block its own strongest
    assert np.count_nonzero(shown) == 4
    small = np.arange(12.0).reshape(3, 4)
    assert heatmap_blocks(small, 64) is small  # drawn cell by cell


def test_a_dialog_answer_runs_its_action_without_blocking(tmp_path, monkeypatch):
    state = AppState()
    chosen = tmp_path / "chosen.toml"
    opened = []
    monkeypatch.setattr(
        dialogs.FileDialogs,
        "_open",
        staticmethod(lambda st, purpose: opened.append(purpose) or FakeDialog(str(chosen), wait=3)),
    )
    files = dialogs.FileDialogs(enabled=True)
    state.dialog = "save_preset"
    for _ in range(3):  # the user still choosing: frames go on, nothing saved yet
        files.update(state, None)
        assert not chosen.exists()
    state.dialog = "load_preset"  # a second request while one is open is declined
    files.update(state, None)
    assert chosen.exists() and opened == ["save_preset"]
    assert state.preset_path == str(chosen) and "Saved preset" in state.message.text


def test_a_cancelled_dialog_changes_nothing_and_none_open_without_tools(tmp_path, monkeypatch):
    state = AppState()
    monkeypatch.setattr(
        dialogs.FileDialogs, "_open", staticmethod(lambda st, purpose: FakeDialog([], wait=0))
    )
    files = dialogs.FileDialogs(enabled=True)
    state.dialog = "load_network"
    files.update(state, None)
    files.update(state, None)
    assert files.pending is None and state.message is None and state.network_path == "network.npz"
    disabled = dialogs.FileDialogs(enabled=False)
    state.dialog = "load_network"
    disabled.update(state, None)
    assert disabled.pending is None and not state.dialog and not state.dialogs
    assert "type the path" in state.message.text  # says why nothing opened
    monkeypatch.setattr(dialogs.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setattr(dialogs.shutil, "which", lambda tool: None)
    assert not dialogs.available()  # a bare X server: typed paths only
    monkeypatch.setattr(dialogs.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    assert dialogs.available()
    monkeypatch.delenv("DISPLAY")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert not dialogs.available()


def test_an_unknown_dialog_purpose_is_refused():
    from shaderplay.app import file_actions

    state = AppState()
    file_actions.file_dialog(state, None, "format_disk")
    assert state.message.error and "format_disk" in state.message.text and not state.dialog


@pytest.fixture
def imgui_frame():
    """A headless Dear ImGui + ImPlot context (no window, no GL) inside a frame."""
    ctx = imgui.create_context()
    implot.create_context()
    io = imgui.get_io()
    io.display_size = (800, 600)
    io.delta_time = 1 / 60
    io.backend_flags |= imgui.BackendFlags_.renderer_has_textures  # no font texture needed
    imgui.new_frame()
    yield
    implot.destroy_context()
    imgui.destroy_context(ctx)


def test_a_body_that_raises_still_ends_every_scope(imgui_frame):
    class Bug(Exception):
        pass

    with pytest.raises(Bug), scopes.window("w") as visible, scopes.item_width(100.0):
        assert visible
        colour = scopes.style_colour(imgui.Col_.text, imgui.ImVec4(1, 0, 0, 1))
        with colour, scopes.table("t", 2) as shown, scopes.item_id(3):
            assert shown
            imgui.table_next_row()
            child = scopes.child("c", imgui.ImVec2(50, 50))
            with scopes.text_wrap(), child, scopes.plot("p", imgui.ImVec2(40, 40)) as drawn:
                assert drawn
                raise Bug
    imgui.render()  # a Begin left without its End would make imgui raise here


def test_without_the_scopes_imgui_notices_a_missing_end(imgui_frame):
    imgui.begin("w")
    imgui.begin_table("t", 2)
    with pytest.raises(RuntimeError, match="Missing End"):
        imgui.render()


def test_a_script_reaches_every_action_and_no_helper():
    from shaderplay.app import keys
    from shaderplay.app.script import ACTIONS, Script
    from shaderplay.errors import ShaderplayError

    assert {row[2] for row in keys.KEYMAP} <= set(ACTIONS.values())  # every key's action
    helpers = ("rebuild", "with_tables", "describe_network", "check_view", "observe")
    assert not set(helpers) & set(ACTIONS)
    with pytest.raises(ShaderplayError, match="allowed"):
        Script.of([{"frame": 0, "do": "rebuild"}])
    state, ops = AppState(), []
    steps = [{"frame": 1, "do": "toggle_ui"}, {"frame": 1, "do": "show_tab", "name": "View"}]
    Script.of(steps).run(1, state, None, ops)
    assert not state.show_ui and state.tab == "View" and not ops


def _blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


@pytest.mark.skipif(os.cpu_count() < 2, reason="one core: OpenBLAS has one thread anyway")
def test_the_frame_loop_runs_numpy_blas_on_one_thread_and_gives_the_rest_back():
    before, seen = _blas_threads(), []
    loop = Loop.__new__(Loop)  # only run(): the frames themselves are replaced
    loop._run = lambda max_frames: seen.append(_blas_threads())
    loop.run()
    assert before and max(before) > 1  # OpenBLAS, threaded, as NumPy ships it
    assert seen == [[1] * len(before)]
    assert _blas_threads() == before


class _Shown:
    """What the diagram reads of a Session: the network on screen, no health hints."""

    def __init__(self, depth: int):
        self.net = Network.random((2, *[6] * depth, 1), seed=0)

    def latest_network(self):
        return self.net

    def health(self):
        return []


class _PlainNodes:
    ready = False  # nodes as plain squares: no GL texture
    interval = 0.0


def _diagram_vertices(depth: int) -> int:
    """Vertices of the frame that draws the diagram of a `depth`-layer net in a narrow
    window (its second frame: a new window lays itself out in its first)."""
    state = AppState(preset=Preset(name="p", target=TargetConfig("circle")), source="test")
    for _ in range(2):
        imgui.render()
        imgui.new_frame()
        imgui.set_next_window_size(imgui.ImVec2(300, 500))
        with scopes.window(f"diagram {depth}") as visible:
            assert visible
            diagram.draw(state, _Shown(depth), _PlainNodes())
    imgui.render()
    vertices = imgui.get_draw_data().total_vtx_count
    imgui.new_frame()
    return vertices


def test_a_deep_diagram_scrolls_and_draws_only_the_layers_in_sight(imgui_frame):
    shallow, deep, deeper = (_diagram_vertices(depth) for depth in (2, 12, 40))
    assert deep > shallow  # more columns in sight than the shallow net has
    assert deeper <= deep * 1.1  # beyond the view, depth adds nothing
    imgui.render()


def test_the_canvas_painter_leaves_the_frame_a_core_and_the_trainer_another():
    import numba

    most = numba.config.NUMBA_NUM_THREADS
    loop = Loop.__new__(Loop)
    loop._threads = None
    try:
        for training, want in ((False, most - 1), (True, most - 2), (None, most)):
            loop._share_cores(training)
            assert numba.get_num_threads() == max(1, want)
    finally:
        numba.set_num_threads(most)


@pytest.mark.parametrize(
    "step, says",
    [
        ({"do": "resize", "width": 800}, "(resize) argument: got 'width'; allowed: one of: size"),
        ({"do": "resize", "size": "big"}, "(resize) size: got 'big'"),
        ({"do": "resize", "size": [800, 0]}, "two whole numbers from 1 to 8192"),
        ({"do": "resize", "size": [100000, 100000]}, "(resize) size: got [100000, 100000]"),
        (
            {"do": "window_screenshot", "path": "w.jpg"},
            "path: got 'w.jpg'; allowed: a path ending in .png",
        ),
        ({"do": "mouse", "pos": [1, "a"]}, "(mouse) pos"),
        ({"do": "mouse", "pos": [1, float("nan")]}, "(mouse) pos"),
        ({"do": "wait_for_step", "step": 2.5}, "(wait_for_step) step: got 2.5"),
        ({"do": "drop", "paths": "a.npz"}, "(drop) paths: got 'a.npz'; allowed: a list of paths"),
        ({"do": "wait_for_step", "step": -3}, "(wait_for_step) step: got -3"),
        ({"do": "wait_for_picture", "for": 3}, "allowed: no arguments"),
        ({"do": "screenshot", "path": "a.jpg"}, "(screenshot) path: got 'a.jpg'; allowed: a path"),
        ({"do": "zoom", "factr": 2}, "(zoom) arguments: got {'factr': 2}; allowed: factor, pixel"),
        ({"do": "show_tab", "name": "View", "tab": 1}, "(show_tab) arguments"),
    ],
)
def test_a_script_step_with_arguments_its_action_cannot_take_is_refused_at_load(step, says):
    """Before the window opens, with the step, the argument and what it takes: a bad
    window step ended in a traceback mid-run (resize "big"), or did what the user had
    not asked (resize with "width" took 1280x800)."""
    from shaderplay.app.script import Script
    from shaderplay.errors import ShaderplayError

    fine = {"frame": 0, "do": "window_screenshot", "path": "a.png"}
    with pytest.raises(ShaderplayError) as caught:
        Script.of([fine, {"frame": 1, **step}])
    said = str(caught.value)
    assert said.startswith(f"--script step 1 ({step['do']})") and says in said


def test_every_window_step_and_wait_loads_with_its_arguments():
    from shaderplay.app.script import CONTROL, EXTRA, WINDOW_ARGS, Script

    assert set(WINDOW_ARGS) == {*EXTRA, *CONTROL}
    steps = [
        {"do": "window_screenshot", "path": "w.png"},
        {"do": "window_screenshot"},
        {"do": "resize", "size": [800, 600]},
        {"do": "drop", "paths": ["a.npz", "b.toml"]},
        {"do": "mouse", "pos": [10.5, -3]},
        {"do": "report_layout", "path": "l.json"},
        {"do": "wait_for_step", "step": 100},
        {"do": "wait_for_step", "step": 1e3},  # JSON's 1e3: a whole number all the same
        {"do": "wait_for_picture"},
        {"do": "set_view", "mode": "output", "colormap": "viridis"},  # an action's **changes
    ]
    assert len(Script.of([{"frame": i, **s} for i, s in enumerate(steps)]).steps) == len(steps)


@pytest.mark.parametrize(
    "content, says",
    [
        (b"\xff\xfe[", "a UTF-8 JSON list of steps"),
        (b"[" * 100000 + b"]" * 100000, "a UTF-8 JSON list of steps"),
        (b'[{"frame": true, "do": "quit"}]', '"frame" (an integer >= 0)'),
    ],
)
def test_a_script_file_that_is_not_one_is_refused(tmp_path, content, says):
    from shaderplay.app.script import Script
    from shaderplay.errors import ShaderplayError

    path = tmp_path / "s.json"
    path.write_bytes(content)
    with pytest.raises(ShaderplayError, match="^--script") as caught:
        Script.load(path)
    assert says in str(caught.value)
    with pytest.raises(ShaderplayError, match=r"^--script: cannot read '/"):
        Script.load(tmp_path / "gone.json")  # the path as written, not PosixPath(...)


def test_a_scripted_step_of_the_wrong_value_and_a_failed_write_are_told_on_stderr(capsys):
    """A scripted window has no one watching its message bar: an action given a value of
    the wrong type (a traceback before), and an error the window says later (a
    screenshot that could not be written), go to stderr once each."""
    from shaderplay.app.script import Script

    state = AppState()
    script = Script.of([{"frame": 1, "do": "pan", "dpixels": "ab"}])
    script.run(1, state, None, [])
    script.tell(state)
    first = capsys.readouterr().err.splitlines()
    assert len(first) == 1 and first[0].startswith("shaderplay: script step pan: could not")
    assert state.message.text.startswith("script step pan: ")  # the message bar names it too
    for _ in range(3):  # a lasting error, said anew each frame (loop._report), told once
        state.say("screenshot /ro/a.png: cannot write it", error=True)
        script.tell(state)
    assert capsys.readouterr().err == "shaderplay: screenshot /ro/a.png: cannot write it\n"
