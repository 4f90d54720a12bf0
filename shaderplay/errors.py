"""One error type for everything a user can get wrong.

Every message is one paragraph that names the field, the value found and
what is allowed, so the CLI and the window can show it as it is. A value is
shown as `shown` writes it: a long list or text is cut to its first items and
a count, so a 100,000-value list makes a one-line message.
"""

import reprlib

MAX_ITEMS = 8  # list items shown in a message
MAX_CHARS = 240  # characters of a text (a file path whole, a 200 kB field cut) or other repr

_SHORT = reprlib.Repr()
_SHORT.maxlevel = 3
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxset = _SHORT.maxdict = MAX_ITEMS
_SHORT.maxstring = MAX_CHARS + 2  # a text of MAX_CHARS and its quotes
_SHORT.maxother = _SHORT.maxlong = MAX_CHARS
_SHORT.fillvalue = "…"
_COLLECTIONS = (list, tuple, set, frozenset, dict)


class ShaderplayError(ValueError):
    """A user-facing error: bad input, a bad file, a missing system piece."""


def shown(value) -> str:
    """`value` as a message shows it: its repr, cut to a few items and a count when long."""
    if isinstance(value, int) and value.bit_length() > 10_000:  # repr refuses > 4300 digits
        return f"an integer of {value.bit_length():,} bits"
    if hasattr(value, "shape") and hasattr(value, "ravel"):  # a NumPy array: its values as a list
        if value.size <= MAX_ITEMS:
            return _SHORT.repr(value.tolist())
        return f"{_SHORT.repr(value.ravel()[: MAX_ITEMS + 1].tolist())} (shape {value.shape})"
    text = _SHORT.repr(value)
    if isinstance(value, (str, bytes)) and len(value) > MAX_CHARS:
        text += f" ({len(value):,} characters)"
    elif isinstance(value, _COLLECTIONS) and len(value) > MAX_ITEMS:
        text += f" ({len(value):,} items)"
    return text


def named(text: str) -> str:
    """A name as a message writes it: as it is when short and printable; else, since it came
    from the user (a TOML key with a line break, a 10,000-character key), as a value is shown."""
    text = str(text)
    return text if text.isprintable() and len(text) <= MAX_CHARS else shown(text)


def bad_value(field: str, value, allowed: str) -> ShaderplayError:
    """`field` got `value`; say what is allowed."""
    return ShaderplayError(f"{field}: got {shown(value)}; allowed: {allowed}.")


def choose(field: str, value: str, options) -> str:
    """Return `value` if it is one of `options`, else raise a clear error."""
    options = list(options)
    if value not in options:
        raise bad_value(field, value, "one of " + ", ".join(map(str, options)))
    return value
