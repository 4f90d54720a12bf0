"""Training throughput, numba trainer vs PyTorch CPU. Same as `shaderplay bench train`.

python benchmarks/bench_train.py [--seconds 1.0] [--repeats 3] [--no-torch]
"""

import argparse
import sys

from shaderplay.bench import train

if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=train.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    train.add_arguments(parser)
    sys.exit(train.run(parser.parse_args()))
