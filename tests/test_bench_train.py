"""`shaderplay bench train`'s long run at a tiny length: early and late µs/step of
one run are measured and reported; no timing is asserted. Bad flags are refused
before anything is measured."""

import pytest

from shaderplay.bench import train as bench_train
from shaderplay.bench.peak import Peak
from shaderplay.bench.train import (
    CASES,
    macs_per_example,
    measure,
    measure_long,
    report,
    report_long,
)
from shaderplay.cli import main


def test_the_long_run_reports_early_and_late_steps():
    row = measure_long("xor", steps=1_100, block=20)
    (e0, e1, early), (l0, l1, late) = row["early"], row["late"]
    assert (e0, e1) == (1_000, 1_020) and (l0, l1) == (1_080, 1_100)
    assert early > 0 and late > 0 and row["late_over_early"] == early / late
    text = report_long(row)
    assert "xor" in text and "steps 1,080-1,100" in text and "late/early speed" in text
    assert 0 < row["test_share"] < 1 and "test-loss evaluations" in text


def test_the_table_gives_each_side_multiply_adds_and_share_of_the_peak():
    assert macs_per_example((2, 64, 64, 64, 64, 3)) == 37_824  # 3 per weight
    row = {"numba": {"us_per_step": 2.0, "examples_per_s": 5e5, "macs_per_s": 2e10}}
    row.update(case="net", batch=1, torch={**row["numba"], "macs_per_s": 1e10}, ratio=2.0)
    row.update(threads=1)
    shared = {**row, "threads": 2, "numba1": {**row["numba"], "macs_per_s": 1.2e10}}
    peak = Peak(4e10, (1.0, 2.0, 3.0), 2048, 5)
    text = report([row, shared], peak)
    lines = text.splitlines()
    assert lines[0] == str(peak)
    assert "20.00   50.0" in lines[2] and "10.00   25.0" in lines[2] and "2.0x" in lines[2]
    assert lines[3].startswith("net, 2 threads") and "one thread" in lines[4]
    assert "12.00   30.0" in lines[4] and len(lines) == 5


def test_the_side_by_side_table_runs_both_sides():
    rows = measure(seconds=0.0, repeats=1, with_torch=False, cases=CASES[:1])
    numba = rows[0]["numba"]
    assert numba["examples_per_s"] > 0
    assert numba["macs_per_s"] == numba["examples_per_s"] * macs_per_example(CASES[0].sizes)


@pytest.mark.parametrize(
    "flags, named",
    [
        (["--seconds", "0"], "--seconds"),
        (["--seconds", "inf"], "--seconds"),  # it measured for ever
        (["--seconds", "nan"], "--seconds"),
        (["--repeats", "0"], "--repeats"),
        (["--torch-threads", "0"], "--torch-threads"),
        (["--long-steps", "-5"], "--long-steps"),
        (["--long", "no_such_preset"], "--long"),
    ],
)
def test_bad_flags_are_refused_before_any_measuring(flags, named, capsys, monkeypatch):
    def measuring(*_):
        raise AssertionError("measured before the flags were checked")

    monkeypatch.setattr(bench_train, "measure_peak", measuring)
    assert main(["bench", "train", *flags]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"shaderplay: {named}: ") and "Traceback" not in err
