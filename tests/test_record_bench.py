"""The recording benchmark runs end to end (figures are reported, never asserted)."""

from shaderplay.bench.record import measure, report


def test_record_benchmark_reports_every_stage():
    result = measure((64, 48), frames=3, steps_per_frame=2, repeats=1)
    for key in ("train_fps", "render_fps", "encode_fps", "record_fps", "ratio", "overlap"):
        assert result[key] > 0, key
    assert all(result["cpu_ms"][k] > 0 for k in ("train", "render", "encode"))
    assert 0 < result["bound_ratio"] <= 1.0
    text = report(result)
    assert "encode only" in text and "ratio recording / encode-only" in text
    assert "can reach at most" in text
