"""The widest vectors this CPU runs, for every kernel numba compiles.

LLVM tunes code for AVX-512 CPUs to 256-bit vectors (its `prefer-256-bit`
tuning) and numba hands LLVM the host's features as they are, so on such a
CPU every kernel ran half its possible width: forcing 512-bit code made the
27x30 network 1.33x faster with no change to the kernels. `install()` looks at
the CPU at run time and, where it has AVX-512F, gives numba the host's own
features with that tuning turned off (`NUMBA_CPU_FEATURES`, which numba reads
at every compile); elsewhere it changes nothing, and a NUMBA_CPU_FEATURES the
user set stays as it is.

The on-disk cache stays true: numba keys every cached kernel by the CPU name
and the feature string its code was built with, so code for one setting is
never loaded under another (a changed setting compiles afresh beside it), and
this module is in the source stamp of every kernel (kernels/cache.py) since
kernels/jit.py imports it. It must run before numba builds its code generator
(the first compile or cache load of the process); kernels/jit.py calls it as
it loads, before any kernel exists.
"""

import os

ENV = "NUMBA_CPU_FEATURES"
WIDE = "-prefer-256-bit"  # LLVM's x86 tuning that keeps AVX-512 CPUs at 256-bit vectors


def host_features() -> str:
    """The host CPU's features as numba passes them to LLVM ("+avx2,-avx512f,...")."""
    from numba.core.codegen import get_host_cpu_features

    return get_host_cpu_features()


def wide_features(features: str) -> str | None:
    """`features` with 512-bit vectors preferred where they include AVX-512F; None where
    the CPU has nothing wider than numba's default already uses."""
    if "+avx512f" not in features.split(","):
        return None
    return f"{features},{WIDE}"


def vector_bits(features: str) -> int:
    """The widest float vector code built for `features` uses, in bits."""
    flags = set(features.split(","))
    if "+avx512f" in flags and WIDE in flags:
        return 512
    if "+avx" in flags:
        return 256
    return 128


def install() -> str:
    """Set numba's features for the widest vectors (see the module docstring); returns
    the feature string kernels compile with."""
    chosen = os.environ.get(ENV)
    if chosen is None:
        chosen = wide_features(host_features())
        if chosen is None:
            return host_features()
        os.environ[ENV] = chosen
        # numba read its environment when it was imported; its code generator, built at
        # the first kernel declared, takes the features from that reading.
        from numba.core import config

        config.reload_config()
    return chosen
