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
from dataclasses import fields
from pathlib import Path

import numpy as np

from .checks import atomic_file
from .config import RunMeta
from .errors import ShaderplayError, shown
from .fields import coerce
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


def _floats(arr: np.ndarray, key: str, fail) -> np.ndarray:
    """`arr` as float32, refused (by `fail`) unless it holds real numbers, all finite
    there: complex values, text, or float64 values beyond float32's range."""
    if arr.dtype.kind not in "biuf":
        raise fail(f"key '{key}' has dtype {arr.dtype}, expected float32 (real numbers)")
    with np.errstate(over="ignore"):  # float64 beyond float32's range: inf, refused below
        out = arr.astype(np.float32)
    if not np.all(np.isfinite(out)):
        raise fail(f"key '{key}' holds NaN or Inf values (or values beyond float32's range)")
    return out


def _array(data, path, key, shape):
    if key not in data:
        raise _fail(path, f"missing key '{key}' (expected shape {shape})")
    arr = np.asarray(data[key])
    if arr.shape != tuple(shape):
        raise _fail(path, f"key '{key}' has shape {arr.shape}, expected {tuple(shape)}")
    return _floats(arr, key, lambda what: _fail(path, what))


def _names(data, path, key, default) -> list[str]:
    """A list of names (activations, features, norms): a 1-D array of text."""
    arr = np.asarray(data.get(key, default))
    if arr.ndim > 1 or (arr.size and arr.dtype.kind != "U"):
        raise _fail(
            path, f"key '{key}' has shape {arr.shape} and dtype {arr.dtype}, expected names"
        )
    return [str(a) for a in np.atleast_1d(arr)]


def _spec(data, path) -> NetworkSpec:
    for key in ("sizes", "activations"):
        if key not in data:
            raise _fail(path, f"missing key '{key}'")
    sizes = np.asarray(data["sizes"])
    if sizes.ndim != 1 or sizes.dtype.kind not in "iu" or len(sizes) < 2 or sizes.min() < 1:
        raise _fail(
            path,
            f"key 'sizes' is {shown(sizes)} ({sizes.dtype}), "
            "expected [n_in, hidden..., n_out] of positive integers",
        )
    sizes = [int(s) for s in sizes]
    acts = _names(data, path, "activations", None)
    if len(acts) != len(sizes) - 1:
        raise _fail(
            path,
            f"key 'activations' has {len(acts)} entries, "
            f"expected {len(sizes) - 1} (one per weight layer)",
        )
    feats = _names(data, path, "features", np.array(["x", "y"]))
    norms = _names(data, path, "norms", np.array([], dtype="<U16"))
    if len(feats) != sizes[0]:
        raise _fail(
            path, f"key 'features' has {len(feats)} entries, expected sizes[0] = {sizes[0]}"
        )
    try:
        return NetworkSpec(
            tuple(feats), tuple(sizes[1:-1]), tuple(acts[:-1]), acts[-1], sizes[-1], tuple(norms)
        )
    except ShaderplayError as exc:
        raise _fail(path, str(exc)) from None


def _opened(path):
    """The open .npz archive at `path`; ValueError for a file that is not one (numpy
    opens a .npy without complaint and returns another kind)."""
    data = np.load(path, allow_pickle=False)
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError("a single .npy array, not a .npz archive of named arrays")
    return data


def _load(path: Path, fail=None) -> dict:
    """Every array of the .npz at `path`; `fail(what)` (a network file's error by
    default) says what is wrong with a file that is missing or not one."""
    fail = fail or (lambda what: _fail(path, what))
    if not path.is_file():
        raise fail("no such file")
    try:
        with _opened(path) as data:
            return dict(data)
    except Exception as exc:  # zip errors, pickled objects, truncated or empty files
        raise fail(f"not a readable .npz file ({exc})") from None


def _json_object(data, key: str, fail) -> dict:
    """The JSON object held as text under `key` ({} when the key is absent)."""
    if key not in data:
        return {}
    try:
        value = json.loads(str(np.asarray(data[key])))
    except (json.JSONDecodeError, RecursionError):
        raise fail(f"key '{key}' is not valid JSON") from None
    if not isinstance(value, dict):
        raise fail(f"key '{key}' is {shown(value)}, expected a JSON object ({{...}})")
    return value


def _network(data: dict, path: Path) -> tuple[NetworkSpec, np.ndarray, dict]:
    spec = _spec(data, path)
    params = np.zeros(spec.layout().size, np.float32)
    for key, offset, shape in _parts(spec):
        params[offset : offset + int(np.prod(shape))] = _array(data, path, key, shape).ravel()
    return spec, params, _json_object(data, "meta", lambda what: _fail(path, what))


def read_network(path) -> tuple[NetworkSpec, np.ndarray, dict]:
    """(spec, flat float32 parameters, meta) of a network file (or a run file's last weights)."""
    path = Path(path)
    return _network(_load(path), path)


def is_run(path) -> bool:
    """Whether the `.npz` at `path` holds snapshots (a run file), reading only its
    list of names; False for anything unreadable (reading it then says what is wrong)."""
    try:
        with _opened(path) as data:
            return "snapshots" in data.files
    except Exception:  # zip errors, EOFError for an empty file, a .npy: not a run
        return False


# --- run files -------------------------------------------------------------------------------


def _run_fail(path, what: str) -> ShaderplayError:
    return ShaderplayError(f"run file {path}: {what}")


def _run_meta(data, path) -> dict:
    """run_meta, a JSON object whose entries the program reads obey config.RunMeta's rules."""
    meta = _json_object(data, "run_meta", lambda what: _run_fail(path, what))
    for f in fields(RunMeta):
        if f.name in meta:
            try:
                meta[f.name] = coerce(f"key 'run_meta' entry '{f.name}'", f, meta[f.name])
            except ShaderplayError as exc:
                raise _run_fail(path, str(exc)) from None
    return meta


def read_run(path) -> dict:
    """A run file's parts, checked: spec, snapshots (K, n_params), steps (K,),
    snapshot_loss (K,) or None, losses (M, C) or None, meta (run_meta)."""
    path = Path(path)
    data = _load(path, lambda what: _run_fail(path, what))
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
    snapshots = _floats(snapshots, "snapshots", lambda what: _run_fail(path, what))
    if (
        steps.shape != (len(snapshots),)
        or steps.dtype.kind not in "iu"
        or steps.min() < 0
        or np.any(np.diff(steps) <= 0)
    ):
        raise _run_fail(
            path,
            f"key 'steps' has shape {steps.shape} and dtype {steps.dtype}, expected "
            f"({len(snapshots)},) integers >= 0, strictly increasing",
        )
    loss = data.get("snapshot_loss")
    if loss is not None and (loss.shape != steps.shape or loss.dtype.kind not in "iuf"):
        raise _run_fail(
            path,
            f"key 'snapshot_loss' has shape {loss.shape} and dtype {loss.dtype}, "
            f"expected {steps.shape} numbers",
        )
    losses = data.get("loss_history")
    if losses is not None and (losses.ndim != 2 or losses.dtype.kind not in "iuf"):
        raise _run_fail(
            path,
            f"key 'loss_history' has shape {losses.shape} and dtype {losses.dtype}, "
            "expected (M, C) numbers",
        )
    return dict(
        spec=spec,
        snapshots=snapshots,
        steps=steps,
        snapshot_loss=loss,
        losses=losses,
        meta=_run_meta(data, path),
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
