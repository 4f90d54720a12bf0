"""The real window under Xvfb (which this file starts): it opens on the default
preset, the canvas is not blank, a scripted session (change a layer, change
the target, pause, zoom, pan, step) changes the picture as expected, and the
process exits cleanly. Pictures are compared loosely (llvmpipe only)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

TIMEOUT = 150  # seconds for one window session, start-up and shader compiles included
SHADERPLAY = [sys.executable, "-c", "import sys; from shaderplay.cli import main; sys.exit(main())"]


@pytest.fixture(scope="module")
def display():
    """DISPLAY of a private Xvfb 1280x800x24, stopped after the module's tests."""
    from shaderplay.app import xvfb

    if not xvfb.available():
        pytest.skip(
            "Xvfb is not installed (apt-get install xvfb); the window tests need an X server"
        )
    with xvfb.virtual_display((1280, 800), set_env=False) as name:
        yield name


def test_private_displays_started_at_once_are_each_their_own():
    """Two starts at once once took the same free-looking display number and shared a
    server, which the first to finish stopped under the other's windows."""
    from concurrent.futures import ThreadPoolExecutor

    from shaderplay.app import xvfb

    if not xvfb.available():
        pytest.skip("Xvfb is not installed")

    def start(_):
        with xvfb.virtual_display((64, 64), set_env=False) as name:
            time.sleep(0.5)  # all up at once
            return name, Path(f"/tmp/.X11-unix/X{name[1:]}").exists()

    with ThreadPoolExecutor(3) as pool:
        started = list(pool.map(start, range(3)))
    assert len({name for name, _ in started}) == 3  # three servers, not one shared
    assert all(listening for _, listening in started)


def run_window(display, tmp_path, steps, *args, env=None):
    script = tmp_path / "script.json"
    script.write_text(json.dumps(steps))
    env = dict(os.environ, DISPLAY=display, **(env or {}))
    env.pop("WAYLAND_DISPLAY", None)
    return subprocess.run(
        [*SHADERPLAY, "--script", str(script), "--no-vsync", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def load(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"), np.float64)


def diff(a, b) -> float:
    """Mean absolute difference per channel, 0..255."""
    return float(np.mean(np.abs(a - b)))


def test_scripted_session_changes_the_picture_as_expected(display, tmp_path):
    def shot(frame, name):
        return {"frame": frame, "do": "screenshot", "path": f"{name}.png"}

    steps = [
        shot(5, "start"),
        {"frame": 6, "do": "window_screenshot", "path": "window.png"},
        {"frame": 7, "do": "wait_for_step", "step": 2000},
        shot(8, "trained"),
        {"frame": 46, "do": "set_layer", "index": 0, "width": 3},
        shot(60, "layer"),
        {"frame": 61, "do": "set_target", "name": "checkerboard"},
        {"frame": 62, "do": "set_playing", "playing": False},
        shot(70, "paused_a"),
        shot(80, "paused_b"),
        {"frame": 81, "do": "zoom", "factor": 2.0},
        shot(85, "zoomed"),
        {"frame": 86, "do": "reset_view"},
        {"frame": 87, "do": "pan", "dpixels": [60, 0]},
        shot(90, "panned"),
        {"frame": 91, "do": "reset_view"},
        {"frame": 92, "do": "step", "n": 200},
        shot(110, "stepped"),
        {"frame": 111, "do": "set_layer", "index": 0, "width": 0},  # refused: message, no crash
        {"frame": 115, "do": "window_screenshot", "path": "error.png"},
        {"frame": 120, "do": "quit"},
    ]
    result = run_window(display, tmp_path, steps)  # no preset: the default one
    assert result.returncode == 0, result.stderr[-3000:]
    img = {p.stem: load(p) for p in tmp_path.glob("*.png")}
    missing = {s["path"][:-4] for s in steps if "path" in s} - set(img)
    assert not missing, (missing, result.stderr[-2000:])

    start = img["start"]
    assert start.std() > 5, "the canvas is blank"
    assert start.shape[0] > 300 and start.shape[1] > 300
    assert diff(img["trained"], start) > 0.5, "training did not change the picture"
    assert diff(img["layer"], img["trained"]) > 2, "a new first layer did not change the picture"
    assert diff(img["paused_a"], img["paused_b"]) == 0, "paused, yet the picture moved"

    # Zoom x2 about the centre: the middle half of the picture, scaled up, is the new picture.
    p = img["paused_b"]
    h, w = p.shape[:2]
    middle = Image.fromarray(p[h // 4 : h // 4 + h // 2, w // 4 : w // 4 + w // 2].astype(np.uint8))
    expected = np.asarray(middle.resize((w, h), Image.BILINEAR), np.float64)
    assert diff(img["zoomed"], expected) < 0.25 * diff(p, expected) + 4

    # Pan 60 window units right: the picture moves right by as many pixels (scale 1 here).
    shift = 60
    moved = diff(img["panned"][:, shift:], p[:, :-shift])
    assert moved < 3
    assert diff(img["panned"][:, shift:], p[:, shift:]) > 3 * moved

    assert diff(img["stepped"], p) > 0.3, "200 steps did not change the picture"
    window = img["window"]
    assert window.shape[:2] == (800, 1280)
    assert diff(img["error"], img["window"]) > 1  # the message bar (and new picture) show


def test_a_resize_storm_a_recording_and_a_bad_preset(display, tmp_path):
    from shaderplay.record.ffmpeg import count_frames

    steps = [
        {"frame": f, "do": "resize", "size": s}
        for f, s in zip(
            range(3, 30, 3),
            (
                [300, 200],
                [1, 1],
                [1280, 800],
                [64, 900],
                [900, 64],
                [2, 500],
                [800, 600],
                [1, 1],
                [1001, 701],
            ),
        )
    ]
    steps += [
        {"frame": 32, "do": "screenshot", "path": "after.png"},
        {"frame": 33, "do": "toggle_record", "path": "clip.mp4"},  # V
        {"frame": 45, "do": "toggle_record"},
        {"frame": 46, "do": "toggle_record", "path": "no_such_dir/clip.mp4"},  # refused
        {"frame": 50, "do": "quit"},
    ]
    result = run_window(display, tmp_path, steps)
    assert result.returncode == 0, result.stderr[-3000:]
    assert load(tmp_path / "after.png").std() > 5
    assert count_frames(tmp_path / "clip.mp4") == 12  # frames 33..44: one per frame shown
    assert not (tmp_path / "no_such_dir").exists()

    bad = subprocess.run(
        [*SHADERPLAY, "no_such_preset"],
        env=dict(os.environ, DISPLAY=display),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "no_such_preset" in bad.stderr and "allowed" in bad.stderr
    assert "Traceback" not in bad.stderr


FAKE_ZENITY = """#!/bin/sh
# Stands in for zenity: portable-file-dialogs runs it for native file dialogs.
case "$*" in
  *--save*) echo "{save}" ;;
  *) echo "{load}" ;;
esac
"""


def test_timeline_drop_fullscreen_dialogs_and_latents(display, tmp_path):
    """Scrub the timeline, save the run, drop it back through GLFW's drop callback,
    native dialogs (a stand-in zenity) for a save and a load, F and back, and a
    latent input edited live on the cppn preset."""
    from shaderplay.presets import load_preset
    from shaderplay.runs import RunFile

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    zenity = bin_dir / "zenity"
    zenity.write_text(FAKE_ZENITY.format(save=tmp_path / "chosen.toml", load=tmp_path / "run.npz"))
    zenity.chmod(0o755)

    def shot(frame, name):
        return {"frame": frame, "do": "screenshot", "path": f"{name}.png"}

    steps = [
        {"frame": 5, "do": "wait_for_step", "step": 3000},
        {"frame": 6, "do": "save_run", "path": "run.npz"},
        {"frame": 7, "do": "scrub", "index": 0},
        shot(10, "scrub0"),
        {"frame": 11, "do": "go_live"},
        shot(14, "live"),
        {"frame": 15, "do": "scrub", "index": 0},
        shot(18, "scrub0_again"),
        {"frame": 19, "do": "file_dialog", "purpose": "save_preset"},
        {"frame": 25, "do": "set_layer", "index": 0, "width": 3},
        {"frame": 30, "do": "drop", "paths": [str(tmp_path / "run.npz")]},
        {"frame": 33, "do": "scrub", "index": 0},
        shot(36, "dropped0"),
        {"frame": 37, "do": "set_layer", "index": 0, "width": 5},
        {"frame": 38, "do": "file_dialog", "purpose": "load_run"},
        {"frame": 42, "do": "scrub", "index": 0},
        shot(45, "dialog0"),
        {"frame": 46, "do": "toggle_fullscreen"},
        {"frame": 50, "do": "window_screenshot", "path": "full.png"},
        {"frame": 51, "do": "toggle_fullscreen"},
        {"frame": 55, "do": "window_screenshot", "path": "windowed.png"},
        {"frame": 56, "do": "load_preset", "name_or_path": "cppn"},
        shot(60, "cppn_a"),
        {"frame": 61, "do": "set_latent", "index": 0, "value": 2.5},
        shot(64, "cppn_b"),
        {"frame": 65, "do": "set_latent", "index": 0, "value": 0.3},
        shot(68, "cppn_c"),
        {"frame": 70, "do": "quit"},
    ]
    path = f"{bin_dir}:{os.environ.get('PATH', '')}"
    result = run_window(display, tmp_path, steps, "--size", "900x600", env={"PATH": path})
    assert result.returncode == 0, result.stderr[-3000:]
    img = {p.stem: load(p) for p in tmp_path.glob("*.png")}
    missing = {s["path"][:-4] for s in steps if s.get("path", "").endswith(".png")} - set(img)
    assert not missing, (missing, result.stderr[-2000:])

    assert len(RunFile.load(tmp_path / "run.npz")) >= 2
    assert diff(img["scrub0"], img["live"]) > 2  # step 0 is not the trained picture
    assert diff(img["scrub0_again"], img["scrub0"]) == 0  # scrubbing back shows it again
    assert diff(img["dropped0"], img["scrub0"]) == 0  # the run, dropped, has those weights
    assert diff(img["dialog0"], img["scrub0"]) == 0  # and loaded through the dialog
    assert load_preset(str(tmp_path / "chosen.toml")).network.hidden == (32, 32, 16)
    assert img["full"].shape[:2] == (800, 1280)  # the Xvfb screen
    assert img["windowed"].shape[:2] == (600, 900)  # back to the window it was
    assert diff(img["cppn_b"], img["cppn_a"]) > 2
    assert diff(img["cppn_c"], img["cppn_a"]) == 0
    assert not (tmp_path / "imgui.ini").exists()  # nothing written into the user's folder
