"""`shaderplay bench train`'s long run at a tiny length: early and late µs/step of
one run are measured and reported; no timing is asserted."""

from shaderplay.bench.train import measure_long, report_long


def test_the_long_run_reports_early_and_late_steps():
    row = measure_long("xor", steps=1_100, block=20)
    (e0, e1, early), (l0, l1, late) = row["early"], row["late"]
    assert (e0, e1) == (1_000, 1_020) and (l0, l1) == (1_080, 1_100)
    assert early > 0 and late > 0 and row["late_over_early"] == early / late
    text = report_long(row)
    assert "xor" in text and "steps 1,080-1,100" in text and "late/early speed" in text
