"""Output paths a user gets wrong (a folder where a file should go, a place
nobody can write) give one clear line and exit status 2 from `render` and
`train`, never a traceback -- and `train` says so before it trains."""

import os
from pathlib import Path

import pytest

from shaderplay import Network
from shaderplay.cli import main
from shaderplay.gpu.context import make_current

TINY = """name = "tiny"
[network]
hidden = [4]
activation = "tanh"
[target]
name = "xor"
n_points = 64
[train]
optimizer = "adam"
batch_size = 16
"""
UNWRITABLE = Path("/proc/shaderplay-qa")  # a folder even root cannot create files in


@pytest.fixture
def net_file(tmp_path):
    path = tmp_path / "net.npz"
    Network.random((2, 5, 1), seed=1).save(path)
    return path


def _run(gl_context, argv):
    try:
        return main(argv)
    finally:
        make_current(gl_context)  # render made and freed a context of its own


def _one_line(capsys, *words) -> str:
    """Check stderr is one 'shaderplay: ...' line naming `words`; return stdout."""
    captured = capsys.readouterr()
    err = captured.err.split("\r")[-1]  # after any progress bar
    assert err.startswith("shaderplay: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, err
    return captured.out


def test_render_into_a_folder_is_refused(gl_context, net_file, tmp_path, capsys):
    folder = tmp_path / "picture.png"
    folder.mkdir()
    assert _run(gl_context, ["render", str(net_file), "-o", str(folder), "--size", "8x8"]) == 2
    _one_line(capsys, "-o/--output", "is a folder")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_render_where_nothing_can_be_written(gl_context, net_file, capsys):
    out = Path("/proc") / "picture.png"
    assert _run(gl_context, ["render", str(net_file), "-o", str(out), "--size", "8x8"]) == 2
    _one_line(capsys, "-o/--output", str(out))


def test_train_refuses_a_folder_before_training(tmp_path, capsys):
    preset = tmp_path / "tiny.toml"
    preset.write_text(TINY)
    folder = tmp_path / "net.npz"
    folder.mkdir()
    assert main(["train", str(preset), "--steps", "5", "--save", str(folder)]) == 2
    assert "steps" not in _one_line(capsys, "--save", "is a folder")  # refused before training


def test_train_refuses_an_unwritable_folder_before_training(tmp_path, capsys, monkeypatch):
    preset = tmp_path / "tiny.toml"
    preset.write_text(TINY)
    real_access = os.access
    blocked = tmp_path / "locked"
    blocked.mkdir()
    # Tests may run as root, for whom chmod does not lock a folder: ask os.access instead.
    monkeypatch.setattr(os, "access", lambda p, mode: real_access(p, mode) and Path(p) != blocked)
    assert main(["train", str(preset), "--steps", "5", "--save", str(blocked / "n.npz")]) == 2
    _one_line(capsys, "--save", "not writable")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_train_save_failure_is_one_line(tmp_path, capsys):
    preset = tmp_path / "tiny.toml"
    preset.write_text(TINY)
    out = Path("/proc") / "net.npz"
    assert main(["train", str(preset), "--steps", "5", "--save", str(out)]) == 2
    _one_line(capsys, "--save", str(out))
