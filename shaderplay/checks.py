"""Value checks shared by the config validators (targets, presets) and the
commands that write files. Each raises `bad_value` naming the field, the
value and what is allowed."""

import math
import os
from contextlib import contextmanager
from pathlib import Path

from .errors import bad_value


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number(field: str, value, ok=lambda v: True, allowed: str = "a finite number") -> None:
    """A finite int or float (not a bool) for which `ok(value)` holds."""
    if not _is_number(value) or not math.isfinite(value) or not ok(value):
        raise bad_value(field, value, allowed)


def integer(field: str, value, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise bad_value(field, value, f"an integer {lo}..{hi}")


def flag(field: str, value) -> None:
    if not isinstance(value, bool):
        raise bad_value(field, value, "true or false")


def domain(field: str, d) -> None:
    """[xmin, xmax, ymin, ymax]: four finite numbers spanning a non-empty rectangle."""
    ok = len(d) == 4 and all(_is_number(v) and math.isfinite(v) for v in d)
    if not ok or not (d[0] < d[1] and d[2] < d[3]):
        raise bad_value(
            field, list(d), "[xmin, xmax, ymin, ymax], finite, xmin < xmax, ymin < ymax"
        )


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
