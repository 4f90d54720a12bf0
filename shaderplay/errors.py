"""One error type for everything a user can get wrong.

Every message is one paragraph that names the field, the value found and
what is allowed, so the CLI and the window can show it as it is.
"""


class ShaderplayError(ValueError):
    """A user-facing error: bad input, a bad file, a missing system piece."""


def bad_value(field: str, value, allowed: str) -> ShaderplayError:
    """`field` got `value`; say what is allowed."""
    return ShaderplayError(f"{field}: got {value!r}; allowed: {allowed}.")


def choose(field: str, value: str, options) -> str:
    """Return `value` if it is one of `options`, else raise a clear error."""
    options = list(options)
    if value not in options:
        raise bad_value(field, value, "one of " + ", ".join(map(str, options)))
    return value
