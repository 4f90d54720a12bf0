"""Options that would be silently ignored are refused in CLI words: --pre
outside the neuron mode, and a target mode on a point-set target (which has
no field to show) names --points, not the API's points=."""

import pytest

from shaderplay.cli import main
from shaderplay.gpu.context import make_current

XOR = """name = "tiny_xor"
[network]
hidden = [4]
[target]
name = "xor"
n_points = 40
"""


@pytest.fixture
def xor(tmp_path):
    path = tmp_path / "xor.toml"
    path.write_text(XOR)
    return str(path)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--pre"], "--pre: got True; allowed: only with --mode neuron"),
        (["--mode", "error"], "--mode: got 'error'; allowed: a mode that does not show the target"),
        (["--mode", "side"], "(draw them with --points)"),
    ],
)
def test_refused_in_cli_words(gl_context, xor, tmp_path, capsys, extra, message):
    out = tmp_path / "x.png"
    try:
        code = main(["render", xor, "-o", str(out), "--size", "8x8", *extra])
    finally:
        make_current(gl_context)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("shaderplay: ") and err.count("\n") == 1, err
    assert message in err and "points=" not in err
    assert not out.exists()


def test_pre_with_the_neuron_mode_still_works(gl_context, xor, tmp_path):
    try:
        argv = [
            "render",
            xor,
            "-o",
            str(tmp_path / "n.png"),
            "--size",
            "8x8",
            "--pre",
            "--mode",
            "neuron:0:1",
        ]
        assert main(argv) == 0
    finally:
        make_current(gl_context)


def test_comparing_with_a_target_of_another_shape_is_refused(gl_context, tmp_path, capsys):
    from shaderplay.network import Network

    path = tmp_path / "rgb.npz"
    Network.random((2, 4, 3), seed=0).save(path)  # 3 outputs; the default preset's target has 1
    try:
        code = main(
            [
                "render",
                str(path),
                "--preset",
                "default",
                "--mode",
                "error",
                "-o",
                str(tmp_path / "e.png"),
                "--size",
                "8x8",
            ]
        )
    finally:
        make_current(gl_context)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("shaderplay: --mode: got 'error'") and err.count("\n") == 1
    assert "1 outputs, what target 'fancy_sine' has (this network has 3)" in err
