"""Render a network headlessly: SOURCE is a .npz network file, a built-in
preset name or a preset .toml (a fresh, untrained network from it).

OUT.png is the colour-mapped picture; OUT.npy the raw float32 values of the
mode before colour mapping, shape H x W x C (C = n_out in output mode).
Pixel (row 0, col 0) is the top-left; x grows right, y grows up; pixel
centres are sampled.
"""

import re
from pathlib import Path

from ..errors import ShaderplayError, bad_value

FORMATS = (".png", ".npy")
# Lets "--view -1,1,-1,1" through: argparse would take "-1,..." for an option.
_NUMBER_LIST = re.compile(r"^-[\d.]+([eE][-+]?\d+)?(,[-+]?[\d.]+([eE][-+]?\d+)?)*$")


def add_arguments(parser) -> None:
    parser.add_argument("source", help="a .npz network file, a built-in preset name or a preset .toml file")
    parser.add_argument("-o", "--output", required=True, type=Path, help="OUT.png (picture) or OUT.npy (raw values)")
    parser.add_argument("--size", default="512x512", help="picture size WxH (default: %(default)s)")
    parser.add_argument("--view", default=None,
                        help="input domain XMIN,XMAX,YMIN,YMAX (default: the preset's, else -1,1,-1,1)")
    parser.add_argument("--mode", default=None, help="view mode (default: the preset's, else output)")
    parser.add_argument("--colormap", default=None, help="colormap for .png (default: the preset's, else viridis)")
    parser.add_argument("--range", default=None, help="LO,HI values shown as the two ends of the colormap")
    parser.add_argument("--storage", default="auto", help="weights in a uniform block, a texture, or auto")
    if hasattr(parser, "_negative_number_matcher"):
        parser._negative_number_matcher = _NUMBER_LIST


def load_source(source: str):
    """(network, ViewConfig or None) from a .npz file or a preset."""
    from ..network import Network

    if source.endswith(".npz"):
        return Network.load(source), None
    try:
        from ..build import build
        from ..presets import load_preset
    except ImportError:
        raise ShaderplayError(f"source: got {source!r}; allowed: a .npz network file "
                              "(presets are not available in this build).") from None
    preset = load_preset(source)
    net, _, _ = build(preset)
    return net, preset.view


def _parse_range(text):
    if text is None:
        return None
    try:
        lo, hi = (float(v) for v in text.split(","))
    except ValueError:
        raise bad_value("--range", text, "two numbers LO,HI, e.g. 0,1") from None
    return lo, hi


def run(args) -> int:
    import numpy as np

    from ..gpu.context import headless_context
    from ..gpu.renderer import Renderer
    from ..view import View, parse_size

    out = Path(args.output)
    if out.suffix.lower() not in FORMATS:
        raise bad_value("-o/--output", str(out), "a path ending in .png (picture) or .npy (raw values)")
    if not out.parent.is_dir():
        raise bad_value("-o/--output", str(out), f"a file in an existing folder ({out.parent} does not exist)")
    size = parse_size(args.size)
    net, view_cfg = load_source(args.source)
    if args.view is not None:
        view = View.parse(args.view)
    else:
        view = View.from_domain(*(view_cfg.domain if view_cfg else (-1.0, 1.0, -1.0, 1.0)))
    mode = args.mode or (view_cfg.mode if view_cfg else "output")
    colormap = args.colormap or (view_cfg.colormap if view_cfg else "viridis")
    opts = {"range": _parse_range(args.range)} if args.range else {}

    ctx = headless_context()
    renderer = Renderer(ctx, storage=args.storage)
    try:
        renderer.set_network(net)
        if out.suffix.lower() == ".npy":
            np.save(out, renderer.values(view, size, mode, **opts))
        else:
            from PIL import Image

            Image.fromarray(renderer.image(view, size, mode, colormap, **opts)).save(out)
    finally:
        renderer.release()
        ctx.release()
    print(f"wrote {out} ({size[0]}x{size[1]}, mode {mode})")
    return 0
