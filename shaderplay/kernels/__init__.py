"""The numba maths shared by the trainer and the CPU evaluator: how kernels are
compiled (jit), dispatches written from table rows (generate), the layer table
they walk (layers), dense layers (linalg), LayerNorm/BatchNorm (norms), the
activation dispatch (activate), and the cache locator that keeps numba's
on-disk cache true to every source a kernel is built from (cache)."""
