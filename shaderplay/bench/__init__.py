"""Throughput benchmarks, one module per kind, run by `shaderplay bench KIND`.

Each module has `add_arguments(parser)` and `run(args) -> int` (like the CLI
commands) and is registered with one line in shaderplay/cli/bench.py.
Figures are ratios against a baseline measured side by side in the same run,
never absolute thresholds.
"""
