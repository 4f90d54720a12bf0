"""What a view mode's colours mean, as data a key beside the picture is drawn from:
a range of values through the colormap (what the values are, and where the range
comes from), class colours, RGB channels, or the line colours of the boundaries."""

from dataclasses import dataclass

from . import colormaps

RGB = tuple[float, float, float]
RANGED = ("map", "rgb", "tiles")  # colour pass kinds that map values through a range
PRIMARIES = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


@dataclass(frozen=True)
class Legend:
    shows: str  # what the values are
    kind: str  # the colour pass kind: map, rgb, classes, hash, tiles or plot
    # The values at the colormap's two ends (each RGB channel's, for rgb); None where the
    # colours are not a range (classes, hash, plot) or each picture sets it (`source`).
    range: tuple[float, float] | None
    source: str  # where the range comes from ("" without one)
    swatches: tuple[tuple[str, RGB], ...] = ()  # classes or RGB channels: label, colour
    lines: tuple[tuple[str, RGB], ...] = ()  # boundaries drawn: hidden layer, line colour


def legend_of(mode, args, spec, pre: bool, value_range) -> Legend:
    """Mode.legend: the row's `shows`, its range rule and its colour kind."""
    named = mode.named(args)
    kind = mode.shown_kind(spec)
    shows = mode.shows.format(**named)
    if pre and "pre" in mode.options:
        shows += ", before its activation"
    shown_range, source = None, ""
    if kind in RANGED:
        if value_range is not None:
            shown_range, source = (float(value_range[0]), float(value_range[1])), "given"
        else:
            shown_range = mode.default_range(args, spec, pre)
            source = mode.value_range.source(named, spec, pre)
    swatches = ()
    if kind == "classes":
        classes = colormaps.palette(colormaps.CLASS_COLOURS, max(spec.n_out, 2))
        swatches = tuple((f"class {k}", _rgb(c)) for k, c in enumerate(classes))
    elif kind == "rgb":
        swatches = tuple((f"output {k}", PRIMARIES[k]) for k in range(min(spec.n_out, 3)))
    lines = ()
    if mode.boundaries:
        colours = colormaps.palette(colormaps.LAYER_COLOURS, spec.depth)[: len(spec.hidden)]
        lines = tuple((f"layer {i + 1}", _rgb(c)) for i, c in enumerate(colours))
    return Legend(shows, kind, shown_range, source, swatches, lines)


def _rgb(colour) -> RGB:
    return (float(colour[0]), float(colour[1]), float(colour[2]))
