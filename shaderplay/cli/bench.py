"""Throughput figures: `shaderplay bench [KIND] [options]` (KIND defaults to train).

Run `shaderplay bench KIND --help` for a benchmark's own options.
"""

import argparse
import importlib

from .parser import Parser

BENCHMARKS = {
    # kind: (module relative to this package, one-line help); each module has add_arguments/run
    "train": ("..bench.train", "training examples/s of the numba trainer against PyTorch CPU"),
    "record": ("..bench.record", "headless 1080p MP4 recording fps against encoding alone"),
    "render": ("..bench.render", "render ms/frame: shader, numba CPU path, NumPy, PyTorch, floor"),
    "window": ("..bench.window", "window frames/s at 800x600 while training; training speed in it"),
    "soak": ("..bench.soak", "the window touring views for 30 min: memory, longest frame, errors"),
}


def add_arguments(parser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = "kinds:\n" + "\n".join(f"  {k:<10} {h}" for k, (_, h) in BENCHMARKS.items())
    parser.add_argument(
        "kind",
        nargs="?",
        default="train",
        choices=list(BENCHMARKS),
        help="which benchmark (%(default)s)",
    )
    parser.add_argument("options", nargs=argparse.REMAINDER, help="that benchmark's options")


def run(args) -> int:
    module = importlib.import_module(BENCHMARKS[args.kind][0], __package__)
    prog = f"shaderplay bench {args.kind}"
    parser = Parser(prog=prog, description=module.__doc__)
    module.add_arguments(parser)
    return int(module.run(parser.parse_args(args.options)) or 0)
