"""--save-run that cannot be written is refused before the first frame (a
folder was only noticed after the whole recording) and a failed save is one
clear error, not a FileNotFoundError traceback from tempfile."""

from pathlib import Path

import numpy as np
import pytest

from shaderplay.cli import main
from shaderplay.errors import ShaderplayError
from shaderplay.network import Network
from shaderplay.runs import RunRecorder

TINY = """name = "tiny"
[network]
hidden = [4]
[target]
name = "xor"
n_points = 40
"""


def test_a_folder_as_run_file_is_refused_before_recording(tmp_path, capsys):
    preset = tmp_path / "tiny.toml"
    preset.write_text(TINY)
    folder = tmp_path / "run.npz"
    folder.mkdir()
    frames = tmp_path / "frames"
    argv = [
        "record",
        str(preset),
        "-o",
        f"{frames}/",
        "--frames",
        "2",
        "--size",
        "16x16",
        "--save-run",
        str(folder),
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err.split("\r")[-1]
    assert err.startswith("shaderplay: --save-run: got") and "is a folder" in err
    assert not frames.exists()  # refused before the first frame


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_failed_save_is_a_shaderplay_error():
    net = Network.random((2, 3, 1), seed=0)
    recorder = RunRecorder(net, every=1)
    recorder.add(0, net.params.copy(), float("nan"))
    with pytest.raises(ShaderplayError, match=r"run file /proc/r\.npz: cannot write it"):
        recorder.save("/proc/r.npz", loss_history=np.zeros((0, 3)))
