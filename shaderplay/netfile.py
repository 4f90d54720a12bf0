"""Reading the `.npz` network format (DESIGN.md), refusing anything malformed
with a message that names the key and the shape found."""

import json
from pathlib import Path

import numpy as np

from .errors import ShaderplayError
from .spec import NetworkSpec

_NORM_KEYS = {
    "layernorm": (("gamma", "ln_gamma"), ("beta", "ln_beta")),
    "batchnorm": (
        ("gamma", "bn_gamma"),
        ("beta", "bn_beta"),
        ("mean", "bn_mean"),
        ("var", "bn_var"),
    ),
}


def _fail(path: Path, what: str) -> ShaderplayError:
    return ShaderplayError(f"network file {path}: {what}")


def _array(data, path, key, shape):
    if key not in data:
        raise _fail(path, f"missing key '{key}' (expected shape {shape})")
    arr = np.asarray(data[key])
    if arr.shape != tuple(shape):
        raise _fail(path, f"key '{key}' has shape {arr.shape}, expected {tuple(shape)}")
    if not np.issubdtype(arr.dtype, np.number):
        raise _fail(path, f"key '{key}' has dtype {arr.dtype}, expected float32")
    if not np.all(np.isfinite(arr)):
        raise _fail(path, f"key '{key}' holds NaN or Inf values")
    return arr.astype(np.float32)


def read_network(path: Path):
    from .network import Network

    if not path.is_file():
        raise ShaderplayError(f"network file {path}: no such file")
    try:
        data = dict(np.load(path, allow_pickle=False))
    except Exception as exc:  # zip errors, pickled objects, truncated files
        raise _fail(path, f"not a readable .npz file ({exc.__class__.__name__}: {exc})") from None
    for key in ("sizes", "activations"):
        if key not in data:
            raise _fail(path, f"missing key '{key}'")
    sizes = [int(s) for s in np.atleast_1d(data["sizes"])]
    if data["sizes"].ndim != 1 or len(sizes) < 2 or min(sizes) < 1:
        raise _fail(
            path,
            f"key 'sizes' is {data['sizes'].tolist()}, expected [n_in, hidden..., n_out] of positive ints",
        )
    acts = [str(a) for a in np.atleast_1d(data["activations"])]
    if len(acts) != len(sizes) - 1:
        raise _fail(
            path,
            f"key 'activations' has {len(acts)} entries, expected {len(sizes) - 1} (one per weight layer)",
        )
    feats = [str(f) for f in np.atleast_1d(data.get("features", np.array(["x", "y"])))]
    norms = [str(n) for n in np.atleast_1d(data.get("norms", np.array([], dtype="<U16")))]
    try:
        spec = NetworkSpec(
            tuple(feats), tuple(sizes[1:-1]), tuple(acts[:-1]), acts[-1], sizes[-1], tuple(norms)
        )
    except ShaderplayError as exc:
        raise _fail(path, str(exc)) from None
    net = Network(spec)
    for i, s in enumerate(net.layout.layers):
        net.W(i)[:] = _array(data, path, f"W{i}", (s.n_out, s.n_in))
        net.b(i)[:] = _array(data, path, f"b{i}", (s.n_out,))
        for which, key in _NORM_KEYS.get(s.norm, ()):
            net.norm_param(i, which)[:] = _array(data, path, f"{key}{i}", (s.n_out,))
    if spec.n_fourier:
        net.fourier_b[:] = _array(data, path, "fourier_B", (spec.n_fourier, 2))
    if spec.n_latent:
        net.latent[:] = _array(data, path, "latent", (spec.n_latent,))
    if "meta" in data:
        try:
            net.meta = json.loads(str(data["meta"]))
        except json.JSONDecodeError:
            raise _fail(path, "key 'meta' is not valid JSON") from None
    return net
