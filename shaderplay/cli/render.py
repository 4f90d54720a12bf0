"""Render a network headlessly: SOURCE is a .npz network file, a built-in
preset name or a preset .toml (a fresh, untrained network from it).

OUT.png is the colour-mapped picture; OUT.npy the raw float32 values of the
mode before colour mapping, shape H x W x C (C = n_out in output mode).
Pixel (row 0, col 0) is the top-left; x grows right, y grows up; pixel
centres are sampled. An explicit --view is drawn exactly into --size; the
preset's domain (else -1,1,-1,1) keeps pixels square, widened along one axis
to the picture's shape, as `record` and the window show it. Without --size
the picture is 512 pixels on its longer side, in the shape of the domain.

A PNG carries a legend (--no-legend: the picture alone): a band below saying what
the colours are (the value and its range, classes, boundary layers) and the
picture's own labels (side's halves, the mosaic's tiles, the plot's axes).

A trained network drawn as its preset shows it, points and all:
    shaderplay train xor --save xor.npz
    shaderplay render xor.npz --preset xor -o xor.png
"""

import argparse
from pathlib import Path

from .. import checks
from ..errors import bad_value
from ..images import data_frame
from ..modes import MODES, parse_mode
from . import overrides

FORMATS = (".png", ".npy")


def add_arguments(parser) -> None:
    parser.add_argument(
        "source", help="a .npz network file, a built-in preset name or a preset .toml file"
    )
    parser.add_argument(
        "-o", "--output", required=True, type=Path, help="OUT.png (picture) or OUT.npy (raw values)"
    )
    parser.add_argument(
        "--size",
        default=None,
        help="picture size WxH (default: 512 on the longer side, in the shape of the domain)",
    )
    parser.add_argument(
        "--view",
        default=None,
        help="input domain XMIN,XMAX,YMIN,YMAX, used exactly (default: the "
        "preset's, else -1,1,-1,1, widened to the picture's shape)",
    )
    parser.add_argument(
        "--mode",
        default=None,
        help="view mode, e.g. output, neuron:LAYER:NEURON, boundaries, regions, error "
        "(default: the preset's, else output); modes showing the target need a preset",
    )
    parser.add_argument("--colormap", default=None, help="colormap for .png (default: the mode's)")
    parser.add_argument(
        "--range", default=None, help="LO,HI values shown as the two ends of the colormap"
    )
    parser.add_argument(
        "--pre",
        action="store_true",
        help="neuron and representation modes: the values before the activation",
    )
    parser.add_argument("--points", action="store_true", help="draw the preset's data points")
    parser.add_argument(
        "--legend",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a .png with a legend beside the picture, never over it: what the colours "
        "mean and their range, labels of tiles, halves and axes (default: on for .png; "
        ".npy holds the values alone)",
    )
    add_boundaries(parser)
    parser.add_argument(
        "--preset",
        default=None,
        help="with a .npz SOURCE: take the view, target and points from this "
        "preset (e.g. the one the network was trained with)",
    )
    parser.add_argument(
        "--storage", default="auto", help="weights in a uniform block, a texture, or auto"
    )
    overrides.add_arguments(parser, "render")


def add_boundaries(parser) -> None:
    """--boundaries, as render and record take it."""
    parser.add_argument(
        "--boundaries",
        nargs="?",
        action="append",
        const=None,
        metavar="LAYER[:NEURON]",
        help="draw neuron boundaries (zero sets): every neuron of weight layer LAYER, or "
        "one NEURON of it; layers count weight layers from 0 as the modes do "
        "(neuron:LAYER:NEURON), the last is the output layer; repeatable or comma-"
        "separated (0,2:5); --boundaries alone: every hidden layer",
    )


def parse_boundaries(given, spec) -> tuple:
    """--boundaries as the renderer takes them: weight layers and (layer, neuron)
    pairs; a bare --boundaries (None) is every hidden layer."""
    items = []
    for text in given:
        if text is None:
            items += range(len(spec.hidden))
            continue
        for part in text.split(","):
            layer, colon, neuron = part.strip().partition(":")
            try:
                item = (int(layer), int(neuron)) if colon else int(layer)
            except ValueError:
                raise bad_value(
                    "--boundaries", text, "LAYER or LAYER:NEURON, comma-separated, e.g. 1,2:3"
                ) from None
            items.append(item)
            layer = item[0] if colon else item
            if not 0 <= layer < spec.depth:
                raise bad_value(
                    "--boundaries",
                    part,
                    f"weight layers 0..{spec.depth - 1} (from 0: the hidden layers "
                    f"0..{spec.depth - 2}, then the output layer {spec.depth - 1})",
                )
            if colon and not 0 <= item[1] < spec.sizes[layer + 1]:
                n = spec.sizes[layer + 1]
                raise bad_value("--boundaries", part, f"neurons 0..{n - 1} of layer {layer}")
    return tuple(items)


def _source(args, settings):
    """SOURCE as sources.py loads it, with the setting flags; with --preset (only
    for a .npz SOURCE) the weights come from the file and the view and data
    (target, points) from that preset."""
    from ..sources import kind_of, load_source, with_preset

    if args.preset is not None and kind_of(args.source) == "preset":
        raise bad_value(
            "--preset",
            args.preset,
            "only with a .npz network SOURCE (a preset SOURCE brings its own view and data)",
        )
    with settings.named():
        if args.preset is None:
            return load_source(args.source, changes=settings.changes)
        return with_preset(load_source(args.source), args.preset, settings.changes)


def _parse_range(text):
    if text is None:
        return None
    try:
        lo, hi = (float(v) for v in text.split(","))
    except ValueError:
        raise bad_value("--range", text, "two numbers LO,HI, e.g. 0,1") from None
    return lo, hi


def picture_options(
    mode: str,
    net,
    data,
    *,
    points: bool = False,
    boundaries=None,
    hint: str = "a preset SOURCE",
) -> dict:
    """Renderer options for `mode` and the overlays asked for: the Dataset as
    `target` for modes that show it (representation plots its points), as
    `points` when asked, the --boundaries given (a list, `parse_boundaries`).
    Without data (a .npz source) a mode or overlay that needs it is refused,
    naming `hint` as the way out."""
    row = parse_mode(mode)[0]
    needs_data = row.needs_target
    if data is None and (needs_data or points):
        field, value, what = (
            ("--mode", mode, "a mode showing the target")
            if needs_data
            else ("--points", True, "data points")
        )
        raise bad_value(
            field,
            value,
            f"{what} only with {hint} (a .npz network file has no data: no target, no points)",
        )
    if needs_data and data.field is None:
        raise bad_value(
            "--mode",
            mode,
            f"a mode that does not show the target: target "
            f"{data.name!r} has points only (draw them with --points)",
        )
    if row.compares_target and data.n_out != net.spec.n_out:
        raise bad_value(
            "--mode",
            mode,
            f"a mode comparing with the target only for a network of "
            f"{data.n_out} outputs, what target {data.name!r} has "
            f"(this network has {net.spec.n_out})",
        )
    opts = {}
    if data is not None and row.target:  # shown, compared, or its points plotted
        opts["target"] = data
    if points:
        opts["points"] = data
    if boundaries:
        opts["boundaries"] = parse_boundaries(boundaries, net.spec)
    if data_frame(data) is not None and "points" in row.overlays:  # where an image lies
        opts["frame"] = data_frame(data)
    return opts


def _options(args, mode: str, net, view_cfg, data) -> dict:
    points = args.points or (view_cfg is not None and view_cfg.show_points and data is not None)
    hint = "a preset SOURCE, or --preset PRESET with a .npz SOURCE"
    opts = picture_options(mode, net, data, points=points, boundaries=args.boundaries, hint=hint)
    if args.range:
        opts["range"] = _parse_range(args.range)
    if args.pre:
        if "pre" not in parse_mode(mode)[0].options:
            shown = " or ".join(m.form for m in MODES.values() if "pre" in m.options)
            raise bad_value("--pre", True, f"only with --mode {shown} (this is {mode})")
        opts["pre"] = True
    return opts


def _legend_wanted(given, out: Path) -> bool:
    """--legend: on by default for a picture; .npy files hold values, never a legend."""
    if out.suffix.lower() == ".npy":
        if given:
            raise bad_value("--legend", True, "only with a .png OUT (.npy holds the raw values)")
        return False
    return given is not False


def run(args) -> int:
    import numpy as np

    from ..config import mode_from_view
    from ..gpu.context import headless_context
    from ..gpu.renderer import Renderer
    from ..view import View, parse_size, size_for

    out = Path(args.output)
    if out.suffix.lower() not in FORMATS:
        raise bad_value(
            "-o/--output", str(out), "a path ending in .png (picture) or .npy (raw values)"
        )
    checks.output_file("-o/--output", out)
    explicit = View.parse(args.view) if args.view is not None else None
    size = parse_size(args.size) if args.size is not None else None
    if args.mode is not None:
        parse_mode(args.mode)  # a bad mode is refused before any loading
    source = _source(args, overrides.read(args))
    net, view_cfg, data = source.net, source.view, source.dataset
    # An explicit --view is used exactly; the preset's domain keeps pixels square
    # (widened to the picture's shape), as record and the window show it.
    domain = explicit.domain if explicit else tuple(view_cfg.domain if view_cfg else (-1, 1, -1, 1))
    size = size or size_for(domain)
    view = explicit or View.fit(domain, size)
    mode = args.mode or (mode_from_view(view_cfg) if view_cfg else "output")
    colormap = args.colormap or (view_cfg.colormap if view_cfg and args.mode is None else None)
    opts = _options(args, mode, net, view_cfg, data)
    row = parse_mode(mode)[0]
    legend = _legend_wanted(args.legend, out)

    ctx = headless_context()
    renderer = Renderer(ctx, storage=args.storage)
    about = f"mode {mode}"
    try:
        renderer.set_network(net)
        if row.counts:  # distinct values in view (regions: linear regions or sign cells)
            distinct = len(np.unique(renderer.values(view, size, mode, **opts)))
            counted, why = row.counts(net.spec)
            about += f", {distinct} {counted} in view"
            if counted != "linear regions":
                about += f": {why}"
        if out.suffix.lower() == ".npy":
            values = renderer.values(view, size, mode, **opts)
            with checks.atomic_file(out, "-o/--output") as fh:
                np.save(fh, values)
        else:
            from PIL import Image

            picture = renderer.image(view, size, mode, colormap, **opts)
            if legend:
                from ..legend import compose

                picture = compose(picture, renderer.legend(mode, colormap, **opts))
            picture = Image.fromarray(picture)
            with checks.atomic_file(out, "-o/--output") as fh:
                picture.save(fh, format="PNG")
    finally:
        renderer.release()
        ctx.release()
    print(f"wrote {out} ({size[0]}x{size[1]}, {about})")
    return 0
