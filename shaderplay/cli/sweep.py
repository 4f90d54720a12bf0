"""Train and draw a preset once per combination of varied settings: a contact
sheet, a table of results and every cell's network and picture.

    shaderplay sweep PRESET --vary 'KEY=V1;V2;...' [--vary 'KEY2=...'] [--steps N]
                     [--mode M] [--size WxH] [--workers N | --ray ADDRESS] -o DIR

KEY is a preset key (train.lr, network.hidden) or a shortcut's name (seed, lr,
hidden, activation, ...: what the shortcut flag sets); the values, separated by
semicolons (quote them for the shell), are read as --set reads them:

    shaderplay sweep xor --vary 'lr=0.003;0.03;0.3' --vary 'seed=0;1' --steps 2000 -o xor-lr

DIR gets sheet.png (the first KEY's values across, the second's down, the loss
under each cell), results.csv and cells/NAME.npz + cells/NAME.png. The files are
the same wherever the cells ran: --workers N local processes (default one per
core) or --ray ADDRESS (auto: the cluster of `ray start`; needs shaderplay[ray]).
Ctrl-C keeps the cells done and writes their sheet and table.
"""

from ..errors import bad_value
from ..preset_schema import parse_setting
from ..sweeps.plan import Axis
from . import overrides


def add_arguments(parser) -> None:
    parser.add_argument("preset", help="built-in preset name or .toml path")
    parser.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY=V1;V2;...",
        help="a preset key (or a shortcut's name: seed, lr, hidden, ...) and its values; "
        "twice for a grid",
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help="steps each cell trains (default: the preset's train.max_steps, else 5000)",
    )
    parser.add_argument("--mode", default=None, help="view mode of the cells (default: preset's)")
    parser.add_argument("--size", default=None, help="cell picture size WxH (default 160 wide)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None, help="local processes (default: cores)")
    where.add_argument(
        "--ray",
        default=None,
        metavar="ADDRESS",
        help="run the cells as Ray tasks: auto, ray://HEAD:10001 or local",
    )
    parser.add_argument("-o", "--output", required=True, help="the folder to write")
    overrides.add_arguments(parser, "sweep")


def parse_vary(text: str) -> Axis:
    """'KEY=V1;V2' -> an Axis; a shortcut's name sets its keys through its parser."""
    name, sep, values = text.partition("=")
    name = name.strip()
    texts = [v.strip() for v in values.split(";") if v.strip()]
    if not sep or not name or not texts:
        raise bad_value("--vary", text, "KEY=V1;V2;..., e.g. 'train.lr=0.001;0.01' or 'seed=0;1'")
    row = overrides.ROWS.get("--" + name.removeprefix("--"))
    if row is not None:
        flag = f"--vary {name}"
        return Axis(name, row.keys, tuple(row.parse(flag, t) for t in texts), tuple(texts))
    if "." not in name:
        shortcuts = ", ".join(r.removeprefix("--") for r in overrides.ROWS)
        raise bad_value("--vary", name, f"a preset key table.key, or one of {shortcuts}")
    typed = tuple(parse_setting(f"{name}={t}", "--vary")[1] for t in texts)
    return Axis(name, (name,), typed, tuple(texts))


def run(args) -> int:
    from ..sweeps.run import sweep

    axes = [parse_vary(text) for text in args.vary]
    settings = overrides.read(args)
    flags = dict(settings.flags)
    for a in axes:
        flags.update(dict.fromkeys(a.keys, f"--vary {a.name}"))
    with overrides.Settings(settings.changes, flags).named():
        result = sweep(
            args.preset,
            axes,
            steps=args.steps,
            changes=settings.changes,
            mode=args.mode,
            size=args.size,
            workers=args.workers,
            ray=args.ray,
            out=args.output,
        )
    failed = sum(1 for row in result.table if row["error"])
    print(
        f"wrote {result.folder / 'sheet.png'} and results.csv: {len(result.table)} cells"
        + (f", {failed} with errors (see the error column)" if failed else "")
    )
    return 0
