"""The table of view modes: what each values pass computes and how it is shown.

A mode string is a name, optionally with ':'-separated integer arguments
(e.g. "neuron:1:3" in later modes); `parse_mode` checks it against the table.
"""

from dataclasses import dataclass
from typing import Callable

from ..errors import bad_value, choose
from ..spec import NetworkSpec

# Output activation -> the value range a picture maps to [0, 1] by default.
BOUNDED = {"sigmoid": (0.0, 1.0), "gaussian": (0.0, 1.0), "tanh": (-1.0, 1.0), "sin": (-1.0, 1.0),
           "softsign": (-1.0, 1.0)}


@dataclass(frozen=True)
class Mode:
    name: str
    entry: str  # fragment shader (shaders/) of the values pass
    about: str
    channels: Callable[[NetworkSpec], int]  # raw values per pixel
    args: tuple[str, ...] = ()  # names of the integer arguments after the name


MODES = {m.name: m for m in [
    Mode("output", "output.frag.glsl", "the network's outputs: 1 through a colormap, 3 as RGB",
         lambda spec: spec.n_out),
]}


def parse_mode(text: str) -> tuple[Mode, tuple[int, ...]]:
    """"name[:arg[:arg]]" -> (Mode, integer arguments)."""
    parts = str(text).split(":")
    mode = MODES[choose("mode", parts[0], MODES)]
    try:
        args = tuple(int(p) for p in parts[1:])
    except ValueError:
        args = None
    if args is None or len(args) != len(mode.args):
        form = ":".join((mode.name,) + tuple(a.upper() for a in mode.args))
        raise bad_value("mode", text, f"{form} ({mode.about})")
    return mode, args


def default_range(spec: NetworkSpec) -> tuple[float, float]:
    """Values shown as the two ends of a colormap: the output activation's range, else [0, 1]."""
    return BOUNDED.get(spec.output_activation, (0.0, 1.0))
