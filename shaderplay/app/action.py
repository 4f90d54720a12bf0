"""The wrapper every user action goes through, and its helpers.

`@action` turns a user error (ShaderplayError, or a file that cannot be read
or written) into the message bar's text instead of a traceback: an action
either succeeds or changes nothing and says why. It also marks the function
as an action, so `actions_in` finds every action of the topic modules
(network, training, run, files, view) for scripts.
"""

import functools

from ..config import field_names
from ..errors import ShaderplayError, bad_value


def action(fn):
    """Run `fn(state, ...)`; a user error becomes the message, not a crash. An action
    that succeeds takes an error message away that was there before it."""

    @functools.wraps(fn)
    def run(state, *args, **kwargs):
        before = state.message
        try:
            result = fn(state, *args, **kwargs)
            if before is not None and before.error and state.message is before:
                state.message = None
            return result
        except ShaderplayError as exc:
            state.say(str(exc), error=True)
        except OSError as exc:  # unreadable or unwritable file
            state.say(
                f"{getattr(exc, 'filename', '') or fn.__name__}: {exc.strerror or exc}.", error=True
            )
        return None

    run.is_action = True
    return run


def actions_in(*modules) -> dict:
    """name -> function of every `@action` defined in `modules`."""
    return {
        name: fn
        for module in modules
        for name, fn in vars(module).items()
        if getattr(fn, "is_action", False) and fn.__module__ == module.__name__
    }


def known(cls, changes: dict) -> dict:
    """`changes` if every key is a field of dataclass `cls`, else a clear error."""
    names = field_names(cls)
    for key in changes:
        if key not in names:
            raise bad_value(f"{cls.__name__} field", key, "one of " + ", ".join(names))
    return changes
