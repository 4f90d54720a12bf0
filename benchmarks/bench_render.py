"""Rendering speed: the shader, the numba CPU path, NumPy, PyTorch and the FLOP floor side by
side. Same as `shaderplay bench render`.

    python benchmarks/bench_render.py [--sizes 512x512,1024x1024] [--quick] [--paths shader,cpu]
"""

import argparse
import sys

from shaderplay.bench import render

if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=render.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    render.add_arguments(parser)
    sys.exit(render.run(parser.parse_args()))
