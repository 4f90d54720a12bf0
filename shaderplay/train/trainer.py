"""Trainer: trains a Network in place on a target with the numba kernels.

    net = Network.random((2, 16, 16, 1), output="sigmoid")
    trainer = Trainer(net, (X, Y), loss="bce", optimizer="adam", lr=1e-2, batch_size=64)
    result = trainer.run(2000)          # synchronous, in the caller's thread
    trainer.loss_history                # (K, 3): step, train loss, test loss

Steps run in chunks of `chunk_steps` per kernel call. After each chunk the
trainer appends a loss_history row (train loss = mean minibatch loss of the
chunk including the l1/l2 penalty; test loss = data loss on the test split,
BatchNorm in evaluation mode, NaN where not evaluated), publishes a Snapshot
(with the accuracies of classifiers, read off the same passes: the chunk's
minibatches and the test split's evaluation) and checks the stop conditions:
max_steps (a total step count), target_loss (on the chunk's train loss),
divergence, and a learning rate that is zero for good (schedule.zero_from;
unless stop_at_zero_lr is off). Running in a background thread: background.py.

The test loss (and accuracy) is evaluated on a schedule, so that it costs at
most TEST_SHARE of a run's time: after the first chunk, once enough examples
were trained since the last evaluation, after a chunk that ends a run(n) or
advance(n), and when training stops by itself. "Enough" counts in the work of
a training example (forward and backward): a test point took TEST_COST of it
(measured on the presets, loss included). Once per chunk the test loss took
~9% of a run. A snapshot carries the newest test figures.

Input features (Fourier, latent) are computed once from the network when the
trainer is made and on reset(); after changing net.latent or net.fourier_b
by hand, call refresh_features(). While the thread trains, read weights
from latest() (a copy), not from net.params (being written).
"""

import threading
import time

import numpy as np

from ..errors import ShaderplayError
from ..kernels.child_compile import ChildCompile
from ..kernels.layers import layer_table
from ..network import Network
from ..optimizers import MAX_SLOTS
from . import kernel as K
from . import passes as P
from .background import ThreadControl
from .compile_plan import STAGES
from .data import check_target, feature_rows, resolve_target
from .hyper import hyper_vectors
from .program import Workspace, rows
from .results import ACCURACY_KIND, REASONS, Divergence, Rows, Snapshot, TrainResult, accuracy
from .rng import seed_state
from .schedule import lr_at, zero_from
from .settings import make_config, step_count
from .threads import Pace, groups, team_size, train_steps

EVAL_CAPACITY = 1024  # samples per forward call when evaluating a split
NOTHING = (float("nan"),) * 5  # train loss, test loss, lr, train and test accuracy
TEST_SHARE = 0.02  # the most of a run's time its test-loss evaluations take
TEST_COST = 2.5  # a test point's evaluation in training examples (measured: 1.2-2.5)


class Trainer(ThreadControl):
    def __init__(self, net: Network, target, *, config=None, init: dict | None = None, **settings):
        """`settings` are TrainConfig fields (applied over `config` if given). `init` holds
        Network.initialize() arguments for reset(seed=...); without it the defaults are used."""
        self.net = net
        self.config = make_config(config, settings)
        self.dataset, self._features_given = resolve_target(target, net)
        check_target(self.dataset, net, self.config)
        self._init = dict(init or {})
        self._initial_params = net.params.copy()
        self._work = threading.RLock()  # held while anything the kernels touch changes
        self._layers = layer_table(net.layout)
        n_train = len(self.dataset.x_train)
        self._perm = np.arange(n_train, dtype=np.int64)
        self._ctr = np.array(
            [0, n_train, 0, 0], np.int64
        )  # step, epoch position, t, epochs started
        self._rng = seed_state(self.config.seed)
        self._y = rows(self.dataset.y_train)
        self._y_test = rows(self.dataset.y_test)
        self.refresh_features()
        n = net.layout.n_trainable
        self._grad = np.zeros(n, np.float32)
        self._state = np.zeros(MAX_SLOTS * n, np.float32)  # optimiser moments
        self._trace = np.zeros((0, 3), np.float64)
        self._eval_ws = Workspace.of(
            net.layout, min(EVAL_CAPACITY, max(n_train, len(self.dataset.x_test)))
        )
        self._configure()
        self._history = Rows(3, capacity=256)  # step, train loss, test loss
        self.diverged: Divergence | None = None
        # Weights known to give a finite loss and gradient (the start of the newest chunk
        # that ran a step), for rollback() after a divergence that left unusable weights.
        self._healthy: np.ndarray | None = None
        self._usable = True  # whether the weights in place give a finite loss and gradient
        self.us_per_step = float("nan")
        self._last = NOTHING  # train loss, test loss, lr, train accuracy, test accuracy
        self.seconds = self.test_seconds = 0.0  # time in chunks; of it, in test evaluations
        self._since_test = -1  # examples trained since the last test evaluation; -1: none yet
        self._init_thread()
        self._publish()

    # --- state ------------------------------------------------------------------
    @property
    def step(self) -> int:
        return int(self._ctr[0])

    @property
    def epochs(self) -> float:
        """Passes over the training set so far: 1.4 = one full pass and 40% of the next."""
        started, position = int(self._ctr[3]), int(self._ctr[1])
        return 0.0 if started == 0 else started - 1 + position / self._x.shape[1]

    @property
    def last_loss(self) -> tuple[float, float]:
        """(train, test) loss after the newest chunk, NaN before the first: constant time,
        for progress bars and captions (loss_history builds the whole array)."""
        return self._last[0], self._last[1]

    @property
    def loss_history(self) -> np.ndarray:
        """(K, 3) float64 rows: step, train loss, test loss (nan without a test split)."""
        return self._history.array()

    def refresh_features(self):
        """Recompute the input features from the network (its Fourier matrix and latents)."""
        with self._work:
            self._x = feature_rows(self.net, self.dataset.x_train, self._features_given)
            self._x_test = feature_rows(self.net, self.dataset.x_test, self._features_given)

    def _configure(self):
        """Rebuild what depends on the config: hyperparameters and the minibatch workspace."""
        cfg = self.config
        batch = min(cfg.batch_size, self._x.shape[1])
        classes = ACCURACY_KIND.get(self.dataset.kind, 0)
        self._hyper, self._ihyper = hyper_vectors(cfg, batch, self.net.layout.n_trainable, classes)
        parted = groups(self.net.layout, batch)
        ws = getattr(self, "_ws", None)
        if ws is None or ws.capacity != batch or ws.misc[P.GROUPS] != parted:
            self._ws = Workspace.of(self.net.layout, batch, steps=True, groups=parted)
        if getattr(self, "_pace", None) is None:
            self._pace = Pace(1)  # remade for the team at the first chunk

    def set_config(self, **changes):
        """Change settings live; optimiser state survives unless the optimizer itself changes."""
        with self._work:
            old = self.config
            new = make_config(old, changes)
            check_target(self.dataset, self.net, new)
            self.config = new
            if new.optimizer != old.optimizer:
                self._state[:] = 0.0
                self._ctr[2] = 0
            if new.seed != old.seed:
                self._rng = seed_state(new.seed)
            self._configure()
        self._wake()

    def reset(self, seed: int | None = None):
        """Back to step 0: the weights the trainer started from, or with `seed`, freshly drawn
        ones (init rules from `init`) and that seed for the minibatch order too."""
        with self._work:
            if seed is None:
                self.net.params[:] = self._initial_params
            else:
                self.net.initialize(**{**self._init, "seed": seed})  # checks the seed
                self.config = make_config(self.config, {"seed": seed})
                self._configure()
            self.refresh_features()
            self._state[:] = 0.0
            self._ctr[:] = (0, self._x.shape[1], 0, 0)
            self._perm[:] = np.arange(len(self._perm))
            self._rng = seed_state(self.config.seed)
            self._history.clear()
            self.diverged = None
            self.stopped = None
            self._healthy, self._usable = None, True
            self._last = NOTHING
            self._since_test = -1
            self._publish()
        self._wake()

    def continue_from(self, step: int):
        """Count on from `step`, as a run resumed from a snapshot taken there: the
        learning-rate schedule and max_steps carry on from it. The optimiser's moments are
        not in a snapshot, so they start afresh (Adam's bias correction with them)."""
        step = step_count("continue from step", step)
        with self._work:
            self._ctr[0] = step
            self._publish()

    def rollback(self):
        """Clear a divergence so training can resume (e.g. after set_config(lr=...)).

        The guard never lands a non-finite update, so the weights in place are finite. When
        they still give a finite loss and gradient (the update overflowed), they stay, and
        the step that failed is retried on the same minibatch. When they do not, no learning
        rate could go on from them: the weights go back to the newest ones known to give a
        finite loss and gradient (the start of the last chunk that ran a step), with fresh
        optimiser moments; the step count and data order carry on."""
        with self._work:
            if not self._usable and self._healthy is not None:
                self.net.params[:] = self._healthy
                self._state[:] = 0.0
                self._ctr[2] = 0
                self._usable = True
            self.diverged = None
            self.stopped = None
            self._publish()
        self._wake()

    # --- training ----------------------------------------------------------------
    def run(self, steps: int, callback=None) -> TrainResult:
        """Train `steps` more steps in this thread; callback(trainer) after each chunk."""
        steps = step_count("Trainer.run steps", steps)
        if self.running:
            raise ShaderplayError(
                "Trainer.run: the trainer thread is running; use advance(n) or stop() it first."
            )
        done, stopped = 0, "steps"
        self.stopped = None
        while done < steps:
            ran, stopped = self._chunk(steps - done, finish=True)
            done += ran
            if callback is not None:
                callback(self)
            if stopped != "steps":
                self.stopped = stopped
                break
        return TrainResult(done, self._last[0], self._last[1], stopped)

    def _chunk(self, wanted: int, finish: bool = False) -> tuple[int, str]:
        """One kernel call of at most chunk_steps steps; returns (steps run, stop reason).
        `finish`: the caller wants `wanted` steps and no more, so a chunk that runs them
        all ends with a test evaluation."""
        _child.ensure()  # on a cold cache, compiled in a child first (kernels/child_compile.py)
        with self._work:
            cfg = self.config
            if self.diverged is not None:
                return 0, "diverged"
            n = min(int(wanted), cfg.chunk_steps)
            if cfg.max_steps:
                n = min(n, cfg.max_steps - self.step)
                if n <= 0:
                    return 0, "max_steps"
            dead = zero_from(cfg) if cfg.stop_at_zero_lr else None
            if dead is not None:
                n = min(n, dead - self.step)
                if n <= 0:
                    return 0, "lr_zero"
            if len(self._trace) < n:
                self._trace = np.zeros((n, 3), np.float64)  # per step: loss, lr, accuracy
            first = self.step
            start_params = self.net.params.copy()
            start = time.perf_counter()
            background = threading.current_thread() is self._thread
            team = team_size(cfg.threads, int(self._ws.misc[P.GROUPS]), background)
            if self._pace.team != team:
                self._pace = Pace(team)
            parts = self._pace.parts()
            args = (self.net.params, self._grad, self._state, self._layers, self._ws.wsl)
            args += (self._ws.misc, self._ws.ws, self._x, self._y, self._perm, self._rng)
            args += (self._ctr, self._hyper, self._ihyper)
            status = train_steps(args, n, self._trace, parts)
            elapsed = time.perf_counter() - start
            self.seconds += elapsed
            ran = self.step - first
            self._pace.record(parts, elapsed, ran)
            train_loss, train_acc = (
                (float(self._trace[:ran, 0].mean()), float(self._trace[:ran, 2].mean()))
                if ran
                else (float("nan"), float("nan"))
            )
            stopped = "steps"
            if status != K.OK:
                self._usable = status == K.BAD_WEIGHT
                lr = float(lr_at(cfg, [self.step])[0])
                self.diverged = Divergence(self.step, REASONS[status], lr)
                stopped = "diverged"
            elif cfg.target_loss > 0.0 and ran and train_loss <= cfg.target_loss:
                stopped = "target_loss"
            elif cfg.max_steps and self.step >= cfg.max_steps:
                stopped = "max_steps"
            elif dead is not None and self.step >= dead:
                stopped = "lr_zero"
            if ran:  # the chunk's start gave a finite loss and gradient
                self._healthy = start_params
                self.us_per_step = elapsed / ran * 1e6
                test_loss, test_acc = float("nan"), self._last[4]  # the newest test accuracy
                if self._test_due(ran, stopped != "steps" or (finish and ran == wanted)):
                    test_loss, test_acc = self._timed_test()
                newest_test = test_loss if test_loss == test_loss else self._last[1]
                lr = float(self._trace[ran - 1, 1])
                self._last = (train_loss, newest_test, lr, train_acc, test_acc)
                self._history.append(float(self.step), train_loss, test_loss)
            self._publish()
            return ran, stopped

    def _test_due(self, ran: int, ending: bool) -> bool:
        """Whether the test loss is evaluated after a chunk of `ran` steps (module docstring)."""
        first = self._since_test < 0
        self._since_test = max(self._since_test, 0) + ran * int(self._ihyper[K.BATCH])
        cheap = self._x_test.shape[1] * TEST_COST <= TEST_SHARE * self._since_test
        return first or ending or cheap

    def _timed_test(self) -> tuple[float, float]:
        start = time.perf_counter()
        scores = self.scores("test")
        self.test_seconds += time.perf_counter() - start
        self._since_test = 0
        return scores

    def why_stopped(self) -> str:
        """`stopped` in words, for messages and captions ('' while training can go on)."""
        if self.stopped == "diverged":
            d = self.diverged
            return f"diverged at step {d.step} ({d.reason}, lr {d.lr:g})"
        if self.stopped == "max_steps":
            return f"reached max_steps = {self.config.max_steps}"
        if self.stopped == "target_loss":
            return f"reached target_loss = {self.config.target_loss:g} at step {self.step}"
        if self.stopped == "lr_zero":
            return (
                f"the learning rate is zero from step {zero_from(self.config)} on "
                f"({self.config.schedule} schedule): no step would change a weight; "
                "set stop_at_zero_lr = false to go on"
            )
        return ""

    def evaluate(self, split: str = "test") -> float:
        """Mean data loss (no penalty) on the "train" or "test" split, BatchNorm in eval mode."""
        return self.scores(split, with_accuracy=False)[0]

    def scores(self, split: str = "test", with_accuracy: bool = True) -> tuple[float, float]:
        """(mean data loss, fraction classified right) on the "train" or "test" split from
        one pass, BatchNorm in eval mode; the accuracy is nan for regression, both are nan
        for an empty split."""
        x, y = (self._x, self._y) if split == "train" else (self._x_test, self._y_test)
        if x.shape[1] == 0:
            return float("nan"), float("nan")
        with_accuracy = with_accuracy and self.dataset.kind in ACCURACY_KIND
        out = np.zeros((x.shape[1] if with_accuracy else 0, y.shape[0]), np.float32)
        with self._work:
            w = self._eval_ws
            args = (w.wsl, w.misc, w.ws, x, y, self._ihyper[K.LOSS], out)
            loss = float(K.evaluate(self.net.params, self._layers, *args))
        return loss, accuracy(out, y.T, self.dataset.kind) if with_accuracy else float("nan")

    def _publish(self):
        train_loss, test_loss, lr, train_acc, test_acc = self._last
        snap = Snapshot(
            self.step,
            self.net.params.copy(),
            train_loss,
            test_loss,
            lr,
            self.us_per_step,
            self.diverged,
            train_acc,
            test_acc,
        )
        with self._slot_lock:
            self._latest = snap

    def latest(self) -> Snapshot | None:
        """The newest published snapshot; never waits for a running chunk."""
        with self._slot_lock:
            return self._latest

    def __repr__(self) -> str:
        return (
            f"Trainer(step={self.step}, loss={self.config.loss!r}, "
            f"optimizer={self.config.optimizer!r}, lr={self.config.lr:g}, "
            f"batch_size={self.config.batch_size}, diverged={self.diverged})"
        )


_child = ChildCompile((K.train_steps, K.evaluate), *STAGES)
