"""Every view follows the weights in the real window (Xvfb): in each view mode,
the canvas drawn while training changes as the weights do, and an architecture
change shows on the canvas in the frame of the rebuild. Full-size pictures
throughout, so that only the weights make two pictures differ (the target view,
which has none, stays the same). The network diagram's thumbnails follow too."""

import json

import numpy as np
from test_window import diff, display, load, run_window  # noqa: F401  (display: the fixture)

from shaderplay.modes import MODES

GAP = 40  # training steps between the two pictures of a mode (2 frames at the pace)


def canvas(tmp_path, name, rect) -> np.ndarray:
    x, y, w, h = (int(v) for v in rect)
    return load(tmp_path / name)[y : y + h, x : x + w]


def thumbnail(tmp_path, name, rect) -> np.ndarray:
    """The inside of the first hidden neuron's node (its border left out)."""
    x, y, w, h = rect
    return canvas(tmp_path, name, (x + 3, y + 3, w - 6, h - 6))


def test_each_mode_follows_training_and_a_rebuild_shows_at_once(display, tmp_path):  # noqa: F811
    steps = [
        {"frame": 1, "do": "resize", "size": [640, 480]},  # a small canvas: quick full renders
        {"frame": 1, "do": "set_train", "lr": 0.05},  # fast visible change
        {"frame": 1, "do": "set_pace", "steps": 20},
        {"frame": 1, "do": "set_adaptive", "on": False},  # full size: only weights differ
        {"frame": 2, "do": "show_tab", "name": "Inspect"},  # the diagram, on a small window
        {"frame": 2, "do": "report_layout", "path": "layout.json"},
    ]
    frame, step = 3, 100
    for k, mode in enumerate(MODES):
        steps += [
            {"frame": frame, "do": "set_view", "mode": mode},
            {"frame": frame + 1, "do": "wait_for_picture"},  # a mode's first may take seconds
            {"frame": frame + 1, "do": "wait_for_step", "step": step},
            {"frame": frame + 4, "do": "window_screenshot", "path": f"{k}a.png"},
            {"frame": frame + 4, "do": "report_layout", "path": f"{k}.json"},
            {"frame": frame + 5, "do": "wait_for_step", "step": step + GAP},
            {"frame": frame + 8, "do": "window_screenshot", "path": f"{k}b.png"},
        ]
        frame, step = frame + 10, step + 2 * GAP
    steps += [
        {"frame": frame, "do": "set_view", "mode": "output"},
        {"frame": frame + 1, "do": "set_playing", "playing": False},
        {"frame": frame + 8, "do": "window_screenshot", "path": "still_a.png"},
        {"frame": frame + 9, "do": "window_screenshot", "path": "still_b.png"},
        {"frame": frame + 10, "do": "set_layer", "index": 0, "width": 3},
        {"frame": frame + 10, "do": "window_screenshot", "path": "rebuilt.png"},
        {"frame": frame + 12, "do": "quit"},
    ]
    result = run_window(display, tmp_path, steps, "default", "--set", "network.hidden=[8, 8]")
    assert result.returncode == 0, result.stderr
    assert "ended at step" not in result.stderr, result.stderr
    assert "wait_for_picture ended" not in result.stderr, result.stderr
    rect = json.loads((tmp_path / "layout.json").read_text())["canvas"]
    for k, mode in enumerate(MODES):
        assert json.loads((tmp_path / f"{k}.json").read_text())["mode"] == mode
        a, b = canvas(tmp_path, f"{k}a.png", rect), canvas(tmp_path, f"{k}b.png", rect)
        if mode == "target":  # the one view without weights: the control
            assert diff(a, b) < 0.01, "the target changed with training"
        else:
            assert diff(a, b) > 0.05, f"{mode}: the canvas did not follow {GAP} training steps"
    node = json.loads((tmp_path / "0.json").read_text())["thumbnail"]
    last = len(MODES) - 1
    first, trained = thumbnail(tmp_path, "0a.png", node), thumbnail(tmp_path, f"{last}b.png", node)
    assert first.std() > 1.0  # a field, not an empty node
    assert diff(first, trained) > 0.5, "the thumbnails did not follow training"
    still_a, still_b = (canvas(tmp_path, f"still_{s}.png", rect) for s in "ab")
    assert diff(still_a, still_b) < 0.01  # paused: the same picture frame after frame
    assert diff(still_a, canvas(tmp_path, "rebuilt.png", rect)) > 1.0  # a 3-unit first layer
