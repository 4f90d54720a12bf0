"""Benchmark: training throughput of the numba trainer against PyTorch CPU.

Three networks (CASES: a small ReLU net with Adam, per-sample SGD, a wide
tanh net), each trained on 4096 random points of a smooth target (labels for
BCE) with shuffled minibatches, by the Trainer and
by the same network in PyTorch (float32, torch.set_num_threads(2), a plain
zero_grad / forward / backward / step loop over index-sliced minibatches),
alternating in the same run so both see the same machine load. Reported:
median examples/s and µs per optimiser step, the ratio numba / torch, and
multiply-adds per second (3 per weight per example: forward, backward to the
inputs, weight gradients) as a share of the float32 peak (bench/peak.py).
The trainer takes the threads it would for `shaderplay train` (train.threads,
0: the cores where a step is big enough to share); where that is more than
one, the same network on one thread (the same groups of the minibatch, the same
bits) is measured beside it too.

Beside them, one long run of a preset as the window trains it (its own
settings, a test-loss evaluation per chunk): µs/step early (just after the
first 1,000 steps) and late (the last steps), which should stay equal however
far a run converges (subnormal floats once slowed late steps: kernels/fpenv.py),
and the share of the run's time its test-loss evaluations took.
"""

import itertools
import statistics
import time
from dataclasses import dataclass, replace

import numpy as np

from .. import activations, optimizers
from ..config import MAX_CHUNK, MAX_THREADS, TrainConfig
from ..network import Network
from . import SECONDS, fits_seconds
from .peak import measure_peak

N_POINTS = 4096
LONG_PRESET, LONG_STEPS = "bottle", 200_000
LONG_WARMUP, LONG_BLOCK, LONG_PARTS = 1_000, 10_000, 5  # steps; a block timed in parts


@dataclass(frozen=True)
class Case:
    name: str
    sizes: tuple[int, ...]
    activation: str
    output: str
    loss: str
    optimizer: str
    batch: int
    lr: float


CASES = (
    Case(
        "2-16-16-16-1 relu/sigmoid BCE Adam b128",
        (2, 16, 16, 16, 1),
        "relu",
        "sigmoid",
        "bce",
        "adam",
        128,
        1e-3,
    ),
    Case(
        "2-24-12-1 tanh/sigmoid MSE SGD b1",
        (2, 24, 12, 1),
        "tanh",
        "sigmoid",
        "mse",
        "sgd",
        1,
        1e-2,
    ),
    Case(
        "2-64-64-64-64-3 tanh MSE Adam b256",
        (2, 64, 64, 64, 64, 3),
        "tanh",
        "tanh",
        "mse",
        "adam",
        256,
        1e-3,
    ),
)


def macs_per_example(sizes) -> int:
    """Multiply-adds of one training example: 3 per weight (forward, backward, gradient)."""
    return 3 * sum(a * b for a, b in itertools.pairwise(sizes))


def make_data(case: Case, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (N_POINTS, 2)).astype(np.float32)
    n_out = case.sizes[-1]
    phase = np.arange(n_out)[None, :]
    y = 0.5 + 0.4 * np.sin(3 * x[:, :1] + phase) * np.cos(2 * x[:, 1:] - phase)
    if case.loss == "bce":
        y = (y > 0.5).astype(np.float32)
    return x, y.astype(np.float32)


def _timed(run_steps, seconds: float) -> float:
    """Seconds per step of `run_steps(n)`, n sized to take about `seconds`."""
    n = 8
    while True:
        start = time.perf_counter()
        run_steps(n)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds * 0.5 or n >= 1 << 24:
            return elapsed / n
        n = int(n * min(64.0, max(2.0, seconds / max(elapsed, 1e-6))))


def numba_runner(case: Case, x, y, threads: int = 0):
    """(run(steps), the threads each step is shared by)."""
    from ..train import Trainer
    from ..train.threads import groups, team_size

    net = Network.random(case.sizes, activation=case.activation, output=case.output, seed=0)
    trainer = Trainer(
        net,
        (x, y),
        loss=case.loss,
        optimizer=case.optimizer,
        lr=case.lr,
        batch_size=case.batch,
        chunk_steps=MAX_CHUNK,  # one kernel call per timed run, as far as the field allows
        threads=threads,
    )
    trainer.run(8)  # compile (or load from the cache) outside the timing
    parts = team_size(threads, groups(net.layout, case.batch), background=False)
    return trainer.run, parts


def torch_runner(case: Case, x, y, threads: int = 2):
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    layers = []
    for i in range(len(case.sizes) - 1):
        layers.append(torch.nn.Linear(case.sizes[i], case.sizes[i + 1]))
        last = i == len(case.sizes) - 2
        act = activations.get(case.output if last else case.activation)
        layers.append(getattr(torch.nn, act.torch)())
    model = torch.nn.Sequential(*layers)
    opt = optimizers.get(case.optimizer)
    config = TrainConfig(optimizer=case.optimizer, lr=case.lr)
    optim = getattr(torch.optim, opt.torch)(model.parameters(), **opt.torch_kwargs(config))
    criterion = {"bce": torch.nn.BCELoss, "mse": torch.nn.MSELoss}[case.loss]()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    state = {"order": torch.randperm(len(x)), "pos": 0}

    def run(steps):
        for _ in range(steps):
            if state["pos"] >= len(x):
                state["order"], state["pos"] = torch.randperm(len(x)), 0
            idx = state["order"][state["pos"] : state["pos"] + case.batch]
            state["pos"] += case.batch
            optim.zero_grad()
            criterion(model(xt[idx]), yt[idx]).backward()
            optim.step()

    run(8)
    return run


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def measure(
    seconds: float = 1.0,
    repeats: int = 3,
    with_torch: bool = True,
    torch_threads: int = 2,
    cases=CASES,
    threads: int = 0,
) -> list[dict]:
    """One row per case: median µs/step and examples/s for numba with `threads` (0: as
    `shaderplay train` chooses; "threads" says how many), numba on one thread where that
    is more ("numba1"), and (if available) torch."""
    from ..train.threads import Pace

    with_torch = with_torch and torch_available()
    # The team itself, every chunk: torch's threads spin a while after each of its runs,
    # which would hand the trainer's next chunks to one thread (threads.Pace).
    Pace.adapt = False
    try:
        return [
            _measure(case, seconds, repeats, with_torch, torch_threads, threads) for case in cases
        ]
    finally:
        Pace.adapt = True


def _measure(case, seconds, repeats, with_torch, torch_threads, threads) -> dict:
    """measure()'s row of one case."""
    x, y = make_data(case)
    run, parts = numba_runner(case, x, y, threads)
    runners = {"numba": run}
    if parts > 1:
        runners["numba1"] = numba_runner(case, x, y, 1)[0]
    if with_torch:
        runners["torch"] = torch_runner(case, x, y, torch_threads)
    times = {name: [] for name in runners}
    for _ in range(repeats):  # alternate, so both sides share the machine's load
        for name, run in runners.items():
            times[name].append(_timed(run, seconds))
    row = {"case": case.name, "batch": case.batch, "threads": parts}
    for name, samples in times.items():
        per_step = statistics.median(samples)
        examples = case.batch / per_step
        row[name] = {
            "us_per_step": per_step * 1e6,
            "examples_per_s": examples,
            "macs_per_s": examples * macs_per_example(case.sizes),
        }
    if "torch" in row:
        row["ratio"] = row["numba"]["examples_per_s"] / row["torch"]["examples_per_s"]
    return row


def _block_us(trainer, steps: int, parts: int) -> float:
    """Median µs/step over `parts` consecutive runs that make up `steps` steps."""
    times = []
    for _ in range(parts):
        first, start = trainer.step, time.perf_counter()
        trainer.run(steps // parts)
        ran = trainer.step - first  # fewer where the run stopped (a diverged one)
        times.append((time.perf_counter() - start) / ran if ran else float("nan"))
    return statistics.median(times) * 1e6


def measure_long(
    preset: str = LONG_PRESET, steps: int = LONG_STEPS, block: int = LONG_BLOCK
) -> dict:
    """µs/step of one `steps`-step run of `preset` (its own settings): over the `block`
    steps after the first LONG_WARMUP (early) and over the last `block` (late)."""
    from ..build import build
    from ..presets import load_preset
    from ..train import Trainer

    net, data, config = build(load_preset(preset))
    # a schedule that reaches zero would stop the run there (bottle's at 30,000 steps,
    # which left the late block empty); the speed is what is measured
    trainer = Trainer(net, data, config=replace(config, stop_at_zero_lr=False))
    trainer.run(LONG_WARMUP)  # compiles (or loads) the kernels outside the timing
    early = _block_us(trainer, block, LONG_PARTS)
    tested, trained = trainer.test_seconds, trainer.seconds
    trainer.run(max(0, steps - LONG_WARMUP - 2 * block))  # one call, as the window's thread
    tested, trained = trainer.test_seconds - tested, trainer.seconds - trained
    first_late = trainer.step
    late = _block_us(trainer, block, LONG_PARTS)
    return {
        "preset": preset,
        "early": (LONG_WARMUP, LONG_WARMUP + block, early),
        "late": (first_late, trainer.step, late),
        "late_over_early": early / late,  # speed late / speed early
        # of the middle of the run (kernels and test evaluations): each timed block ends
        # with a test evaluation of its own, as every run(n) does
        "test_share": tested / max(trained + tested, 1e-9),
    }


def report_long(row: dict) -> str:
    (e0, e1, early), (l0, l1, late) = row["early"], row["late"]
    return (
        f"long run, {row['preset']} as the window trains it: early (steps {e0:,}-{e1:,}) "
        f"{early:.2f} µs/step, late (steps {l0:,}-{l1:,}) {late:.2f} µs/step; "
        f"late/early speed {row['late_over_early']:.2f}; test-loss evaluations "
        f"{100 * row['test_share']:.1f}% of its time"
    )


def report(rows: list[dict], peak=None) -> str:
    """The table; with `peak` (a bench.peak.Peak) its line first and each side's share of it."""

    def side(name, r):
        cell = f" {r['us_per_step']:>13.2f} {_rate(r['examples_per_s']):>11}"
        cell += f" {r['macs_per_s'] / 1e9:>7.2f}"
        return cell + (f" {peak.percent(r['macs_per_s']):>6.1f}" if peak else f" {'':>6}")

    head = "".join(
        f" {s + ' µs/step':>13} {s + ' ex/s':>11} {'GMAC/s':>7} {'% peak':>6}"
        for s in ("numba", "torch")
    )
    width = max(len(_name(r)) for r in rows) if rows else 0
    lines = ([str(peak)] if peak else []) + [f"{'network':<{width}}{head} {'ratio':>7}"]
    for r in rows:
        line = f"{_name(r):<{width}}" + side("numba", r["numba"])
        if "torch" in r:
            line += side("torch", r["torch"]) + f" {r['ratio']:>6.1f}x"
        lines.append(line)
        if "numba1" in r:
            lines.append(f"{'  the same on one thread':<{width}}" + side("numba1", r["numba1"]))
    return "\n".join(lines)


def _name(row: dict) -> str:
    return row["case"] + (f", {row['threads']} threads" if row["threads"] > 1 else "")


def _rate(per_s: float) -> str:
    return f"{per_s / 1e6:.2f}M" if per_s >= 1e5 else f"{per_s / 1e3:.1f}k"


def add_arguments(parser) -> None:
    parser.add_argument(
        "--seconds", type=float, default=1.0, help="time per measurement (%(default)s)"
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="alternating measurements, median kept"
    )
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch baseline")
    parser.add_argument(
        "--torch-threads", type=int, default=2, help="torch.set_num_threads (%(default)s)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="threads sharing each numba step (%(default)s: as shaderplay train chooses)",
    )
    parser.add_argument("--long", default=LONG_PRESET, help="preset of the long run (%(default)s)")
    parser.add_argument(
        "--long-steps",
        type=int,
        default=LONG_STEPS,
        help="steps of the long run (%(default)s; 0: none)",
    )


def run(args) -> int:
    from ..errors import ShaderplayError, bad_value
    from ..presets import load_preset

    # refused before any measuring: a bad --long once surfaced after minutes of it
    for flag, value, ok, allowed in (
        ("--seconds", args.seconds, fits_seconds(args.seconds), SECONDS),
        ("--repeats", args.repeats, args.repeats >= 1, "a whole number >= 1"),
        ("--torch-threads", args.torch_threads, args.torch_threads >= 1, "a whole number >= 1"),
        ("--threads", args.threads, 0 <= args.threads <= MAX_THREADS, f"0..{MAX_THREADS}"),
        ("--long-steps", args.long_steps, args.long_steps >= 0, "a whole number >= 0 (0: none)"),
    ):
        if not ok:
            raise bad_value(flag, value, allowed)
    if args.long_steps > 0:
        try:
            load_preset(args.long)
        except ShaderplayError as exc:
            raise ShaderplayError(f"--long: {exc}") from None
    if not args.no_torch and not torch_available():
        print(
            "torch not installed: numba figures only (the baseline needs pip install torch==2.13.0)"
        )
    peak = measure_peak()
    rows = measure(
        args.seconds, args.repeats, not args.no_torch, args.torch_threads, threads=args.threads
    )
    print(report(rows, peak))
    if args.long_steps > 0:
        block = min(LONG_BLOCK, max(LONG_PARTS, args.long_steps // 4))
        print(report_long(measure_long(args.long, args.long_steps, block)))
    return 0
