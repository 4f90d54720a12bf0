"""The parts of `shaderplay bench window` that follow a user around the window:

- launch to the first trained frame: a fresh process opens the window on a
  preset and quits at the first frame showing trained weights (step > 0);
  with the numba cache as installed (warm) and with an empty one (cold: the
  window must stay responsive; its first frame is reported too);
- a tour: every built-in preset, every view mode on it, a few frames each
  while training runs at the preset's pace: the longest frame and every frame
  over the goal, each with what the tour had just done (the frames that
  follow a launch or a mode switch count: a stall there is what a user sees);
- interaction: frames/s while zooming in and out on each preset, training;
- the canvas picture's resolution (per side) while training and zooming.
Each window runs uncapped (no frame-rate cap, no vsync) so frame times are
the loop's own.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from ..modes import MODES
from ..presets import builtin_presets, load_preset

GOAL_FIRST_S, GOAL_FRAME_MS, GOAL_ZOOM_FPS = 5.0, 100.0, 30.0
GOAL_COLD_S = 30.0  # an empty cache: launch to the first trained frame
SLOW_SHOWN = 5  # the longest frames over the goal named per preset
WARM_TIMEOUT_S = 60.0  # a warm launch that has not trained by then is reported as such
SETTLE_FRAMES = 3  # frames after a launch left out of the zooming frame rate
CHILD = """
import json, sys, time
from shaderplay.bench.window_tour import first_trained
print(json.dumps(first_trained(sys.argv[1], float(sys.argv[2]))))
"""


@dataclass
class Tour:
    """Frame times of one preset's windows (seconds) and what the canvas showed."""

    preset: str
    frame_times: list[float] = field(default_factory=list)  # the mode tour, training
    zoom_times: list[float] = field(default_factory=list)  # zooming, training
    scales: list[float] = field(default_factory=list)  # picture resolution, per side
    worst_mode: str = ""
    slow: list[tuple[float, str]] = field(default_factory=list)  # (seconds, what) over the goal

    def frame(self, seconds: float, doing: str) -> None:
        """A frame of the tour or of zooming; `doing`: what the tour had just done."""
        if seconds * 1000 > GOAL_FRAME_MS:
            self.slow.append((seconds, doing))

    @property
    def longest_ms(self) -> float:
        return 1000 * max(self.frame_times, default=0.0)

    @property
    def zoom_fps(self) -> float:
        return len(self.zoom_times) / sum(self.zoom_times) if self.zoom_times else 0.0


def _window(preset, plan, size) -> None:
    """Run the real window loop on `preset`, calling `plan(loop, dt)` each frame until
    it returns False (dt: seconds since the last frame ended)."""
    from ..app.loop import run

    last = [None]

    def on_frame(loop):
        now = time.perf_counter()
        dt = None if last[0] is None else now - last[0]
        last[0] = now
        if not plan(loop, dt):
            loop.state.quit = True

    run(preset, source="bench", size=size, vsync=False, on_frame=on_frame, max_fps=0)


def tour_preset(name: str, frames_per_mode: int = 9, zoom_frames: int = 40, size=(1280, 800)):
    """One preset: each view mode for `frames_per_mode` frames, then zooming."""
    from ..app import view_actions

    tour, modes = Tour(name), list(MODES)
    preset = load_preset(name)
    state = {"k": 0, "at": 0}

    def plan(loop, dt):
        loop.driven = True  # acted on each frame, as a user would: never calm
        frame = loop.state.frame - state["at"]
        if dt is not None:
            doing = modes[state["k"]] + (" (just shown)" if frame == 1 else "")
            doing = "launch" if loop.state.frame <= SETTLE_FRAMES else doing
            tour.frame(dt, doing)
            tour.frame_times.append(dt)
            if dt * 1000 >= tour.longest_ms:
                tour.worst_mode = doing
        if frame < frames_per_mode:
            return True
        state["k"] += 1
        state["at"] = loop.state.frame
        if state["k"] >= len(modes):
            return False
        view_actions.set_view(loop.state, loop.session, mode=modes[state["k"]])
        return True

    _window(preset, plan, size)

    def zoom(loop, dt):
        loop.driven = True
        frame = loop.state.frame
        if dt is not None:
            tour.frame(dt, "zooming")
        if dt is not None and frame > SETTLE_FRAMES:
            tour.zoom_times.append(dt)
            tour.scales.append(loop.info.scale)
        factor = 1.03 if (frame // 20) % 2 == 0 else 1 / 1.03
        view_actions.zoom(loop.state, loop.session, factor=factor)
        return frame < zoom_frames + SETTLE_FRAMES

    _window(preset, zoom, size)
    return tour


def first_trained(name: str, timeout: float) -> dict:
    """In this process (just launched): seconds from the process's start to the first
    frame and to the first frame showing trained weights (None: not within `timeout`)."""
    start = _process_start()
    marks = {}

    def plan(loop, dt):
        now = time.time()
        marks.setdefault("first_frame", now - start)
        if loop.session.step_count > 0:
            marks["first_trained"] = now - start
            return False
        return now - start < timeout

    _window(load_preset(name), plan, (1280, 800))
    return {"first_frame": marks.get("first_frame"), "first_trained": marks.get("first_trained")}


def _process_start() -> float:
    """The wall-clock time this process started (Linux: /proc), else now."""
    try:
        ticks = int(open("/proc/self/stat").read().rsplit(")", 1)[1].split()[19])
        boot = float(next(ln for ln in open("/proc/stat") if ln.startswith("btime")).split()[1])
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return time.time()


def launch(name: str, cold: bool, timeout: float) -> dict:
    """`first_trained` in a fresh process, with the cache as it is or an empty one."""
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as empty:
        if cold:
            env["NUMBA_CACHE_DIR"] = empty
        out = subprocess.run(
            [sys.executable, "-c", CHILD, name, str(timeout)],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout + 120,
        )
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        return {"first_frame": None, "first_trained": None, "error": out.stderr[-400:]}
    return json.loads(lines[-1])


def measure(presets=None, cold_timeout: float = 120.0, launch_preset: str = "circle") -> dict:
    names = list(presets or builtin_presets())
    tours = [tour_preset(n) for n in names]
    # the launches last: a cold one leaves its first compile to finish in a child
    # process (kernels/child_compile.py), which would share the CPU with the tours
    return {
        "warm": launch(launch_preset, False, WARM_TIMEOUT_S),
        "cold": launch(launch_preset, True, cold_timeout) if cold_timeout > 0 else None,
        "tours": tours,
        "launch_preset": launch_preset,
        "cold_timeout": cold_timeout,
    }


def _secs(v) -> str:
    return "-" if v is None else f"{v:.1f} s"


def report(r: dict) -> list[str]:
    warm, cold, tours = r["warm"], r["cold"], r["tours"]
    warm_trained = warm["first_trained"]
    lines = [
        f"  launch to first trained frame ({r['launch_preset']}): warm cache "
        + (_secs(warm_trained) if warm_trained is not None else f"> {WARM_TIMEOUT_S:.0f} s")
        + f" (first frame {_secs(warm['first_frame'])})"
    ]
    if cold is not None:
        trained = cold["first_trained"]
        lines.append(
            f"  ... cold cache: first frame {_secs(cold['first_frame'])}, first trained "
            + (_secs(trained) if trained is not None else f"> {r['cold_timeout']:.0f} s")
        )
    for t in tours:
        scale = sum(t.scales) / len(t.scales) if t.scales else 1.0
        lines.append(
            f"  {t.preset:<14} tour of {len(MODES)} modes: longest frame {t.longest_ms:6.0f} ms "
            f"({t.worst_mode}), {len(t.slow)} over {GOAL_FRAME_MS:.0f} ms; zooming "
            f"{t.zoom_fps:5.1f} frames/s, picture at {scale:.0%}"
        )
        worst = sorted(t.slow, reverse=True)[:SLOW_SHOWN]
        lines += [f"    {1000 * s:6.0f} ms after {doing}" for s, doing in worst]
    longest = max((t.longest_ms for t in tours), default=0.0)
    slowest = min((t.zoom_fps for t in tours), default=0.0)
    first = warm["first_trained"]
    cold_first = cold["first_trained"] if cold is not None else None
    ok = (
        first is not None
        and first <= GOAL_FIRST_S
        and (cold is None or (cold_first is not None and cold_first <= GOAL_COLD_S))
        and longest <= GOAL_FRAME_MS
        and slowest >= GOAL_ZOOM_FPS
    )
    cold_goal = f" ({GOAL_COLD_S:.0f} s cold)" if cold is not None else ""
    lines.append(
        f"  goals: first trained frame <= {GOAL_FIRST_S:.0f} s warm{cold_goal}, no tour frame > "
        f"{GOAL_FRAME_MS:.0f} ms, zooming >= {GOAL_ZOOM_FPS:.0f} frames/s: "
        + ("met" if ok else "NOT met")
    )
    return lines
