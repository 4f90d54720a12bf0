"""Field rules: what a config field accepts, declared beside the field.

A config dataclass (config.py) declares a field as `name: type = setting(default, rule)`:
the annotation is its type, `rule` what values of that type are allowed.
`coerce(name, field, value)` turns a value as given (from TOML, a keyword
argument or the command line) into the field's type and checks it against the
rule; every error names the field, the value and what is allowed.

Types: bool, int, float, str, tuple[T, ...] (any length), tuple[T, T, ...]
(that many) and unions of a scalar and a tuple (str | tuple[str, ...]). Lists
and tuples both read as tuples. Ints take NumPy integers and integral floats
(64.0), floats any real number (a lone float must be finite; a tuple's rule
says what its elements take); bools are neither.
A rule is any callable `rule(name, value)` that raises for a value it refuses;
`Number`, `Integer` and `OneOf` cover the common ones and describe themselves.
"""

import math
import numbers
import types
from dataclasses import dataclass, field
from typing import get_args, get_origin

from .errors import bad_value

_WORDS = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}


def setting(default, rule=None):
    """A dataclass field with `default` and the `rule` its values obey."""
    return field(default=default, metadata={"rule": rule} if rule else {})


def _bound(op: str, v) -> str:
    return f"{op} {v:g}"


@dataclass(frozen=True)
class Number:
    """A finite number within the bounds given (gt/ge below, lt/le above)."""

    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None

    @property
    def allowed(self) -> str:
        lo = ("(", self.gt) if self.gt is not None else ("[", self.ge)
        hi = (")", self.lt) if self.lt is not None else ("]", self.le)
        if lo[1] is not None and hi[1] is not None:
            return f"a number in {lo[0]}{lo[1]:g}, {hi[1]:g}{hi[0]}"
        bounds = [(op, v) for op, v in ((">", self.gt), (">=", self.ge)) if v is not None]
        bounds += [(op, v) for op, v in (("<", self.lt), ("<=", self.le)) if v is not None]
        return "a number " + " and ".join(_bound(op, v) for op, v in bounds)

    def holds(self, value) -> bool:
        return (
            (self.gt is None or value > self.gt)
            and (self.ge is None or value >= self.ge)
            and (self.lt is None or value < self.lt)
            and (self.le is None or value <= self.le)
        )

    def __call__(self, name: str, value) -> None:
        if not self.holds(value):
            raise bad_value(name, value, self.allowed)


@dataclass(frozen=True)
class Integer:
    """An integer from `ge` up to `le` (no upper end when None)."""

    ge: int
    le: int | None = None

    @property
    def allowed(self) -> str:
        return (
            f"an integer {self.ge}..{self.le}"
            if self.le is not None
            else f"an integer >= {self.ge}"
        )

    def holds(self, value) -> bool:
        return value >= self.ge and (self.le is None or value <= self.le)

    def __call__(self, name: str, value) -> None:
        if not self.holds(value):
            raise bad_value(name, value, self.allowed)


@dataclass(frozen=True)
class OneOf:
    """A name from `options`; for a tuple of names, each of them."""

    options: tuple

    def __call__(self, name: str, value) -> None:
        for v in value if isinstance(value, tuple) else (value,):
            if v not in self.options:
                raise bad_value(name, v, "one of " + ", ".join(map(str, self.options)))


# --- types ---------------------------------------------------------------------------


def _plural(tp) -> str:
    return _WORDS[tp].removeprefix("an ").removeprefix("a ") + "s"


def describe(tp) -> str:
    """The annotation `tp` in words, as an error's "allowed" part."""
    if get_origin(tp) is types.UnionType:
        return " or ".join(describe(t) for t in get_args(tp))
    if get_origin(tp) is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"a list of {_plural(args[0])}"
        return f"a list of {len(args)} {_plural(args[0])}"
    return _WORDS[tp]


def _scalar(value, tp):
    """`value` as the scalar type `tp`, or None when it is not one."""
    if tp is str or tp is bool:
        return value if isinstance(value, tp) else None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    if tp is float:
        return float(value)
    if isinstance(value, numbers.Integral) or (math.isfinite(value) and value == int(value)):
        return int(value)
    return None


def _fits(value, tp) -> bool:
    if get_origin(tp) is not tuple:
        return _scalar(value, tp) is not None
    args = get_args(tp)
    variadic = len(args) == 2 and args[1] is Ellipsis
    if not isinstance(value, (list, tuple)) or (not variadic and len(value) != len(args)):
        return False
    return all(_scalar(v, args[0]) is not None for v in value)


def convert(name: str, value, tp):
    """`value` as the annotated type `tp`, else an error saying which type is allowed."""
    option = tp
    if get_origin(tp) is types.UnionType:  # a list picks the tuple type, anything else the scalar
        is_list = isinstance(value, (list, tuple))
        option = next((t for t in get_args(tp) if (get_origin(t) is tuple) == is_list), None)
    if option is None or not _fits(value, option):
        raise bad_value(name, value, describe(tp))
    if get_origin(option) is tuple:
        return tuple(_scalar(v, get_args(option)[0]) for v in value)
    typed = _scalar(value, option)
    if option is float and not math.isfinite(typed):
        raise bad_value(name, typed, "a finite number")
    return typed


def coerce(name: str, f, value):
    """`value` for dataclass field `f` (named `name` in messages): typed, then checked."""
    typed = convert(name, value, f.type)
    rule = f.metadata.get("rule")
    if rule is not None:
        rule(name, typed)
    return typed
