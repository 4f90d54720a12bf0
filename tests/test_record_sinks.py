"""Frame sinks, checked by decoding what they wrote (no GL needed here)."""

import os
import signal

import imageio.v3 as iio
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from shaderplay.errors import ShaderplayError
from shaderplay.record import RecordingError, open_sink
from shaderplay.record.ffmpeg import count_frames
from shaderplay.record.mp4 import Mp4Sink
from shaderplay.record.pngdir import frame_files

W, H = 64, 48


def smooth_frames(n, w=W, h=H):
    """Smooth, moving colour fields like the ones networks draw."""
    y, x = np.mgrid[0:h, 0:w] / np.float64(max(w, h))
    out = []
    for i in range(n):
        t = i / max(n, 1)
        r = 0.5 + 0.5 * np.sin(3 * x + 6.28 * t)
        g = 0.5 + 0.5 * np.cos(4 * y - 3 * t)
        b = 0.5 + 0.5 * np.sin(2 * (x + y) + t)
        out.append(np.round(np.stack([r, g, b], -1) * 255).astype(np.uint8))
    return out


def decode_mp4(path):
    gen = imageio_ffmpeg.read_frames(str(path))
    meta = next(gen)
    w, h = meta["size"]
    return meta, [np.frombuffer(b, np.uint8).reshape(h, w, 3) for b in gen]


def muxed_frames(stream) -> int:
    """Frames ffmpeg has written to the transport stream so far."""
    try:
        return count_frames(stream)
    except RuntimeError:  # not a stream ffmpeg can read yet (no packet written)
        return 0


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 10 * np.log10(255.0**2 / mse)


def test_mp4_count_size_fps_and_quality(tmp_path):
    frames = smooth_frames(12)
    with open_sink(tmp_path / "a.mp4", (W, H), 24) as sink:
        for f in frames:
            sink.write(f)
    assert sink.frames_written == 12
    meta, back = decode_mp4(tmp_path / "a.mp4")
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p(tv, bt709")
    assert meta["size"] == (W, H) and meta["fps"] == pytest.approx(24)
    assert len(back) == 12
    # x264 at crf 18 on 4:2:0: smooth fields come back above 35 dB.
    assert min(psnr(a, b) for a, b in zip(back, frames)) > 35
    assert not list(tmp_path.glob(".*")), "no partial/staging files left behind"


def test_gif_count_loop_delay_and_palette_quality(tmp_path):
    frames = smooth_frames(6)
    with open_sink(tmp_path / "a.gif", (W, H), 25) as sink:
        for f in frames:
            sink.write(f)
    back = iio.imread(tmp_path / "a.gif", index=None)
    meta = iio.immeta(tmp_path / "a.gif")
    assert back.shape[:3] == (6, H, W)
    assert meta["loop"] == 0 and meta["duration"] == 40
    assert min(psnr(a[..., :3], b) for a, b in zip(back, frames)) > 28  # 256 colours, dithered


def test_png_folder_is_lossless_and_replaces_old_frames(tmp_path):
    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(5):  # a longer earlier recording
        (folder / f"frame_{i:05d}.png").write_bytes(b"old")
    (folder / "notes.txt").write_text("mine")
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 256, (H, W, 3), dtype=np.uint8) for _ in range(3)]
    with open_sink(str(folder) + "/", (W, H), 30) as sink:
        for f in frames:
            sink.write(f)
    files = frame_files(folder)
    assert [p.name for p in files] == ["frame_00000.png", "frame_00001.png", "frame_00002.png"]
    for p, f in zip(files, frames):
        assert np.array_equal(np.asarray(Image.open(p)), f)
    assert (folder / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("name", ["out.avi", "out.webm", "clip.MOV"])
def test_unknown_format_refused_before_any_frame(tmp_path, name):
    with pytest.raises(ShaderplayError, match=r"unknown format.*allowed: .*\.mp4.*\.gif.*folder"):
        open_sink(tmp_path / name, (W, H), 30)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["out.mp4", "out.gif", "frames/"])
def test_unwritable_path_refused_before_any_frame(tmp_path, name):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    for bad in (tmp_path / "missing" / name, blocker / name):
        with pytest.raises(ShaderplayError, match=str(bad.parent)):
            open_sink(str(bad), (W, H), 30)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_bad_size_fps_frame_and_option_refused(tmp_path):
    with pytest.raises(ShaderplayError, match=r"size 65x48.*even.*66x48 or 64x48.*pad=True"):
        open_sink(tmp_path / "odd.mp4", (65, 48), 30)
    with pytest.raises(ShaderplayError, match="size"):
        open_sink(tmp_path / "big.mp4", (7680, 4320), 30)
    with pytest.raises(
        ShaderplayError, match="gif fps: got 60; allowed: a frame rate from 0.01 to 50"
    ):
        open_sink(tmp_path / "fast.gif", (W, H), 60)
    with pytest.raises(ShaderplayError, match="mp4 option.*'quality'.*preset, crf, pad"):
        open_sink(tmp_path / "a.mp4", (W, H), 30, quality=3)
    with pytest.raises(ShaderplayError, match="mp4 preset"):
        open_sink(tmp_path / "a.mp4", (W, H), 30, preset="warp")
    with open_sink(tmp_path / "f/", (W, H), 30) as sink:
        with pytest.raises(ShaderplayError, match=r"uint8 RGB of shape \(48, 64, 3\)"):
            sink.write(np.zeros((W, H, 3), np.uint8))
        with pytest.raises(ShaderplayError, match="uint8"):
            sink.write(np.zeros((H, W, 3), np.float32))


def test_odd_size_padded_explicitly(tmp_path):
    frame = smooth_frames(1, 63, 47)[0]
    with open_sink(tmp_path / "p.mp4", (63, 47), 30, pad=True) as sink:
        sink.write(frame)
        sink.write(frame)
    meta, back = decode_mp4(tmp_path / "p.mp4")
    assert meta["size"] == (64, 48) and len(back) == 2
    assert psnr(back[0][:47, :63], frame) > 35  # the picture sits top-left, unscaled
    assert psnr(back[0][:47, 63], frame[:, 62]) > 30  # the edge column, repeated


def test_encoder_killed_midway_leaves_playable_mp4(tmp_path, wait_for):
    frames = smooth_frames(80)
    out = tmp_path / "k.mp4"
    sink = open_sink(out, (W, H), 25, preset="ultrafast")
    with pytest.raises(RecordingError) as info:
        for i, f in enumerate(frames):
            sink.write(f)
            if i == 40:
                wait_for(lambda: muxed_frames(sink.partial) >= 20)  # ffmpeg has muxed 20
                sink.process.send_signal(signal.SIGKILL)
                sink.process.wait()
    err = info.value
    assert "killed" in str(err) and f"holds the first {err.frames} frames" in str(err)
    assert 20 <= err.frames <= 41
    assert count_frames(out) == err.frames == sink.close()
    meta, back = decode_mp4(out)
    assert len(back) == err.frames and psnr(back[10], frames[10]) > 35
    assert not list(tmp_path.glob(".*"))


def test_failing_write_midway_keeps_the_frames_so_far(tmp_path, monkeypatch):
    real_save = Image.Image.save
    calls = []

    def disk_full_after_4(self, *args, **kwargs):
        calls.append(1)
        if len(calls) > 4:
            raise OSError(28, "No space left on device")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "save", disk_full_after_4)
    frames = smooth_frames(10)
    folder = tmp_path / "f"
    message = r"stopped after 4 frames: .*No space left.*holds the first 4"
    with pytest.raises(RecordingError, match=message), open_sink(folder, (W, H), 30) as sink:
        for f in frames:
            sink.write(f)
    assert [np.asarray(Image.open(p)).tolist() for p in frame_files(folder)] == [
        f.tolist() for f in frames[:4]
    ]
    assert not list(folder.glob("*.part"))


@pytest.mark.parametrize("name", ["e.mp4", "e.gif"])
def test_no_frames_no_file(tmp_path, name):
    with open_sink(tmp_path / name, (W, H), 30) as sink:
        pass
    assert sink.frames_written == 0 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["i.mp4", "i.gif", "idir/"])
def test_keyboard_interrupt_closes_a_playable_file(tmp_path, name):
    frames = smooth_frames(10)
    out = tmp_path / name
    opts = {"preset": "ultrafast"} if name.endswith("mp4") else {}
    with pytest.raises(KeyboardInterrupt), open_sink(str(out), (W, H), 25, **opts) as sink:
        for i, f in enumerate(frames):
            if i == 7:
                raise KeyboardInterrupt
            sink.write(f)
    assert sink.frames_written == 7
    if name.endswith(".mp4"):
        assert count_frames(out) == 7
    elif name.endswith(".gif"):
        assert iio.imread(out, index=None).shape[0] == 7
    else:
        assert len(frame_files(out)) == 7


def test_encoder_runs_in_its_own_process_group(tmp_path):
    # Ctrl-C in a terminal signals the foreground process group: the encoder is not in it.
    with Mp4Sink(tmp_path / "a.mp4", (16, 16), 10) as sink:
        assert os.getpgid(sink.process.pid) != os.getpgid(0)


# A GIF lasts as long as its frames at the asked rate: delays count hundredths of a
# second, so 30 fps alternates 3/100 and 4/100 s (every frame got 3/100 s, and a 30 fps
# clip played 10% fast).


def gif_delays(path):
    gif = Image.open(path)
    delays = []
    for k in range(gif.n_frames):
        gif.seek(k)
        delays.append(gif.info["duration"])
    return delays


@pytest.mark.parametrize("fps, frames", [(30, 30), (24, 12), (25, 10), (7, 7)])
def test_gif_plays_for_frames_over_fps(tmp_path, fps, frames):
    path = tmp_path / "t.gif"
    with open_sink(path, (8, 6), fps) as sink:
        for k in range(frames):  # distinct frames: Pillow merges identical ones
            sink.write(np.full((6, 8, 3), 8 * k, np.uint8))
    delays = gif_delays(path)
    assert Image.open(path).n_frames == frames
    assert sum(delays) == pytest.approx(1000 * frames / fps, abs=10)
    assert max(delays) - min(delays) <= 10  # steady: neighbouring hundredths only


def test_identical_frames_merge_without_losing_time(tmp_path):
    path = tmp_path / "m.gif"
    with open_sink(path, (8, 6), 30) as sink:
        for k in range(30):
            sink.write(np.full((6, 8, 3), 100 if k < 20 else 200, np.uint8))
    assert gif_delays(path) == [670, 330]  # 20 and 10 frames of a 1 s clip


def spikes(frame) -> int:
    """Pixels brighter or darker than both horizontal neighbours by more than 6 levels
    in some channel: the scattered dots of dithering (a smooth field has none)."""
    f = frame.astype(np.int32)
    left, right = f[:, 1:-1] - f[:, :-2], f[:, 1:-1] - f[:, 2:]
    return int(np.sum(np.any(((left > 6) & (right > 6)) | ((left < -6) & (right < -6)), axis=2)))


def test_a_captioned_gif_of_a_smooth_picture_has_no_dither_dots(tmp_path):
    """More than 256 colours (a smooth RGB field) over a caption band: the GIF bands a
    little but has no scattered dots; neighbour differences stay as smooth as the MP4's."""
    from shaderplay.record.band import band_rows, caption_part, stack

    size = (160, 120)
    rows = band_rows(size)
    frames = [
        stack(f[: size[1] - rows], [caption_part(size, rows, f"step {i}  loss 0.0{i}")])
        for i, f in enumerate(smooth_frames(3, *size))
    ]
    for fmt in ("gif", "mp4"):
        with open_sink(tmp_path / f"a.{fmt}", size, 10) as sink:
            for f in frames:
                sink.write(f)
    gif = iio.imread(tmp_path / "a.gif", index=None)[..., :3]
    _, mp4 = decode_mp4(tmp_path / "a.mp4")
    for g, m, f in zip(gif, mp4, frames):
        picture = slice(0, size[1] - rows)
        assert spikes(f[picture]) == 0  # Floyd-Steinberg dithering made 8518 of 14080
        assert spikes(g[picture]) < 0.01 * g[picture].size / 3  # a few where bands meet
        rough = [np.abs(np.diff(a[picture].astype(int), axis=1)).mean() for a in (g, m)]
        assert rough[0] < rough[1] + 0.5
        assert psnr(g, f) > 30
    exact = np.repeat(frames[0][:, :, :1], 3, axis=2)  # grey: at most 256 colours, kept exactly
    with open_sink(tmp_path / "grey.gif", size, 10) as sink:
        sink.write(exact)
    assert np.array_equal(iio.imread(tmp_path / "grey.gif", index=None)[0][..., :3], exact)
