"""Network: a NetworkSpec plus its one flat float32 parameter buffer.

`forward` is the NumPy oracle every kernel and shader is tested against. It
computes in float64 from the float32 parameters; BatchNorm uses its running
statistics (inference form), as the shader does.
Conventions: the input is points (N, 2) in the input domain; the output of
weight layer i is act_i(norm_i(W_i @ h + b_i)).
The arguments of `random` and `initialize` are the preset's [network] fields
of the same names, checked by the same rules (config.coerce).
"""

import json
import threading

import numpy as np

from . import activations
from . import features as feature_table
from .config import coerce
from .errors import ShaderplayError, bad_value
from .fields import convert
from .initializers import init_bias, init_weights
from .npz import read_network, write_network
from .spec import NORM_EPS, NetworkSpec

# One forward pass at a time in the process: the window's worker threads (neuron
# thumbnails, the health check) both run it, and two threads inside OpenBLAS's dgemm
# at once spun at 100 % CPU for minutes (a window that never quit in CI).
BLAS = threading.Lock()


class Network:
    def __init__(
        self, spec: NetworkSpec, params: np.ndarray | None = None, meta: dict | None = None
    ):
        if not isinstance(spec, NetworkSpec):
            raise bad_value("spec", type(spec).__name__, "a NetworkSpec")
        self.spec = spec
        self.layout = spec.layout()
        if params is None:
            params = np.zeros(self.layout.size, np.float32)
        given = np.asarray(params)
        if given.dtype.kind not in "biuf" or given.shape != (self.layout.size,):
            raise ShaderplayError(
                f"params: got an array of shape {given.shape} and dtype {given.dtype}; allowed: "
                f"a flat array of {self.layout.size} real numbers."
            )
        params = np.ascontiguousarray(given, dtype=np.float32)
        if meta is not None and not isinstance(meta, dict):
            raise bad_value("meta", meta, "a dict of JSON values")
        self.params = params
        self.meta = dict(meta or {})

    # --- views into the buffer ---------------------------------------------
    def _view(self, offset: int, shape) -> np.ndarray | None:
        if offset < 0:
            return None
        n = int(np.prod(shape))
        return self.params[offset : offset + n].reshape(shape)

    def W(self, i: int) -> np.ndarray:
        s = self.layout.layers[i]
        return self._view(s.w, (s.n_out, s.n_in))

    def b(self, i: int) -> np.ndarray:
        s = self.layout.layers[i]
        return self._view(s.b, (s.n_out,))

    def norm_param(self, i: int, which: str) -> np.ndarray | None:
        """`which` is gamma, beta, mean or var; None where layer i has none."""
        s = self.layout.layers[i]
        return self._view(getattr(s, which), (s.n_out,))

    @property
    def fourier_b(self) -> np.ndarray:
        return self._view(self.layout.fourier, (self.spec.n_fourier, 2))

    @property
    def latent(self) -> np.ndarray:
        return self._view(self.layout.latent, (self.spec.n_latent,))

    @property
    def trainable(self) -> np.ndarray:
        return self.params[: self.layout.n_trainable]

    @property
    def param_count(self) -> int:
        return self.layout.n_trainable

    @property
    def sizes(self) -> tuple[int, ...]:
        return self.spec.sizes

    # --- construction ----------------------------------------------------------
    @classmethod
    def random(
        cls,
        sizes=(2, 16, 16, 16, 1),
        activation="tanh",
        output="sigmoid",
        init="he_uniform",
        scale=1.0,
        bias_init="zeros",
        bias_scale=0.0,
        seed=0,
        features=("x", "y"),
        norm="none",
        fourier=0,
        fourier_scale=1.0,
        latent=(),
    ):
        """A freshly initialised network.

        `sizes` is [n_in, h1, ..., n_out]; n_in must match the features (Fourier
        and latent features, added by `fourier=m` and `latent=values`, count too).
        `activation` and `norm` are one name for every hidden layer or a list.
        """
        sizes = convert("sizes", _listed(sizes), tuple[int, ...])
        if len(sizes) < 2:
            raise bad_value("sizes", sizes, "[n_in, hidden..., n_out] with at least 2 entries")
        features, fourier, latent, activation, output, norm = _fields(
            features=features,
            fourier=fourier,
            latent=latent,
            activation=activation,
            output=output,
            norm=norm,
        )
        feats = (
            features
            + feature_table.fourier_names(fourier)
            + feature_table.latent_names(len(latent))
        )
        if sizes[0] != len(feats):
            raise bad_value(
                "sizes[0]", sizes[0], f"{len(feats)}, the number of input features {list(feats)}"
            )
        hidden = tuple(sizes[1:-1])
        acts = (activation,) * len(hidden) if isinstance(activation, str) else tuple(activation)
        norms = (norm,) * len(hidden) if isinstance(norm, str) else tuple(norm)
        spec = NetworkSpec(feats, hidden, acts, output, sizes[-1], norms)
        net = cls(spec)
        net.initialize(
            init=init,
            scale=scale,
            bias_init=bias_init,
            bias_scale=bias_scale,
            seed=seed,
            fourier_scale=fourier_scale,
        )
        if len(latent):
            net.latent[:] = latent
        return net

    def initialize(
        self,
        init="he_uniform",
        scale=1.0,
        bias_init="zeros",
        bias_scale=0.0,
        seed=0,
        fourier_scale=1.0,
    ):
        """Re-draw every parameter in place (same seed, same numbers)."""
        init, scale, bias_init, bias_scale, seed, fourier_scale = _fields(
            init=init,
            scale=scale,
            bias_init=bias_init,
            bias_scale=bias_scale,
            seed=seed,
            fourier_scale=fourier_scale,
        )
        rng = np.random.default_rng(seed)
        for i, s in enumerate(self.layout.layers):
            self.W(i)[:] = init_weights(init, rng, s.n_out, s.n_in, scale)
            self.b(i)[:] = init_bias(bias_init, rng, s.n_out, bias_scale)
            for which, value in (("gamma", 1.0), ("beta", 0.0), ("mean", 0.0), ("var", 1.0)):
                arr = self.norm_param(i, which)
                if arr is not None:
                    arr[:] = value
        if self.spec.n_fourier:
            self.fourier_b[:] = rng.normal(0.0, fourier_scale, size=self.fourier_b.shape)
        return self

    def copy(self) -> "Network":
        return Network(self.spec, self.params.copy(), self.meta)

    # --- evaluation (the oracle) ---------------------------------------------
    def input_features(self, xy) -> np.ndarray:
        """Points (..., 2) -> their input features (N, n_in), float64."""
        xy = _points(xy)
        fb = self.fourier_b if self.spec.n_fourier else np.zeros((0, 2))
        lat = self.latent if self.spec.n_latent else np.zeros(0)
        return feature_table.evaluate(self.spec.features, xy, fb, lat)

    def forward_layers(self, xy, last: int | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per weight layer (0..`last`, default all): (pre, post) activations, each
        (N, n_out_i), float64.

        `pre` is the activation's input (after the norm, if any): its zero set is
        the neuron's boundary.
        """
        h = self.input_features(xy)
        out = []
        with BLAS:
            for i, s in enumerate(self.layout.layers[: None if last is None else last + 1]):
                z = h @ self.W(i).astype(np.float64).T + self.b(i)
                z = self._normalize(i, z)
                h = activations.get(s.activation).np_f(z)
                out.append((z, h))
        return out

    def _normalize(self, i: int, z: np.ndarray) -> np.ndarray:
        norm = self.layout.layers[i].norm
        if norm == "none":
            return z
        if norm == "layernorm":
            mean = z.mean(axis=1, keepdims=True)
            var = z.var(axis=1, keepdims=True)
        else:
            mean = self.norm_param(i, "mean").astype(np.float64)
            var = self.norm_param(i, "var").astype(np.float64)
        zhat = (z - mean) / np.sqrt(var + NORM_EPS)
        return zhat * self.norm_param(i, "gamma") + self.norm_param(i, "beta")

    def forward(self, xy) -> np.ndarray:
        """Points (N, 2) (or any (..., 2), taken row by row) -> outputs (N, n_out), float64."""
        return self.forward_layers(xy)[-1][1]

    # --- files (the format: npz.py) -------------------------------------------------------
    def save(self, path) -> None:
        """Write the DESIGN.md `.npz` network format; weights that are not all finite are
        refused (the file could not be loaded again)."""
        if not np.all(np.isfinite(self.params)):
            bad = int(np.count_nonzero(~np.isfinite(self.params)))
            raise ShaderplayError(
                f"network file {path}: not saved: {bad:,} of the network's "
                f"{self.params.size:,} parameters are NaN or infinite; allowed: a network whose "
                "weights are all finite (lower the learning rate or the init scales and train "
                "again)."
            )
        try:
            json.dumps(self.meta)
        except (TypeError, ValueError):  # NumPy arrays, sets, circular dicts
            raise bad_value(
                "network meta", self.meta, "JSON values only: text, numbers, lists, dicts"
            ) from None
        write_network(path, self.spec, self.params, self.meta)

    @classmethod
    def load(cls, path) -> "Network":
        """A network file, or a run file's last weights; a malformed file is refused by name."""
        return cls(*read_network(path))


def _listed(value):
    """A NumPy array as the list it holds (the field rules read lists); anything else as it is."""
    return value.tolist() if isinstance(value, np.ndarray) else value


def _fields(**values) -> tuple:
    """Arguments of `random` / `initialize` in order, each checked by the rule of the
    [network] field of its name."""
    return tuple(coerce("network", key, _listed(value)) for key, value in values.items())


def _points(xy) -> np.ndarray:
    """`xy` as float64 points (N, 2): any array of real numbers whose last axis is (x, y)."""
    try:
        arr = np.asarray(xy)
    except (TypeError, ValueError):  # ragged nested lists
        arr = np.asarray(None)
    if arr.dtype.kind not in "biuf" or arr.ndim == 0 or arr.shape[-1] != 2:
        raise ShaderplayError(
            f"points: got an array of shape {arr.shape} and dtype {arr.dtype}; allowed: real "
            "numbers of shape (N, 2), one (x, y) per row."
        )
    return arr.astype(np.float64).reshape(-1, 2)
