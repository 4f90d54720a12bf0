"""The trainer thread: start/pause/advance/stop without deadlock, deterministic fixed steps.

Every wait is bounded (a deadlock fails the test instead of hanging it) and
no assertion depends on how long anything took.
"""

import threading

import numpy as np

from shaderplay.network import Network
from shaderplay.train import Trainer

LIMIT = 60.0  # seconds; generous, only there to turn a hang into a failure


def _trainer(**settings):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (256, 2))
    y = (x[:, :1] * x[:, 1:] > 0).astype(np.float32)
    net = Network.random((2, 8, 8, 1), activation="tanh", output="sigmoid", seed=0)
    return Trainer(
        net, (x, y), loss="bce", lr=0.01, batch_size=32, **{"chunk_steps": 16, **settings}
    )


def test_free_running_pause_resume_stop(wait_for):
    trainer = _trainer()
    trainer.start()
    try:
        assert trainer.running and not trainer.paused
        wait_for(lambda: trainer.latest().step >= 64)
        trainer.pause()
        assert trainer.settle(timeout=LIMIT)  # the chunk in flight has landed; none starts
        frozen = trainer.step
        trainer.advance(10, wait=True)  # queued steps run even while paused...
        assert trainer.step == frozen + 10  # ...and nothing else did
        assert trainer.latest().step == trainer.step
        trainer.resume()
        wait_for(lambda: trainer.step > frozen + 10 + 32)
    finally:
        trainer.stop(timeout=LIMIT)
    assert not trainer.running and trainer.error is None
    assert len(trainer.loss_history) > 0


def test_fixed_steps_on_the_thread_are_bit_identical_to_synchronous():
    reference = _trainer()
    reference.run(200)
    trainer = _trainer(steps_per_frame=25)  # fixed pacing: the thread only runs queued steps
    trainer.start()
    try:
        for _ in range(8):
            trainer.advance(25)
            assert trainer.wait(timeout=LIMIT)
        assert trainer.step == 200
    finally:
        trainer.stop(timeout=LIMIT)
    assert np.array_equal(trainer.net.params, reference.net.params)
    assert np.array_equal(trainer.latest().params, reference.net.params)


def test_advance_without_a_thread_runs_here():
    trainer = _trainer()
    trainer.advance(40)
    assert trainer.step == 40 and not trainer.running


def test_latest_never_waits_for_a_chunk():
    trainer = _trainer()
    trainer.run(16)
    got = []
    with trainer._work:  # as if a long chunk were running
        reader = threading.Thread(target=lambda: got.append(trainer.latest()))
        reader.start()
        reader.join(LIMIT)
        assert not reader.is_alive()
    assert got[0].step == 16


def test_divergence_on_the_thread_pauses_and_drops_queued_steps(wait_for):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (64, 2))
    net = Network.random((2, 4, 1), output="linear", seed=0)
    trainer = Trainer(net, (x, 1e4 + x[:, :1]), optimizer="sgd", lr=1e38, batch_size=32)
    trainer.start()
    try:
        wait_for(lambda: trainer.latest().diverged is not None)
        wait_for(lambda: trainer.paused)
        trainer.advance(10)
        assert trainer.wait(timeout=LIMIT)  # dropped, not stuck
        assert trainer.step == 0 and np.isfinite(net.params).all()
        trainer.set_config(lr=1e-6)
        trainer.rollback()
        trainer.advance(10, wait=True)
        assert trainer.step == 10 and trainer.diverged is None
    finally:
        trainer.stop(timeout=LIMIT)
    assert not trainer.running


def test_stop_is_idempotent_and_start_again_works():
    trainer = _trainer(steps_per_frame=5)
    trainer.stop()  # never started: nothing to do
    trainer.start()
    trainer.start()  # already running: nothing new
    trainer.advance(5, wait=True)
    trainer.stop(timeout=LIMIT)
    trainer.start()
    trainer.advance(5, wait=True)
    trainer.stop(timeout=LIMIT)
    assert trainer.step == 10 and not trainer.running
