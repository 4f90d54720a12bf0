"""`shaderplay explore`: every gallery recipe is a command that parses and plans,
and the page of a gallery opens in a real headless browser with every image loaded."""

import importlib
import importlib.util
import shutil

import pytest

from shaderplay.cli import COMMANDS, _build_parser, main
from shaderplay.gallery.recipes import KINDS, read_recipe, recipes
from shaderplay.sweeps.plan import plan

RECIPES = recipes()
FINDINGS = 14  # the articles' findings the gallery reproduces, at least one recipe each


def test_the_gallery_has_a_recipe_per_finding_with_its_words():
    assert len(RECIPES) >= FINDINGS
    for r in RECIPES.values():
        assert r.kind in KINDS and len(r.finding) > 30 and len(r.look) > 30 and r.source


@pytest.mark.parametrize("name", list(RECIPES))
def test_every_recipe_parses_and_plans(name, tmp_path):
    """Its command (and its quick form) parses with the command's own options; a
    sweep's cells all read as presets, so --all does not fail on a typo."""
    r = RECIPES[name]
    module = importlib.import_module(COMMANDS[r.kind][0], "shaderplay.cli")
    for quick in (False, True):
        args = _build_parser(r.kind, module).parse_args(r.argv(tmp_path, quick)[1:])
        if r.kind == "sweep":
            from shaderplay.cli.overrides import read
            from shaderplay.cli.sweep import parse_vary

            settings = read(args)
            cells = plan(
                args.preset,
                [parse_vary(v) for v in args.vary],
                settings.changes,
                args.steps,
                args.mode,
                args.size,
            ).cells
            assert cells


def test_explore_lists_every_recipe(capsys):
    assert main(["explore"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in RECIPES)


def test_a_bad_recipe_file_names_its_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('title = "t"\nfinding = "f"\nsource = "s"\nlook = "l"\ncommand = ["paint"]\n')
    with pytest.raises(Exception, match="bad.toml: command: got 'paint'; allowed: one of sweep"):
        read_recipe(path)


def _browser():
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("playwright is not installed (pip install playwright)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium)")
    return chromium


def test_the_gallery_page_shows_every_picture_in_a_browser(tmp_path, monkeypatch, capsys):
    chromium = _browser()
    from playwright.sync_api import sync_playwright

    # One recipe of each kind, quick: a sweep's sheet, a render's PNG, a recording's GIF;
    # and one that fails, shown failed instead of as a broken image.
    chosen = {n: RECIPES[n] for n in ("batchnorm_linear", "relu_regions", "weight_scale")}
    broken = read_recipe(_recipe_file(tmp_path, ["render", "no_such_preset"]))
    monkeypatch.setattr("shaderplay.cli.explore.recipes", lambda: {**chosen, "broken": broken})
    out = tmp_path / "gallery"
    assert main(["explore", "--all", "--quick", "-o", str(out)]) == 1  # one failed
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto((out / "index.html").as_uri(), wait_until="load")
        images = page.evaluate(
            "Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth])"
        )
        failed = page.locator(".failed").all_inner_texts()
        browser.close()
    assert sorted(src for src, _ in images) == [
        "batchnorm_linear/sheet.png",
        "relu_regions.png",
        "weight_scale.gif",
    ]
    assert all(width > 0 for _, width in images), images
    assert len(failed) == 1 and "no_such_preset" in failed[0]


def _recipe_file(folder, command):
    path = folder / "broken.toml"
    path.write_text(
        'title = "a broken recipe"\nfinding = "none"\nsource = "a test"\nlook = "nothing"\n'
        f"command = {command!r}\n".replace("'", '"')
    )
    return path
