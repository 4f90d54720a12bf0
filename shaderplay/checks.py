"""Value checks shared by the config validators (targets, presets). Each
raises `bad_value` naming the field, the value and what is allowed."""

import math

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
