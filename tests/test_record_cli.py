"""`shaderplay record`: deterministic frames, the same pixels as renders of
the same weights, a preset's [view], run files, and the error paths (Ctrl-C
and a dying encoder too), all end to end."""

import os
import signal
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image
from test_record_sinks import muxed_frames

from shaderplay.build import build
from shaderplay.cli import main
from shaderplay.presets import load_preset
from shaderplay.record.ffmpeg import count_frames
from shaderplay.record.pngdir import frame_files
from shaderplay.runs import RunFile
from shaderplay.view import View

PRESET = """
name = "tiny"
[network]
hidden = [8, 8]
activation = "tanh"
output = "sigmoid"
seed = 0
[target]
name = "fancy_sine"
n_points = 256
[train]
optimizer = "adam"
lr = 0.02
batch_size = 32
[view]
domain = [-1.0, 1.0, -1.0, 1.0]
"""
SIZE = ["--size", "64x48"]
TINY_XOR = """name = "tiny"
[network]
hidden = [4]
[target]
name = "xor"
n_points = 40
"""
TINY_SINE = """
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


@pytest.fixture
def preset(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(PRESET)
    return str(path)


def pngs(folder):
    return [np.asarray(Image.open(p)) for p in frame_files(folder)]


def test_training_frames_are_deterministic_and_equal_renders(preset, tmp_path, renderer):
    args = [preset, "--frames", "4", "--steps-per-frame", "6", "--seed", "3", *SIZE]
    assert main(["record", *args, "-o", str(tmp_path / "a/")]) == 0
    assert main(["record", *args, "-o", str(tmp_path / "b/")]) == 0
    a, b = pngs(tmp_path / "a"), pngs(tmp_path / "b")
    assert len(a) == 4 and all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[0], a[-1])  # training changed the picture
    # The same weights, trained here and rendered directly, give the same pixels.
    from shaderplay.train import Trainer

    net, data, cfg = build(load_preset(preset), seed=3)
    trainer = Trainer(net, data, config=cfg)
    renderer.set_network(net)
    for i, frame in enumerate(a):
        if i:
            trainer.advance(6)
        renderer.upload(net.params)
        want = renderer.image(View.fit((-1, 1, -1, 1), (64, 48)), (64, 48))
        assert np.array_equal(frame, want), f"frame {i}"


def test_save_run_then_play_it_back_elsewhere(preset, tmp_path, renderer):
    run = tmp_path / "run.npz"
    args = [preset, "--frames", "4", "--steps-per-frame", "6", *SIZE]
    assert main(["record", *args, "-o", str(tmp_path / "plain/")]) == 0
    # Snapshots every 4 steps split the 6-step frames; the frames must not change.
    assert (
        main(
            [
                "record",
                *args,
                "-o",
                str(tmp_path / "t/"),
                "--save-run",
                str(run),
                "--snapshot-every",
                "4",
            ]
        )
        == 0
    )
    assert all(np.array_equal(x, y) for x, y in zip(pngs(tmp_path / "plain"), pngs(tmp_path / "t")))
    from shaderplay.runs import RunFile

    saved = RunFile.load(run)
    assert saved.steps.tolist() == [0, 4, 8, 12, 16]
    # Re-rendered at another size, view and colormap, straight from the run file.
    view = "-0.5,0.5,-0.5,0.5"
    assert (
        main(
            [
                "record",
                str(run),
                "-o",
                str(tmp_path / "p/"),
                "--size",
                "32x32",
                "--view",
                view,
                "--colormap",
                "magma",
                "--frames",
                "5",
            ]
        )
        == 0
    )
    played = pngs(tmp_path / "p")
    assert len(played) == 5
    renderer.set_network(saved.network_at(3))
    assert np.array_equal(played[3], renderer.image(View.parse(view), (32, 32), colormap="magma"))


def test_a_replay_lasts_the_seconds_asked_in_the_runs_own_mode_and_colormap(preset, tmp_path):
    """24 snapshots at 30 fps for 2 s: 60 frames, between the snapshots where they fall
    between; the first and last are the filmed first and last, pixel for pixel."""
    run, filmed, replay = tmp_path / "run.npz", tmp_path / "filmed/", tmp_path / "replay/"
    film = [preset, "--frames", "24", "--steps-per-frame", "5", *SIZE, "--colormap", "magma"]
    assert (
        main(["record", *film, "--mode", "neuron:1:2", "-o", str(filmed), "--save-run", str(run)])
        == 0
    )
    assert len(RunFile.load(run)) == 24
    assert (
        main(["record", str(run), "-o", str(replay), "--seconds", "2", "--fps", "30", *SIZE]) == 0
    )
    shown, played = pngs(filmed), pngs(replay)
    assert len(played) == 60
    assert np.array_equal(played[0], shown[0]) and np.array_equal(played[-1], shown[-1])
    assert not any(np.array_equal(played[30], x) for x in shown)  # between two snapshots
    assert (
        main(["record", str(run), "-o", str(tmp_path / "x/"), "--seconds", "1", "--frames", "3"])
        == 2
    )


def test_other_animations_and_formats(preset, tmp_path):
    for animation, out, extra in (
        ("zoom", "z.gif", ["--zoom-to", "-0.1,0.1,-0.075,0.075"]),
        ("weight-scale", "w.mp4", ["--caption"]),
        ("morph", "m/", ["--seed-b", "7"]),
    ):
        code = main(
            [
                "record",
                preset,
                "--animation",
                animation,
                "--frames",
                "3",
                *SIZE,
                "-o",
                str(tmp_path / out),
                *extra,
            ]
        )
        assert code == 0, animation
    assert iio.imread(tmp_path / "z.gif", index=None).shape[:3] == (3, 48, 64)
    assert count_frames(tmp_path / "w.mp4") == 3
    morph = pngs(tmp_path / "m")
    assert len(morph) == 3 and not np.array_equal(morph[0], morph[2])


@pytest.mark.parametrize(
    "args, message",
    [
        (["-o", "{tmp}/x.avi"], "unknown format '.avi'"),
        (["-o", "{tmp}/missing/x.mp4"], "does not exist"),
        (["-o", "{tmp}/x.mp4", "--size", "65x48"], "even width and height"),
        (["-o", "{tmp}/x.mp4", "--size", "7680x4320"], "--size"),
        (["-o", "{tmp}/x.gif", "--fps", "0"], "--fps"),
        (["-o", "{tmp}/x.gif", "--fps", "0.001"], "--fps: got 0.001; allowed: a frame rate from"),
        (["-o", "{tmp}/d/", "--frames", "0"], "--frames"),
        (["-o", "{tmp}/d/", "--frames", "91922991442065968"], "--frames: got 91922991442065968"),
        (["-o", "{tmp}/d/", "--steps-per-frame", "10000001"], "--steps-per-frame"),
        (["-o", "{tmp}/d/", "--seconds", "1e300", "--fps", "60"], "--seconds: got 1e+300"),
        (["-o", "{tmp}/d/", "--mode", "nonsense"], "mode"),
        (["-o", "{tmp}/d/", "--animation", "playback"], "no run to play"),
        (
            ["-o", "{tmp}/d/", "--animation", "zoom", "--save-run", "{tmp}/r.npz"],
            "--save-run: got '{tmp}/r.npz'; allowed: only with --animation training",
        ),
        (
            ["-o", "{tmp}/d/", "--seed-b", "4"],
            "--seed-b: got 4; allowed: only with --animation morph",
        ),
        (
            ["-o", "{tmp}/x.gif", "--crf", "30"],
            "--crf: got 30; allowed: only with an .mp4 OUT (this recording is a GIF)",
        ),
        (
            ["-o", "{tmp}/d/", "--x264-preset", "slow"],
            "--x264-preset: got 'slow'; allowed: only with an .mp4 OUT (this recording is a folder",
        ),
        (["-o", "{tmp}/x.mp4", "--crf", "52"], "mp4 crf: got 52; allowed: an integer 0..51"),
    ],
)
def test_bad_input_refused_before_any_frame(preset, tmp_path, capsys, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["record", preset, *SIZE[:0], *args]) == 2
    err = capsys.readouterr().err
    assert message.replace("{tmp}", str(tmp_path)) in err and "Traceback" not in err
    assert not list(tmp_path.glob("x.*")) and not list(tmp_path.glob("d/*.png"))


def test_ctrl_c_leaves_a_playable_file_and_says_how_many(preset, tmp_path, capsys, monkeypatch):
    from shaderplay.record import film

    real = film.draw_frame
    calls = []

    def interrupt_at_third(*args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(film, "draw_frame", interrupt_at_third)
    out = tmp_path / "c.mp4"
    assert main(["record", preset, "--frames", "10", *SIZE, "-o", str(out)]) == 130
    assert "interrupted; " + str(out) + " holds the 2 frames" in capsys.readouterr().err
    assert count_frames(out) == 2


def test_encoder_death_midway_reported_with_frame_count(
    preset, tmp_path, capsys, monkeypatch, wait_for
):
    from shaderplay.record.mp4 import Mp4Sink

    real = Mp4Sink._write_frame

    def die_after_six(self, frame):
        if self.frames_written == 6:
            wait_for(lambda: muxed_frames(self.partial) >= 1)  # ffmpeg has muxed a frame
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        return real(self, frame)

    monkeypatch.setattr(Mp4Sink, "_write_frame", die_after_six)
    out = tmp_path / "d.mp4"
    assert (
        main(
            [
                "record",
                preset,
                "--frames",
                "12",
                *SIZE,
                "-o",
                str(out),
                "--x264-preset",
                "ultrafast",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "killed" in err and "stopped after 6 frames" in err
    kept = int(err.split("holds the first ")[1].split(" frame")[0])
    assert 1 <= kept <= 6 and count_frames(out) == kept


def test_a_folder_as_run_file_is_refused_before_recording(tmp_path, capsys):
    """--save-run that cannot be written is refused before the first frame (a folder was
    only noticed after the whole recording)."""
    preset = tmp_path / "tiny.toml"
    preset.write_text(TINY_XOR)
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


def test_odd_mp4_size_names_the_cli_option(tmp_path, capsys):
    """Refused naming the option a CLI user has (--size) and sizes that work, not the API's
    pad=True."""
    out = tmp_path / "odd.mp4"
    assert main(["record", "cppn", "-o", str(out), "--size", "65x33", "--frames", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("shaderplay: --size: got '65x33'") and err.count("\n") == 1, err
    assert "66x34" in err and "64x32" in err and "pad=" not in err
    assert not out.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")
def test_ctrl_c_to_the_process_group_ends_with_an_interrupted_playable_file(tmp_path, wait_for):
    """Ctrl-C in a terminal signals the whole foreground process group. The MP4 encoder
    must not die of it: shaderplay stops, closes the encoder itself and says how many
    frames the playable file holds (exit 130), rather than that ffmpeg exited with 255."""
    preset = tmp_path / "tiny.toml"
    preset.write_text(TINY_SINE)
    out = tmp_path / "c.mp4"
    run = "import sys; from shaderplay.cli import main; sys.exit(main())"
    argv = [
        sys.executable,
        "-c",
        run,
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
    partial = tmp_path / ".c.mp4.partial.ts"

    def encoding():
        assert proc.poll() is None, proc.communicate()
        return partial.exists() and partial.stat().st_size > 0

    try:
        wait_for(encoding)
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


# --- a preset's [view] is what `record` draws: its mode with the layer/neuron fields, its
# points, the modes that show its target; without data these are refused, never dropped ---

W, H = 32, 24


def test_record_draws_the_presets_mode_and_points(sine_preset, tmp_path, renderer):
    out = tmp_path / "f/"
    argv = ["record", sine_preset, "-o", str(out), "--frames", "1", "--size", f"{W}x{H}"]
    assert main(argv) == 0
    net, data, _ = build(load_preset(sine_preset))
    renderer.set_network(net)
    view = View.fit((-1, 1, -1, 1), (W, H))
    want = renderer.image(view, (W, H), "neuron:1:3", "viridis", points=data)  # the preset's map
    assert np.array_equal(pngs(out)[0], want)
    other = renderer.image(view, (W, H), "neuron:0:0", "viridis", points=data)
    assert not np.array_equal(want, other)


@pytest.mark.parametrize("mode", ["target", "error", "side"])
def test_record_modes_that_show_the_target(sine_preset, tmp_path, renderer, mode):
    out = tmp_path / f"{mode}/"
    argv = [
        "record",
        sine_preset,
        "-o",
        str(out),
        "--frames",
        "1",
        "--size",
        f"{W}x{H}",
        "--mode",
        mode,
        "--colormap",
        "viridis",
    ]
    assert main(argv) == 0
    net, data, _ = build(load_preset(sine_preset))
    renderer.set_network(net)
    want = renderer.image(
        View.fit((-1, 1, -1, 1), (W, H)), (W, H), mode, "viridis", target=data, points=data
    )
    assert np.array_equal(pngs(out)[0], want)


def test_record_of_a_network_file_refuses_target_modes_and_points(sine_preset, tmp_path, capsys):
    net, _, _ = build(load_preset(sine_preset))
    path = tmp_path / "net.npz"
    net.save(path)
    for extra, field in ((["--mode", "error"], "--mode: got 'error'"), (["--points"], "--points")):
        argv = ["record", str(path), "-o", str(tmp_path / "x/"), "--frames", "1", *extra]
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"shaderplay: {field}") and err.count("\n") == 1, err
        assert "no data" in err
    assert not (tmp_path / "x").exists() or not list((tmp_path / "x").iterdir())
