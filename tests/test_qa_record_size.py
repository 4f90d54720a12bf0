"""An odd --size for an MP4 is refused naming the option a CLI user has
(--size) and sizes that work, not the API's pad=True."""

from shaderplay.cli import main


def test_odd_mp4_size_names_the_cli_option(tmp_path, capsys):
    out = tmp_path / "odd.mp4"
    assert main(["record", "cppn", "-o", str(out), "--size", "65x33", "--frames", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("shaderplay: --size: got '65x33'") and err.count("\n") == 1, err
    assert "66x34" in err and "64x32" in err and "pad=" not in err
    assert not out.exists()
