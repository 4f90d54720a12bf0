"""The window's frame rate with training running, and training speed inside the
window vs the trainer alone. Same as `shaderplay bench window`.

    python benchmarks/bench_window.py [--seconds 5] [--size 800x600]
"""

import argparse
import sys

from shaderplay.bench import window

if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=window.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    window.add_arguments(parser)
    sys.exit(window.run(parser.parse_args()))
