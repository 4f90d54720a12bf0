"""`record --compare TABLE.KEY=VALUE`: the right half of an A/B film, the preset
with the keys changed, trained from the same start as the left half."""

from ..app.compare_settings import label, parts
from ..errors import bad_value
from . import overrides


def comparison(args, settings, source, name, opts, mode, points):
    """The right half of an A/B film: its animation, picture options and the two labels
    naming each half's values of the keys `--compare` changes (as the window's A/B does)."""
    from ..preset_schema import parse_setting
    from ..record.catalog import ANIMATIONS
    from ..sources import load_source
    from .render import picture_options

    changes = dict(parse_setting(text, "--compare") for text in args.compare)
    if source.preset is None:
        raise bad_value("--compare", args.compare, "a preset SOURCE (a .npz's weights are fixed)")
    if args.save_run:
        raise bad_value("--save-run", args.save_run, "one run file: not with --compare")
    compared = overrides.Settings(changes, dict.fromkeys(changes, "--compare"))
    with compared.named():
        other = load_source(args.source, changes={**settings.changes, **changes})
        animation = ANIMATIONS[name](other, opts)
    options = picture_options(
        mode, animation.net, other.dataset, points=points, boundaries=args.boundaries
    )

    return (
        animation,
        options,
        tuple(
            label(run, parts(preset, list(changes)))
            for run, preset in (("A", source.preset), ("B", other.preset))
        ),
    )
