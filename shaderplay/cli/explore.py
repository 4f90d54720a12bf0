"""The articles' findings, each reproduced by one command: a gallery of recipes.

    shaderplay explore                      list the recipes
    shaderplay explore NAME -o DIR          make one (a sweep, a render or a recording)
    shaderplay explore --all -o DIR [--quick]
                                            make them all, and DIR/index.html showing each
                                            picture with its finding and its command

--quick adds each recipe's quick options (small pictures, few steps) for a fast
look. A recipe that fails is shown failed on the page; the others still run
(exit status 1 when any failed).
"""

import sys
import textwrap
from pathlib import Path

from ..errors import bad_value
from ..gallery.page import write_page
from ..gallery.recipes import recipe, recipes
from . import main


def add_arguments(parser) -> None:
    parser.add_argument("name", nargs="?", help="a recipe (see `shaderplay explore`)")
    parser.add_argument("--all", action="store_true", help="make every recipe and index.html")
    parser.add_argument("-o", "--output", type=Path, help="the folder to write into")
    parser.add_argument(
        "--quick", action="store_true", help="small pictures and few steps, for a fast look"
    )


def _list(found) -> int:
    width = max(map(len, found))
    for name, r in found.items():
        print(f"{name:<{width}}  {r.kind:<6}  {r.title}")
    print("\nshaderplay explore NAME -o DIR makes one; --all -o DIR makes all and index.html")
    return 0


def _make(recipe, folder: Path, quick: bool) -> str | None:
    """Run one recipe into `folder`: None when made, else why not."""
    print(f"\n== {recipe.name}: {recipe.title}\n   {recipe.shown(quick)}", file=sys.stderr)
    status = main(recipe.argv(folder, quick))
    if status != 0:
        return f"`{recipe.shown(quick)}` ended with status {status} (its message is above)"
    if not recipe.picture(folder).is_file():
        return f"{recipe.picture(folder)} was not written"
    return None


def run(args) -> int:
    if args.name is None and not args.all:
        return _list(recipes())
    if args.name is not None and args.all:
        raise bad_value("--all", True, "either a recipe NAME or --all, not both")
    if args.output is None:
        raise bad_value("-o/--output", None, "a folder to write into, e.g. -o gallery")
    if args.output.exists() and not args.output.is_dir():
        raise bad_value("-o/--output", str(args.output), "a folder (this is a file)")
    chosen = list(recipes().values()) if args.all else [recipe(args.name)]
    args.output.mkdir(parents=True, exist_ok=True)
    made = {r: _make(r, args.output, args.quick) for r in chosen}
    for r, error in made.items():
        where = r.picture(args.output)
        print(f"{r.name}: " + (f"FAILED: {error}" if error else f"wrote {where}"))
        if not args.all:
            print(textwrap.fill(f"Look for: {r.look}", 88, subsequent_indent="  "))
    if args.all:
        print(f"wrote {write_page(args.output, made, args.quick)}")
    return 1 if any(made.values()) else 0
