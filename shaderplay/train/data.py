"""Turning a `target` argument into a Dataset the network can train on.

`target` is a Dataset, a pair of arrays (X, Y), a built-in target name, an
image path or a TargetConfig. Arrays: X with 2 columns holds points (the
network computes its input features); X with n_in != 2 columns holds ready
input features (fed to the first layer as they are). Y is (N,) or (N, n_out).
"""

import os

import numpy as np

from ..build import check_bce_output
from ..config import TargetConfig, TrainConfig
from ..dataset import Dataset
from ..errors import ShaderplayError, bad_value
from ..network import Network
from ..targets import load_target


def resolve_target(target, net: Network) -> tuple[Dataset, bool]:
    """(dataset, features_given): features_given when X already holds input features."""
    if isinstance(target, Dataset):
        dataset = target
    elif isinstance(target, (str, os.PathLike, TargetConfig)):
        dataset = load_target(target)
    elif isinstance(target, (tuple, list)) and len(target) == 2:
        x, y = (_real(a, name) for a, name in zip(target, "XY"))
        if x.ndim != 2 or y.ndim not in (1, 2) or len(x) != len(y):
            raise ShaderplayError(
                f"target (X, Y): got X of shape {x.shape} and Y of shape {y.shape}; allowed: "
                "X of shape (N, 2) points or (N, n_in) features and Y of shape (N,) or "
                "(N, n_out)."
            )
        dataset = Dataset.from_arrays(x, y)
    else:
        raise bad_value(
            "target",
            type(target).__name__,
            "a Dataset, arrays (X, Y), a built-in target name, an image path or a TargetConfig",
        )
    n_in = net.spec.sizes[0]
    width = dataset.x_train.shape[1] if dataset.x_train.ndim == 2 else 0
    if width not in (2, n_in):
        raise bad_value(
            "target X columns",
            width,
            f"2 (points) or {n_in} (the network's input features {list(net.spec.features)})",
        )
    return dataset, width != 2


def _real(a, name: str) -> np.ndarray:
    """`a` as an array of real numbers, else a clear error (text, complex, ragged lists)."""
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError):  # ragged nested lists
        arr = np.asarray(None)
    if arr.dtype.kind not in "biuf":
        raise ShaderplayError(
            f"target (X, Y): {name} has dtype {arr.dtype}; allowed: an array of real numbers."
        )
    return arr


def check_target(dataset: Dataset, net: Network, config: TrainConfig) -> None:
    """Refuse, with one clear paragraph, a target this network and loss cannot train on."""
    name = dataset.name
    shapes = [a.shape for a in (dataset.x_train, dataset.y_train, dataset.x_test, dataset.y_test)]
    if any(len(shape) != 2 for shape in shapes):
        raise ShaderplayError(
            f"target {name!r}: arrays of shapes {shapes} (x_train, y_train, x_test, y_test); "
            "allowed: 2-D arrays, one sample per row."
        )
    if dataset.kind == "none" or len(dataset.x_train) == 0:
        raise ShaderplayError(
            f"target {name!r}: has no training samples; a trainer needs data "
            "(target 'none' is for exploring random networks without training)."
        )
    n_out, y = net.spec.n_out, dataset.y_train
    if dataset.n_out != n_out:
        raise ShaderplayError(
            f"target {name!r}: has {dataset.n_out} output value(s) per sample but the "
            f"network has n_out = {n_out}; make the network's last size {dataset.n_out}."
        )
    for label, arr in (
        ("X", dataset.x_train),
        ("Y", y),
        ("test X", dataset.x_test),
        ("test Y", dataset.y_test),
    ):
        if arr.size and not np.all(np.isfinite(arr)):
            raise ShaderplayError(
                f"target {name!r}: {label} contains NaN or infinite values; allowed: "
                "finite numbers only."
            )
    check_bce_output(config.loss, net.spec.output_activation)
    if config.loss == "bce" and (y.min() < 0.0 or y.max() > 1.0):
        raise ShaderplayError(
            f"train.loss: 'bce' needs targets in [0, 1]; target {name!r} has values "
            f"in [{y.min():g}, {y.max():g}]; allowed: labels or probabilities."
        )
    if config.loss == "cross_entropy":
        if n_out < 2:
            raise ShaderplayError(
                "train.loss: 'cross_entropy' needs n_out >= 2 (one logit per class); "
                f"the network has n_out = {n_out}; use 'bce' for two classes in one output."
            )
        if y.min() < 0.0:
            raise ShaderplayError(
                f"train.loss: 'cross_entropy' needs one-hot or probability targets; target "
                f"{name!r} has negative values (min {y.min():g})."
            )


def feature_rows(net: Network, x: np.ndarray, features_given: bool) -> np.ndarray:
    """Samples x -> (n_in, N) float32 input features, one row per feature."""
    feats = np.asarray(x, np.float64) if features_given else net.input_features(x)
    return np.ascontiguousarray(feats.T, dtype=np.float32)
