"""What `shaderplay record` refuses before its first frame, flag by flag: counts out
of range, scales that are not finite and positive, and flags that would have no
effect on this recording (another animation's, the MP4 encoder's on a GIF)."""

import math

from ..config import MAX_FRAMES, MAX_PER_FRAME, MAX_STEPS
from ..errors import bad_value

# The MP4 encoder's flags, by the sink argument each sets; given with a GIF or PNG
# frames, they would be silently ignored, so they are refused.
SINK_OPTIONS = {"crf": "crf", "x264_preset": "preset"}


# Options that only one animation uses: given with another, they would be
# silently ignored (no run file written, no zoom), so they are refused.
OWN_OPTIONS = {
    "zoom_to": "zoom",
    "scale_from": "weight-scale",
    "scale_to": "weight-scale",
    "factor_from": "weight-scale",
    "factor_to": "weight-scale",
    "seed_b": "morph",
    "run": "playback",
    "save_run": "training",
    "snapshot_every": "training",
    "steps_per_frame": "training",
    "steps": "training",  # a setting flag (train.max_steps): the training steps to film
}


def check_applicable(args, settings, animation: str) -> None:
    given = {name: getattr(args, name, None) for name in OWN_OPTIONS}
    if settings.flags.get("train.max_steps") == "--steps":
        given["steps"] = settings.changes["train.max_steps"]
    for name, value in given.items():
        owner = OWN_OPTIONS[name]
        if value is not None and owner != animation:
            flag = "--" + name.replace("_", "-")
            raise bad_value(
                flag, value, f"only with --animation {owner} (this recording is {animation})"
            )


def check_sink_options(args, fmt: str) -> None:
    for name in SINK_OPTIONS:
        value = getattr(args, name)
        if value is not None and fmt != "mp4":
            flag = "--" + name.replace("_", "-")
            what = "a GIF" if fmt == "gif" else "a folder of PNG frames"
            raise bad_value(flag, value, f"only with an .mp4 OUT (this recording is {what})")


def check_counts(args) -> None:
    bounds = {"frames": (1, MAX_FRAMES), "steps_per_frame": (0, MAX_PER_FRAME)}
    bounds["snapshot_every"] = (1, MAX_STEPS)
    for name, (low, high) in bounds.items():
        value = getattr(args, name)
        if value is not None and not low <= value <= high:
            raise bad_value("--" + name.replace("_", "-"), value, f"an integer {low}..{high}")


SCALES = ("scale_from", "scale_to", "factor_from", "factor_to")


def check_scales(args) -> None:
    """Weight scales and factors run geometrically: finite and > 0; absolute scales
    and relative factors are two ways to say one thing, so not both."""
    for name in SCALES:
        value = getattr(args, name)
        if value is not None and not (math.isfinite(value) and value > 0):
            what = "weight scale" if name.startswith("scale") else "factor"
            flag = "--" + name.replace("_", "-")
            raise bad_value(flag, value, f"a finite {what} > 0 (the frames run geometrically)")
    given = [name for name in SCALES if getattr(args, name) is not None]
    if len({name.partition("_")[0] for name in given}) > 1:
        raise bad_value(
            "--" + given[-1].replace("_", "-"),
            getattr(args, given[-1]),
            "absolute --scale-from/--scale-to or relative --factor-from/--factor-to, not both",
        )
