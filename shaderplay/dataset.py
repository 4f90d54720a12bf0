"""Dataset: what a target hands the trainer and the views.

Points live in the input domain (x right, y up). Outputs are float32:
- regression: (N, n_out) values (images: grey or RGB in [0, 1]),
- binary: (N, 1) labels in {0, 1} (BCE on an output in [0, 1]),
- multiclass: (N, n_classes) one-hot rows (softmax cross-entropy),
- none: no data (random-network exploration), arrays of length 0.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

KINDS = ("regression", "binary", "multiclass", "none")


@dataclass(frozen=True)
class Dataset:
    name: str
    kind: str
    x_train: np.ndarray  # (N, 2) float32 points
    y_train: np.ndarray  # (N, n_out) float32
    x_test: np.ndarray  # (M, 2)
    y_test: np.ndarray  # (M, n_out)
    domain: tuple[float, float, float, float] = (-1.0, 1.0, -1.0, 1.0)
    # The ground truth as a function of points (N, 2) -> (N, n_out), where one
    # exists (analytic functions, images); the target and error views use it.
    field: Callable[[np.ndarray], np.ndarray] | None = None

    @property
    def n_out(self) -> int:
        return int(self.y_train.shape[1]) if self.y_train.ndim == 2 and self.y_train.shape[1] else 1

    @property
    def n_classes(self) -> int:
        """Classes for classification (2 for binary), 0 for regression and none."""
        return {"binary": 2, "multiclass": self.n_out}.get(self.kind, 0)

    @staticmethod
    def from_arrays(x, y, name="arrays", kind=None, test_fraction=0.0, seed=0) -> "Dataset":
        """Wrap user arrays; `kind` defaults to regression."""
        x = np.asarray(x, np.float32)
        y = np.asarray(y, np.float32)
        if y.ndim == 1:
            y = y[:, None]
        rng = np.random.default_rng(seed)
        order = rng.permutation(len(x))
        n_test = round(len(x) * test_fraction)
        test, train = order[:n_test], order[n_test:]
        return Dataset(name, kind or "regression", x[train], y[train], x[test], y[test])
