"""An A/B comparison in the real window under Xvfb: a script starts run B with
another learning rate, both train, the canvas shows two different pictures
side by side (A left, B right), B's row and curve show, and the window quits
cleanly; a canvas screenshot holds both halves. Run B with two settings
changed gets both; a bad value among them starts nothing and says why."""

import json

from test_window import diff, display, load, run_window  # noqa: F401 (display: a fixture)


def test_a_comparison_splits_the_canvas_and_quits_cleanly(display, tmp_path):  # noqa: F811
    steps = [
        {"frame": 3, "do": "show_tab", "name": "Training"},
        {"frame": 5, "do": "start_compare", "key": "lr", "value": 0.05},
        {"frame": 6, "do": "wait_for_step", "step": 1500},
        {"frame": 29, "do": "screenshot", "path": "canvas.png"},
        {"frame": 30, "do": "window_screenshot", "path": "ab.png"},
        {"frame": 31, "do": "report_layout", "path": "layout.json"},
        {"frame": 32, "do": "stop_compare"},
        {"frame": 40, "do": "window_screenshot", "path": "after.png"},
        {"frame": 41, "do": "quit"},
    ]
    result = run_window(display, tmp_path, steps)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "A/B picture" not in result.stderr and "internal error" not in result.stderr
    layout = json.loads((tmp_path / "layout.json").read_text())
    x, y, w, h = (round(v) for v in layout["canvas"])
    shot = load(tmp_path / "ab.png")
    top = y + 30  # below the halves' labels
    half = w // 2
    left = shot[top : y + h - 90, x + 4 : x + half - 4]  # above the legend band
    right = shot[top : y + h - 90, x + half + 4 : x + 2 * half - 4]
    assert left.std() > 5 and right.std() > 5, "a half is blank"
    assert diff(left, right) > 3, "A and B show the same picture"
    # The divider: a light column between the halves.
    assert shot[top : y + h - 90, x + half].mean() > 200
    # The canvas screenshot holds both halves, as the canvas shows them.
    canvas = load(tmp_path / "canvas.png")
    cw = canvas.shape[1] // 2
    assert diff(canvas[:, :cw], canvas[:, cw : 2 * cw]) > 3
    after = load(tmp_path / "after.png")
    column = after[top : y + h - 90, x + half]
    assert abs(column - after[top : y + h - 90, x + half + 3]).mean() < 20  # one picture again


def test_b_with_two_changed_settings_gets_both_and_a_bad_one_starts_nothing(
    display,  # noqa: F811
    tmp_path,
):
    steps = [
        {"frame": 3, "do": "start_compare", "changes": {"seed": 4, "lr": -1}},  # refused
        {"frame": 4, "do": "save_compare", "path": "refused.json"},  # so nothing to save
        {"frame": 5, "do": "start_compare", "changes": {"seed": 4, "lr": 0.02}},
        {"frame": 6, "do": "wait_for_step", "step": 500},
        {"frame": 9, "do": "save_compare", "path": "ab.json"},
        {"frame": 10, "do": "screenshot", "path": "canvas.png"},
        {"frame": 11, "do": "quit"},
    ]
    result = run_window(display, tmp_path, steps)  # the default preset: seed 0, lr 0.003
    assert result.returncode == 0, result.stderr[-3000:]
    assert "script step start_compare: train.lr: got -1" in result.stderr
    assert "no A/B comparison" in result.stderr and not (tmp_path / "refused.json").exists()
    a, b = json.loads((tmp_path / "ab.json").read_text())
    assert a["settings"] == {"network.seed": 0, "train.lr": 0.003}  # A's trainer: as it was
    assert b["settings"] == {"network.seed": 4, "train.lr": 0.02}  # B's trainer: both changes
    assert (a["label"], b["label"]) == ("A: seed=0, lr=0.003", "B: seed=4, lr=0.02")
    assert a["step"] >= 500 and b["step"] > 0 and b["train_loss"] > 0  # both trained
    canvas = load(tmp_path / "canvas.png")
    half = canvas.shape[1] // 2
    assert diff(canvas[:, :half], canvas[:, half : 2 * half]) > 3  # another seed and lr
