"""Record a video headlessly, with a progress bar on stderr.

    shaderplay record SOURCE -o OUT.mp4|OUT.gif|DIR/
                      [--animation training|zoom|weight-scale|morph|playback]

SOURCE is a built-in preset name, a preset .toml, a network .npz or a run
.npz (from --save-run). Frames come from an offscreen framebuffer of
--size, whatever any window does; the same source, seed and options give
the same frames. Training advances exactly --steps-per-frame steps per
frame (up to train.max_steps). Without --view the preset's domain is widened to the frame's shape
(square pixels); --view is used exactly. --set and its shortcuts change the
preset as a line of its file would (--steps: the training steps to film).

Weight scale: --scale-from/--scale-to are absolute init scales, the preset's
network.scale (neylon: weights uniform in [-0.7, 0.7] is scale 0.7), so
`--scale-from 0.4 --scale-to 0.8` films weights in [-0.4, 0.4] to [-0.8, 0.8];
--factor-from/--factor-to multiply SOURCE's weights (a .npz's too).
"""

import argparse
import math
import sys
from dataclasses import replace
from pathlib import Path

from .. import checks, interrupts
from ..config import MAX_FRAMES
from ..errors import bad_value, choose
from . import overrides
from .record_checks import (
    SINK_OPTIONS,
    check_applicable,
    check_counts,
    check_scales,
    check_sink_options,
)
from .record_compare import comparison


def add_arguments(parser) -> None:
    from ..record.catalog import ANIMATIONS, DEFAULT_FRAMES, DEFAULT_STEPS_PER_FRAME
    from .render import add_boundaries

    add = parser.add_argument
    add("source", help="built-in preset name, preset .toml, network .npz or run .npz")
    add(
        "-o",
        "--output",
        required=True,
        help="OUT.mp4 (H.264), OUT.gif (looping) or a folder DIR/ (PNG frames)",
    )
    add(
        "--animation",
        choices=list(ANIMATIONS),
        default=None,
        help="what moves (default: training for a preset, playback for a run file, else zoom)",
    )
    add(
        "--frames",
        type=int,
        default=None,
        help=f"number of frames (default: {DEFAULT_FRAMES}; playback: at least one per snapshot)",
    )
    add(
        "--seconds",
        type=float,
        default=None,
        help="length of the video: --seconds x --fps frames (instead of --frames)",
    )
    add("--fps", type=float, default=30.0, help="frames per second (default: %(default)s)")
    add("--size", default="640x480", help="frame size WxH, up to 3840x2160 (default: %(default)s)")
    add(
        "--steps-per-frame",
        type=int,
        default=None,
        help="training steps per frame (default: the preset's train.steps_per_frame, else "
        f"its train.max_steps (--steps) over the frames, else {DEFAULT_STEPS_PER_FRAME})",
    )
    add("--view", default=None, help="input domain XMIN,XMAX,YMIN,YMAX (default: the preset's)")
    add("--mode", default=None, help="view mode (default: the preset's, else output)")
    add(
        "--colormap",
        default=None,
        help="colormap (default: the preset's with its mode, else the mode's own)",
    )
    add(
        "--points",
        action="store_true",
        help="draw the preset's data points (default: the preset's view.show_points)",
    )
    add_boundaries(parser)
    add(
        "--caption",
        action="store_true",
        help="draw a caption (step and loss, zoom, scale, ...) and, for training and playback, "
        "a loss sparkline",
    )
    add(
        "--legend",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a legend band in each frame, the picture shrunk to make room (default: on, "
        "but for pictures shown as RGB, where the picture is the point)",
    )
    add(
        "--zoom-to",
        default=None,
        help="zoom: the last frame's domain XMIN,XMAX,YMIN,YMAX (default: 10x into the centre)",
    )
    add(
        "--scale-from",
        type=float,
        default=None,
        help="weight-scale: the first frame's weight scale, absolute: network.scale, the "
        "init's range (neylon: uniform in [-S, S]); biases keep their ratio to it "
        "(default: a quarter of the preset's scale)",
    )
    add(
        "--scale-to",
        type=float,
        default=None,
        help="weight-scale: the last frame's weight scale, absolute (default: 4x the preset's)",
    )
    add(
        "--factor-from",
        type=float,
        default=None,
        help="weight-scale: the first frame's factor on SOURCE's weights, relative (0.25)",
    )
    add(
        "--factor-to",
        type=float,
        default=None,
        help="weight-scale: the last frame's factor on SOURCE's weights, relative (4.0)",
    )
    add("--seed-b", type=int, default=None, help="morph: seed of network B (default: seed + 1)")
    add("--run", default=None, help="playback: the run file RUN.npz to play")
    add("--save-run", default=None, help="training: also keep weight snapshots in RUN.npz")
    add(
        "--compare",
        action="append",
        default=[],
        metavar="TABLE.KEY=VALUE",
        help="film an A/B pair: the left half as given, the right with this setting changed "
        "(repeatable), each half labelled with its values, e.g. train.lr=0.03",
    )
    add(
        "--snapshot-every",
        type=int,
        default=None,
        help="training: steps between snapshots (default: --steps-per-frame)",
    )
    add("--crf", type=int, help="mp4: quality, 0-51, lower is better (18)")
    add("--x264-preset", help="mp4: encoder speed preset (veryfast)")
    overrides.add_arguments(parser, "record")


def _frames(args, fps: float) -> int | None:
    """--frames, or --seconds at --fps (not both)."""
    if args.seconds is None:
        return args.frames
    if args.frames is not None:
        raise bad_value("--seconds", args.seconds, "either --seconds or --frames, not both")
    length = args.seconds * fps
    frames = round(length) if math.isfinite(length) else 0
    if not 1 <= frames <= MAX_FRAMES:
        what = f"a length of 1..{MAX_FRAMES} frames at {fps:g} fps"
        raise bad_value("--seconds", args.seconds, what)
    return frames


def _options(args, size, fps: float):
    from ..record.catalog import Options
    from ..runs import RunFile
    from ..view import View

    return Options(
        size=size,
        frames=_frames(args, fps),
        steps_per_frame=args.steps_per_frame,
        view=View.parse(args.view) if args.view else None,
        zoom_to=View.parse(args.zoom_to) if args.zoom_to else None,
        factor_from=0.25 if args.factor_from is None else args.factor_from,
        factor_to=4.0 if args.factor_to is None else args.factor_to,
        scale_from=args.scale_from,
        scale_to=args.scale_to,
        seed_b=args.seed_b,
        run=RunFile.load(args.run) if args.run else None,
        save_run=Path(args.save_run) if args.save_run else None,
        snapshot_every=args.snapshot_every,
    )


def _domain(opts) -> dict:
    """An explicit --view as the run's domain (else the preset's, as the recorder has it)."""
    return {} if opts.view is None else {"domain": list(opts.view.domain)}


def run(args) -> int:
    from tqdm import tqdm

    from ..config import mode_from_view
    from ..gpu.context import headless_context
    from ..gpu.renderer import Renderer
    from ..legend import legend_by_default
    from ..modes import parse_mode
    from ..record import open_sink
    from ..record.catalog import ANIMATIONS, default_animation
    from ..record.film import Look, record
    from ..record.formats import format_of
    from ..record.pair import half, half_size, record_pair
    from ..record.sink import check_fps, check_size
    from ..sources import load_source
    from ..view import View, parse_size
    from .render import picture_options

    # Everything a user can get wrong is checked before the first frame.
    fmt = format_of(args.output)
    size = check_size(parse_size(args.size), "--size")
    if fmt == "mp4" and (size[0] % 2 or size[1] % 2):
        w, h = size
        raise bad_value(
            "--size",
            args.size,
            f"an even width and height for MP4 (H.264 yuv420p), "
            f"e.g. {w + w % 2}x{h + h % 2} or "
            f"{max(w - w % 2, 2)}x{max(h - h % 2, 2)}; "
            "GIF and PNG frames take any size",
        )
    fps = check_fps(args.fps, "--fps")
    check_sink_options(args, fmt)
    check_counts(args)
    check_scales(args)
    if args.save_run:
        checks.output_file("--save-run", args.save_run, ".npz")
    opts = _options(args, half_size(size) if args.compare else size, fps)  # views fit
    settings = overrides.read(args)
    with settings.named():
        source = load_source(args.source, changes=settings.changes)
    name = args.animation or ("playback" if args.run else default_animation(source))
    name = choose("--animation", name, ANIMATIONS)
    check_applicable(args, settings, name)
    with settings.named():
        animation = ANIMATIONS[name](source, opts)
    view_cfg = source.view
    mode = args.mode or (mode_from_view(view_cfg) if view_cfg else "output")
    points = args.points or bool(view_cfg and view_cfg.show_points)
    options = picture_options(
        mode,
        animation.net,
        source.dataset,
        points=points,
        boundaries=args.boundaries,
        hint="a preset SOURCE",
    )
    # The preset's colormap goes with the preset's mode; another --mode gets its own map.
    own = view_cfg.colormap if view_cfg and args.mode is None else None
    look = Look(
        size,
        mode=mode,
        colormap=args.colormap or own,
        caption=args.caption,
        sparkline=args.caption and name in ("training", "playback"),
        options=tuple(options.items()),
        legend=legend_by_default(mode, animation.net.spec) if args.legend is None else args.legend,
    )
    sink_opts = {arg: getattr(args, flag) for flag, arg in SINK_OPTIONS.items()}
    sink_opts = {arg: value for arg, value in sink_opts.items() if value is not None}
    recorder = getattr(animation, "recorder", None)
    if recorder is not None:  # a replay of the run shows it as it was filmed
        recorder.meta.update(
            mode=mode, colormap=look.colormap or parse_mode(mode)[0].colormap, **_domain(opts)
        )
    pair = args.compare and comparison(args, settings, source, name, opts, mode, points)

    ctx = headless_context()
    renderer = Renderer(ctx)
    other = Renderer(ctx) if pair else None
    sink = interrupted = None
    try:
        # Compile errors, unknown modes and colormaps surface before the file opens.
        renderer.set_network(animation.net)
        renderer.image(View(), (8, 8), look.mode, look.colormap, **options)
        try:
            with interrupts.shielded():  # an encoder that starts is an encoder that gets closed
                sink = open_sink(args.output, size, fps, **sink_opts)
            with (
                sink,  # any ending closes a playable file of the frames so far
                tqdm(
                    total=animation.n_frames,
                    file=sys.stderr,
                    unit="frame",
                    desc=name,
                    leave=False,
                    mininterval=0.25,
                ) as bar,
            ):
                if pair:
                    left = half(look)
                    right = replace(left, options=tuple(pair[1].items()))
                    animations, renderers = (animation, pair[0]), (renderer, other)
                    record_pair(animations, renderers, sink, (left, right), pair[2], bar)
                else:
                    record(animation, renderer, sink, look, bar)
        except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP
            interrupted = exc
            if sink is not None:
                sink.close()  # closed already, unless the signal came just before `with`
    finally:
        if recorder is not None and len(recorder):
            with checks.writing("--save-run"):
                recorder.save(opts.save_run, loss_history=animation.trainer.loss_history)
        renderer.release()
        if other is not None:
            other.release()
        ctx.release()
    frames = sink.frames_written if sink is not None else 0
    w, h = size
    if interrupted is not None:
        said = (
            f"{args.output} holds the {frames} frames written so far and is playable"
            if frames
            else "nothing was written"
        )
        how = interrupts.signal_name(interrupted)
        print(f"shaderplay record: interrupted; {said}; stopped by {how}.", file=sys.stderr)
        return interrupts.exit_status(interrupted)
    print(
        f"wrote {frames} frames ({w}x{h}, {fps:g} fps, {name}) to {args.output}"
        + (f"; run snapshots in {opts.save_run}" if opts.save_run else "")
    )
    note = getattr(animation, "stop_note", "")
    if note:
        print(f"  {note}")
    return 0
