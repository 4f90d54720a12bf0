"""The table of animations and what they are made from.

A recording starts from a *source* (shaderplay/sources.py): a preset
(built-in name or .toml: a fresh network, its data and training settings,
its view), a network file (.npz) or a run file (.npz with snapshots, from
`--save-run`). Each entry of ANIMATIONS turns a source and the options into
an animation (animations.py); adding one is one function and one line.

Default view: the preset's domain (else -1,1,-1,1), widened to the frame's
shape so pixels stay square and the whole domain stays in the frame. An
explicit `view` is used exactly as given.
"""

from dataclasses import dataclass
from pathlib import Path

from ..build import build
from ..errors import ShaderplayError, bad_value
from ..runs import RunFile, RunRecorder
from ..sources import Source
from ..view import View
from .animations import Morph, Playback, TrainingTimelapse, WeightScale, Zoom

DEFAULT_FRAMES = 120
DEFAULT_STEPS_PER_FRAME = 10
ZOOM_FACTOR = 10.0  # default zoom: 10x into the centre of the view


@dataclass(frozen=True)
class Options:
    """Everything an animation may need; each uses its own part."""

    size: tuple[int, int]
    frames: int | None = None  # None: DEFAULT_FRAMES (playback: at least one per snapshot)
    # None: the preset's train.steps_per_frame, else train.max_steps over the frames, else 10
    steps_per_frame: int | None = None
    view: View | None = None
    zoom_to: View | None = None
    # weight-scale: factors on the source's weights, or absolute init scales (network.scale)
    # from a preset, an end not given being the factor's end times the preset's scale
    factor_from: float = 0.25
    factor_to: float = 4.0
    scale_from: float | None = None
    scale_to: float | None = None
    seed_b: int | None = None  # morph: None = seed + 1
    run: RunFile | None = None  # playback: the run to play (else the source, if it is a run)
    save_run: Path | None = None  # training: keep snapshots for playback
    snapshot_every: int | None = None  # None: steps_per_frame


def view_of(source: Source, opts: Options) -> View:
    return opts.view if opts.view is not None else View.fit(source.domain, opts.size)


def _frames(opts: Options) -> int:
    return DEFAULT_FRAMES if opts.frames is None else opts.frames


def _need_preset(source: Source, animation: str) -> None:
    if source.preset is None:
        raise ShaderplayError(
            f"animation {animation!r}: needs a preset (built-in name or .toml) "
            "as the source; a .npz file has no training data or seeds. "
            "allowed with a .npz: zoom, weight-scale, playback (run files)."
        )


def make_training(source: Source, opts: Options) -> TrainingTimelapse:
    from ..train import Trainer

    _need_preset(source, "training")
    if source.dataset.kind == "none":
        raise ShaderplayError(
            f"animation 'training': preset {source.preset.name!r} has target "
            "'none', nothing to train on; allowed: a preset with a target, or "
            "--animation zoom, weight-scale or morph."
        )
    spf = opts.steps_per_frame
    if spf is None:  # the preset's pace, else its train.max_steps spread over the frames
        spread = -(-source.train.max_steps // max(_frames(opts) - 1, 1))
        spf = source.train.steps_per_frame or spread or DEFAULT_STEPS_PER_FRAME
    trainer = Trainer(source.net, source.dataset, config=source.train)
    recorder = None
    if opts.save_run is not None:
        every = opts.snapshot_every or max(spf, 1)
        meta = {
            "preset": source.preset.name,
            "seed": source.seed,
            "steps_per_frame": spf,
            "domain": list(source.domain),
        }
        recorder = RunRecorder(source.net, every, meta)
    return TrainingTimelapse(trainer, _frames(opts), spf, view_of(source, opts), recorder)


def make_zoom(source: Source, opts: Options) -> Zoom:
    start = view_of(source, opts)
    end = opts.zoom_to or View(start.centre, start.scale / ZOOM_FACTOR, start.aspect)
    return Zoom(source.net, start, end, _frames(opts), opts.size)


def make_weight_scale(source: Source, opts: Options) -> WeightScale:
    view, frames = view_of(source, opts), _frames(opts)
    if opts.scale_from is None and opts.scale_to is None:
        return WeightScale(source.net, opts.factor_from, opts.factor_to, frames, view)
    if source.preset is None:
        raise ShaderplayError(
            "animation 'weight-scale': --scale-from/--scale-to are absolute init scales "
            "(network.scale), which only a preset SOURCE has; allowed with a .npz: "
            "--factor-from/--factor-to, factors on its weights."
        )
    base = source.preset.network.scale
    if base <= 0:
        raise bad_value(
            "network.scale",
            base,
            "a scale > 0 for absolute --scale-from/--scale-to (the weights drawn at 0 are all 0)",
        )
    a = base * opts.factor_from if opts.scale_from is None else opts.scale_from
    b = base * opts.factor_to if opts.scale_to is None else opts.scale_to
    return WeightScale(source.net, a, b, frames, view, base=base)


def make_morph(source: Source, opts: Options) -> Morph:
    _need_preset(source, "morph")
    seed_b = source.seed + 1 if opts.seed_b is None else opts.seed_b
    if seed_b == source.seed:
        raise bad_value("--seed-b", seed_b, f"a seed other than network A's ({source.seed})")
    net_b, _, _ = build(source.preset, seed=seed_b)
    return Morph(source.net, net_b, _frames(opts), view_of(source, opts))


def make_playback(source: Source, opts: Options) -> Playback:
    run = opts.run or source.run
    if run is None:
        raise ShaderplayError(
            "animation 'playback': no run to play; allowed: --run RUN.npz, or a "
            "run file (from record --save-run) as the source."
        )
    frames = max(len(run), DEFAULT_FRAMES) if opts.frames is None else opts.frames
    return Playback(run, view_of(source, opts), frames)


ANIMATIONS = {
    "training": make_training,
    "zoom": make_zoom,
    "weight-scale": make_weight_scale,
    "morph": make_morph,
    "playback": make_playback,
}


def default_animation(source: Source) -> str:
    if source.run is not None:
        return "playback"
    return "training" if source.preset is not None and source.dataset.kind != "none" else "zoom"
