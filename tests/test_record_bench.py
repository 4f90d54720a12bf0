"""The recording benchmark runs end to end (figures are reported, never asserted)."""

from shaderplay.bench.record import measure, report


def test_record_benchmark_reports_every_stage():
    result = measure((64, 48), frames=3, steps_per_frame=2, repeats=1)
    for key in ("train_fps", "render_fps", "encode_fps", "record_fps", "ratio", "overlap"):
        assert result[key] > 0, key
    text = report(result)
    assert "encode only" in text and "ratio recording / encode-only" in text
