"""Shader assembly: the real .glsl files in shaders/, joined by a small
`#include "file.glsl"` resolver, after a header of #defines that Python
fills from the spec (sizes, offsets, activations, features, storage path).

Pure string work, testable without a GPU. `#line` directives make driver messages point at real
files. GLSL 3.30 has no file names, only a source number, and Mesa prints 0
whatever it is, so file k's lines are numbered from k * LINE_BLOCK + 1: the
line number alone says file and line. `explain_compile_error` turns them
back into file:line plus a numbered excerpt.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import activations, features
from ..errors import ShaderplayError
from ..resources import shader_dir
from ..spec import NetworkSpec
from .layout import GpuLayout

GLSL_VERSION = "#version 330 core"
HEADER_NAME = "<defines>"
MIN_STATE4 = 64
LINE_BLOCK = 10000  # file k's line n is reported as k * LINE_BLOCK + n
_INCLUDE = re.compile(r'^\s*#include\s+"([^"]+)"\s*$')
# Driver log lines: Mesa "0:12(5): error: ...", NVIDIA "0(12) : error C1008: ...",
# AMD/Intel "ERROR: 0:12: ...".
_LOG_LINE = re.compile(r"^\s*(?:ERROR:\s*|WARNING:\s*)?(\d+)[:(](\d+)\)?(?:\(\d+\))?\s*:?\s*(.*)$")


@dataclass(frozen=True)
class ShaderSource:
    text: str
    files: tuple[tuple[str, str], ...]  # (name, text) by #line source number; 0 is the header

    def excerpt(self, number: int, line: int, context: int = 2) -> str:
        """Numbered lines around `line` (1-based) of source `number`, the line itself marked."""
        if not 0 <= number < len(self.files):
            return ""
        lines = self.files[number][1].splitlines()
        lo, hi = max(1, line - context), min(len(lines), line + context)
        return "\n".join(
            f"{'>' if n == line else ' '} {n:4d} | {lines[n - 1]}" for n in range(lo, hi + 1)
        )


def _read(root: Path, name: str, parent: str) -> str:
    path = root / name
    if not path.is_file():
        where = f" (included from {parent})" if parent else ""
        raise ShaderplayError(f"shader file {name}{where}: not found in {root}")
    return path.read_text(encoding="utf-8")


def assemble(entry: str, defines: dict, root=None) -> ShaderSource:
    """`#version`, the #define header, then `entry` with its includes resolved (each file once)."""
    root = Path(root) if root is not None else shader_dir()
    header = "".join(f"#define {k} {v}\n" for k, v in defines.items())
    files = [(HEADER_NAME, header)]
    out = [GLSL_VERSION, "#line 1 0", header.rstrip("\n")]
    seen = set()

    def emit(name: str, parent: str):
        if name in seen:
            return
        seen.add(name)
        text = _read(root, name, parent)
        number = len(files)
        files.append((name, text))
        base = number * LINE_BLOCK
        out.append(f"#line {base + 1} {number}")
        for lineno, line in enumerate(text.splitlines(), 1):
            m = _INCLUDE.match(line)
            if m:
                emit(m.group(1), name)
                out.append(f"#line {base + lineno + 1} {number}")
            else:
                out.append(line)

    emit(entry, "")
    return ShaderSource("\n".join(out) + "\n", tuple(files))


# --- what the network shaders need from the spec ----------------------------------


def _feature_expr(name: str) -> str:
    family, k = features.parse(name)
    if family == "fixed":
        return f"{features.FEATURES[name].glsl}(p)"
    return {"fsin": f"sp_fsin({k}, p)", "fcos": f"sp_fcos({k}, p)", "z": f"sp_latent({k})"}[family]


def input_code(spec: NetworkSpec) -> str:
    """Statements filling sp_h[] with the features of point p, four to a vec4 (zero padded)."""
    exprs = [_feature_expr(f) for f in spec.features]
    exprs += ["0.0"] * (-len(exprs) % 4)
    return " ".join(
        f"sp_h[{g}] = vec4({', '.join(exprs[4 * g : 4 * g + 4])});" for g in range(len(exprs) // 4)
    )


def activate_cases(spec: NetworkSpec) -> str:
    used = {activations.ACTIVATIONS[a] for a in spec.layer_activations}
    return " ".join(
        f"case {a.code}: return {a.glsl}(z);" for a in sorted(used, key=lambda a: a.code)
    )


def network_defines(spec: NetworkSpec, layout: GpuLayout, unroll: int) -> dict:
    def ints(name):
        return ", ".join(str(getattr(layer, name)) for layer in layout.layers)

    # State arrays of fewer than ~48 vec4s made llvmpipe compile seconds longer (and run
    # no faster) than 64: measured, see shaderplay/bench/render.py. Unused entries cost nothing.
    defines = {
        "SP_LAYERS": len(layout.layers),
        "SP_MAX4": max(layout.max4, MIN_STATE4),
        "SP_UNROLL": unroll,
    }
    for name in ("in4", "out4", "w", "b", "act", "norm", "gamma", "beta", "mean", "var"):
        defines["SP_" + name.upper()] = ints(name)
    defines["SP_NOUT"] = ints("n_out")
    defines["SP_FOURIER"] = layout.fourier
    defines["SP_LATENT"] = layout.latent
    defines["SP_ACTIVATE_CASES"] = activate_cases(spec)
    defines["SP_INPUT"] = input_code(spec)
    return defines


@lru_cache(maxsize=64)
def network_source(
    entry: str,
    spec: NetworkSpec,
    unroll: int,
    storage: tuple,
    extra: tuple = (),
    root: str | None = None,
) -> ShaderSource:
    """Cached per (entry, spec, storage defines, extra defines): a new weight upload
    never reassembles."""
    defines = network_defines(spec, GpuLayout.of(spec), unroll)
    defines.update(storage)
    defines.update(extra)
    return assemble(entry, defines, root)


# --- driver messages back to files --------------------------------------------------


def explain_compile_error(message: str, sources: dict, driver: str = "") -> ShaderplayError:
    """A driver's compile/link log -> one error naming file:line with numbered excerpts.

    `sources` maps moderngl's stage names ("vertex_shader", "fragment_shader")
    to the ShaderSource compiled for it.
    """
    stage = next((s for s in sources if s in message), next(iter(sources)))
    src = sources[stage]
    first, excerpts = None, []
    for raw in message.splitlines():
        m = _LOG_LINE.match(raw)
        if not m or "error" not in raw.lower():
            continue
        number, line, text = int(m.group(1)), int(m.group(2)), m.group(3).strip()
        if line > LINE_BLOCK:
            number, line = divmod(line, LINE_BLOCK)
        name = src.files[number][0] if number < len(src.files) else f"source {number}"
        if first is None:
            first = f"{name}:{line}: {text}"
        if len(excerpts) < 3:
            excerpts.append(f"{name}:{line}: {text}\n{src.excerpt(number, line)}")
    if first is None:
        log = " ".join(message.split())[:600]
        return ShaderplayError(
            f"shader compile failed ({stage.replace('_', ' ')}{', ' + driver if driver else ''}): "
            f"{log}. The previous program stays in use."
        )
    body = "\n".join(excerpts)
    return ShaderplayError(
        f"shader compile failed at {first} ({stage.replace('_', ' ')}"
        f"{', ' + driver if driver else ''}); the previous program stays in use.\n{body}"
    )
