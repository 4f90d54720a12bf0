"""`shaderplay presets` and `shaderplay train` end to end through
shaderplay.cli.main, as a user runs them."""

import os
import tomllib
from pathlib import Path

import numpy as np
import pytest

from shaderplay.build import build
from shaderplay.cli import main
from shaderplay.cli.train import speed
from shaderplay.network import Network
from shaderplay.presets import builtin_presets, load_preset, parse_preset

TINY = """name = "tiny_xor"
description = "a small xor run for tests"
[network]
hidden = [6]
activation = "tanh"
[target]
name = "xor"
n_points = 200
noise = 0.02
test_fraction = 0.25
[train]
optimizer = "adam"
lr = 0.05
batch_size = 16
chunk_steps = 50
"""


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    return path


def _bce(net, x, y):
    p = np.clip(net.forward(x), 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def test_presets_lists_every_builtin_with_its_description(capsys):
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    for name, about in builtin_presets().items():
        assert f"\n{name} " in "\n" + out and about.split()[0] in out


def test_presets_name_prints_the_full_preset_as_toml(capsys):
    assert main(["presets", "bottle"]) == 0
    printed = tomllib.loads(capsys.readouterr().out)
    assert parse_preset(printed) == load_preset("bottle")
    assert printed["train"]["schedule"] == "cosine" and "beta2" in printed["train"]


def test_train_saves_a_network_that_learned(tiny, tmp_path, capsys):
    out_path = tmp_path / "net.npz"
    assert main(["train", str(tiny), "--steps", "400", "--save", str(out_path)]) == 0
    captured = capsys.readouterr()
    assert "tiny_xor: 400 steps" in captured.out and "µs/step" in captured.out
    assert "bce loss: train" in captured.out and "accuracy: train" in captured.out
    assert "step" in captured.err  # the progress bar goes to stderr
    net = Network.load(out_path)
    untrained, data, _ = build(load_preset(tiny))
    assert net.sizes == untrained.sizes == (2, 6, 1)
    assert net.meta["steps"] == 400 and net.meta["preset"] == "tiny_xor"
    # The printed losses are those of the saved weights (NumPy oracle, float64 vs float32 kernels).
    train_loss = _bce(net, data.x_train, data.y_train)
    assert f"train {net.meta['train_loss']:.6g}" in captured.out
    assert train_loss == pytest.approx(net.meta["train_loss"], rel=1e-3, abs=1e-5)
    assert train_loss < 0.5 * _bce(untrained, data.x_train, data.y_train)
    accuracy = np.mean((net.forward(data.x_test)[:, 0] > 0.5) == (data.y_test[:, 0] > 0.5))
    assert accuracy > 0.9 and f"test {accuracy:.1%}" in captured.out


def test_seed_lr_and_batch_size_overrides(tiny, tmp_path, capsys):
    paths = [tmp_path / f"{i}.npz" for i in range(3)]
    for path, seed in zip(paths, (3, 3, 4), strict=True):
        args = [
            "train",
            str(tiny),
            "--steps",
            "100",
            "--seed",
            str(seed),
            "--lr",
            "0.01",
            "--batch-size",
            "8",
            "--save",
            str(path),
        ]
        assert main(args) == 0
    a, b, c = (Network.load(p) for p in paths)
    np.testing.assert_array_equal(a.params, b.params)  # same seed, same weights
    assert not np.array_equal(a.params, c.params)
    assert a.meta["seed"] == 3
    capsys.readouterr()


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "spirall"], "preset: got 'spirall'; allowed: a built-in preset (default"),
        (["train", "spiral", "--lr", "-1"], "train.lr: got -1.0; allowed: a number > 0"),
        (
            ["train", "spiral", "--batch-size", "0"],
            "train.batch_size: got 0; allowed: an integer 1..4096",
        ),
        (["train", "spiral", "--steps", "0"], "--steps: got 0; allowed: an integer >= 1"),
        (["train", "spiral", "--seed", "-2"], "seed: got -2; allowed: an integer >= 0"),
        (["train", "neylon"], "target 'none' has no data to train on"),
        (
            ["train", "spiral", "--save", "/no/such/folder/net.npz"],
            "--save: got '/no/such/folder/net.npz'",
        ),
        (["presets", "nope"], "preset: got 'nope'"),
    ],
)
def test_bad_input_exits_2_with_one_paragraph(args, message, capsys):
    assert main(args) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("shaderplay: ") and message in err, err
    assert "\n" not in err and "Traceback" not in err and captured.out == ""


# --- output paths a user gets wrong: one line, exit status 2, said before training ---------


def _one_line(capsys, *words) -> str:
    """Check stderr is one 'shaderplay: ...' line naming `words`; return stdout."""
    captured = capsys.readouterr()
    err = captured.err.split("\r")[-1]  # after any progress bar
    assert err.startswith("shaderplay: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, err
    return captured.out


def test_train_refuses_a_folder_before_training(tiny, tmp_path, capsys):
    folder = tmp_path / "net.npz"
    folder.mkdir()
    assert main(["train", str(tiny), "--steps", "5", "--save", str(folder)]) == 2
    assert "steps" not in _one_line(capsys, "--save", "is a folder")  # refused before training


def test_train_refuses_an_unwritable_folder_before_training(tiny, tmp_path, capsys, monkeypatch):
    real_access = os.access
    blocked = tmp_path / "locked"
    blocked.mkdir()
    # Tests may run as root, for whom chmod does not lock a folder: ask os.access instead.
    monkeypatch.setattr(os, "access", lambda p, mode: real_access(p, mode) and Path(p) != blocked)
    assert main(["train", str(tiny), "--steps", "5", "--save", str(blocked / "n.npz")]) == 2
    _one_line(capsys, "--save", "not writable")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_train_save_failure_is_one_line(tiny, capsys):
    out = Path("/proc") / "net.npz"
    assert main(["train", str(tiny), "--steps", "5", "--save", str(out)]) == 2
    _one_line(capsys, "--save", str(out))


# --- the reported speed -----------------------------------------------------------------
# µs/step without the first chunk, which loads or compiles the numba kernels (a 10-step run
# used to print 12000 µs/step as the trainer's speed); a run of one chunk says so.

SPEED_TINY = """name = "tiny"
[network]
hidden = [4]
[target]
name = "xor"
n_points = 64
[train]
batch_size = 16
chunk_steps = 20
"""


def test_speed_leaves_out_the_start_up_chunk():
    assert speed([12000.0, 2.0, 3.0, 100.0]) == "3.00 µs/step"  # median of 2, 3, 100
    assert "start-up included" in speed([12000.0])
    assert speed([]) == "no steps timed"


def test_train_prints_the_steady_speed(tmp_path, capsys):
    preset = tmp_path / "tiny.toml"
    preset.write_text(SPEED_TINY)
    assert main(["train", str(preset), "--steps", "10"]) == 0
    assert "one chunk, numba start-up included" in capsys.readouterr().out
    assert main(["train", str(preset), "--steps", "100"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("tiny: 100 steps, ") and first.endswith(" µs/step (16 per batch)")


def test_a_diverged_run_says_what_to_do_on_the_command_line(tiny, capsys):
    assert main(["train", str(tiny), "--steps", "50", "--lr", "1e30"]) == 0
    out = capsys.readouterr().out
    assert "stopped early (diverged): training diverged at step" in out
    assert "lower the learning rate (--lr) and train again" in out and "rollback()" not in out
