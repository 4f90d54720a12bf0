"""How a command run from the shell ends: without the interpreter's shutdown, yet
after the exit handlers and after every thread that is not a daemon, with its
output flushed; a reader that leaves early (`| head`) ends it quietly."""

import os
import signal
import subprocess
import sys
import textwrap

from shaderplay.cli import main


def _shell(code: str, *argv: str, **kwargs) -> subprocess.CompletedProcess:
    """Run `code`, then shaderplay's main() as the console script does (argv from sys.argv)."""
    script = textwrap.dedent(code) + textwrap.dedent(
        f"""
        sys.argv = ["shaderplay", *{list(argv)!r}]
        from shaderplay.cli import main
        sys.exit(main())
        """
    )
    kwargs = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run(
        [sys.executable, "-c", "import sys\n" + script], text=True, timeout=120, **kwargs
    )


def test_the_exit_handlers_run_and_the_output_is_flushed(tmp_path, capsys):
    mark = tmp_path / "handler-ran"
    done = _shell(
        f"""
        import atexit
        from pathlib import Path
        atexit.register(lambda: Path({str(mark)!r}).write_text("ran"))
        """,
        "presets",
    )
    assert done.returncode == 0, done.stderr
    assert mark.read_text() == "ran"
    main(["presets"])
    assert done.stdout == capsys.readouterr().out  # all of it, flushed before leaving


def test_a_thread_that_is_not_a_daemon_is_waited_for(tmp_path):
    mark = tmp_path / "thread-finished"
    done = _shell(
        f"""
        import threading, time
        from pathlib import Path
        def late():
            time.sleep(0.5)
            Path({str(mark)!r}).write_text("done")
        threading.Thread(target=late, daemon=False).start()
        """,
        "presets",
    )
    assert done.returncode == 0, done.stderr
    assert mark.read_text() == "done"


def test_the_exit_status_is_kept():
    done = _shell("", "render", "no_such_preset", "-o", "x.png")
    assert done.returncode == 2
    assert "no_such_preset" in done.stderr and "Traceback" not in done.stderr


def test_a_reader_that_left_ends_the_command_quietly():
    read, write = os.pipe()
    os.close(read)  # `shaderplay presets | head -1` once head has its line and has left
    unbuffered = {**os.environ, "PYTHONUNBUFFERED": "1"}  # the first line already fails
    done = _shell("", "presets", stdout=write, env=unbuffered)
    os.close(write)
    assert done.returncode == 128 + signal.SIGPIPE
    assert done.stderr == ""
