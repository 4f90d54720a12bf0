"""Export a network as one self-contained fragment shader with its weights
baked in: paste the file into Shadertoy's Image tab as it is, or run it
here with shaderplay.export.run_exported. SOURCE is a .npz network file, a
built-in preset name or a preset .toml (a fresh, untrained network from it);
--set and its shortcuts change the preset as a line of its file would.

The view (default: the preset's, else -1,1,-1,1) and the value range are
baked in as #defines at the top of the file; one output goes through the
colormap, two or three are shown as RGB.
"""

from pathlib import Path

from ..checks import atomic_file, output_file, writing
from . import overrides

# The same --view and --range forms as `shaderplay render`.
from .render import _parse_range


def add_arguments(parser) -> None:
    parser.add_argument(
        "source", help="a .npz network file, a built-in preset name or a preset .toml file"
    )
    parser.add_argument(
        "-o", "--output", required=True, type=Path, help="OUT.glsl, the exported shader"
    )
    parser.add_argument(
        "--view",
        default=None,
        help="input domain XMIN,XMAX,YMIN,YMAX (default: the preset's, else -1,1,-1,1)",
    )
    parser.add_argument(
        "--square",
        action="store_true",
        help="keep pixels square on any canvas: the view's height is kept, its "
        "width follows the canvas (else the domain stretches with it)",
    )
    parser.add_argument(
        "--colormap",
        default=None,
        help="colormap for one output (default: the preset's, else viridis)",
    )
    parser.add_argument(
        "--range", default=None, help="LO,HI output values shown as the two ends of the colormap"
    )
    parser.add_argument(
        "--preview",
        type=Path,
        default=None,
        help="also compile the exported file here, save its picture to this .png",
    )
    parser.add_argument("--size", default="512x512", help="preview size WxH (default: %(default)s)")
    overrides.add_arguments(parser, "export")


def run(args) -> int:
    from dataclasses import replace

    from ..export import export_network, run_exported
    from ..sources import load_source
    from ..view import View, parse_size

    output_file("-o", args.output, ".glsl")  # refused before the work, like render and record
    if args.preview is not None:
        output_file("--preview", args.preview, ".png")
    size = parse_size(args.size)
    value_range = _parse_range(args.range)
    settings = overrides.read(args)
    with settings.named():
        source = load_source(args.source, changes=settings.changes)
    net, view_cfg = source.net, source.view
    if args.view is not None:
        view = View.parse(args.view)
    else:
        view = View.from_domain(*(view_cfg.domain if view_cfg else (-1.0, 1.0, -1.0, 1.0)))
    if args.square:
        view = replace(view, aspect=None)
    colormap = args.colormap or (view_cfg.colormap if view_cfg else "viridis")
    with writing("-o"):
        path = export_network(net, args.output, view, colormap, value_range)
    print(f"wrote {path} ({path.stat().st_size // 1024} KiB, {net.param_count} parameters)")
    if args.preview is not None:
        from PIL import Image

        picture = run_exported(path, size)
        with atomic_file(args.preview, "--preview") as fh:
            Image.fromarray(picture).save(fh, format="PNG")
        print(f"wrote {args.preview} ({size[0]}x{size[1]}, the exported shader compiled here)")
    return 0
