"""Benchmark: headless recording against the encoder's own rate.

Two measurements at the same size and x264 settings, run side by side
(alternating, best of `repeats`):
- encode only: `frames` pre-rendered frames of the time-lapse written to an
  MP4 sink -- the encoder's limit;
- recording: the whole pipeline -- a 2-16-16-16-1 tanh network training on
  the fancy-sine target (`steps_per_frame` steps a frame, on the worker
  thread), rendering each frame offscreen (main thread) and encoding
  (ffmpeg, fed by the sink's writer thread).
The ratio recording / encode-only is the figure of merit (goal >= 0.8:
training and rendering hidden behind encoding). Train-only and render-only
rates are reported too, with recording / slowest stage. On a CPU-only
machine (Mesa llvmpipe) the numba evaluator renders a 1080p frame in about
as much CPU time as x264 takes to encode it, and the two share the same
cores: recording cannot reach the encoder's rate alone there (2 cores:
~0.5 of it). On a GPU, rendering leaves the CPU to the encoder.
"""

import os
import resource
import tempfile
import time
from pathlib import Path

from ..network import Network
from ..record.animations import TrainingTimelapse
from ..record.film import Look, draw_frame, record
from ..record.formats import open_sink
from ..view import View

SIZES = (2, 16, 16, 16, 1)


def _timelapse(frames: int, steps_per_frame: int, seed: int = 0) -> TrainingTimelapse:
    from ..config import TargetConfig
    from ..targets import load_target
    from ..train import Trainer

    net = Network.random(SIZES, activation="tanh", output="sigmoid", seed=seed)
    trainer = Trainer(
        net,
        load_target(TargetConfig(name="fancy_sine", n_points=4096)),
        lr=3e-3,
        batch_size=128,
        seed=seed,
    )
    return TrainingTimelapse(trainer, frames, steps_per_frame, View.from_domain(-1, 1, -1, 1))


def _encode_only(images, folder: Path, size, fps, preset, crf) -> tuple[float, float]:
    """(frames per second, CPU seconds per frame of ffmpeg and the writer thread)."""
    start, cpu = time.perf_counter(), _cpu_seconds()
    with open_sink(folder / "encode.mp4", size, fps, preset=preset, crf=crf) as sink:
        for image in images:
            sink.write(image, copy=False)  # as the recording loop does
    return len(images) / (time.perf_counter() - start), (_cpu_seconds() - cpu) / len(images)


def _cpu_seconds() -> float:
    """CPU time of this process (all its threads, llvmpipe's too) and its finished
    children (ffmpeg)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _record(renderer, frames, steps_per_frame, folder: Path, size, fps, preset, crf) -> float:
    animation = _timelapse(frames, steps_per_frame)
    start = time.perf_counter()
    with open_sink(folder / "record.mp4", size, fps, preset=preset, crf=crf) as sink:
        record(animation, renderer, sink, Look(size))
    return frames / (time.perf_counter() - start)


def measure(
    size=(1920, 1080),
    frames: int = 60,
    steps_per_frame: int = 10,
    fps: float = 30.0,
    preset: str = "veryfast",
    crf: int = 18,
    repeats: int = 2,
) -> dict:
    """Frames per second of each stage and of the whole recording."""
    from ..gpu.context import describe, headless_context
    from ..gpu.renderer import Renderer

    ctx = headless_context()
    renderer = Renderer(ctx)
    try:
        look = Look(size)
        warm = _timelapse(2, steps_per_frame)
        warm.frame(0), warm.frame(1)  # loads (or compiles) the numba kernels
        timelapse = _timelapse(frames, steps_per_frame)
        renderer.set_network(timelapse.net)
        start, cpu = time.perf_counter(), _cpu_seconds()
        states = [timelapse.frame(i) for i in range(frames)]
        train_fps = frames / (time.perf_counter() - start)
        train_cpu = (_cpu_seconds() - cpu) / frames
        start, cpu = time.perf_counter(), _cpu_seconds()
        images = [draw_frame(renderer, state, look) for state in states]
        render_fps = frames / (time.perf_counter() - start)
        render_cpu = (_cpu_seconds() - cpu) / frames
        encode, encode_cpu, whole = [], [], []
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(repeats):
                rate, seconds = _encode_only(images, Path(tmp), size, fps, preset, crf)
                encode.append(rate)
                encode_cpu.append(seconds)
                whole.append(
                    _record(renderer, frames, steps_per_frame, Path(tmp), size, fps, preset, crf)
                )
        gl = describe(ctx)
    finally:
        renderer.release()
        ctx.release()
    slowest = min(train_fps, render_fps, max(encode))
    # With every core busy, a frame cannot take less than its CPU time over the cores.
    per_frame = train_cpu + render_cpu + min(encode_cpu)
    cores = os.cpu_count() or 1
    bound = min(max(encode), cores / per_frame) if per_frame > 0 else max(encode)
    return {
        "size": f"{size[0]}x{size[1]}",
        "frames": frames,
        "x264": f"{preset} crf {crf}",
        "steps_per_frame": steps_per_frame,
        "gl": gl,
        "train_fps": train_fps,
        "render_fps": render_fps,
        "encode_fps": max(encode),
        "record_fps": max(whole),
        "ratio": max(whole) / max(encode),
        "overlap": max(whole) / slowest,
        "cpu_ms": {
            "train": 1e3 * train_cpu,
            "render": 1e3 * render_cpu,
            "encode": 1e3 * min(encode_cpu),
        },
        "cores": cores,
        "bound_fps": bound,
        "bound_ratio": bound / max(encode),
    }


def report(r: dict) -> str:
    return "\n".join(
        [
            f"record benchmark: {r['size']}, {r['frames']} frames, x264 {r['x264']}, "
            f"2-16-16-16-1 training {r['steps_per_frame']} steps/frame, GL: {r['gl']}",
            f"  train only      {r['train_fps']:8.1f} frames/s",
            f"  render only     {r['render_fps']:8.1f} frames/s",
            f"  encode only     {r['encode_fps']:8.1f} frames/s   (baseline)",
            f"  recording       {r['record_fps']:8.1f} frames/s",
            f"  ratio recording / encode-only: {r['ratio']:.2f}   (goal >= 0.80)",
            f"  ratio recording / slowest stage: {r['overlap']:.2f}   (1.00: the other stages "
            "are fully hidden behind it)",
            f"  CPU time per frame: train {r['cpu_ms']['train']:.1f} ms, render "
            f"{r['cpu_ms']['render']:.1f} ms, encode {r['cpu_ms']['encode']:.1f} ms: on "
            f"{r['cores']} cores recording can reach at most {r['bound_fps']:.1f} frames/s "
            f"= {r['bound_ratio']:.2f} of encode-only",
        ]
    )


def add_arguments(parser) -> None:
    parser.add_argument("--size", default="1920x1080", help="frame size WxH (%(default)s)")
    parser.add_argument("--frames", type=int, default=60, help="frames per run (%(default)s)")
    parser.add_argument("--steps-per-frame", type=int, default=10)
    parser.add_argument("--x264-preset", default="veryfast")
    parser.add_argument("--crf", type=int, default=18)
    parser.add_argument("--repeats", type=int, default=2, help="alternating runs, best kept")


def run(args) -> int:
    from ..view import parse_size

    result = measure(
        parse_size(args.size),
        args.frames,
        args.steps_per_frame,
        preset=args.x264_preset,
        crf=args.crf,
        repeats=args.repeats,
    )
    print(report(result))
    return 0
