"""The table of optimisers: the one place an optimiser is declared.

Each row carries what the other stages ask about it: the TrainConfig fields
it reads besides lr and weight_decay (what the training panel shows for it,
and what its kernel reads), how many floats of state it keeps per trainable
parameter (its moment buffers), and the torch.optim class that makes the
same update, with that class's keyword arguments in terms of TrainConfig
fields (which the comparisons with PyTorch and the benchmarks build from).
A row's `code` is its position: the value train/optim.py dispatches on.
Adding an optimiser is one row here plus its branch in train/optim.py (and
its hyperparameter in config.TrainConfig if it has a new one);
tests/test_tables.py picks the row up.
"""

from dataclasses import dataclass, replace

from .errors import choose


def torch_arguments(spec, config) -> dict:
    """A row's torch keyword spec for a TrainConfig: a field name gives its value, a tuple
    of names the tuple of their values, anything else is passed as it is."""

    def value(v):
        if isinstance(v, str):
            return getattr(config, v)
        if isinstance(v, tuple):
            return tuple(map(value, v))
        return v

    return {key: value(v) for key, v in spec}


@dataclass(frozen=True)
class Optimizer:
    name: str
    fields: tuple[str, ...]  # TrainConfig fields it reads besides lr and weight_decay
    slots: int  # floats of state per trainable parameter
    torch: str  # torch.optim class of the same update
    torch_args: tuple[tuple[str, object], ...]  # its keywords besides lr and weight_decay
    about: str
    code: int = -1  # set from the row's position

    def torch_kwargs(self, config) -> dict:
        """Keyword arguments of torch.optim.<torch>(params, ...) for a TrainConfig."""
        return {
            "lr": config.lr,
            "weight_decay": config.weight_decay,
            **torch_arguments(self.torch_args, config),
        }


_TABLE = (
    Optimizer("sgd", (), 0, "SGD", (), "plain gradient descent"),
    Optimizer(
        "momentum",
        ("momentum",),
        1,
        "SGD",
        (("momentum", "momentum"),),
        "heavy-ball momentum",
    ),
    Optimizer(
        "nesterov",
        ("momentum",),
        1,
        "SGD",
        (("momentum", "momentum"), ("nesterov", True)),
        "Nesterov momentum",
    ),
    Optimizer(
        "rmsprop",
        ("alpha", "eps"),
        1,
        "RMSprop",
        (("alpha", "alpha"), ("eps", "eps")),
        "steps scaled by a running RMS of the gradient",
    ),
    Optimizer(
        "adam",
        ("beta1", "beta2", "eps"),
        2,
        "Adam",
        (("betas", ("beta1", "beta2")), ("eps", "eps")),
        "Adam, weight decay coupled (L2 in the gradient)",
    ),
    Optimizer(
        "adamw",
        ("beta1", "beta2", "eps"),
        2,
        "AdamW",
        (("betas", ("beta1", "beta2")), ("eps", "eps")),
        "Adam with decoupled weight decay",
    ),
)

OPTIMIZERS: dict[str, Optimizer] = {
    row.name: replace(row, code=code) for code, row in enumerate(_TABLE)
}
NAMES = tuple(OPTIMIZERS)
MAX_SLOTS = max(row.slots for row in OPTIMIZERS.values())


def get(name: str) -> Optimizer:
    return OPTIMIZERS[choose("optimizer", name, NAMES)]
