"""Throughput benchmarks, one module per kind, run by `shaderplay bench KIND`.

Each module has `add_arguments(parser)` and `run(args) -> int` (like the CLI
commands) and is registered with one line in shaderplay/cli/bench.py.
Figures are ratios against a baseline measured side by side in the same run,
never absolute thresholds.
"""

# A measurement's length in seconds (--seconds, bench render's --max-frame): `inf`
# once measured for ever.
MAX_SECONDS = 3600.0
SECONDS = f"seconds over 0, at most {MAX_SECONDS:g}"


def fits_seconds(value: float) -> bool:
    return 0 < value <= MAX_SECONDS
