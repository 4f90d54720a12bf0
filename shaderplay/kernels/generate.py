"""Kernels written from table rows: a dispatch with one branch per row, generated as
source the way the shaders' feature and activation switches are (gpu/source.py), so a
new row needs no hand-written branch.

`switch` compiles `def name(code, ...)` whose body is `if code == k: <case k>` for each
case and `else: <default>`. numba caches a function by its source file and a generated
one has none, so it is compiled uncached and inlined at numba IR level into its cached
callers; their cache stamp (kernels/cache.py) covers the table it was generated from,
since the caller's module imports it.
"""

from numba import njit

from .jit import OPTIONS


def _indent(body: str, depth: int) -> list[str]:
    return ["    " * depth + line for line in body.splitlines()]


def switch_source(name: str, params: str, cases, default: str) -> str:
    """The source of the dispatch: `cases` are (code, body) pairs, bodies as unindented text."""
    lines = [f"def {name}({params}):"]
    for n, (code, body) in enumerate(cases):
        lines.append(f"    {'if' if n == 0 else 'elif'} code == {int(code)}:")
        lines += _indent(body, 2)
    if lines[1:]:
        lines.append("    else:")
        lines += _indent(default, 2)
    else:
        lines += _indent(default, 1)
    return "\n".join(lines) + "\n"


def switch(name: str, params: str, cases, default: str, env: dict):
    """Compile `switch_source(...)` with the globals `env`, as an inlined kernel."""
    namespace = dict(env)
    exec(compile(switch_source(name, params, cases, default), f"<{name}>", "exec"), namespace)
    return njit(inline="always", **{**OPTIONS, "cache": False})(namespace[name])
