"""Ctrl-C in a terminal signals the whole foreground process group. The MP4
encoder must not die of it: shaderplay stops, closes the encoder itself and
says how many frames the playable file holds (exit 130), rather than
reporting that ffmpeg exited with code 255."""

import os
import signal
import subprocess
import sys
import time

import pytest

from shaderplay.record.ffmpeg import count_frames
from shaderplay.record.mp4 import Mp4Sink

PRESET = """
name = "tiny"
[network]
hidden = [4]
activation = "tanh"
[target]
name = "fancy_sine"
n_points = 64
[train]
batch_size = 16
"""


def test_encoder_runs_in_its_own_process_group(tmp_path):
    with Mp4Sink(tmp_path / "a.mp4", (16, 16), 10) as sink:
        assert os.getpgid(sink.process.pid) != os.getpgid(0)


@pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")
def test_ctrl_c_to_the_process_group_ends_with_an_interrupted_playable_file(tmp_path):
    preset = tmp_path / "tiny.toml"
    preset.write_text(PRESET)
    out = tmp_path / "c.mp4"
    main = "import sys; from shaderplay.cli import main; sys.exit(main())"
    argv = [
        sys.executable,
        "-c",
        main,
        "record",
        str(preset),
        "-o",
        str(out),
        "--frames",
        "100000",
        "--size",
        "32x32",
        "--x264-preset",
        "ultrafast",
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=env,
    )  # its own group, as in a terminal
    try:
        partial = tmp_path / ".c.mp4.partial.ts"
        deadline = time.monotonic() + 120
        while not (partial.exists() and partial.stat().st_size > 0) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    last = err.split("\r")[-1]
    assert "interrupted; " in last and "ffmpeg" not in last, last
    frames = int(last.split(" holds the ")[1].split(" frames")[0])
    assert frames >= 1 and count_frames(out) == frames
