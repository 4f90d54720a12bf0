"""Nothing lost: every writer of a user's file keeps the old file when the write
fails (a full disk), and a recording that ends any way at all (SIGTERM, SIGHUP,
SIGINT, a dying encoder, a full disk, the window closed) leaves a playable file
of the frames so far and says how many."""

import contextlib
import errno
import io
import os
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_window import display, run_window  # noqa: F401  (display: the Xvfb fixture)

from shaderplay import checks
from shaderplay.cli import main
from shaderplay.errors import ShaderplayError
from shaderplay.network import Network

TINY = """name = "tiny"
[network]
hidden = [4]
activation = "tanh"
[target]
name = "fancy_sine"
n_points = 64
[train]
batch_size = 16
[view]
domain = [-1.0, 1.0, -1.0, 1.0]
"""
SHADERPLAY = [sys.executable, "-c", "import sys; from shaderplay.cli import main; sys.exit(main())"]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
OLD = b"the user's old file: must survive a failed write byte for byte"


def write_tiny(folder: Path) -> str:
    path = folder / "tiny.toml"
    path.write_text(TINY)
    return str(path)


@pytest.fixture
def tiny(tmp_path):
    return write_tiny(tmp_path)


def leftovers(folder: Path) -> list[str]:
    """Temporary or partial files a writer left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def last_line(stderr: str) -> str:
    """What a command said last (after its progress bar's lines)."""
    return stderr.strip().replace("\r", "\n").split("\n")[-1].strip()


# --- atomic writes ----------------------------------------------------------------------


class FullDisk:
    """An open file whose disk fills after `room` bytes (or characters): what fits is
    written, then ENOSPC."""

    def __init__(self, fh, room: int):
        self._fh, self._room = fh, room

    def write(self, data):
        if len(data) > self._room:
            self._fh.write(data[: self._room])
            self._room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(data)
        return self._fh.write(data)

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._fh.close()


@pytest.fixture
def full_disk(monkeypatch):
    """full_disk(after): files written through atomic_file after the first `after` get
    100 bytes of room."""
    real_open = open

    def fill(after: int) -> None:
        opened = []

        def open_on_a_full_disk(*args, **kwargs):
            opened.append(1)
            fh = real_open(*args, **kwargs)
            return fh if len(opened) <= after else FullDisk(fh, 100)

        monkeypatch.setattr(checks, "open", open_on_a_full_disk, False)

    return fill


def cli(*argv) -> None:
    """Run a command here; its exit-2 paragraph comes back as the ShaderplayError it was."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(list(argv))
    if status == 2:
        raise ShaderplayError(err.getvalue().strip().removeprefix("shaderplay: "))
    assert status == 0, err.getvalue()


def _render(path, tiny):
    cli("render", tiny, "--size", "16x16", "-o", str(path))


def _export(path, tiny):
    cli("export", tiny, "-o", str(path))


def _preview(path, tiny):
    cli("export", tiny, "-o", str(path.with_suffix(".glsl")), "--preview", str(path))


def _network(path, tiny):
    Network.random((2, 4, 1), seed=0).save(path)


def _run(path, tiny):
    from shaderplay.runs import RunRecorder

    net = Network.random((2, 4, 1), seed=0)
    recorder = RunRecorder(net)
    recorder.add(0, net.params)
    recorder.save(path)


def _preset(path, tiny):
    from shaderplay.presets import load_preset, save_preset

    save_preset(load_preset(tiny), path)


def _screenshot(path, tiny):
    from shaderplay.app.loop import _save_png

    noise = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    _save_png("screenshot", path, noise)  # bigger than the room a full disk leaves


# Every writer of a user's file: (file written, writer(path, preset), the name its
# message gives, files it writes before this one). PNG-folder frames: test_record_sinks.
WRITERS = {
    "network": ("net.npz", _network, "network file", 0),
    "run": ("run.npz", _run, "run file", 0),
    "preset": ("p.toml", _preset, "preset file", 0),
    "render png": ("r.png", _render, "-o/--output", 0),
    "render npy": ("r.npy", _render, "-o/--output", 0),
    "export glsl": ("e.glsl", _export, "-o", 0),
    "export preview": ("e.png", _preview, "--preview", 1),  # after the shader e.glsl
    "screenshot": ("shot.png", _screenshot, "screenshot", 0),
}


@pytest.mark.parametrize("name", WRITERS)
def test_every_writer_keeps_the_old_file_when_the_disk_fills(tmp_path, tiny, full_disk, name):
    file, writer, field, earlier = WRITERS[name]
    path = tmp_path / file
    path.write_bytes(OLD)
    full_disk(earlier)
    with pytest.raises(ShaderplayError) as info:
        writer(path, tiny)
    message = str(info.value)
    assert message.startswith(f"{field} ") and "No space left" in message, message
    assert f"the {path.name} already there is unchanged" in message, message
    assert path.read_bytes() == OLD and leftovers(tmp_path) == [] and "\n" not in message


@pytest.mark.parametrize("name", WRITERS)
def test_every_writer_replaces_the_old_file_whole(tmp_path, tiny, name):
    file, writer, _, _ = WRITERS[name]
    path = tmp_path / file
    path.write_bytes(OLD)
    path.chmod(0o640)
    writer(path, tiny)
    assert path.read_bytes() != OLD and path.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_a_link_keeps_pointing_at_the_file_it_names(tmp_path):
    real = tmp_path / "real.npz"
    real.write_bytes(OLD)
    (tmp_path / "link.npz").symlink_to(real)
    Network.random((2, 3, 1), seed=0).save(tmp_path / "link.npz")
    assert (tmp_path / "link.npz").is_symlink() and Network.load(real).spec.sizes == (2, 3, 1)


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "keep.bin"
    path.write_bytes(OLD)
    with pytest.raises(KeyboardInterrupt), checks.atomic_file(path) as fh:
        fh.write(b"half")
        raise KeyboardInterrupt
    assert path.read_bytes() == OLD and leftovers(tmp_path) == []


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(ShaderplayError, match=r"folder .*nope does not exist.*nothing was written"):
        Network.random((2, 3, 1), seed=0).save(tmp_path / "nope" / "n.npz")


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    compile_here(tmp_path_factory.mktemp("compiled"))


def compile_here(folder: Path) -> None:
    """The numba cache holds what train and record compile (run here): a child with
    a file size limit must not need to write it."""
    tiny = write_tiny(folder)
    cli("train", tiny, "--steps", "10", "--save", str(folder / "n.npz"))
    cli("record", tiny, "-o", str(folder / "frames/"), "--frames", "2", "--size", "16x16")


def file_size_limit(limit: int):
    def apply():  # in the child: what `ulimit -f` does; a full disk for its writes
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_failed_train_save_keeps_the_old_network_byte_for_byte(tmp_path, tiny, compiled):
    old = tmp_path / "old_net.npz"
    Network.random((2, 64, 64, 1), seed=5).save(old)  # bigger than the new one: it fits
    before = old.read_bytes()
    done = subprocess.run(
        [*SHADERPLAY, "train", tiny, "--steps", "10", "--save", str(old)],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
        preexec_fn=file_size_limit(1024),
    )
    assert done.returncode == 2, done.stderr
    last = last_line(done.stderr)
    assert done.stderr.count("shaderplay:") == 1 and "Traceback" not in done.stderr
    assert last.startswith(f"shaderplay: --save {old}: cannot write it (File too large)"), last
    assert "old_net.npz already there is unchanged" in last
    assert old.read_bytes() == before and leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "argv, field, allowed",
    [
        (["train", "{tiny}", "--steps", "5", "--save", "{tiny}"], "--save", ".npz"),
        (["train", "{tiny}", "--steps", "5", "--save", ""], "--save", ".npz"),
        (["export", "{tiny}", "-o", "{tiny}"], "-o", ".glsl"),
        (["export", "{tiny}", "-o", "a.glsl", "--preview", "{tiny}"], "--preview", ".png"),
        (
            ["record", "{tiny}", "--frames", "2", "-o", "r.gif", "--save-run", "r.gif"],
            "--save-run",
            ".npz",
        ),
    ],
)
def test_an_output_of_another_kind_than_the_flag_writes_is_refused(
    tmp_path, monkeypatch, argv, field, allowed
):
    """A user's own file named by mistake (`--save mine.toml`, the preset itself) is not
    overwritten by a file of another kind: each output flag takes its own suffix."""
    tiny = Path(write_tiny(tmp_path))
    before = tiny.read_bytes()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        ShaderplayError, match=f"^{field}: got .*; allowed: a path ending in {allowed}"
    ):
        cli(*(a.format(tiny=tiny) for a in argv))
    assert tiny.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [tiny.name]
