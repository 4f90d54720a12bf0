"""`shaderplay bench render` at a tiny size: every path runs (or is estimated
when too slow) and lands in the table; no timing is asserted."""

import pytest

from shaderplay.bench.peak import measure_peak
from shaderplay.bench.render import CASES, macs_per_pixel, measure, report


def test_every_path_runs_and_is_reported():
    result = measure(
        sizes=((16, 8),), cases=CASES[:1], paths=("shader", "cpu", "numpy"), seconds=0.0, repeats=1
    )
    rows = {r["path"]: r for r in result["rows"]}
    assert list(rows) == ["shader", "cpu", "numpy", "floor"]
    assert rows["numpy"]["vs_numpy"] == 1.0 and not any(r["estimated"] for r in rows.values())
    for r in rows.values():
        assert (
            r["ms"] > 0
            and abs(r["gmacs"] * r["ms"] * 1e6 - macs_per_pixel(CASES[0].sizes) * 128) < 1
        )
    text = report(result)
    assert "llvmpipe" in text or "OpenGL" in text
    assert text.count("16x8") == 1 and "floor" in text


def test_slow_frames_are_estimated_not_run():
    result = measure(
        sizes=((64, 64),),
        cases=CASES[2:3],
        paths=("shader", "numpy"),
        seconds=0.0,
        repeats=1,
        max_frame=1e-9,
    )
    assert all(r["estimated"] for r in result["rows"] if r["path"] != "floor")
    assert "~" in report(result)


def test_the_numba_paths_report_their_share_of_one_measured_peak():
    result = measure(
        sizes=((16, 8),), cases=CASES[:1], paths=("image", "eval", "numpy"), seconds=0.0, repeats=1
    )
    rows = {r["path"]: r for r in result["rows"]}
    assert list(rows) == ["image", "eval", "numpy", "floor"]
    peak = result["peak"]
    for r in rows.values():
        assert r["percent"] == pytest.approx(peak.percent(r["gmacs"] * 1e9)) and r["percent"] > 0
    assert abs(rows["floor"]["percent"] - 100.0) < 1e-6  # the floor runs at the peak
    text = report(result)
    assert str(peak) in text and "% peak" in text and "load average" in text


def test_the_peak_is_a_best_of_repeats_with_the_load_beside_it():
    peak = measure_peak(size=256, repeats=3)
    assert peak.macs_per_s > 0 and (peak.size, peak.repeats) == (256, 3) and len(peak.load) == 3
    assert peak.percent(peak.macs_per_s / 4) == pytest.approx(25.0)
    assert "best of 3" in str(peak) and "-bit vectors" in str(peak)


@pytest.mark.parametrize(
    "flags", [["--seconds", "inf"], ["--seconds", "-1"], ["--repeats", "0"], ["--max-frame", "0"]]
)
def test_bad_flags_are_refused_before_any_measuring(flags, capsys, monkeypatch):
    from shaderplay.bench import render as bench_render
    from shaderplay.cli import main

    def measuring(*_, **__):
        raise AssertionError("measured before the flags were checked")

    monkeypatch.setattr(bench_render, "measure_peak", measuring)
    assert main(["bench", "render", *flags]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"shaderplay: {flags[0]}: got ") and "Traceback" not in err


@pytest.mark.parametrize("value", ["1e-9", "-1", "nan", "5000"])
def test_a_frame_rate_cap_that_would_hang_or_means_nothing_is_refused(value, capsys):
    from shaderplay.cli import main

    assert main(["xor", "--max-fps", value]) == 2
    err = capsys.readouterr().err
    assert err.startswith("shaderplay: --max-fps: got ") and "0 (no limit) or a number" in err
