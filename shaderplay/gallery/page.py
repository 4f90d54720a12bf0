"""The gallery's static page: every recipe's picture or film with its title,
the finding it shows (quoted, with its source), what to look for, and the
command that makes it. Paths are relative, so the folder can be moved or served
as it is."""

from html import escape
from pathlib import Path

from .. import checks
from .recipes import Recipe

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em;
       color: #1c1c1c; }
section { margin: 2.5em 0; border-top: 1px solid #ddd; padding-top: 1em; }
blockquote { margin: 0.6em 0; padding-left: 1em; border-left: 3px solid #999; color: #444; }
img { max-width: 100%; image-rendering: pixelated; border: 1px solid #ccc; }
pre { background: #f4f4f4; padding: 0.6em; overflow-x: auto; white-space: pre-wrap; }
.failed { color: #b22; }
"""


def _section(recipe: Recipe, folder: Path, error: str | None, quick: bool) -> str:
    picture = recipe.picture(folder).relative_to(folder).as_posix()
    if error is None:
        shown = f'<img src="{escape(picture)}" alt="{escape(recipe.title)}">'
    else:
        shown = f'<p class="failed">Not made: {escape(error)}</p>'
    return f"""<section id="{escape(recipe.name)}">
<h2>{escape(recipe.title)}</h2>
<blockquote>{escape(recipe.finding)}<br>— {escape(recipe.source)}</blockquote>
{shown}
<p><b>Look for:</b> {escape(recipe.look)}</p>
<pre>{escape(recipe.shown(quick))}</pre>
</section>"""


def write_page(folder, made: dict[Recipe, str | None], quick: bool = False) -> Path:
    """DIR/index.html for the recipes run into `folder`: each with its picture, or
    the error (a string) that kept it from being made."""
    folder = Path(folder)
    sections = "\n".join(_section(r, folder, error, quick) for r, error in made.items())
    scale = " (quick: small pictures, few steps)" if quick else ""
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>shaderplay gallery</title><style>{STYLE}</style></head>
<body>
<h1>shaderplay gallery{escape(scale)}</h1>
<p>Findings of the articles shaderplay grew from, each made by the command under it
(run it in this folder to make it again; <code>shaderplay explore NAME -o DIR</code> does).</p>
{sections}
</body></html>
"""
    page = folder / "index.html"
    with checks.atomic_file(page, "index.html", "w", encoding="utf-8") as fh:
        fh.write(html)
    return page
