"""Compare: run B of an A/B comparison, a copy of the window's run (A) with one
or more settings changed, trained on the same Dataset object beside it (no GL,
no GUI).

B's preset is A's with the changes applied by `preset_schema.set_fields` in one
go (compare_settings.py reads them), so a bad value gets the field's own
message and the rules between fields see all of them. Its network is built for A's dataset
(never a new one), its trainer runs on a thread of its own, and its pacing
follows A's: play, pause and speed apply to both. Each run's train time is
the time its trainer spent on the steps it made since the comparison began
(steps x microseconds per step of their chunk), so a slower B shows as one.
"""

from dataclasses import replace

from ..build import check_training, network_for
from ..preset_schema import set_fields
from ..train import Trainer
from .compare_settings import changes_of, label, parts
from .pacing import Pacing
from .progress import Progress

STOP_WAIT_S = 1.0  # as the session's: closing never waits on a first compile


class Clock:
    """A run's training time: steps x their chunk's microseconds per step."""

    def __init__(self, step: int):
        self.step, self.seconds = step, 0.0

    def observe(self, snap) -> None:
        if snap is None or snap.step <= self.step:
            return
        if snap.us_per_step == snap.us_per_step:  # NaN before the first chunk
            self.seconds += (snap.step - self.step) * snap.us_per_step * 1e-6
        self.step = snap.step


class Compare:
    """Run B: `preset` with `changes` ({setting: value} or ["setting=value", ...], as
    `compare_settings.changes_of` reads them), trained on `dataset` beside A.

    `parts`: each run's "name=value" of every changed setting (A's, B's); `labels`:
    "A: ..." and "B: ..." naming the first few of them (`compare_settings.label`)."""

    def __init__(self, preset, dataset, changes, a_step: int = 0):
        self.changes = changes_of(changes)
        self.preset = set_fields(preset, self.changes)  # each field's rules and message
        check_training(self.preset, dataset)
        self.net = network_for(self.preset.network, dataset)
        self.dataset = dataset
        self.trainer = Trainer(
            self.net, dataset, config=replace(self.preset.train, steps_per_frame=0)
        )
        self.pacing = Pacing()
        self.progress = Progress()
        self.clock, self.a_clock = Clock(0), Clock(a_step)
        self.parts = (parts(preset, self.changes), parts(self.preset, self.changes))
        self.labels = (label("A", self.parts[0]), label("B", self.parts[1]))
        self.snapshot = self.trainer.latest()
        self._a_playing = None  # A's playing as last followed
        self.started = False

    def tick(self, a_pacing, a_snap):
        """Per frame, after A's tick: B follows A's pacing (its play and pause as they
        change, its speed and fixed steps always); B's newest snapshot."""
        pacing = self.pacing
        pacing.speed, pacing.fixed = a_pacing.speed, a_pacing.fixed
        if not self.started:
            pacing.attach(self.trainer, a_pacing.playing)
            pacing.apply()
            self.trainer.start()
            self.started = True
            self._a_playing = a_pacing.playing
        elif a_pacing.playing != self._a_playing:
            self._a_playing = a_pacing.playing
            pacing.set_playing(a_pacing.playing)
        else:
            pacing.apply()
        pacing.before_frame()
        snap = self.trainer.latest() or self.snapshot
        self.snapshot = snap
        pacing.after_frame(snap)
        self.progress.record(snap)
        self.clock.observe(snap)
        self.a_clock.observe(a_snap)
        return snap

    def rows(self, a_snap, a_rate: float):
        """Each run as the A/B rows show it: (name, snapshot, steps/s, training seconds)."""
        return (
            ("A", a_snap, a_rate, self.a_clock.seconds),
            ("B", self.snapshot, self.progress.steps_per_second, self.clock.seconds),
        )

    def advance(self, n: int) -> None:
        """`n` single steps, as A's step button gives A (once B's trainer runs)."""
        if self.started:
            self.trainer.advance(n)

    @property
    def step(self) -> int:
        return int(self.snapshot.step) if self.snapshot is not None else 0

    def params(self):
        return self.snapshot.params if self.snapshot is not None else self.net.params

    def close(self) -> None:
        self.trainer.stop(STOP_WAIT_S)
