"""Kernels compile for the widest vectors the CPU has, and the cache keys follow."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from numba.core.registry import cpu_target

from shaderplay.kernels import cache, jit, vector

AVX2 = "+avx,+avx2,+fma,-avx512f"
AVX512 = "+avx,+avx2,+fma,+avx512f,+avx512bw,+avx512dq,+avx512vl"


def test_512_bit_vectors_are_chosen_only_where_the_cpu_has_them():
    assert vector.wide_features(AVX2) is None  # numba's default is already the widest
    wide = vector.wide_features(AVX512)
    assert wide.startswith(AVX512) and wide.endswith(vector.WIDE)
    assert (vector.vector_bits(AVX2), vector.vector_bits(AVX512), vector.vector_bits(wide)) == (
        256,
        256,
        512,
    )
    assert vector.vector_bits("+sse2,-avx") == 128


def test_numba_compiles_with_the_chosen_features_and_keys_its_cache_by_them():
    codegen = cpu_target.target_context.codegen()
    assert codegen.magic_tuple()[2] == jit.FEATURES  # cached code is keyed by these
    expected = vector.wide_features(vector.host_features()) or vector.host_features()
    assert os.environ.get(vector.ENV, expected) == jit.FEATURES
    # the choice is part of every kernel's source stamp
    package = Path(cache.__file__).resolve().parent.parent
    assert package / "kernels/vector.py" in cache.sources_of(package / "kernels/linalg.py")


def test_llvm_writes_512_bit_code_when_the_tuning_is_off():
    # Compiled for an AVX-512 CPU (not run): the loop uses zmm registers only with WIDE.
    script = textwrap.dedent(
        """
        import numba, numpy as np

        @numba.njit(fastmath=True)
        def axpy(a, x, y):
            for i in range(x.size):
                y[i] += a * x[i]

        axpy.compile((numba.float32, numba.float32[::1], numba.float32[::1]))
        print("zmm" in next(iter(axpy.inspect_asm().values())))
        """
    )
    found = []
    for features in (AVX512, vector.wide_features(AVX512)):
        env = {**os.environ, "NUMBA_CPU_NAME": "skylake-avx512", vector.ENV: features}
        env["NUMBA_CACHE_DIR"] = env.get("NUMBA_CACHE_DIR", "/tmp")
        out = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        found.append(out.stdout.strip())
    assert found == ["False", "True"]


def test_a_changed_feature_setting_compiles_beside_the_cache_and_leaves_it_whole(tmp_path):
    # Kernels cached under one feature string (as tools/setup.sh warms them) still load
    # after a process compiled them under another; each setting finds its own entry.
    script = textwrap.dedent(
        """
        import numpy as np
        from shaderplay.kernels.linalg import affine

        W, b = np.ones((9, 5), np.float32), np.zeros(9, np.float32)
        X, Z = np.ones((5, 16), np.float32), np.empty((9, 16), np.float32)
        affine(W, b, X, Z)
        assert (Z == 5).all()
        print(sum(affine.stats.cache_hits.values()), sum(affine.stats.cache_misses.values()))
        """
    )
    other = jit.FEATURES + ",-prefer-128-bit"  # another string, a no-op on every x86 CPU
    found = []
    for features in (None, other, None, other):
        env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
        env.pop(vector.ENV, None)
        if features is not None:
            env[vector.ENV] = features
        out = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        found.append(out.stdout.split())
    assert found == [["0", "1"], ["0", "1"], ["1", "0"], ["1", "0"]]  # (hits, misses)
