"""Train a preset headless: a progress bar on stderr, then the final train and
test loss (and accuracy for classifiers) and the time per step; then, on stderr,
a warning per health hint (dead units, a stuck output: shaderplay/health.py).

    shaderplay train PRESET --steps N --save NET.npz [--set TABLE.KEY=VALUE ...]
                     [--seed S] [--hidden W,W,...] [--activation A] [--lr LR] ...

PRESET is a built-in name (see `shaderplay presets`) or a .toml path. --set
and its shortcuts change the preset as a line of its file would; --seed sets
the network's, the data's and the minibatch order's seeds at once, --steps
is train.max_steps.
"""

import sys

from .. import checks
from ..errors import ShaderplayError
from ..health import check
from ..sweeps.metrics import DEFAULT_STEPS, speed
from . import overrides


def add_arguments(parser):
    parser.add_argument("preset", help="built-in preset name or .toml path")
    parser.add_argument("--save", metavar="NET.npz", help="write the trained network here (.npz)")
    overrides.add_arguments(parser, "train")


def _plan(args):
    """Preset, settings and checks, all before any training starts."""
    from ..build import build
    from ..sources import read_preset

    settings = overrides.read(args)
    with settings.named():
        preset = read_preset(args.preset, changes=settings.changes)
        net, data, train = build(preset)
    if data.kind == "none":
        raise ShaderplayError(
            f"preset {preset.name!r}: target 'none' has no data to train on; allowed: "
            "a preset with a target (open it in the window to explore random networks)."
        )
    steps = train.max_steps or DEFAULT_STEPS
    if args.save is not None:
        checks.output_file("--save", args.save, ".npz")
    return preset, net, data, train, steps


def run(args) -> int:
    preset, net, data, train, steps = _plan(args)  # every check before numba loads

    from tqdm import tqdm

    from ..train import Trainer

    trainer = Trainer(net, data, config=train)
    bar = tqdm(
        total=steps, file=sys.stderr, unit="step", desc=preset.name, mininterval=0.25, leave=False
    )
    chunk_us = []  # µs/step of each chunk

    def progress(t):
        bar.update(min(t.step, steps) - bar.n)
        bar.set_postfix(loss=f"{t.last_loss[0]:.4g}", refresh=False)
        chunk_us.append(t.us_per_step)

    result = trainer.run(steps, callback=progress)
    bar.close()
    (train_loss, acc_train), (test_loss, acc_test) = trainer.scores("train"), trainer.scores()
    print(f"{preset.name}: {result.steps} steps, {speed(chunk_us)} ({train.batch_size} per batch)")
    test = f"{test_loss:.6g}" if len(data.x_test) else "n/a (no test split)"
    print(f"  {train.loss} loss: train {train_loss:.6g}, test {test}")
    if acc_train == acc_train:  # a classifier (nan for regression)
        test_acc = f"{acc_test:.1%}" if len(data.x_test) else "n/a"
        print(f"  accuracy: train {acc_train:.1%}, test {test_acc}")
    if result.stopped not in ("steps", "max_steps"):  # max_steps: the steps asked for
        print(f"  stopped early ({result.stopped}): {_why_stopped(trainer)}")
    for hint in check(net, data.x_train):  # health.py: dead units, stuck outputs
        print(f"shaderplay train: warning: {hint}", file=sys.stderr)
    if args.save:
        net.meta.update(
            steps=trainer.step, train_loss=train_loss, test_loss=test_loss, seed=train.seed
        )
        with checks.writing("--save"):
            net.save(args.save)
        print(f"  saved {args.save}")
    return 0


def _why_stopped(trainer) -> str:
    """The trainer's reason, with advice for this command (not the API's rollback())."""
    d = trainer.diverged
    if d is None:
        return trainer.why_stopped() or f"step {trainer.step}"
    return (
        f"training diverged at step {d.step} ({d.reason}, lr {d.lr:g}); the last finite "
        "weights are kept: lower the learning rate (--lr) and train again"
    )
