"""The Session's timeline and hand edits (a mixin of Session, no GL, no GUI):
scrub through the kept snapshots, go back to live, resume training from a
snapshot, load and save run files, and set latent inputs by hand.

Resuming builds a fresh trainer on the snapshot's weights that counts on from
the snapshot's step (`step_base`): the learning-rate schedule carries on, and
the timeline and plots keep what came before it. The snapshots hold weights
only, so the optimiser's moments start afresh there.
"""

import numpy as np

from ..errors import bad_value
from ..network import Network
from ..record.runfile import RunFile
from .timeline import Timeline


class RunControl:
    # --- scrubbing -------------------------------------------------------------------
    def scrub(self, index: int) -> None:
        """Show snapshot `index` of the timeline; training pauses."""
        if not len(self.timeline):
            raise bad_value("timeline position", index, "a position once snapshots are kept")
        if self.trainer is not None and self.playing:
            self.playing = False
            self._apply_pacing()
        self.timeline.scrub(index)
        self.revision += 1

    def go_live(self) -> None:
        """Show the newest weights again (training stays as it is)."""
        if self.timeline.scrubbing:
            self.timeline.go_live()
            self.revision += 1

    def resume_from(self, index: int | None = None, playing: bool = True) -> None:
        """Train on from snapshot `index` (default the scrubbed one); the snapshots
        after it are dropped, as is the live run beyond it."""
        self._require_trainer("resume")
        timeline = self.timeline
        k = timeline.index if index is None else int(index)
        if k is None or not 0 <= k < len(timeline):
            raise bad_value("resume from snapshot", k, f"0..{len(timeline) - 1}")
        snap = timeline.snapshot(k)
        net = Network(self.net.spec, np.array(snap.params, np.float32), self.net.meta)
        trainer = self._trainer_for(net, self.dataset, self.config)
        timeline.truncate(k)
        self.progress.truncate_after(snap.step)
        self._install(
            net, self.dataset, self.config, trainer, playing, base=snap.step, timeline=timeline
        )

    def set_snapshot_every(self, every: int) -> None:
        if isinstance(every, bool) or int(every) != every or every < 1:
            raise bad_value("snapshot every", every, "an integer >= 1 (training steps)")
        self.snapshot_every = int(every)
        self.timeline.set_every(int(every))

    # --- run files -----------------------------------------------------------------------
    def load_run(self, path) -> None:
        """A run file's snapshots into the timeline; its last weights become live (paused),
        ready to scrub or to train on."""
        run = RunFile.load(path)
        net = run.network_at(len(run) - 1)
        self._check_outputs(net, path)
        timeline = Timeline.from_run(run)
        self.progress.clear()
        losses = np.asarray(run.losses, np.float64)
        if losses.ndim == 2 and losses.shape[1] >= 2 and len(losses):
            rows = np.full((len(losses), 3), np.nan)
            rows[:, : min(3, losses.shape[1])] = losses[:, :3]
            self.progress.loss.extend(rows)
        trainer = self._trainer_for(net, self.dataset, self.config)
        self._install(
            net,
            self.dataset,
            self.config,
            trainer,
            False,
            base=int(run.steps[-1]),
            timeline=timeline,
        )

    def save_run(self, path, meta: dict | None = None):
        """The timeline's snapshots (and the loss curve) as a run file."""
        info = {"dataset": self.dataset.name, "snapshot_every": self.timeline.every, **(meta or {})}
        return self.timeline.save(path, self.net, self.progress.loss.rows.copy(), info)

    # --- hand edits ------------------------------------------------------------------------
    def set_latent(self, index: int, value: float) -> None:
        """Latent input `index` set to `value`: a write into the parameter buffer, no
        rebuild; a trainer recomputes its input rows from it."""
        n = self.net.spec.n_latent
        if not 0 <= int(index) < n:
            raise bad_value(
                "latent input",
                index,
                f"0..{n - 1}" if n else "none: this network has no latent inputs (add one first)",
            )
        if not np.isfinite(value):
            raise bad_value("latent value", value, "a finite number")
        at = self.net.layout.latent + int(index)
        self.net.params[at] = value  # non-trainable: the training kernel never writes it
        if self.trainer is None:
            self._still = None
        else:
            self.trainer.refresh_features()
            self._latent_edits[at] = np.float32(value)
        self.go_live()
        self.revision += 1
