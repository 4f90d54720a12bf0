"""The table of learning-rate schedules: the one place a schedule is declared.

Each row carries the TrainConfig fields its curve reads besides lr (every
schedule also starts with the linear warm-up of `warmup_steps`), and the
torch.optim.lr_scheduler class that draws the same curve, with that class's
keyword arguments in terms of TrainConfig fields (None: the lr is held).
A row's `code` is its position: the value the formula in train/schedule.py
dispatches on. Adding a schedule is one row here plus its formula there (and
its parameter in config.TrainConfig if it has a new one); tests/test_tables.py
picks the row up.
"""

from dataclasses import dataclass, replace

from .errors import choose
from .optimizers import torch_arguments


@dataclass(frozen=True)
class Schedule:
    name: str
    fields: tuple[str, ...]  # TrainConfig fields it reads besides lr and warmup_steps
    torch: str | None  # torch.optim.lr_scheduler class of the same curve; None: lr held
    torch_args: tuple[tuple[str, object], ...]  # its keywords, as Optimizer.torch_args
    about: str
    code: int = -1  # set from the row's position

    def torch_kwargs(self, config) -> dict:
        """Keyword arguments of torch.optim.lr_scheduler.<torch>(optimizer, ...)."""
        return torch_arguments(self.torch_args, config)


_TABLE = (
    Schedule("constant", (), None, (), "lr throughout"),
    Schedule(
        "step",
        ("step_size", "gamma"),
        "StepLR",
        (("step_size", "step_size"), ("gamma", "gamma")),
        "lr times gamma every step_size steps",
    ),
    Schedule(
        "exponential",
        ("gamma",),
        "ExponentialLR",
        (("gamma", "gamma"),),
        "lr times gamma every step",
    ),
    Schedule(
        "cosine",
        ("cosine_steps", "lr_min"),
        "CosineAnnealingLR",
        (("T_max", "cosine_steps"), ("eta_min", "lr_min")),
        "half a cosine from lr to lr_min over cosine_steps, then lr_min",
    ),
    Schedule(
        "cosine_restarts",
        ("restart_period", "restart_mult", "lr_min"),
        "CosineAnnealingWarmRestarts",
        (("T_0", "restart_period"), ("T_mult", "restart_mult"), ("eta_min", "lr_min")),
        "cosine from lr to lr_min, restarting; periods grow by restart_mult",
    ),
)

SCHEDULES: dict[str, Schedule] = {
    row.name: replace(row, code=code) for code, row in enumerate(_TABLE)
}
NAMES = tuple(SCHEDULES)


def get(name: str) -> Schedule:
    return SCHEDULES[choose("schedule", name, NAMES)]
