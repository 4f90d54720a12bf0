"""`shaderplay bench soak`: the window left training for a long time while a
tour switches its view mode every few seconds and its preset every few modes,
as a user exploring would. Not a test (30 minutes by default): it reports
what a long session does to the program.

Reported: resident memory after the first full tour (every cache built) and
at the end, its growth per hour fitted over the run after that tour, the
longest frame (and what the tour had just done), frames over 100 ms (the
SLOW_SHOWN longest named by what the tour had just done), and every error
the window showed. Goals: flat memory (under 20 MiB an hour),
no frame over 100 ms, no error. Without a display a private Xvfb is started.
"""

import os
import time
from dataclasses import dataclass, field, replace

from ..errors import ShaderplayError, bad_value

GOAL_FRAME_S, GOAL_MIB_PER_HOUR = 0.100, 20.0
SLOW_SHOWN = 8  # the longest frames over the goal named in the report


def resident_mib() -> float:
    """This process's resident memory (Linux /proc; 0 where there is none)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
    except OSError:
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def tour(presets: list[str]) -> list[tuple[str, list[str]]]:
    """(preset, the view modes its network and target can show) for each preset."""
    from ..app import render_args
    from ..app.view_actions import check_shown
    from ..build import build
    from ..modes import MODES
    from ..presets import load_preset

    stops = []
    for name in presets:
        preset, mode_args = render_args.split_mode(load_preset(name))
        net, data, _ = build(preset)
        shown = []
        for mode in MODES:
            try:
                check_shown(net.spec, data, replace(preset.view, mode=mode), mode_args)
            except ShaderplayError:
                continue
            shown.append(mode)
        stops.append((name, shown))
    return stops


@dataclass
class Soak:
    """What the frame callback saw: frame times, memory samples, errors."""

    stops: list[tuple[str, list[str]]]
    switch_s: float
    seconds: float
    frame_s: list[float] = field(default_factory=list)
    memory: list[tuple[float, float]] = field(default_factory=list)  # (seconds in, MiB)
    errors: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)  # what each switch did
    longest: tuple[float, str] = (0.0, "")
    slow: list[tuple[float, str]] = field(default_factory=list)  # (seconds, doing) over the goal
    toured_at: float | None = None  # seconds in when every stop had been shown once
    _last: float | None = None
    _start: float = 0.0
    _next_switch: float = 0.0
    _stop: int = 0
    _mode: int = -1
    _doing: str = "opening"
    _seen: object = None

    def on_frame(self, loop) -> None:
        now = time.perf_counter()
        if self._last is None:
            self._start = self._next_switch = now
        else:
            took = now - self._last
            self.frame_s.append(took)
            if took > self.longest[0]:
                self.longest = (took, self._doing)
            if took > GOAL_FRAME_S:
                self.slow.append((took, self._doing))
        self._last = now
        state, session = loop.state, loop.session
        message = state.message
        if message is not None and message is not self._seen:
            self._seen = message
            if message.error:
                self.errors.append(f"{self._doing}: {message.text}")
        elapsed = now - self._start
        if not self.memory or elapsed - self.memory[-1][0] >= 1.0:
            self.memory.append((elapsed, resident_mib()))
        if elapsed >= self.seconds:
            from ..app import view_actions

            view_actions.quit(state)
        elif now >= self._next_switch:
            self._next_switch = now + self.switch_s
            self._switch(state, session, elapsed)

    def _switch(self, state, session, elapsed: float) -> None:
        from ..app import file_actions, view_actions

        name, modes = self.stops[self._stop]
        self._mode += 1
        if self._mode >= len(modes):
            self._mode = 0
            self._stop = (self._stop + 1) % len(self.stops)
            if self._stop == 0 and self.toured_at is None:
                self.toured_at = elapsed
            name, modes = self.stops[self._stop]
            self._doing = f"loading preset {name}"
            self.visited.append(self._doing)
            file_actions.load_preset(state, session, name)  # starts it training
            return
        self._doing = f"{name}: mode {modes[self._mode]}"
        self.visited.append(self._doing)
        view_actions.set_view(state, session, mode=modes[self._mode])


def growth_per_hour(memory: list[tuple[float, float]], since: float) -> float:
    """Least-squares slope of resident MiB against time after `since`, per hour."""
    points = [(t, m) for t, m in memory if t >= since]
    if len(points) < 2:
        return 0.0
    n = len(points)
    mt = sum(t for t, _ in points) / n
    mm = sum(m for _, m in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    return 3600.0 * sum((t - mt) * (m - mm) for t, m in points) / var if var else 0.0


def measure(presets: list[str], seconds: float, switch_s: float, size) -> Soak:
    from ..app.loop import run
    from ..presets import load_preset

    soak = Soak(tour(presets), switch_s, seconds)
    run(load_preset(presets[0]), source=presets[0], size=size, on_frame=soak.on_frame)
    return soak


def report(soak: Soak, renderer: str) -> str:
    frames = soak.frame_s or [0.0]
    since = soak.toured_at if soak.toured_at is not None else 0.0
    after = [m for t, m in soak.memory if t >= since] or [0.0]
    slope = growth_per_hour(soak.memory, since)
    slow = sum(f > GOAL_FRAME_S for f in frames)
    toured = "after the first tour" if soak.toured_at is not None else "(tour not completed)"
    lines = [
        f"soak: {soak.seconds / 60:.1f} min, {len(soak.stops)} presets, a switch every "
        f"{soak.switch_s:g} s, {renderer}",
        f"  tour              {len(soak.visited)} switches, "
        f"{len({v for v in soak.visited if ': mode ' in v})} (preset, mode) pairs shown",
        f"  frames            {len(soak.frame_s):,}, median {sorted(frames)[len(frames) // 2]:.3f}"
        f" s, longest {soak.longest[0]:.3f} s ({soak.longest[1]}), {slow} over "
        f"{GOAL_FRAME_S * 1000:.0f} ms",
        *(
            f"    {s:6.3f} s after {doing}"
            for s, doing in sorted(soak.slow, reverse=True)[:SLOW_SHOWN]
        ),
        f"  memory            {after[0]:.0f} MiB {toured}, {after[-1]:.0f} MiB at the end, "
        f"{slope:+.1f} MiB/hour",
        f"  errors shown      {len(soak.errors)}",
        *(f"    {e}" for e in soak.errors[:20]),
    ]
    ok = slow == 0 and abs(slope) <= GOAL_MIB_PER_HOUR and not soak.errors
    lines.append(
        f"  goals: flat memory (<= {GOAL_MIB_PER_HOUR:g} MiB/hour), no frame over "
        f"{GOAL_FRAME_S * 1000:.0f} ms, no error: {'met' if ok else 'NOT met'}"
    )
    return "\n".join(lines)


def main(presets: list[str], seconds: float, switch_s: float, size=(1280, 800)) -> str:
    from ..app import xvfb

    with xvfb.some_display(size) as name:
        return report(measure(presets, seconds, switch_s, size), name)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--minutes", type=float, default=30.0, help="how long (default: %(default)s)"
    )
    parser.add_argument(
        "--switch-seconds",
        type=float,
        default=5.0,
        help="seconds between view switches (default: %(default)s)",
    )
    parser.add_argument(
        "--presets",
        default="",
        help="comma-separated presets to tour (default: every built-in one)",
    )
    parser.add_argument("--size", default="1280x800", help="window size WxH (%(default)s)")


def run(args) -> int:
    from ..presets import builtin_presets
    from ..view import parse_size

    for flag, value in (("--minutes", args.minutes), ("--switch-seconds", args.switch_seconds)):
        if not value > 0:
            raise bad_value(flag, value, "a number > 0")
    presets = [p for p in args.presets.split(",") if p] or sorted(builtin_presets())
    print(main(presets, args.minutes * 60.0, args.switch_seconds, parse_size(args.size)))
    return 0
