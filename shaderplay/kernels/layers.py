"""The layer table every kernel reads: a ParamLayout turned into integers.

(L, 10) int64, one row per weight layer: n_in, n_out, activation code (the
activation table's `code`), norm code (the index in spec.NORMS), then the
offsets into the parameter buffer of w, b, gamma, beta, mean, var (-1 where
absent). The trainer (train/kernel.py) and the CPU evaluator (cpu/evaluator.py)
both walk it.
"""

import numpy as np

from ..activations import ACTIVATIONS
from ..spec import NORMS, ParamLayout


def layer_table(layout: ParamLayout) -> np.ndarray:
    """(L, 10) int64 rows: n_in, n_out, activation code, norm code,
    then the offsets of w, b, gamma, beta, mean, var (-1 where absent)."""
    rows = [
        (
            s.n_in,
            s.n_out,
            ACTIVATIONS[s.activation].code,
            NORMS.index(s.norm),
            s.w,
            s.b,
            s.gamma,
            s.beta,
            s.mean,
            s.var,
        )
        for s in layout.layers
    ]
    return np.array(rows, dtype=np.int64)
