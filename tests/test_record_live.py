"""LiveRecorder: the window's record button, fed frame by frame."""

import signal

import numpy as np
import pytest

from shaderplay.errors import ShaderplayError
from shaderplay.record import RecordingError
from shaderplay.record.ffmpeg import count_frames
from shaderplay.record.live import LiveRecorder
from shaderplay.record.pngdir import frame_files


def frames(n, w=64, h=48):
    return [np.full((h, w, 3), 8 * i % 256, np.uint8) for i in range(n)]


def test_live_recording_counts_frames_and_video_time(tmp_path):
    rec = LiveRecorder()
    rec.start(tmp_path / "live", (64, 48), fps=20)
    assert rec.recording and rec.time_step == pytest.approx(0.05)
    for f in frames(30):
        rec.add(f)
    assert rec.status() == "REC 00:01.5  30 frames"
    assert rec.stop() == (30, pytest.approx(1.5))
    assert not rec.recording and "recorded 30 frames (1.5 s of video" in rec.status()
    assert len(frame_files(tmp_path / "live")) == 30


def test_live_mp4_pads_an_odd_canvas(tmp_path):
    rec = LiveRecorder()
    rec.start(tmp_path / "c.mp4", (63, 47), fps=30, include_ui=True, preset="ultrafast")
    assert rec.include_ui
    for f in frames(3, 63, 47):
        rec.add(f)
    assert rec.stop()[0] == 3
    assert count_frames(tmp_path / "c.mp4") == 3


def test_live_misuse_and_bad_paths(tmp_path):
    rec = LiveRecorder()
    with pytest.raises(ShaderplayError, match="start"):
        rec.add(frames(1)[0])
    with pytest.raises(ShaderplayError, match="unknown format"):
        rec.start(tmp_path / "x.avi", (64, 48))
    assert not rec.recording
    rec.start(tmp_path / "a.gif", (64, 48))
    with pytest.raises(ShaderplayError, match="already recording"):
        rec.start(tmp_path / "b.gif", (64, 48))
    rec.stop()


def test_live_encoder_failure_stops_with_a_message(tmp_path):
    rec = LiveRecorder()
    rec.start(tmp_path / "k.mp4", (64, 48), preset="ultrafast")
    rec.add(frames(1)[0])
    rec.sink.process.send_signal(signal.SIGKILL)
    rec.sink.process.wait()
    with pytest.raises(RecordingError):
        for f in frames(20):
            rec.add(f)
    assert not rec.recording
    assert "stopped after" in rec.status() and "killed" in rec.status()
    assert rec.stop() == (rec.frames, pytest.approx(rec.frames / 30))
