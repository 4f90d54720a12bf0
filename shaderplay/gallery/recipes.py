"""Gallery recipes: one small TOML file per finding in assets/gallery/, named by
its stem:

    title = "Depth: the same network read after more layers"
    finding = "deeper networks can capture a greater level of complexity ..."
    source = "Tyler Neylon, A Visual Exploration of Random Neural Networks"
    look = "what to look for in the picture"
    command = ["sweep", "neylon", "--vary", "view.mode=depth:0;depth:26"]
    quick = ["--size", "64x64"]      # added for a fast look (explore --quick)

`command` is a shaderplay command line without its output; the kind of command
says what it makes (KINDS): a sweep a folder whose sheet.png is shown, a
render a PNG, a recording a GIF.
"""

import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import ShaderplayError, bad_value, choose
from ..resources import asset_dir

# command -> (what -o names: a folder "" or a file suffix, the picture shown inside a folder)
KINDS = {"sweep": ("", "sheet.png"), "render": (".png", ""), "record": (".gif", "")}
TEXTS = ("title", "finding", "source", "look")


@dataclass(frozen=True)
class Recipe:
    name: str
    title: str
    finding: str  # the article's words
    source: str  # which article
    look: str  # what to look for
    command: tuple[str, ...]  # after `shaderplay`, without -o
    quick: tuple[str, ...] = ()  # options added for a quick look

    @property
    def kind(self) -> str:
        return self.command[0]

    def output(self, folder) -> Path:
        """What the command's -o names inside `folder`."""
        return Path(folder) / f"{self.name}{KINDS[self.kind][0]}"

    def picture(self, folder) -> Path:
        """The file the page shows."""
        inside = KINDS[self.kind][1]
        return self.output(folder) / inside if inside else self.output(folder)

    def argv(self, folder, quick: bool = False) -> list[str]:
        return [*self.command, *(self.quick if quick else ()), "-o", str(self.output(folder))]

    def shown(self, quick: bool = False) -> str:
        """The command as a user types it, writing beside the page."""
        return shlex.join(["shaderplay", *self.argv(".", quick)])


def gallery_dir() -> Path:
    return asset_dir() / "gallery"


def _words(path: Path, data: dict, key: str, text: bool) -> str | tuple[str, ...]:
    value = data.get(key, "" if text else [])
    ok = isinstance(value, str) if text else all(isinstance(v, str) for v in value)
    if not ok or (text and not value.strip()):
        kind = "a non-empty string" if text else "a list of strings"
        raise bad_value(f"{path.name}: {key}", value, kind)
    return value if text else tuple(value)


def read_recipe(path) -> Recipe:
    """One recipe file, checked: its texts, and a command of a kind in KINDS."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ShaderplayError(f"gallery recipe {path}: cannot read it ({exc})") from None
    unknown = sorted(set(data) - {*TEXTS, "command", "quick"})
    if unknown:
        raise bad_value(f"{path.name}", unknown, f"the keys {', '.join(TEXTS)}, command, quick")
    command = _words(path, data, "command", text=False)
    if not command:
        raise bad_value(f"{path.name}: command", [], "a shaderplay command line")
    choose(f"{path.name}: command", command[0], tuple(KINDS))
    texts = {key: _words(path, data, key, text=True) for key in TEXTS}
    return Recipe(path.stem, **texts, command=command, quick=_words(path, data, "quick", False))


def recipes() -> dict[str, Recipe]:
    """Every built-in recipe by name, in name order."""
    return {p.stem: read_recipe(p) for p in sorted(gallery_dir().glob("*.toml"))}


def recipe(name: str) -> Recipe:
    known = recipes()
    return known[choose("recipe", name, tuple(known))]
