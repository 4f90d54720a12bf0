"""What a view mode's colours mean, as data a key beside the picture is drawn from:
a range of values through the colormap (what the values are, and where the range
comes from), class colours, RGB channels, the line colours of the boundaries, and
the picture's own layout (a mosaic's tile labels, `side`'s two halves, the
representation plot's axes). legend.py draws it with Pillow beside a picture,
app/canvas_legend.py with imgui over a band of the canvas."""

from dataclasses import dataclass

from . import colormaps
from .spec import NetworkSpec

RGB = tuple[float, float, float]
RANGED = ("map", "rgb", "tiles")  # colour pass kinds that map values through a range
PRIMARIES = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


@dataclass(frozen=True)
class Legend:
    shows: str  # what the values are
    kind: str  # the colour pass kind: map, rgb, classes, hash, tiles or plot
    # The values at the colormap's two ends (each RGB channel's, for rgb); None where the
    # colours are not a range (classes, hash, plot) or no picture has set it yet (`source`).
    range: tuple[float, float] | None
    source: str  # where the range comes from ("" without one)
    swatches: tuple[tuple[str, RGB], ...] = ()  # classes or RGB channels: label, colour
    lines: tuple[tuple[str, RGB], ...] = ()  # boundaries drawn: hidden layer, line colour
    note: str = ""  # a second line: what defines the colours where that needs saying
    tiles: tuple[str, ...] = ()  # the mosaic's tile labels ("L:N"), in tile order
    halves: tuple[str, str] = ()  # labels of a side-by-side picture's two halves
    axes: tuple[str, str] = ()  # the plot's x and y axis names
    box: tuple[float, float, float, float] | None = None  # the plot's (xmin, xmax, ymin, ymax)
    colormap: str = ""  # the map the picture was drawn with (set by the renderer)
    points: tuple[tuple[str, RGB | None], ...] = ()  # data points drawn: their colours

    @property
    def centred(self) -> bool:
        """0 sits in the middle of the range (a diverging map's convention)."""
        return self.range is not None and self.range[0] == -self.range[1]


HALF_NAMES = {"output": "prediction", "target": "target"}
# Hidden activations whose on/off pattern (the sign of the pre-activation) is a linear
# region of the network: piecewise linear with one kink at 0.
PIECEWISE_LINEAR = ("relu", "leaky_relu", "linear")


def region_kind(spec: NetworkSpec) -> tuple[str, str]:
    """(what the regions mode's colours are, what defines them) for this network: linear
    regions where every hidden activation is piecewise linear with its kink at 0, else
    the cells of one sign pattern of the hidden pre-activations, which a smooth
    activation does not make linear."""
    curved = sorted(set(spec.activations) - set(PIECEWISE_LINEAR))
    if not curved:
        return "linear regions", "on/off patterns of the ReLU-like hidden units"
    return "sign-pattern cells", (
        f"signs of the hidden pre-activations; {', '.join(curved)} "
        f"{'is' if len(curved) == 1 else 'are'} smooth: no linear regions"
    )


def legend_of(mode, args, spec, pre: bool, value_range, auto_range=None) -> Legend:
    """Mode.legend: the row's `shows`, its range rule (`auto_range`: the range a picture
    set, for rules that take it from the picture) and its colour kind."""
    named = mode.named(args)
    kind = mode.shown_kind(spec)
    counted, note = mode.counts(spec) if mode.counts else ("", "")
    shows = mode.shows.format(**named, counted=counted)
    if pre and "pre" in mode.options:
        shows += ", before its activation"
    shown_range, source = None, ""
    if kind in RANGED:
        if value_range is not None:
            shown_range, source = (float(value_range[0]), float(value_range[1])), "given"
        else:
            shown_range = mode.default_range(args, spec, pre) or auto_range
            source = mode.value_range.source(named, spec, pre)
    swatches = ()
    if kind == "classes":
        classes = colormaps.palette(colormaps.CLASS_COLOURS, max(spec.n_out, 2))
        swatches = tuple((f"class {k}", _rgb(c)) for k, c in enumerate(classes))
    elif kind == "rgb":
        swatches = tuple((f"output {k}", PRIMARIES[k]) for k in range(min(spec.n_out, 3)))
    lines = ()
    if mode.boundaries:
        lines = layer_lines(len(spec.hidden), spec.depth)
    tiles = ()
    if kind == "tiles":
        tiles = tuple(f"{i}:{u}" for i, n in enumerate(spec.hidden) for u in range(n))
    halves = tuple(HALF_NAMES.get(h, h) for h in mode.halves) if mode.halves else ()
    axes = ()
    if mode.plot:
        when = ", before activation" if pre else ""
        axes = tuple(f"layer {named['layer']} neuron {named[a]}{when}" for a in ("a", "b"))
        note = "dots: the data, coloured by target; lines: a grid of the input carried there"
    return Legend(shows, kind, shown_range, source, swatches, lines, note, tiles, halves, axes)


def point_key(n_classes: int) -> tuple[tuple[str, RGB | None], ...]:
    """What the data points' colours mean (gpu/overlays.point_colours): a class colour
    each for classification, the target's value through viridis (0..1) otherwise."""
    if not n_classes:
        return (("coloured by target value, viridis 0..1", None),)
    colours = colormaps.palette(colormaps.CLASS_COLOURS, n_classes)
    return tuple((f"class {k}", _rgb(c)) for k, c in enumerate(colours))


def layer_lines(layers: int, depth: int) -> tuple[tuple[str, RGB], ...]:
    """The boundary line colours of the first `layers` weight layers, labelled as the
    View tab's boxes (L1, L2, ...; "out" for the output layer)."""
    colours = colormaps.palette(colormaps.LAYER_COLOURS, depth)[:layers]
    return tuple(("out" if i == depth - 1 else f"L{i + 1}", _rgb(c)) for i, c in enumerate(colours))


def _rgb(colour) -> RGB:
    return (float(colour[0]), float(colour[1]), float(colour[2]))
