"""Scripted sessions: a JSON file of actions to run at given frames.

    [{"frame": 20, "do": "screenshot", "path": "before.png"},
     {"frame": 21, "do": "set_layer", "index": 0, "width": 4},
     {"frame": 60, "do": "zoom", "center": [0.5, 0.5], "factor": 2},
     {"frame": 90, "do": "quit"}]

"do" names an action (one of ACTIONS: the functions the panels, keys and
mouse call); the other keys are its keyword arguments. A step with arguments its
action cannot take is refused as the script loads, before the window opens. Five
steps act on the window itself: "window_screenshot" (path) saves the whole window,
panels included;
"resize" (size [W, H]) resizes it; "drop" (paths [...]) hands files to the
window's drop callback as GLFW does when files are dropped on it; "mouse"
(pos [x, y], window units) moves imgui's mouse there (hover a tooltip);
"report_layout" (path) writes the window's size and where the canvas, the
transport bar and the status were drawn (JSON, window units), and the view mode.
"wait_for_step" (step N) holds the script (its frame count stops) while
training runs towards step N, so a script can rely on training having
happened whatever the machine's speed. The wait always ends: when training
stopped by itself (diverged, max_steps, target_loss), is paused, has nothing
to train on, or made no step for STALL_S seconds, the script goes on and says
so in the message bar and on stderr; so does an action the step names that is
refused (a bad value). "wait_for_picture" holds it the same way until the canvas
shows a picture of the view's mode (a mode's first picture may take seconds),
for at most STALL_S seconds. Used by the window tests and the benchmark, and handy
for demos: `shaderplay --script demo.json`.
"""

import inspect
import json
import sys
import time
from dataclasses import dataclass, field
from math import inf, isfinite
from pathlib import Path

from ..checks import has_suffix
from ..errors import ShaderplayError, bad_value
from . import (
    compare_actions,
    file_actions,
    network_actions,
    run_actions,
    training_actions,
    view_actions,
)
from .action import actions_in

ACTIONS = actions_in(
    network_actions, training_actions, run_actions, file_actions, view_actions, compare_actions
)
# carried out by the window loop
EXTRA = ("window_screenshot", "resize", "drop", "mouse", "report_layout")
CONTROL = ("wait_for_step", "wait_for_picture")
STALL_S = 30.0  # a wait for a step ends when training made no step for this long
MAX_WINDOW = 8192  # a window's side in a script's resize (llvmpipe's textures end at 16384)


def _numbers(value, count: int, whole: bool, least: float) -> bool:
    """Whether `value` is a list of `count` numbers (whole ones: 2000 or 2e3) >= least."""
    return (
        isinstance(value, list)
        and len(value) == count
        and all(
            isinstance(v, (int, float))
            and not isinstance(v, bool)
            and isfinite(v)
            and v >= least
            and (float(v).is_integer() or not whole)
            for v in value
        )
    )


def _path(value) -> bool:
    return isinstance(value, str) and value != ""


def _png(value) -> bool:
    return has_suffix(value, ".png")


# The window's steps and the waits: argument -> (whether a value fits, what fits);
# an argument left out takes the loop's default (a screenshot's name: window-FRAME.png).
WINDOW_ARGS = {
    "window_screenshot": {"path": (_png, "a path ending in .png")},
    "resize": {
        "size": (
            lambda v: _numbers(v, 2, True, 1) and max(v) <= MAX_WINDOW,
            f"[W, H], two whole numbers from 1 to {MAX_WINDOW}",
        )
    },
    "drop": {"paths": (lambda v: isinstance(v, list) and all(map(_path, v)), "a list of paths")},
    "mouse": {"pos": (lambda v: _numbers(v, 2, False, -inf), "[x, y], two numbers")},
    "report_layout": {"path": (_path, "a file path")},
    "wait_for_step": {"step": (lambda v: _numbers([v], 1, True, 0), "a whole number >= 0")},
    "wait_for_picture": {},
}
# Actions' arguments whose values are checked as the script loads, not at their frame.
ACTION_VALUES = {"screenshot": {"path": (_png, "a path ending in .png")}}


def _check_arguments(i: int, step: dict) -> None:
    """Refuse a step whose arguments its action cannot take, before the window opens
    (an action's values are its own to check when it runs)."""
    do = step["do"]
    given = {k: v for k, v in step.items() if k not in ("frame", "do")}
    field = f"--script step {i} ({do})"
    if do in WINDOW_ARGS:
        for name, value in given.items():
            fits, allowed = WINDOW_ARGS[do].get(name, (None, None))
            if fits is None:
                names = ", ".join(WINDOW_ARGS[do])
                allowed = f"one of: {names}" if names else "no arguments"
                raise bad_value(f"{field} argument", name, allowed)
            if not fits(value):
                raise bad_value(f"{field} {name}", value, allowed)
        return
    signature = inspect.signature(ACTIONS[do])
    try:
        signature.bind(None, None, **given)
    except TypeError as exc:
        names = ", ".join(list(signature.parameters)[2:]) or "no arguments"
        raise bad_value(f"{field} arguments", given, f"{names} ({exc})") from None
    for name, value in given.items():
        fits, allowed = ACTION_VALUES.get(do, {}).get(name, (None, None))
        if fits is not None and not fits(value):
            raise bad_value(f"{field} {name}", value, allowed)


@dataclass
class Script:
    steps: list[dict] = field(default_factory=list)  # sorted by frame
    held: int = 0  # frames spent waiting: script frame = window frame - held
    until_step: int = -1
    moved: tuple[int, float] = (0, 0.0)  # while waiting: (step, time) training last moved
    picture_since: float = -1.0  # while waiting for the mode's picture: since when
    told: object = None  # the last error message echoed on stderr

    @classmethod
    def load(cls, path) -> "Script":
        try:
            steps = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ShaderplayError(
                f"--script: cannot read {str(path)!r} ({exc.strerror})."
            ) from None
        except json.JSONDecodeError as exc:
            raise bad_value(
                "--script", str(path), f"a JSON list of steps (line {exc.lineno}: {exc.msg})"
            ) from None
        except (UnicodeDecodeError, RecursionError):  # not text; arrays nested too deep
            raise bad_value("--script", str(path), "a UTF-8 JSON list of steps") from None
        return cls.of(steps)

    @classmethod
    def of(cls, steps) -> "Script":
        names = (*ACTIONS, *EXTRA, *CONTROL)
        if not isinstance(steps, list):
            raise bad_value("--script", type(steps).__name__, "a JSON list of steps")
        for i, s in enumerate(steps):
            frame = s.get("frame") if isinstance(s, dict) else None
            if not isinstance(frame, int) or isinstance(frame, bool) or frame < 0:
                raise bad_value(
                    f"--script step {i}", s, 'an object with "frame" (an integer >= 0) and "do"'
                )
            if s.get("do") not in names:
                raise bad_value(f"--script step {i} do", s.get("do"), "one of " + ", ".join(names))
            _check_arguments(i, s)
        return cls(sorted(steps, key=lambda s: s["frame"]))

    def due(self, frame: int) -> list[dict]:
        """The steps to run on `frame`, removed from the script."""
        now = [s for s in self.steps if s["frame"] <= frame]
        self.steps = self.steps[len(now) :]
        return now

    def run(self, frame: int, state, session, window_ops: list, shown_mode=None) -> None:
        """Run the actions due on `frame`; window steps go to `window_ops` as (do, kwargs).
        `shown_mode`: the mode of the picture on the canvas (wait_for_picture)."""
        if self.picture_since >= 0:
            if self._picture_missing(state, shown_mode):
                self.held += 1
                return
            self.picture_since = -1.0
        if self.until_step >= 0:
            if self._waiting(state, session):
                self.held += 1
                return
            self.until_step = -1
        due = self.due(frame - self.held)
        for k, s in enumerate(due):
            if s["do"] == "wait_for_picture":
                self.picture_since = time.monotonic()
                self.steps = due[k + 1 :] + self.steps
                break
            if s["do"] == "wait_for_step":
                self.until_step = int(s.get("step", 0))
                self.moved = (session.step_count, time.monotonic())
                self.steps = due[k + 1 :] + self.steps  # the rest runs once training got there
                break
            kwargs = {k: v for k, v in s.items() if k not in ("frame", "do")}
            if s["do"] in EXTRA:
                window_ops.append((s["do"], kwargs))
                continue
            fn, before = ACTIONS[s["do"]], state.message
            try:
                fn(state, session, **kwargs)
            except (TypeError, ValueError) as exc:  # a value of the wrong type: say so, go on
                state.say(f"script step {s['do']}: {exc} (given {kwargs})", error=True)
                self.tell(state)
                continue
            said = state.message  # None where the step cleared the message bar
            if said is not before and said is not None and said.error:  # refused: logged too
                print(f"shaderplay: script step {s['do']}: {said.text}", file=sys.stderr)
                self.told = said

    def tell(self, state) -> None:
        """Echo on stderr an error the window said that no step printed (a screenshot that
        could not be written): no one watches a scripted window's message bar."""
        said = state.message
        told = getattr(self.told, "text", None)  # a lasting error is said anew each frame
        if said is not None and said.error and said.text != told:
            print(f"shaderplay: {said.text}", file=sys.stderr)
            self.told = said

    def _picture_missing(self, state, shown_mode) -> bool:
        """Whether to hold on for a picture of the view's mode; a wait that ends without
        one says so."""
        wanted = state.preset.view.mode.split(":")[0]
        if shown_mode is not None and shown_mode.split(":")[0] == wanted:
            return False
        if time.monotonic() - self.picture_since < STALL_S:
            return True
        text = f"script: wait_for_picture ended after {STALL_S:.0f} s with no {wanted} picture"
        state.say(text, error=True)
        self.tell(state)
        return False

    def _waiting(self, state, session) -> bool:
        """Whether to hold on for `until_step`; a wait that ends short says why."""
        step = session.step_count
        if step >= self.until_step:
            return False
        why = self._never(session, step)
        if not why:
            return True
        text = f"script: wait_for_step {self.until_step} ended at step {step}: {why}"
        state.say(text, error=True)
        self.tell(state)
        return False

    def _never(self, session, step: int) -> str:
        """Why training will not get to the step ('' while it may)."""
        trainer = session.trainer
        if trainer is None:
            return "this preset has nothing to train on"
        if trainer.stopped is not None:
            return "training stopped: " + trainer.why_stopped()
        if not session.playing:
            return "training is paused"
        now = time.monotonic()
        if step != self.moved[0]:
            self.moved = (step, now)
        elif now - self.moved[1] > STALL_S:
            return f"no training step for {STALL_S:g} s"
        return ""
