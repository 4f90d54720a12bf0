"""Recordings survive any ending: SIGTERM, SIGHUP and SIGINT (to the process or
its terminal's group), SIGKILL (the hidden partial GIF), a full disk, an MP4 with
no room for its remux, and the window's recording (V) quit or signalled mid-way:
each leaves a playable file of the frames so far and says how many."""

import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import pytest
from PIL import Image
from test_durable import (
    ENV,
    SHADERPLAY,
    TINY,
    compile_here,
    file_size_limit,
    last_line,
    leftovers,
    write_tiny,
)
from test_record_sinks import smooth_frames
from test_window import display, run_window  # noqa: F401  (display: the Xvfb fixture)

from shaderplay import interrupts
from shaderplay.record import RecordingError, open_sink
from shaderplay.record.ffmpeg import count_frames
from shaderplay.record.gif import GifSink, delay_hundredths
from shaderplay.record.mp4 import Mp4Sink


@pytest.fixture
def tiny(tmp_path):
    return write_tiny(tmp_path)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    compile_here(tmp_path_factory.mktemp("compiled"))


# --- recordings: signals ------------------------------------------------------------------


def frames_in(path: Path) -> int:
    """Frames a recording plays: the video's count, or a GIF's time in frames (a GIF
    stores a frame equal to the one before as a longer delay)."""
    if path.suffix == ".mp4":
        return count_frames(path)
    gif = Image.open(path)
    total = 0
    for k in range(gif.n_frames):
        gif.seek(k)
        total += gif.info["duration"] // 10
    n = 0
    while total > 0:
        total -= delay_hundredths(n, 30.0)
        n += 1
    assert total == 0, "the delays add up to whole frames"
    return n


def start_recording(preset, out: Path):
    argv = ["record", preset, "-o", str(out), "--frames", "100000", "--size", "32x32"]
    if out.suffix == ".mp4":
        argv += ["--x264-preset", "ultrafast"]
    return subprocess.Popen(
        [*SHADERPLAY, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        start_new_session=True,  # a group of its own, as in a terminal
    )


def partial_of(out: Path) -> Path:
    return out.with_name(f".{out.name}.partial.{'ts' if out.suffix == '.mp4' else 'gif'}")


HOW = {  # how each signal comes: to the terminal's process group, or to the process
    signal.SIGINT: lambda pid: os.killpg(pid, signal.SIGINT),  # Ctrl-C
    signal.SIGHUP: lambda pid: os.killpg(pid, signal.SIGHUP),  # the terminal closed
    signal.SIGTERM: lambda pid: os.kill(pid, signal.SIGTERM),  # kill, timeout, a logout
}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig", list(HOW), ids=[s.name for s in HOW])
def test_a_signal_leaves_a_playable_recording_and_says_how_many_frames(
    tmp_path, tiny, wait_for, sig
):
    outs = [tmp_path / "v.mp4", tmp_path / "v.gif"]
    procs = [start_recording(tiny, out) for out in outs]  # both at once: half the wait

    def recording():
        for proc in procs:
            assert proc.poll() is None, proc.communicate()
        return all(partial_of(o).exists() and partial_of(o).stat().st_size > 2000 for o in outs)

    try:
        wait_for(recording)
        for proc in procs:
            HOW[sig](proc.pid)
        errs = [proc.communicate(timeout=120)[1] for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    for out, proc, err in zip(outs, procs, errs):
        assert proc.returncode == 128 + sig, err
        last = last_line(err)
        assert last.startswith(f"shaderplay record: interrupted; {out} holds the "), last
        assert last.endswith(f"and is playable; stopped by {sig.name}."), last
        assert "ffmpeg" not in last and "Traceback" not in err
        said = int(last.split(" holds the ")[1].split(" frames")[0])
        assert said >= 1 and frames_in(out) == said
        assert leftovers(tmp_path) == []


def test_a_killed_gif_recording_leaves_a_whole_gif_of_its_frames(tmp_path, tiny, wait_for):
    """Even SIGKILL, which nothing can handle: the hidden partial file is a GIF of the
    frames so far at every moment."""
    out = tmp_path / "k.gif"
    proc = start_recording(tiny, out)
    try:
        wait_for(lambda: partial_of(out).exists() and partial_of(out).stat().st_size > 2000)
        proc.kill()
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(iio.imread(partial_of(out), index=None)) >= 1


def test_a_signal_while_the_file_closes_waits_until_it_is_whole(tmp_path, monkeypatch):
    real = GifSink._finish

    def finish_with_a_signal(self):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while the file is being closed
        return real(self)

    monkeypatch.setattr(GifSink, "_finish", finish_with_a_signal)
    out = tmp_path / "c.gif"
    with (
        interrupts.handled(),
        pytest.raises(interrupts.Interrupted) as info,
        open_sink(out, (64, 48), 30) as sink,
    ):
        for frame in smooth_frames(5):
            sink.write(frame)
    assert info.value.signum == signal.SIGTERM and frames_in(out) == 5
    assert leftovers(tmp_path) == []


def test_later_signals_only_say_the_command_is_finishing(capsys):
    with (
        interrupts.handled(),
        pytest.raises(interrupts.Interrupted) as info,
        interrupts.shielded(),
    ):
        os.kill(os.getpid(), signal.SIGHUP)
        os.kill(os.getpid(), signal.SIGINT)
    assert info.value.signum == signal.SIGHUP and interrupts.exit_status(info.value) == 129
    assert "SIGINT: still finishing the files" in capsys.readouterr().err


# --- recordings: a full disk, an encoder that dies ------------------------------------------


@pytest.mark.parametrize("name", ["f.mp4", "f.gif"])
def test_a_full_disk_ends_a_recording_in_a_playable_file(tmp_path, tiny, compiled, name):
    out = tmp_path / name
    argv = ["record", tiny, "-o", str(out), "--frames", "100000", "--size", "64x48"]
    done = subprocess.run(
        [*SHADERPLAY, *argv, *(["--x264-preset", "ultrafast"] if name.endswith("mp4") else [])],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
        preexec_fn=file_size_limit(40_000),
    )
    assert done.returncode == 2, done.stderr
    last = last_line(done.stderr)
    assert last.startswith(f"shaderplay: recording to {out} stopped after "), last
    kept = int(last.split("holds the first ")[1].split(" frame")[0])
    assert kept >= 1 and frames_in(out) == kept
    assert leftovers(tmp_path) == []


def test_no_room_for_the_mp4_keeps_the_stream_it_encoded(tmp_path, monkeypatch):
    def no_room(self):
        raise OSError(errno.ENOSPC, "writing the MP4: No space left on device")

    monkeypatch.setattr(Mp4Sink, "_remux", no_room)
    out = tmp_path / "n.mp4"
    with pytest.raises(RecordingError) as info, open_sink(out, (64, 48), 25) as sink:
        for frame in smooth_frames(10):
            sink.write(frame)
    stream = tmp_path / "n.partial.ts"
    assert f"{stream} holds the first 10 frames and is playable" in str(info.value)
    assert not out.exists() and count_frames(stream) == info.value.frames == 10


# --- the window's recording (V): closed, quit or signalled mid-recording ---------------------

DIVERGING = TINY.replace(
    "batch_size = 16", 'batch_size = 16\noptimizer = "sgd"\nlr = 1e30'
).replace('activation = "tanh"', 'activation = "tanh"\noutput = "linear"')


def recorded(stderr: str) -> int:
    """The frame count the window said its recording holds when it closed."""
    line = next(line for line in stderr.splitlines() if "shaderplay: recorded " in line)
    return int(line.split("recorded ")[1].split(" frames")[0])


def test_quitting_mid_recording_finishes_the_file_and_a_stopped_run_ends_the_wait(
    display,  # noqa: F811  (the fixture imported from test_window)
    tmp_path,
):
    """The script starts a recording (V), waits for a step the diverged run never
    reaches (it went on waiting forever), then quits without stopping the recording."""
    (tmp_path / "diverging.toml").write_text(DIVERGING)
    steps = [
        {"frame": 3, "do": "toggle_record", "path": "clip.mp4"},
        {"frame": 4, "do": "wait_for_step", "step": 10**6},
        {"frame": 15, "do": "quit"},
    ]
    result = run_window(display, tmp_path, steps, "diverging.toml", "--size", "320x240")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "wait_for_step 1000000 ended at step " in result.stderr
    assert "training stopped: diverged at step" in result.stderr
    assert count_frames(tmp_path / "clip.mp4") == recorded(result.stderr) >= 10
    assert leftovers(tmp_path) == []


def test_a_signal_mid_recording_finishes_the_window_recording(
    display,  # noqa: F811  (the fixture imported from test_window)
    tmp_path,
    wait_for,
):
    (tmp_path / "tiny.toml").write_text(TINY)
    script = tmp_path / "script.json"
    script.write_text(json.dumps([{"frame": 3, "do": "toggle_record", "path": "clip.mp4"}]))
    env = dict(ENV, DISPLAY=display)
    env.pop("WAYLAND_DISPLAY", None)
    argv = ["tiny.toml", "--script", str(script), "--no-vsync", "--size", "320x240"]
    proc = subprocess.Popen(
        [*SHADERPLAY, *argv], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True
    )
    partial = tmp_path / ".clip.mp4.partial.ts"
    try:
        wait_for(lambda: partial.exists() and partial.stat().st_size > 0)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err[-3000:]
    assert last_line(err) == "shaderplay: interrupted (SIGTERM)" and "Traceback" not in err
    assert count_frames(tmp_path / "clip.mp4") == recorded(err) >= 1
    assert leftovers(tmp_path) == []
