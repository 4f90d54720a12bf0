"""The numba maths shared by the trainer and the CPU evaluator: how kernels are
compiled (jit), dense layers (linalg), LayerNorm/BatchNorm (norms), the
activation dispatch (activate), and the cache locator that keeps numba's
on-disk cache true to every source a kernel is built from (cache)."""
