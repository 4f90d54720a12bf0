"""Checks for the files a command writes: refused before the work starts, and
written so that no ending loses one. Each message names the option, the path
and what is allowed. (Config values are checked by their fields' rules: config.py.)

Every file a user keeps is written through `atomic_file`: into a hidden
temporary file beside it, flushed to the disk, then renamed over the old one.
A failure on the way (a full disk, a missing folder, a signal) leaves the old
file exactly as it was, and says so.
"""

import os
import secrets
from contextlib import contextmanager, suppress
from pathlib import Path

from . import interrupts
from .errors import ShaderplayError, bad_value

ALLOWED = "a path in a folder you can write to, on a disk with room"


def has_suffix(path, suffix: str) -> bool:
    """Whether `path` (a str or Path) is a file name ending in `suffix` (".png")."""
    return isinstance(path, str | Path) and Path(path).suffix.lower() == suffix


def output_file(field: str, path, suffix: str = "") -> Path:
    """A file about to be written: refused now (not after minutes of work) when
    it is a folder, its folder is missing or not writable, or (given `suffix`) its
    name does not end in it: a user's own file (`--save mine.toml`) is not
    overwritten by another kind."""
    path = Path(path)
    if suffix and not has_suffix(path, suffix):
        raise bad_value(field, str(path), f"a path ending in {suffix}")
    folder = path.resolve().parent
    if path.is_dir():
        raise bad_value(field, str(path), "a file name (this is a folder)")
    if not folder.is_dir():
        raise bad_value(field, str(path), f"a file in an existing folder ({folder} does not exist)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise bad_value(
            field, str(path), f"a file in a folder you can write to ({folder} is not writable)"
        )
    return path


class WriteFailed(ShaderplayError):
    """Writing `path` failed; the file that was there (if any) is unchanged."""

    def __init__(self, field: str, path, reason: str, existed: bool):
        self.field, self.path, self.reason, self.existed = field, Path(path), reason, existed
        kept = (
            f"the {self.path.name} already there is unchanged" if existed else "nothing was written"
        )
        super().__init__(f"{field} {path}: cannot write it ({reason}); {kept}; allowed: {ALLOWED}.")

    def named(self, field: str) -> "WriteFailed":
        return WriteFailed(field, self.path, self.reason, self.existed)


@contextmanager
def writing(field: str):
    """A failed write inside names `field` (the option the user gave), not the writer's name."""
    try:
        yield
    except WriteFailed as exc:
        raise exc.named(field) from None


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def commit(temp, path) -> None:
    """Put the finished file `temp` in `path`'s place: its bytes on the disk first,
    then one rename (a reader sees the old file or the new one, never a mix)."""
    fd = os.open(temp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    with suppress(OSError):  # the rename itself on the disk; not every system can say
        folder = os.open(Path(path).parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


@contextmanager
def atomic_file(path, field: str = "file", mode: str = "wb", **open_args):
    """An open file whose contents replace `path` when the block ends normally.
    An OSError (a full disk, a missing or read-only folder) becomes one WriteFailed;
    any failure or signal leaves `path` as it was and no temporary file behind.
    A link is followed: the file it names is replaced, the link stays."""
    target = Path(os.path.realpath(path))
    existed = target.exists()
    if not target.parent.is_dir():
        raise WriteFailed(field, path, f"folder {target.parent} does not exist", existed)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    with interrupts.shielded():  # a signal while writing: the whole file, then the signal
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode from umask
            with open(fd, mode, **open_args) as fh:
                if existed:  # keep the old file's permissions
                    os.chmod(fh.fileno(), target.stat().st_mode & 0o7777)
                yield fh
            commit(temp, target)
        except OSError as exc:
            raise WriteFailed(field, path, _reason(exc), existed) from None
        finally:
            with suppress(OSError):
                temp.unlink(missing_ok=True)
