"""The table of view modes: what each computes per pixel and how it is shown.

A mode string is a name with ':'-separated integer arguments, e.g.
"neuron:1:3" (weight layer 1, unit 3); arguments left out take the mode's
defaults, 0 unless it says otherwise, so a bare "neuron" is "neuron:0:0"
(presets give layer and neuron as fields) and a bare "representation" plots
neurons 0 and 1 of layer 0 (not neuron 0 against itself). Layers count weight layers from 0:
hidden layer i is weight layer i, the output layer is the last.
`values()` returns a mode's raw per-pixel numbers (`channels` of them);
`kind` says how the colour pass shows them:
  auto     1 channel through the colormap, 2-3 as RGB, more as classes
  map      channel 0 through the colormap
  classes  (class, confidence) as class colours
  hash     a region hash as a pseudo-random colour
  tiles    colormap of channel 0, gaps where channel 1 < 0
  plot     drawn directly (representation: points and lines, values are RGB)
Overlays work over any picture mode: `boundaries=` (layers or (layer, unit)
pairs whose zero sets are drawn) and `points=` (a Dataset's points).
"""

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .errors import bad_value, choose
from .spec import NetworkSpec

PRE_RANGE = (-2.0, 2.0)  # pre-activations: their sign is what matters
MAX_TARGET_CHANNELS = 4
MOSAIC_GAP = 2.0  # pixels between the mosaic's tiles


def _outputs(spec):
    return spec.n_out


@dataclass(frozen=True)
class Mode:
    name: str
    about: str
    kind: str
    entry: str | None  # fragment shader of the values pass (None: computed elsewhere)
    channels: object = _outputs  # spec -> raw values per pixel
    args: tuple[str, ...] = ()  # integer arguments after the name
    defaults: tuple[int, ...] = ()  # values of arguments left out (missing ones: 0)
    colormap: str = "viridis"  # when the caller asks for none
    evaluations: int = 1  # network evaluations per pixel (llvmpipe's loop budget)
    needs_target: bool = False


MODES = {
    m.name: m
    for m in [
        Mode(
            "output",
            "the network's outputs: 1 through a colormap, 3 as RGB, more as class colours",
            "auto",
            "output.frag.glsl",
        ),
        Mode(
            "classes",
            "class colours, fading to white where the network is unsure (discrete=True: hard colours)",
            "classes",
            "classes.frag.glsl",
            channels=lambda spec: 2,
        ),
        Mode(
            "target",
            "the target the network is trained on (target=Dataset or a function of points)",
            "auto",
            None,
            needs_target=True,
        ),
        Mode(
            "error",
            "|prediction - target| per output",
            "auto",
            "error.frag.glsl",
            colormap="magma",
            needs_target=True,
        ),
        Mode(
            "side",
            "prediction (left) and target (right) side by side",
            "auto",
            None,
            needs_target=True,
        ),
        Mode(
            "neuron",
            "one neuron's field, after its activation (pre=True: before)",
            "map",
            "neuron.frag.glsl",
            channels=lambda spec: 1,
            args=("layer", "neuron"),
            colormap="diverging",
        ),
        Mode(
            "boundaries",
            "the output with every hidden neuron's zero set drawn, coloured by layer",
            "auto",
            "output.frag.glsl",
        ),
        Mode(
            "depth",
            "the output layer reading hidden layer LAYER instead of the last (equal widths)",
            "auto",
            "output.frag.glsl",
            args=("layer",),
        ),
        Mode(
            "regions",
            "linear regions: one colour per pattern of active hidden neurons",
            "hash",
            "regions.frag.glsl",
            channels=lambda spec: 1,
        ),
        Mode(
            "gradient",
            "|d output / d(x, y)| of output OUTPUT (values: magnitude, d/dx, d/dy)",
            "map",
            "gradient.frag.glsl",
            channels=lambda spec: 3,
            args=("output",),
            colormap="magma",
            evaluations=4,
        ),
        Mode(
            "mosaic",
            "every hidden neuron's field in its own tile (values: field, neuron index or -1)",
            "tiles",
            "mosaic.frag.glsl",
            channels=lambda spec: 2,
            colormap="diverging",
        ),
        Mode(
            "representation",
            "data points and a grid of the input carried to layer LAYER, plotted on "
            "neurons A and B of that layer",
            "plot",
            None,
            channels=lambda spec: 3,
            args=("layer", "a", "b"),
            defaults=(0, 0, 1),
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
        raise bad_value("mode", text, f"{form(mode)} ({mode.about})")
    defaults = mode.defaults + (0,) * (len(mode.args) - len(mode.defaults))
    return mode, args + defaults[len(args) :]


def form(mode: Mode) -> str:
    return ":".join((mode.name,) + tuple(a.upper() for a in mode.args))


def check_args(mode: Mode, args: tuple[int, ...], spec: NetworkSpec) -> None:
    """Arguments that exist in this network, else one clear error."""
    named = dict(zip(mode.args, args))
    hidden = len(spec.hidden)
    if mode.name == "depth":
        k = named["layer"]
        if not 0 <= k < hidden:
            raise bad_value("mode depth: LAYER", k, f"a hidden layer 0..{hidden - 1}")
        if spec.hidden[k] != spec.hidden[-1]:
            raise bad_value(
                "mode depth: LAYER",
                k,
                f"a hidden layer as wide as the last one "
                f"({spec.hidden[-1]}); layer {k} has {spec.hidden[k]}",
            )
    elif "layer" in named:
        layer = named["layer"]
        if not 0 <= layer < spec.depth:
            raise bad_value(
                f"mode {mode.name}: LAYER", layer, f"a weight layer 0..{spec.depth - 1}"
            )
        width = spec.sizes[layer + 1]
        for name in ("neuron", "a", "b"):
            if name in named and not 0 <= named[name] < width:
                raise bad_value(
                    f"mode {mode.name}: {name.upper()}",
                    named[name],
                    f"a unit 0..{width - 1} of layer {layer}",
                )
    if mode.name == "gradient" and not 0 <= named["output"] < spec.n_out:
        raise bad_value("mode gradient: OUTPUT", named["output"], f"an output 0..{spec.n_out - 1}")
    if mode.name in ("regions", "mosaic", "boundaries") and not hidden:
        raise bad_value("mode", mode.name, "a network with hidden layers for this mode")
    if mode.needs_target and spec.n_out > MAX_TARGET_CHANNELS and mode.name != "target":
        raise bad_value("mode", mode.name, f"networks of at most {MAX_TARGET_CHANNELS} outputs")


def mosaic_tiles(spec: NetworkSpec) -> tuple[int, int]:
    """(columns, rows) of the mosaic: one tile per hidden neuron, as square as it goes."""
    return mosaic_tiles_of(spec.hidden)


def mosaic_tiles_of(hidden) -> tuple[int, int]:
    """mosaic_tiles for hidden layer widths."""
    neurons = sum(hidden)
    cols = int(np.ceil(np.sqrt(neurons)))
    return cols, -(-neurons // cols)


def shown_kind(mode: Mode, spec: NetworkSpec) -> str:
    """The colour pass kind, "auto" resolved by the number of outputs."""
    if mode.kind != "auto":
        return mode.kind
    if spec.n_out == 1:
        return "map"
    return "rgb" if spec.n_out <= 3 else "classes"


def default_range(
    mode: Mode, args: tuple[int, ...], spec: NetworkSpec, pre: bool = False
) -> tuple[float, float]:
    """Values shown as the two ends of the colormap when the caller gives none."""
    if mode.name == "error":
        return 0.0, 1.0
    if mode.name == "neuron":
        if pre:
            return PRE_RANGE
        return _shown_range(spec.layer_activations[args[0]], (-1.0, 1.0))
    if mode.name == "mosaic":
        acts = set(spec.activations)
        if len(acts) != 1:
            return (-1.0, 1.0)
        act = acts.pop()
        return _shown_range(act, (-1.0, 1.0), one_sided=True)
    return _shown_range(spec.output_activation, (0.0, 1.0))


def _shown_range(activation: str, otherwise, one_sided: bool = False) -> tuple[float, float]:
    """A bounded activation's whole range; with `one_sided`, (0, 1) for one whose values are
    >= 0 (ReLU: 0, a neuron that is off, sits at the map's low end and a dead neuron is a
    flat tile of it); else `otherwise`."""
    row = ACTIVATIONS[activation]
    if row.bounded:
        return row.lo, row.hi
    if one_sided and row.lo == 0.0:
        return 0.0, 1.0
    return otherwise
