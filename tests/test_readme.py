"""README.md as a runnable contract: every `sh` block runs as written, in order, in
one folder (later commands use the files earlier ones write), and the Python block
runs too. Two kinds of change keep the suite fast, never the command itself: step,
frame and size values above a small cap are lowered (and a render or recording
without a size gets a small one), and a command that opens the window runs for a
few seconds and must still be running (no error) when it is stopped. A block after
a line `<!-- not run by the tests: why -->` is skipped (the install block, which CI
runs itself, and the minutes-long benchmarks)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from shaderplay.app import xvfb
from shaderplay.cli import COMMANDS

README = Path(__file__).resolve().parent.parent / "README.md"
FENCE = re.compile(r"(<!-- not run by the tests: [^>]*-->\s*)?```(sh|python)\n(.*?)```", re.S)
CAPS = {"--steps": 300, "--frames": 6, "--snapshot-every": 50}
SIDE = 96  # the largest picture side a test command draws
WINDOW_S = 6  # how long a window command runs before it is stopped


def blocks() -> list[tuple[str, str]]:
    """(language, text) of each block the tests run, in README's order."""
    return [(lang, text) for skip, lang, text in FENCE.findall(README.read_text()) if not skip]


def command_lines(text: str) -> list[str]:
    """The block's commands, comments after `  #` dropped."""
    lines = (re.split(r"\s+#\s", line)[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def shortened(line: str) -> str:
    """`line` with large step/frame/size values lowered (the same command, faster)."""
    for flag, cap in CAPS.items():
        line = re.sub(rf"{flag} (\d+)", lambda m, f=flag, c=cap: f"{f} {min(int(m[1]), c)}", line)

    def size(m):
        w, h = int(m[1]), int(m[2])
        k = min(1.0, SIDE / max(w, h))
        return f"--size {max(2, round(w * k / 2) * 2)}x{max(2, round(h * k / 2) * 2)}"

    line = re.sub(r"--size (\d+)x(\d+)", size, line)
    words = line.split()
    if len(words) > 1 and words[1] in ("render", "record") and "--size" not in words:
        line += f" --size {SIDE}x{SIDE}"
    line = re.sub(r"--seconds \S+", "--seconds 0.2", line)
    if len(words) > 1 and words[1] == "record" and not {"--frames", "--seconds"} & set(words):
        line += f" --frames {CAPS['--frames']}"
    return line


def opens_window(line: str) -> bool:
    words = line.replace("xvfb-run", "").split()
    at = next((i for i, w in enumerate(words) if w.endswith("shaderplay")), None)
    rest = words[at + 1 :] if at is not None else []
    return at is not None and (not rest or rest[0] not in COMMANDS)


def script(text: str) -> str:
    """One bash script for a block: each command shortened; a window command is stopped
    after WINDOW_S seconds, which must be what ends it (status 124)."""
    out = ["set -euo pipefail"]  # a failing command stops the shell with its status
    for line in command_lines(text):
        if opens_window(line):
            out.append(f"timeout {WINDOW_S} {shortened(line)} || test $? -eq 124")
        else:
            out.append(shortened(line))
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def display():
    if not xvfb.available():
        pytest.skip("Xvfb is not installed; README's window commands need an X server")
    with xvfb.virtual_display((1280, 800), set_env=False) as name:
        yield name


def test_the_readme_has_commands_to_run():
    langs = [lang for lang, _ in blocks()]
    assert langs.count("sh") >= 3 and "python" in langs
    assert "shaderplay bench train|" not in README.read_text()  # a shell pipe, not commands


def test_every_readme_block_runs_as_written(tmp_path, display):
    # The folder a newcomer works in: the virtual environment at .venv (this one). The sh
    # blocks run in one shell, as a reader would type them, so `source` carries over.
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "VIRTUAL_ENV")}
    env.update(DISPLAY=display, PATH=os.defpath)  # shaderplay is on PATH only if README says how
    shell = "".join(
        f"echo '--- README sh block {i + 1}' >&2\n" + script(text)
        for i, (lang, text) in enumerate(blocks())
        if lang == "sh"
    )
    runs = [["bash", "-c", shell]]
    runs += [[sys.executable, "-c", text] for lang, text in blocks() if lang == "python"]
    for command in runs:
        done = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, f"{command[-1]}\n{done.stderr[-3000:]}"
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
