"""numba's on-disk cache must notice edits to every source a cached kernel is
compiled from (numba alone only looks at the defining file)."""

from pathlib import Path

from shaderplay.train import cache


def test_digest_covers_kernels_tables_and_the_cpu_evaluator():
    names = {p.name for p in cache._kernel_sources()}
    assert {"kernel.py", "linalg.py", "norms.py", "activate.py", "optim.py"} <= names
    assert {"activations.py", "features.py", "spec.py", "config.py"} <= names
    assert "cpu_eval.py" in names  # it compiles the trainer's affine/norm/activate kernels in
    assert "trainer.py" not in names  # plain Python: editing it need not recompile


def test_locator_takes_trainer_and_cpu_evaluator_files_only():
    from numba.core import caching

    assert cache.install()
    impl = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl")
    locator = impl._locator_classes[0]
    package = Path(cache.__file__).resolve().parent.parent

    def probe():
        return 0

    for path in (package / "train" / "kernel.py", package / "gpu" / "cpu_eval.py"):
        found = locator.from_function(probe, str(path))
        assert found is not None and found.get_source_stamp()[1] == cache.sources_digest()
    assert locator.from_function(probe, str(package / "network.py")) is None
