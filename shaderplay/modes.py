"""The table of view modes: what each computes per pixel and how it is shown.

A mode string is a name with ':'-separated integer arguments, e.g.
"neuron:1:3" (weight layer 1, unit 3); arguments left out take the mode's
defaults, 0 unless it says otherwise, so a bare "neuron" is "neuron:0:0"
(presets give layer and neuron as fields) and a bare "representation" plots
neurons 0 and 1 of layer 0 (not neuron 0 against itself). Layers count weight layers from 0:
hidden layer i is weight layer i, the output layer is the last.

Each row carries everything about its mode: the fragment shader of its values
pass and the uniforms it sets, its argument checks, its value range and
legend, its CPU function (a name in cpu/modes.CPU_MODES) and its flags. The
renderer, the CPU path, the window, the CLI and the recorder ask the row; a
new mode is a row here, shaders/NAME.frag.glsl and, optionally, a CPU function.

`values()` returns a mode's raw per-pixel numbers (`channels` of them);
`kind` says how the colour pass shows them:
  auto     1 channel through the colormap, 2-3 as RGB, more as classes
  map      channel 0 through the colormap
  classes  (class, confidence) as class colours
  hash     a region hash as a pseudo-random colour
  tiles    colormap of channel 0, gaps where channel 1 < 0
  plot     drawn directly (representation: points and lines, values are RGB)
Overlays work over any picture mode that shows them: `boundaries=` (layers or
(layer, unit) pairs whose zero sets are drawn) and `points=` (a Dataset's points).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .errors import bad_value, choose
from .mode_legends import Legend, legend_of, region_kind
from .mode_ranges import (
    OUTPUT_RANGE,
    Centred,
    Fixed,
    Percentile,
    RangeRule,
    hidden_activations,
    layer_activation,
    picture_range,
)
from .spec import NetworkSpec

__all__ = ["MODES", "Arg", "Legend", "Mode", "mosaic_tiles", "mosaic_tiles_of", "parse_mode"]
MAX_TARGET_CHANNELS = 4
MOSAIC_GAP = 2.0  # pixels between the mosaic's tiles
CLASSES_ENTRY = "classes.frag.glsl"  # (class, confidence) of the outputs
OVERLAYS = ("boundaries", "points")
# How a mode uses the target (the Dataset or function given as target=):
#   "points"    plots its points when given;  "field"  shows its field;
#   "compared"  shows the network's outputs against its field (as many outputs).
TARGET_USES = ("", "points", "field", "compared")


def _outputs(spec):
    return spec.n_out


def _no_uniforms(named, spec, options):
    return {}


# --- integer arguments ------------------------------------------------------------------
@dataclass(frozen=True)
class Arg:
    """An integer argument of a mode: its name and what the network allows for it
    (`allowed(value, named arguments, spec)`: None where the value exists, else what does)."""

    name: str
    allowed: Callable[[int, dict, NetworkSpec], str | None]


def _weight_layer(value, named, spec):
    return None if 0 <= value < spec.depth else f"a weight layer 0..{spec.depth - 1}"


def _unit_of_layer(value, named, spec):
    width = spec.sizes[named["layer"] + 1]
    return None if 0 <= value < width else f"a unit 0..{width - 1} of layer {named['layer']}"


def _output(value, named, spec):
    return None if 0 <= value < spec.n_out else f"an output 0..{spec.n_out - 1}"


def _hidden_as_wide_as_last(value, named, spec):
    hidden = spec.hidden
    if not 0 <= value < len(hidden):
        return f"a hidden layer 0..{len(hidden) - 1}"
    if hidden[value] != hidden[-1]:
        return (
            f"a hidden layer as wide as the last one "
            f"({hidden[-1]}); layer {value} has {hidden[value]}"
        )
    return None


LAYER = Arg("layer", _weight_layer)


# --- the row ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Mode:
    name: str
    about: str
    kind: str  # how the colour pass shows the values (see the module docstring)
    entry: str | None  # fragment shader of the values pass (None: values from elsewhere)
    shows: str  # what the values are, for the legend ({argument} fields filled in)
    channels: Callable[[NetworkSpec], int] = _outputs  # spec -> raw values per pixel
    args: tuple[Arg, ...] = ()  # integer arguments after the name
    defaults: tuple[int, ...] = ()  # values of arguments left out (missing ones: 0)
    # (named arguments, spec, render options) -> the entry's own uniforms
    uniforms_of: Callable[[dict, NetworkSpec, dict], dict] = _no_uniforms
    value_range: RangeRule = OUTPUT_RANGE  # shown as the colormap's two ends by default
    colormap: str = "viridis"  # when the caller asks for none
    evaluations: int = 1  # network evaluations per pixel (llvmpipe's loop budget)
    cpu: str | None = None  # its function in cpu/modes.CPU_MODES (None: shaders only)
    target: str = ""  # how it uses the target: one of TARGET_USES
    outputs: bool = False  # its values are every output (4 per colour attachment)
    needs_hidden: bool = False  # only for networks with hidden layers
    overlays: tuple[str, ...] = OVERLAYS  # overlay options drawn over its picture
    boundaries: bool = False  # draws every hidden layer's boundaries unless told which
    halves: tuple[str, str] | None = None  # two modes side by side (left, right)
    options: tuple[str, ...] = ()  # render options of its own ("pre")
    # (spec) -> (what its distinct values are, what defines them): render counts them
    counts: Callable[[NetworkSpec], tuple[str, str]] | None = None

    @property
    def arg_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.args)

    @property
    def form(self) -> str:
        """The mode string's form, e.g. "neuron:LAYER:NEURON"."""
        return ":".join((self.name,) + tuple(a.upper() for a in self.arg_names))

    @property
    def needs_target(self) -> bool:
        return self.target in ("field", "compared")

    @property
    def compares_target(self) -> bool:
        return self.target == "compared"

    @property
    def shows_target_field(self) -> bool:
        """Its values are the target's field itself (no network pass)."""
        return self.target == "field"

    @property
    def plot(self) -> bool:
        """Drawn as a plot of its own (points and lines), not through the colour pass."""
        return self.kind == "plot"

    def named(self, args: tuple[int, ...]) -> dict:
        return dict(zip(self.arg_names, args))

    def check(self, args: tuple[int, ...], spec: NetworkSpec) -> None:
        """Arguments that exist in this network, else one clear error."""
        named = self.named(args)
        for arg in self.args:
            allowed = arg.allowed(named[arg.name], named, spec)
            if allowed is not None:
                raise bad_value(f"mode {self.name}: {arg.name.upper()}", named[arg.name], allowed)
        if self.needs_hidden and not spec.hidden:
            raise bad_value("mode", self.name, "a network with hidden layers for this mode")
        if self.compares_target and spec.n_out > MAX_TARGET_CHANNELS:
            raise bad_value("mode", self.name, f"networks of at most {MAX_TARGET_CHANNELS} outputs")

    def uniforms(self, args: tuple[int, ...], spec: NetworkSpec, options: dict) -> dict:
        """The uniforms of its values pass (u_group, the pass's output group, aside)."""
        base = {"u_layers": spec.depth, "u_depth": 0}
        return {**base, **self.uniforms_of(self.named(args), spec, options)}

    def shown_kind(self, spec: NetworkSpec) -> str:
        """The colour pass kind, "auto" resolved by the number of outputs."""
        if self.kind != "auto":
            return self.kind
        if spec.n_out == 1:
            return "map"
        return "rgb" if spec.n_out <= 3 else "classes"

    def shown_entry(self, spec: NetworkSpec) -> str | None:
        """The values pass the colour pass shows: outputs shown as classes are the
        classes entry's (argmax and confidence), not the first four outputs."""
        if self.outputs and self.shown_kind(spec) == "classes":
            return CLASSES_ENTRY
        return self.entry

    def shown_channels(self, spec: NetworkSpec) -> int:
        """Channels of the values the colour pass reads (one RGBA texture)."""
        return 2 if self.shown_kind(spec) == "classes" else min(self.channels(spec), 4)

    def default_range(
        self, args: tuple[int, ...], spec: NetworkSpec, pre: bool = False
    ) -> tuple[float, float] | None:
        """Values shown as the two ends of the colormap when the caller gives none
        (None: set by each picture's values, see `range_of`)."""
        return self.value_range.default(self.named(args), spec, pre)

    def range_of(self, values: np.ndarray, memory=None, key=None) -> tuple[float, float]:
        """A picture-driven range from its values (..., channels): channel 0, a mosaic's
        gaps left out; steady frame to frame with a RangeMemory (mode_ranges.py)."""
        shown = values[..., 0]
        if self.kind == "tiles":
            shown = shown[values[..., 1] >= 0]
        return picture_range(self.value_range, shown, memory, key)

    def legend(
        self, args, spec: NetworkSpec, pre: bool = False, value_range=None, auto_range=None
    ) -> Legend:
        """What the picture's colours mean (`value_range`: the caller's, if any;
        `auto_range`: the range a picture took from its values, for rules that do)."""
        return legend_of(self, args, spec, pre, value_range, auto_range)


MODES = {
    m.name: m
    for m in [
        Mode(
            "output",
            "the network's outputs: 1 through a colormap, 3 as RGB, more as class colours",
            "auto",
            "output.frag.glsl",
            "the network's output",
            cpu="output",
            outputs=True,
        ),
        Mode(
            "classes",
            "class colours, fading to white where the network is unsure "
            "(discrete=True: hard colours)",
            "classes",
            CLASSES_ENTRY,
            "the most likely class, paler where the network is unsure",
            channels=lambda spec: 2,
            cpu="classes",
        ),
        Mode(
            "target",
            "the target the network is trained on (target=Dataset or a function of points)",
            "auto",
            None,
            "the target",
            target="field",
            overlays=("points",),
            cpu="target",
        ),
        Mode(
            "error",
            "|prediction - target| per output",
            "auto",
            "error.frag.glsl",
            "|prediction - target|",
            value_range=Fixed(0.0, 1.0),
            colormap="magma",
            cpu="error",
            target="compared",
        ),
        Mode(
            "side",
            "prediction (left) and target (right) side by side",
            "auto",
            None,
            "the network's output (left) and the target (right)",
            target="compared",
            halves=("output", "target"),
        ),
        Mode(
            "neuron",
            "one neuron's field, after its activation (pre=True: before)",
            "map",
            "neuron.frag.glsl",
            "neuron {neuron} of weight layer {layer}",
            channels=lambda spec: 1,
            args=(LAYER, Arg("neuron", _unit_of_layer)),
            uniforms_of=lambda named, spec, options: {
                "u_layer": named["layer"],
                "u_unit": named["neuron"],
                "u_pre": int(bool(options.get("pre"))),
            },
            value_range=Centred(layer_activation),
            colormap="diverging",
            cpu="neuron",
            options=("pre",),
        ),
        Mode(
            "boundaries",
            "the output with every hidden neuron's zero set drawn, coloured by layer",
            "auto",
            "output.frag.glsl",
            "the network's output, lines where hidden neurons change sign",
            cpu="output",
            outputs=True,
            needs_hidden=True,
            boundaries=True,
        ),
        Mode(
            "depth",
            "the output layer reading hidden layer LAYER instead of the last (equal widths)",
            "auto",
            "output.frag.glsl",
            "the output layer applied to hidden layer {layer}",
            args=(Arg("layer", _hidden_as_wide_as_last),),
            uniforms_of=lambda named, spec, options: {
                "u_layers": named["layer"] + 1,
                "u_depth": 1,
            },
            cpu="depth",
            outputs=True,
        ),
        Mode(
            "regions",
            "one colour per pattern of active hidden neurons: linear regions for ReLU-like "
            "nets, sign-pattern cells otherwise",
            "hash",
            "regions.frag.glsl",
            "{counted}: one colour per pattern",
            channels=lambda spec: 1,
            uniforms_of=lambda named, spec, options: {"u_hidden": spec.depth - 1},
            cpu="regions",
            needs_hidden=True,
            counts=region_kind,
        ),
        Mode(
            "gradient",
            "|d output / d(x, y)| of output OUTPUT (values: magnitude, d/dx, d/dy)",
            "map",
            "gradient.frag.glsl",
            "|d output {output} / d(x, y)|, per unit of the input",
            channels=lambda spec: 3,
            args=(Arg("output", _output),),
            uniforms_of=lambda named, spec, options: {"u_output": named["output"]},
            value_range=Percentile(99.0),
            colormap="magma",
            evaluations=4,
            cpu="gradient",
        ),
        Mode(
            "mosaic",
            "every hidden neuron's field in its own tile (values: field, neuron index or -1)",
            "tiles",
            "mosaic.frag.glsl",
            "every hidden neuron's value, one tile each (layer by layer, left to right)",
            channels=lambda spec: 2,
            uniforms_of=lambda named, spec, options: {
                "u_tiles": mosaic_tiles(spec),
                "u_neurons": sum(spec.hidden),
                "u_gap": MOSAIC_GAP,
            },
            value_range=Centred(hidden_activations),
            colormap="diverging",
            cpu="mosaic",
            needs_hidden=True,
            overlays=(),
        ),
        Mode(
            "representation",
            "data points and a grid of the input carried to layer LAYER, plotted on "
            "neurons A and B of that layer (pre=True: before their activation)",
            "plot",
            None,
            "the input carried to weight layer {layer}: neuron {a} (x) against neuron {b} (y)",
            channels=lambda spec: 3,
            args=(LAYER, Arg("a", _unit_of_layer), Arg("b", _unit_of_layer)),
            defaults=(0, 0, 1),
            target="points",
            options=("pre",),
        ),
    ]
}


def parse_mode(text: str) -> tuple[Mode, tuple[int, ...]]:
    """ "name[:arg[:arg]]" -> (Mode, integer arguments, missing ones from mode.defaults)."""
    parts = str(text).split(":")
    mode = MODES[choose("mode", parts[0], MODES)]
    try:
        args = tuple(int(p) for p in parts[1:])
    except ValueError:
        args = None
    if args is None or len(args) > len(mode.args):
        raise bad_value("mode", text, f"{mode.form} ({mode.about})")
    defaults = mode.defaults + (0,) * (len(mode.args) - len(mode.defaults))
    return mode, args + defaults[len(args) :]


def mosaic_tiles(spec: NetworkSpec) -> tuple[int, int]:
    """(columns, rows) of the mosaic: one tile per hidden neuron, as square as it goes."""
    return mosaic_tiles_of(spec.hidden)


def mosaic_tiles_of(hidden) -> tuple[int, int]:
    """mosaic_tiles for hidden layer widths."""
    neurons = sum(hidden)
    cols = int(np.ceil(np.sqrt(neurons)))
    return cols, -(-neurons // cols)
