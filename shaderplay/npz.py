"""The `.npz` files, both ways: a network file and a run file (DESIGN.md).

A network file holds the architecture (`sizes`, `activations`, `features`,
`norms`), `meta` (JSON) and one array per part of the flat parameter buffer:
`W{i}` (out×in), `b{i}`, `ln_gamma{i}`/`ln_beta{i}` (LayerNorm),
`bn_gamma{i}`/`bn_beta{i}`/`bn_mean{i}`/`bn_var{i}` (BatchNorm), `fourier_B`
(m×2), `latent` (k). A run file is a network file (the last snapshot's
weights, so it loads as a network too) plus

    snapshots        (K, n_params) float32  the whole flat parameter buffer
                                            (ParamLayout order) at each snapshot
    steps            (K,) int64             training step of each snapshot,
                                            strictly increasing
    snapshot_loss    (K,) float64           train loss at each snapshot (NaN
                                            where unknown, e.g. step 0)
    loss_history     (M, C) float64         the trainer's loss history as it
                                            was when the run was saved
    run_meta         JSON string            what made the run (preset, seed,
                                            snapshot interval, ...)

This module works on (spec, flat parameters, meta); `Network.load`/`save`
(network.py) and `RunFile` (runs.py) wrap it. Reading refuses anything
malformed with a message that names the file, the key and the shape found.
"""

import json
from pathlib import Path

import numpy as np

from .checks import atomic_file
from .errors import ShaderplayError
from .spec import NetworkSpec

RUN_KEYS = ("snapshots", "steps", "snapshot_loss", "loss_history", "run_meta")
_NORM_PREFIX = {"layernorm": "ln_", "batchnorm": "bn_"}


def _parts(spec: NetworkSpec) -> list[tuple[str, int, tuple[int, ...]]]:
    """(key, offset in the flat buffer, shape) of every parameter array of `spec`."""
    layout = spec.layout()
    parts = []
    for i, s in enumerate(layout.layers):
        parts += [(f"W{i}", s.w, (s.n_out, s.n_in)), (f"b{i}", s.b, (s.n_out,))]
        for which in ("gamma", "beta", "mean", "var"):
            if getattr(s, which) >= 0:
                parts.append((f"{_NORM_PREFIX[s.norm]}{which}{i}", getattr(s, which), (s.n_out,)))
    if spec.n_fourier:
        parts.append(("fourier_B", layout.fourier, (spec.n_fourier, 2)))
    if spec.n_latent:
        parts.append(("latent", layout.latent, (spec.n_latent,)))
    return parts


def network_arrays(spec: NetworkSpec, params: np.ndarray, meta: dict) -> dict[str, np.ndarray]:
    """Every array of the network file of (spec, flat params, meta)."""
    arrays = {
        "sizes": np.array(spec.sizes, np.int64),
        "activations": np.array(spec.layer_activations),
        "features": np.array(spec.features),
        "norms": np.array(spec.norms if spec.norms else [], dtype="<U16"),
        "meta": np.array(json.dumps(meta)),
    }
    for key, offset, shape in _parts(spec):
        arrays[key] = params[offset : offset + int(np.prod(shape))].reshape(shape)
    return arrays


def write_network(path, spec: NetworkSpec, params: np.ndarray, meta: dict) -> None:
    """Write a network file atomically: a failed write (a full disk) leaves the old file."""
    arrays = network_arrays(spec, params, meta)
    with atomic_file(path, "network file") as fh:  # a file object: numpy appends no ".npz"
        np.savez(fh, **arrays)


# --- reading -------------------------------------------------------------------------------


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


def _spec(data, path) -> NetworkSpec:
    for key in ("sizes", "activations"):
        if key not in data:
            raise _fail(path, f"missing key '{key}'")
    sizes = [int(s) for s in np.atleast_1d(data["sizes"])]
    if data["sizes"].ndim != 1 or len(sizes) < 2 or min(sizes) < 1:
        raise _fail(
            path,
            f"key 'sizes' is {data['sizes'].tolist()}, "
            "expected [n_in, hidden..., n_out] of positive ints",
        )
    acts = [str(a) for a in np.atleast_1d(data["activations"])]
    if len(acts) != len(sizes) - 1:
        raise _fail(
            path,
            f"key 'activations' has {len(acts)} entries, "
            f"expected {len(sizes) - 1} (one per weight layer)",
        )
    feats = [str(f) for f in np.atleast_1d(data.get("features", np.array(["x", "y"])))]
    norms = [str(n) for n in np.atleast_1d(data.get("norms", np.array([], dtype="<U16")))]
    try:
        return NetworkSpec(
            tuple(feats), tuple(sizes[1:-1]), tuple(acts[:-1]), acts[-1], sizes[-1], tuple(norms)
        )
    except ShaderplayError as exc:
        raise _fail(path, str(exc)) from None


def _load(path: Path) -> dict:
    if not path.is_file():
        raise _fail(path, "no such file")
    try:
        with np.load(path, allow_pickle=False) as data:
            return dict(data)
    except Exception as exc:  # zip errors, pickled objects, truncated files
        raise _fail(path, f"not a readable .npz file ({exc.__class__.__name__}: {exc})") from None


def _network(data: dict, path: Path) -> tuple[NetworkSpec, np.ndarray, dict]:
    spec = _spec(data, path)
    params = np.zeros(spec.layout().size, np.float32)
    for key, offset, shape in _parts(spec):
        params[offset : offset + int(np.prod(shape))] = _array(data, path, key, shape).ravel()
    meta = {}
    if "meta" in data:
        try:
            meta = json.loads(str(data["meta"]))
        except json.JSONDecodeError:
            raise _fail(path, "key 'meta' is not valid JSON") from None
    return spec, params, meta


def read_network(path) -> tuple[NetworkSpec, np.ndarray, dict]:
    """(spec, flat float32 parameters, meta) of a network file (or a run file's last weights)."""
    path = Path(path)
    return _network(_load(path), path)


def is_run(path) -> bool:
    """Whether the `.npz` at `path` holds snapshots (a run file), reading only its
    list of names; False for anything unreadable (reading it then says what is wrong)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return "snapshots" in data.files
    except (OSError, ValueError):
        return False


# --- run files -------------------------------------------------------------------------------


def _run_fail(path, what: str) -> ShaderplayError:
    return ShaderplayError(f"run file {path}: {what}")


def read_run(path) -> dict:
    """A run file's parts, checked: spec, snapshots (K, n_params), steps (K,),
    snapshot_loss (K,) or None, losses (M, C) or None, meta (run_meta)."""
    path = Path(path)
    data = _load(path)
    spec, params, _ = _network(data, path)  # checks the spec keys and the weights
    for key in ("snapshots", "steps"):
        if key not in data:
            raise _run_fail(
                path,
                f"missing key '{key}' (a network file, not a run? "
                "runs are saved by `record --save-run`)",
            )
    snapshots, steps = data["snapshots"], data["steps"]
    size = len(params)
    if snapshots.ndim != 2 or snapshots.shape[1] != size or len(snapshots) == 0:
        raise _run_fail(
            path, f"key 'snapshots' has shape {snapshots.shape}, expected (K, {size}) with K >= 1"
        )
    if steps.shape != (len(snapshots),) or np.any(np.diff(steps) <= 0):
        raise _run_fail(
            path,
            f"key 'steps' has shape {steps.shape}, expected ({len(snapshots)},) "
            "strictly increasing",
        )
    if not np.all(np.isfinite(snapshots)):
        raise _run_fail(path, "key 'snapshots' holds NaN or Inf values")
    loss = data.get("snapshot_loss")
    if loss is not None and loss.shape != steps.shape:
        raise _run_fail(path, f"key 'snapshot_loss' has shape {loss.shape}, expected {steps.shape}")
    meta = json.loads(str(data["run_meta"])) if "run_meta" in data else {}
    return dict(
        spec=spec,
        snapshots=snapshots,
        steps=steps,
        snapshot_loss=loss,
        losses=data.get("loss_history"),
        meta=meta,
    )


def write_run(path, spec: NetworkSpec, net_meta: dict, run: dict) -> Path:
    """Write a run file atomically (a failed write leaves the old file, no half file).
    `run` holds the RUN_KEYS arrays (run_meta as a dict); the network part is its last
    snapshot."""
    arrays = network_arrays(spec, run["snapshots"][-1], net_meta)
    arrays.update(run, run_meta=np.array(json.dumps(run["run_meta"])))
    with atomic_file(path, "run file") as fh:
        np.savez(fh, **arrays)
    return Path(path)
