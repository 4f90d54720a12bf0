"""`shaderplay sweep` and `shaderplay.sweep`: one cell per combination, the same
files wherever the cells ran, failed cells as rows, an interrupt keeps what is done."""

import csv
import importlib.util
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from shaderplay.cli import main
from shaderplay.cli.sweep import parse_vary
from shaderplay.errors import ShaderplayError
from shaderplay.network import Network
from shaderplay.sweeps import run as sweep_run
from shaderplay.sweeps.cell import run_cell
from shaderplay.sweeps.plan import Axis, plan
from shaderplay.sweeps.table import TIMES

# A 2 x 2 grid small enough for the test suite: 40 steps, 24-pixel cells.
GRID = ["--vary", "lr=0.01;0.1", "--vary", "seed=0;1", "--steps", "40", "--size", "24x24"]
SMALL = ["--set", "target.n_points=64", "--hidden", "4", "--set", "train.chunk_steps=20"]


def _files(folder) -> dict:
    """Every file's bytes, results.csv without its timing columns."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != "results.csv":
            found[str(path.relative_to(folder))] = path.read_bytes()
    with open(folder / "results.csv", newline="") as fh:
        found["results.csv"] = [
            {k: v for k, v in row.items() if k not in TIMES} for row in csv.DictReader(fh)
        ]
    return found


def _sweep(tmp_path, name, *where):
    out = tmp_path / name
    assert main(["sweep", "xor", *GRID, *SMALL, *where, "-o", str(out)]) == 0
    return _files(out)


def test_the_files_do_not_depend_on_where_the_cells_ran(tmp_path):
    one = _sweep(tmp_path, "one", "--workers", "1")
    assert _sweep(tmp_path, "two", "--workers", "2") == one
    names = sorted(k for k in one if k.startswith("cells/"))
    assert len(names) == 8  # a network and a picture per cell
    assert "cells/003_lr=0.1_seed=1.npz" in names
    rows = one["results.csv"]
    assert [(r["lr"], r["seed"]) for r in rows] == [
        ("0.01", "0"),
        ("0.1", "0"),
        ("0.01", "1"),
        ("0.1", "1"),
    ]
    assert all(r["steps"] == "40" and r["error"] == "" and r["test_accuracy"] for r in rows)
    net = Network.load(tmp_path / "one" / "cells" / "003_lr=0.1_seed=1.npz")
    assert net.meta["steps"] == 40 and net.spec.sizes == (2, 4, 1)
    sheet = Image.open(tmp_path / "one" / "sheet.png")
    assert sheet.width > 2 * 24 and sheet.height > 2 * 24
    if importlib.util.find_spec("ray") is None:
        pytest.skip("ray is not installed (pip install 'shaderplay[ray]')")
    assert _sweep(tmp_path, "ray", "--ray", "local") == one


def test_a_failed_cell_is_a_row_of_the_table(tmp_path):
    # bce (xor's loss) takes probabilities: a relu output fails when the cell builds
    result = sweep_run.sweep(
        "xor",
        {"network.output": ["sigmoid", "relu"]},
        steps=20,
        changes={"target.n_points": 32, "network.hidden": [3]},
        size=(16, 16),
        workers=1,
        out=tmp_path,
        progress=False,
    )
    good, bad = result.table
    assert good["error"] == "" and good["train_loss"] > 0
    assert "network.output" in bad["error"] and bad["train_loss"] is None
    assert result.complete and result.sheet.shape[2] == 3
    assert [row["network.output"] for row in result.table] == ["sigmoid", "relu"]
    assert not (tmp_path / "cells" / f"{bad['cell']}.npz").exists()


def test_an_interrupt_keeps_the_cells_done(tmp_path, monkeypatch):
    def one_then_interrupt(cells, look, workers):
        yield run_cell(cells[0], look, lambda *a: (np.zeros((8, 8, 3), np.uint8), None))
        raise KeyboardInterrupt

    monkeypatch.setattr("shaderplay.sweeps.pool.run_local", one_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        sweep_run.sweep(
            "xor",
            {"network.seed": [0, 1, 2]},
            steps=10,
            size=(8, 8),
            out=tmp_path,
            changes={"target.n_points": 32},
            progress=False,
        )
    with open(tmp_path / "results.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["network.seed"] for r in rows] == ["0"]
    assert (tmp_path / "sheet.png").is_file() and len(list(tmp_path.glob("cells/*"))) == 2


def test_a_target_none_preset_is_drawn_untrained():
    cells = plan("neylon", [Axis("seed", ("network.seed",), (1, 2), ("1", "2"))], steps=50).cells
    assert [c.steps for c in cells] == [0, 0]
    assert [c.preset.network.seed for c in cells] == [1, 2]


@pytest.mark.parametrize(
    "text, keys, values",
    [
        ("seed=0;3", ("network.seed", "target.seed", "train.seed"), (0, 3)),
        ("hidden=8,8;30", ("network.hidden",), ([8, 8], [30])),
        ("train.lr=1e-3; 0.01", ("train.lr",), (0.001, 0.01)),
        ("network.activation=relu;tanh", ("network.activation",), ("relu", "tanh")),
    ],
)
def test_vary_reads_keys_and_shortcut_names(text, keys, values):
    found = parse_vary(text)
    assert found.keys == keys and found.values == values


@pytest.mark.parametrize(
    "args, message",
    [
        (["--vary", "lr"], "KEY=V1;V2"),
        (["--vary", "speed=1;2"], "a preset key table.key"),
        (["--vary", "lr=0.1;-1"], "--vary lr: train.lr: got -1"),
        (["--vary", "a.b=1", "--vary", "c.d=2", "--vary", "e.f=3"], "at most 2"),
        (["--vary", "seed=x"], "--vary seed"),
        (["--vary", "lr=0.1", "--vary", "lr=0.2"], "got 'lr'; allowed: a setting other than lr's"),
        (["--vary", "lr=0.1", "--vary", "train.lr=0.2"], "a setting other than lr's (set twice)"),
    ],
)
def test_bad_vary_is_refused_before_any_work(tmp_path, capsys, args, message):
    assert main(["sweep", "xor", *args, "-o", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_folder_that_cannot_be_made_is_refused(tmp_path, capsys):
    (tmp_path / "file").write_text("")  # a file where a folder would have to be
    assert main(["sweep", "xor", "--vary", "lr=0.1", "-o", str(tmp_path / "file" / "out")]) == 2
    assert "allowed: a folder you can create" in capsys.readouterr().err
    assert main(["sweep", "xor", "--vary", "lr=0.1", "-o", ""]) == 2
    assert "out: got ''; allowed: a folder's path" in capsys.readouterr().err


def test_workers_and_ray_do_not_go_together():
    with pytest.raises(ShaderplayError, match="workers"):
        sweep_run.sweep("xor", {"train.lr": [0.1]}, workers=2, ray="local", progress=False)


def test_a_legend_the_cells_share_sits_under_the_sheet(tmp_path):
    """xor's classes view has one legend for every cell (its classes, no range): the
    sheet carries it once, under the grid; legends that differ make no shared band."""
    from shaderplay.legend import band
    from shaderplay.sweeps.picture import draw
    from shaderplay.sweeps.sheet import PAD

    out = tmp_path / "classes"
    args = ["sweep", "xor", *GRID, *SMALL, "--mode", "classes", "--workers", "1", "-o", str(out)]
    assert main(args) == 0
    sheet = np.asarray(Image.open(out / "sheet.png").convert("RGB"))
    one = plan("xor", [], None, 1, "classes", (24, 24))
    legend = run_cell(one.cells[0], one.look, draw).legend
    assert legend.swatches  # the classes, named
    strip = band(legend, 24)
    h, w = strip.shape[:2]
    below = [
        y for y in range(sheet.shape[0] - h + 1) if (sheet[y : y + h, PAD : PAD + w] == strip).all()
    ]
    assert below and below[0] > 2 * 24  # under the grid
    other = sweep_run.Outcome(1, 0, legend=replace(legend, shows="something else"))
    outcomes = {0: sweep_run.Outcome(0, 0, legend=legend), 1: other}
    assert sweep_run.shared_legend(one, outcomes) is None


def test_a_setting_no_cell_can_run_with_is_refused_before_any_trains(tmp_path, capsys):
    """build.py's rules between tables, checked up front: where every cell breaks one
    (n_out = 2 for a two-class target) there is nothing to draw; where some cells do,
    they are rows with their error (test_a_failed_cell_is_a_row_of_the_table)."""
    out = tmp_path / "o"
    argv = ["sweep", "xor", "--set", "network.n_out=2", "--vary", "lr=0.1;0.2", "-o", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("shaderplay: --set: network.n_out: got 2; allowed: 0 (from the target)")
    assert not (out / "cells").exists()
