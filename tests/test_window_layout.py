"""The window's layout at 1280x800 and 800x600 under Xvfb: the canvas, the
transport bar and the status are in sight without scrolling (at 800x600 the
canvas keeps at least half the window), as the window reports where it drew
them, and the window screenshots show a picture and a drawn bar there."""

import json

import numpy as np
from test_window import display, load, run_window  # noqa: F401  (display: the fixture)

SIZES = ((1280, 800), (800, 600))


def inside(rect, window) -> bool:
    x, y, w, h = rect
    return w > 0 and h > 0 and x >= 0 and y >= 0 and x + w <= window[0] and y + h <= window[1]


def test_canvas_transport_and_status_fit_at_both_sizes(display, tmp_path):  # noqa: F811
    steps = [{"frame": 2, "do": "wait_for_step", "step": 30}]
    for k, size in enumerate(SIZES):
        at = 10 + 20 * k
        steps += [
            {"frame": at, "do": "resize", "size": list(size)},
            {"frame": at + 10, "do": "report_layout", "path": f"layout{k}.json"},
            {"frame": at + 10, "do": "window_screenshot", "path": f"window{k}.png"},
        ]
    steps.append({"frame": 60, "do": "quit"})
    result = run_window(display, tmp_path, steps, "spiral")
    assert result.returncode == 0, result.stderr
    for k, size in enumerate(SIZES):
        report = json.loads((tmp_path / f"layout{k}.json").read_text())
        window = report["window"]
        assert tuple(window) == size
        for part in ("canvas", "transport"):
            assert inside(report[part], window), (size, part, report)
        x, y, w, h = report["canvas"]
        area = w * h / (window[0] * window[1])
        assert area >= (0.5 if size == (800, 600) else 0.4), (size, area)
        if size == (1280, 800):  # both columns: the status at the right column's foot
            assert inside(report["status"], window), report
        shot = load(tmp_path / f"window{k}.png")
        assert shot.shape[:2] == (size[1], size[0])
        picture = shot[int(y) : int(y + h), int(x) : int(x + w)]
        assert picture.std() > 10, "the canvas shows a picture"
        tx, ty, tw, th = (int(v) for v in report["transport"])
        bar = shot[ty : ty + th, tx : tx + tw]
        assert bar.std() > 10 and np.abs(bar.mean() - picture.mean()) > 1, "a drawn bar"
