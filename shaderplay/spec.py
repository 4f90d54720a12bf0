"""NetworkSpec (the architecture) and ParamLayout (where each array lives in
the one flat float32 parameter buffer).

Buffer order, which the trainer, the shader generator and the .npz format
all follow:
    trainable:     W0 (out×in, row-major), b0, [gamma0, beta0], W1, b1, ...
    non-trainable: [bn_mean_i, bn_var_i for each BatchNorm layer],
                   fourier_B (m×2), latent (k)
padded with zeros to a multiple of 4 so it uploads as vec4s.
A norm layer sits after hidden layer i's affine map and before its
activation: h = act(norm(W h + b)).
"""

from dataclasses import dataclass

from . import activations, features
from .errors import ShaderplayError, bad_value, shown
from .fields import Integer, OneOf

NORMS = ("none", "layernorm", "batchnorm")
NORM_EPS = 1e-5  # PyTorch's LayerNorm / BatchNorm1d default
MAX_WIDTH = 4096
MAX_OUT = 64
MAX_DEPTH = 128  # hidden layers
MAX_FOURIER = 256  # Fourier frequencies: features fsin<k>/fcos<k> for k below it
MAX_LATENT = 16  # latent inputs: features z<k> for k below it
MAX_PARAMS = 1 << 26  # floats in the buffer (256 MiB), checked before anything is allocated
_FAMILY_LIMITS = {"fsin": MAX_FOURIER, "fcos": MAX_FOURIER, "z": MAX_LATENT}
# The rules a preset's [network] table shares with the spec it becomes.
WIDTH = Integer(1, MAX_WIDTH)
ACTIVATION = OneOf(activations.NAMES)
NORM = OneOf(NORMS)


@dataclass(frozen=True)
class NetworkSpec:
    features: tuple[str, ...] = ("x", "y")
    hidden: tuple[int, ...] = (16, 16, 16)
    activations: tuple[str, ...] = ("tanh", "tanh", "tanh")  # one per hidden layer
    output_activation: str = "sigmoid"
    n_out: int = 1
    norms: tuple[str, ...] = ()  # one per hidden layer; () means none anywhere

    def __post_init__(self):
        # Accept lists from callers and presets; store tuples so specs hash (shader cache key).
        for name in ("features", "hidden", "activations", "norms"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.norms:
            object.__setattr__(self, "norms", ("none",) * len(self.hidden))
        self.validate()

    def validate(self):
        if not self.features:
            raise bad_value("features", list(self.features), "at least one input feature")
        for f in self.features:
            if not isinstance(f, str):
                raise bad_value("features", f, "feature names (text)")
            family, k = features.parse(f)
            if k >= _FAMILY_LIMITS.get(family, 0):
                allowed = f"fsin<k> and fcos<k> with k < {MAX_FOURIER}, z<k> with k < {MAX_LATENT}"
                raise bad_value("features", f, allowed)
        if len(set(self.features)) != len(self.features):
            raise bad_value("features", list(self.features), "each feature at most once")
        if len(self.hidden) > MAX_DEPTH:
            raise bad_value("hidden", list(self.hidden), f"at most {MAX_DEPTH} hidden layers")
        for i, w in enumerate(self.hidden):
            if isinstance(w, bool) or not isinstance(w, int):
                raise bad_value(f"hidden[{i}] width", w, WIDTH.allowed)
            WIDTH(f"hidden[{i}] width", w)
        if len(self.activations) != len(self.hidden):
            raise bad_value(
                "activations",
                list(self.activations),
                f"one activation per hidden layer ({len(self.hidden)})",
            )
        ACTIVATION("activation", self.activations + (self.output_activation,))
        if len(self.norms) != len(self.hidden):
            raise bad_value("norms", list(self.norms), f"one per hidden layer ({len(self.hidden)})")
        NORM("norm", self.norms)
        if (
            isinstance(self.n_out, bool)
            or not isinstance(self.n_out, int)
            or not 1 <= self.n_out <= MAX_OUT
        ):
            raise bad_value(
                "n_out", self.n_out, f"an integer 1..{MAX_OUT} (1-3 for pictures, more for classes)"
            )
        size = self.layout().size
        if size > MAX_PARAMS:
            raise ShaderplayError(
                f"network size: got {size:,} parameters (sizes {shown(list(self.sizes))}); "
                f"allowed: at most {MAX_PARAMS:,} (256 MiB of float32)."
            )

    @property
    def sizes(self) -> tuple[int, ...]:
        return (len(self.features), *self.hidden, self.n_out)

    @property
    def layer_activations(self) -> tuple[str, ...]:
        """Activation of every weight layer, the output layer last."""
        return self.activations + (self.output_activation,)

    @property
    def layer_norms(self) -> tuple[str, ...]:
        return self.norms + ("none",)

    @property
    def n_fourier(self) -> int:
        return features.family_count(self.features, ("fsin", "fcos"))

    @property
    def n_latent(self) -> int:
        return features.family_count(self.features, ("z",))

    @property
    def depth(self) -> int:
        return len(self.hidden) + 1

    def layout(self) -> "ParamLayout":
        return ParamLayout.of(self)


@dataclass(frozen=True)
class LayerSlots:
    """Offsets (in floats) of one weight layer's arrays; -1 where absent."""

    n_in: int
    n_out: int
    activation: str
    norm: str
    w: int
    b: int
    gamma: int = -1
    beta: int = -1
    mean: int = -1
    var: int = -1


@dataclass(frozen=True)
class ParamLayout:
    layers: tuple[LayerSlots, ...]
    n_trainable: int
    fourier: int  # offset of fourier_B (m×2), -1 if none
    latent: int  # offset of latent values, -1 if none
    size: int  # padded length of the buffer (multiple of 4)

    @staticmethod
    def of(spec: NetworkSpec) -> "ParamLayout":
        sizes = spec.sizes
        offset = 0
        layers = []
        for i, act in enumerate(spec.layer_activations):
            n_in, n_out = sizes[i], sizes[i + 1]
            norm = spec.layer_norms[i]
            w, b = offset, offset + n_in * n_out
            offset = b + n_out
            gamma = beta = -1
            if norm != "none":
                gamma, beta = offset, offset + n_out
                offset += 2 * n_out
            layers.append(
                dict(
                    n_in=n_in,
                    n_out=n_out,
                    activation=act,
                    norm=norm,
                    w=w,
                    b=b,
                    gamma=gamma,
                    beta=beta,
                )
            )
        n_trainable = offset
        for slot in layers:
            if slot["norm"] == "batchnorm":
                slot["mean"], slot["var"] = offset, offset + slot["n_out"]
                offset += 2 * slot["n_out"]
        fourier = latent = -1
        if spec.n_fourier:
            fourier, offset = offset, offset + 2 * spec.n_fourier
        if spec.n_latent:
            latent, offset = offset, offset + spec.n_latent
        size = (offset + 3) // 4 * 4
        return ParamLayout(
            tuple(LayerSlots(**s) for s in layers), n_trainable, fourier, latent, size
        )
