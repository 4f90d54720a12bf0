"""Checks for the files a command writes: refused before the work starts, and a
failed write as one clear error. Each names the option, the path and what is
allowed. (Config values are checked by their fields' rules: config.py.)"""

import os
from contextlib import contextmanager
from pathlib import Path

from .errors import bad_value


def output_file(field: str, path) -> Path:
    """A file about to be written: refused now (not after minutes of work) when
    it is a folder, or its folder is missing or not writable."""
    path = Path(path)
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


@contextmanager
def writing(field: str, path):
    """Turn an OSError while writing `path` into one clear ShaderplayError."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        allowed = f"a file you can write (writing it failed: {reason})"
        raise bad_value(field, str(path), allowed) from None
