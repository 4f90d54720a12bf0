"""Headless recording vs encoding alone. Same as `shaderplay bench record`.

python benchmarks/bench_record.py [--size 1920x1080] [--frames 60] [--x264-preset veryfast]
"""

import argparse
import sys

from shaderplay.bench import record

if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=record.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    record.add_arguments(parser)
    sys.exit(record.run(parser.parse_args()))
