"""`record --compare KEY=VALUE`: an A/B film, the preset on the left and the changed
copy on the right, each half drawn as a film of its own would be, with a label."""

import numpy as np
import pytest
from PIL import Image

from shaderplay.cli import main

FILM = ["--steps", "40", "--frames", "3", "--set", "target.n_points=64"]


def _frames(folder) -> list[np.ndarray]:
    return [np.asarray(Image.open(p).convert("RGB")) for p in sorted(folder.glob("*.png"))]


def test_each_half_is_its_own_film_with_a_label(tmp_path):
    pair, alone, changed = tmp_path / "pair", tmp_path / "alone", tmp_path / "changed"
    compare = ["--compare", "train.lr=0.3"]
    assert main(["record", "xor", *FILM, *compare, "--size", "64x64", "-o", f"{pair}/"]) == 0
    assert main(["record", "xor", *FILM, "--size", "32x64", "-o", f"{alone}/"]) == 0
    assert (
        main(["record", "xor", *FILM, "--lr", "0.3", "--size", "32x64", "-o", f"{changed}/"]) == 0
    )
    films = _frames(pair)
    assert len(films) == 3 and films[0].shape == (64, 64, 3)
    top = slice(0, 32)  # above the labels in the bottom corners
    for both, a, b in zip(films, _frames(alone), _frames(changed)):
        np.testing.assert_array_equal(both[top, :32], a[top])
        np.testing.assert_array_equal(both[top, 32:], b[top])
    np.testing.assert_array_equal(films[0][top, :32], films[0][top, 32:])  # one start
    assert not np.array_equal(films[-1][top, :32], films[-1][top, 32:])  # two runs
    assert not np.array_equal(films[0][32:, :32], _frames(alone)[0][32:])  # a label


@pytest.mark.parametrize(
    "args, message",
    [
        (["--compare", "train.lr=-1"], "--compare: train.lr: got -1"),
        (["--compare", "lr"], "--compare: got 'lr'"),
        (["--compare", "train.lr=0.1", "--save-run", "RUN"], "--save-run"),
    ],
)
def test_bad_comparisons_are_refused_before_a_frame(tmp_path, capsys, args, message):
    args = [a.replace("RUN", str(tmp_path / "run.npz")) for a in args]
    assert main(["record", "xor", *FILM, *args, "-o", str(tmp_path / "x.gif")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.gif").exists()


def test_a_network_file_cannot_be_compared(tmp_path, capsys):
    net = tmp_path / "net.npz"
    assert main(["train", "xor", "--steps", "10", "--save", str(net)]) == 0
    assert (
        main(["record", str(net), "--compare", "train.lr=0.1", "-o", str(tmp_path / "x.gif")]) == 2
    )
    assert "--compare" in capsys.readouterr().err
