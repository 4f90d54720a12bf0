"""`shaderplay bench window`: the window's frame rate at 800x600 with the
2-16-16-16-1 network training, and how fast training runs inside the window
as a ratio of the same trainer running alone.

Side by side in one process: the trainer alone, the window (panels hidden,
then shown, then hidden without the frame cap), the trainer alone again
(the preset's chunks, then the window's); a machine that got busier mid-run
shows in the spread of the standalone figures. Without a display a private
Xvfb is started.
Ratios divide by the faster of the trainer alone with the preset's chunk
size and alone with the chunk size the window settled on (it sizes the
trainer's kernel calls to its frame loop, which by itself speeds training).
The window runs as it does for a user (fast preview on: while training, the
canvas picture is drawn at the resolution that keeps up, reported as a
fraction of the canvas's pixels per side; new weights re-render it within
its share of the time, reported as picture updates per second; at most 30
frames a second while nothing but training changes the picture: app/frame_rate.py),
without vsync; once more uncapped (--max-fps 0) with the panels hidden, for the
loop's own limit, which is what the frames/s goal is read from.
Then the tour (window_tour.py): the longest frame of a tour of every view mode
on every built-in preset, frames/s while zooming each preset, the picture's
resolution meanwhile; last, launch to the first trained frame with a warm and
a cold numba cache.
Figures on a shared CPU are indicative. What to look for: >= 30 frames/s
uncapped with training running on llvmpipe, training in the window >= 70 % of standalone,
the first trained frame <= 5 s (warm; <= 30 s cold), no tour frame > 100 ms, zooming
>= 30 frames/s on every preset.
"""

import time
from dataclasses import dataclass

from ..app.frame_rate import MAX_FPS, WATCH_FPS
from ..config import NetConfig, Preset, TargetConfig, TrainConfig, ViewConfig
from . import SECONDS, fits_seconds, window_tour

GOAL_FPS, GOAL_RATIO = 30.0, 0.70


def bench_preset() -> Preset:
    """The benchmark's network: 2 -> 16 -> 16 -> 16 -> 1 tanh, sigmoid output, Adam."""
    return Preset(
        name="bench",
        network=NetConfig(hidden=(16, 16, 16), activation="tanh", output="sigmoid", seed=0),
        target=TargetConfig(name="fancy_sine", n_points=8192),
        train=TrainConfig(optimizer="adam", lr=3e-3, batch_size=128),
        view=ViewConfig(),
    )


@dataclass
class WindowFigures:
    fps: float
    steps_per_s: float
    frames: int
    canvas: tuple[int, int]
    scale: float  # mean resolution of the canvas picture while measuring, per side
    pictures_per_s: float  # canvas re-renders (new weights or view) per second
    chunk_steps: int  # steps per trainer kernel call the window settled on


def standalone_rate(preset: Preset, seconds: float, warmup: float = 0.5) -> float:
    """Steps/s of the trainer thread free-running with nothing else to do."""
    from ..build import build
    from ..train import Trainer

    net, data, config = build(preset)
    trainer = Trainer(net, data, config=config)
    trainer.start()
    try:
        time.sleep(warmup)
        s0, t0 = trainer.step, time.perf_counter()
        time.sleep(seconds)
        return (trainer.step - s0) / (time.perf_counter() - t0)
    finally:
        trainer.stop()


def window_rate(
    preset: Preset,
    seconds: float,
    size=(800, 600),
    show_ui: bool = False,
    warmup: float = 1.0,
    max_fps: float | None = None,
) -> WindowFigures:
    """Frames/s and training steps/s of the real window loop (no vsync)."""
    from ..app import view_actions
    from ..app.loop import run

    marks = {}

    def on_frame(loop):
        now = time.perf_counter()
        state = loop.state
        if state.frame == 1:
            state.show_ui = show_ui
            marks["open"] = now
        elif "t0" not in marks and now - marks["open"] >= warmup:
            marks.update(
                t0=now,
                f0=state.frame,
                s0=loop.session.step_count,
                scales=[],
                r0=loop.picture.renders,
            )
        elif "t0" in marks and "t1" not in marks:
            marks["scales"].append(loop.info.scale)
        if "t0" in marks and "t1" not in marks and now - marks["t0"] >= seconds:
            marks.update(
                t1=now,
                f1=state.frame,
                s1=loop.session.step_count,
                canvas=loop.info.canvas_px,
                r1=loop.picture.renders,
                chunk=loop.session.trainer.config.chunk_steps,
            )
            view_actions.quit(state)

    run(
        preset,
        source="bench",
        size=size,
        vsync=False,
        on_frame=on_frame,
        max_fps=MAX_FPS if max_fps is None else max_fps,
    )
    dt = marks["t1"] - marks["t0"]
    scales = marks["scales"] or [1.0]
    return WindowFigures(
        (marks["f1"] - marks["f0"]) / dt,
        (marks["s1"] - marks["s0"]) / dt,
        marks["f1"] - marks["f0"],
        tuple(marks["canvas"]),
        sum(scales) / len(scales),
        (marks["r1"] - marks["r0"]) / dt,
        int(marks["chunk"]),
    )


def measure(seconds: float = 5.0, size=(800, 600)) -> dict:
    """Standalone before and after the window runs; the window sizes its trainer's
    chunks to its frame loop (larger than the preset's), so the trainer alone is
    also measured with those chunks and the ratio uses the faster standalone."""
    from dataclasses import replace

    preset = bench_preset()
    before = standalone_rate(preset, seconds)
    hidden = window_rate(preset, seconds, size, show_ui=False)
    shown = window_rate(preset, seconds, size, show_ui=True)
    uncapped = window_rate(preset, seconds, size, show_ui=False, max_fps=0)
    after = standalone_rate(preset, seconds)
    chunked = replace(preset, train=replace(preset.train, chunk_steps=hidden.chunk_steps))
    tuned = standalone_rate(chunked, seconds)
    alone = max((before + after) / 2, tuned)
    return {
        "standalone": (before, after),
        "tuned": (tuned, hidden.chunk_steps),
        "hidden": hidden,
        "shown": shown,
        "uncapped": uncapped,
        **{
            f"ratio_{k}": f.steps_per_s / alone
            for k, f in (("hidden", hidden), ("shown", shown), ("uncapped", uncapped))
        },
    }


def report(r: dict, renderer: str) -> str:
    before, after = r["standalone"]
    tuned, chunk = r["tuned"]
    lines = [
        f"window benchmark: 2-16-16-16-1 tanh net training, {renderer}",
        f"  trainer alone            {before:10,.0f} steps/s before, {after:,.0f} after "
        f"(preset's chunks), {tuned:,.0f} in the window's chunks of {chunk} steps",
    ]
    for key, label in (
        ("hidden", "panels hidden"),  # watched: at most WATCH_FPS
        ("shown", "panels shown"),
        ("uncapped", "hidden, uncapped"),
    ):
        f = r[key]
        ratio = r[f"ratio_{key}"]
        canvas = f"{f.canvas[0]}x{f.canvas[1]}"
        lines.append(
            f"  window, {label:<16} {f.fps:6.1f} frames/s, picture {f.pictures_per_s:5.1f}"
            f"/s (canvas {canvas}, drawn at {f.scale:.0%} per side), training "
            f"{f.steps_per_s:,.0f} steps/s = {ratio:.0%} of alone"
        )
    ok = r["uncapped"].fps >= GOAL_FPS and r["ratio_hidden"] >= GOAL_RATIO
    lines.append(
        f"  goals: >= {GOAL_FPS:.0f} frames/s uncapped and >= {GOAL_RATIO:.0%} of standalone "
        f"(panels hidden, watched at {WATCH_FPS:.0f} frames/s at most): "
        f"{'met' if ok else 'NOT met'}"
    )
    return "\n".join(lines)


def main(seconds: float = 5.0, size=(800, 600), presets=None, cold_timeout=120.0) -> str:
    """Run the benchmark (under a private Xvfb when there is no display); the report.
    `presets`: the tour's (None: every built-in one; () no tour)."""
    from ..app import xvfb

    def both():
        r = measure(seconds, size)
        tour = window_tour.measure(presets, cold_timeout) if presets != () else None
        return r, tour

    with xvfb.some_display((max(1280, size[0]), max(800, size[1]))) as name:
        r, tour = both()
    lines = [report(r, name)]
    if tour is not None:
        lines += window_tour.report(tour)
    return "\n".join(lines)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--seconds",
        type=float,
        default=5.0,
        help="measuring time of each run (default: %(default)s)",
    )
    parser.add_argument("--size", default="800x600", help="window size WxH (default: %(default)s)")
    parser.add_argument(
        "--presets",
        default=None,
        help="the tour's presets, comma-separated (default: every built-in one; 'none': no tour)",
    )
    parser.add_argument(
        "--cold-timeout",
        type=float,
        default=120.0,
        help="seconds the cold-cache launch may take to train (0: skip it; default %(default)s)",
    )


def run(args) -> int:
    from ..errors import bad_value
    from ..presets import builtin_presets
    from ..view import parse_size

    if not fits_seconds(args.seconds):
        raise bad_value("--seconds", args.seconds, SECONDS)
    if not args.cold_timeout >= 0:
        raise bad_value("--cold-timeout", args.cold_timeout, "a number >= 0")
    presets = None
    if args.presets is not None:
        presets = () if args.presets == "none" else tuple(args.presets.split(","))
        for name in presets:
            if name not in builtin_presets():
                raise bad_value(
                    "--presets", name, "built-in presets: " + ", ".join(builtin_presets())
                )
    print(main(args.seconds, parse_size(args.size), presets, args.cold_timeout))
    return 0
