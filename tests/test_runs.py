"""Run files: snapshots written during training, read back for playback."""

from pathlib import Path

import numpy as np
import pytest

from shaderplay import Network
from shaderplay.errors import ShaderplayError
from shaderplay.runs import RunFile, RunRecorder


def drifting_run(tmp_path, every=5, steps=20):
    """A stand-in for training: the parameters drift a known amount per step."""
    net = Network.random((2, 6, 6, 1), activation="tanh", seed=3)
    rec = RunRecorder(net, every=every, meta={"preset": "test"})
    expected = {}
    for step in range(steps + 1):
        if rec.due(step):
            loss = 1.0 / (step + 1)
            rec.add(step, net.params, loss)
            expected[step] = (net.params.copy(), loss)
        net.trainable[:] += 0.01 * (step + 1)
    history = np.array([[s, 1.0 / (s + 1), 2.0 / (s + 1)] for s in range(steps + 1)])
    path = rec.save(tmp_path / "run.npz", loss_history=history)
    return net, path, expected, history


def test_run_file_round_trip(tmp_path):
    net, path, expected, history = drifting_run(tmp_path)
    run = RunFile.load(path)
    assert run.spec == net.spec
    assert run.steps.tolist() == [0, 5, 10, 15, 20]
    assert run.snapshots.shape == (5, net.layout.size) and run.snapshots.dtype == np.float32
    for i, step in enumerate(run.steps):
        params, loss = expected[int(step)]
        assert np.array_equal(run.network_at(i).params, params)
        assert run.snapshot_loss[i] == pytest.approx(loss)
    assert np.array_equal(run.losses, history)
    assert run.meta == {"preset": "test", "snapshot_every": 5}
    # The run file is also a network file: the last snapshot's weights.
    assert np.array_equal(Network.load(path).params, expected[20][0])
    # Snapshots are independent copies.
    run.network_at(0).params[:] = 0
    assert np.array_equal(run.network_at(0).params, expected[0][0])


def test_timeline_lookup(tmp_path):
    _, path, _, _ = drifting_run(tmp_path)
    run = RunFile.load(path)
    assert [run.index_at_step(s) for s in (0, 4, 5, 14, 20, 99)] == [0, 0, 1, 2, 4, 4]
    with pytest.raises(ShaderplayError, match="snapshot index"):
        run.network_at(5)


def test_recorder_refuses_bad_input(tmp_path):
    net = Network.random((2, 4, 1), seed=0)
    with pytest.raises(ShaderplayError, match="snapshot_every"):
        RunRecorder(net, every=0)
    rec = RunRecorder(net, every=2)
    with pytest.raises(ShaderplayError, match="no snapshots"):
        rec.save(tmp_path / "empty.npz")
    rec.add(4, net.params)
    with pytest.raises(ShaderplayError, match="a step after 4"):
        rec.add(4, net.params)
    with pytest.raises(ShaderplayError, match="flat array"):
        rec.add(6, net.params[:-4])
    with pytest.raises(ShaderplayError, match="does not exist"):
        rec.save(tmp_path / "nowhere" / "run.npz")
    assert not list(tmp_path.iterdir())


def test_bad_run_files_refused(tmp_path):
    net = Network.random((2, 4, 1), seed=0)
    net.save(tmp_path / "net.npz")
    with pytest.raises(ShaderplayError, match="missing key 'snapshots'"):
        RunFile.load(tmp_path / "net.npz")
    _, path, _, _ = drifting_run(tmp_path)
    data = dict(np.load(path))
    for key, value, message in (
        ("snapshots", data["snapshots"][:, :-4], r"'snapshots' has shape \(5, \d+\)"),
        ("steps", data["steps"][::-1], "strictly increasing"),
        ("snapshot_loss", data["snapshot_loss"][:2], "'snapshot_loss' has shape"),
    ):
        bad = dict(data, **{key: value})
        np.savez(tmp_path / "bad.npz", **bad)
        with pytest.raises(ShaderplayError, match=message):
            RunFile.load(tmp_path / "bad.npz")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_failed_save_is_a_shaderplay_error():
    """Not a FileNotFoundError traceback from tempfile."""
    net = Network.random((2, 3, 1), seed=0)
    recorder = RunRecorder(net, every=1)
    recorder.add(0, net.params.copy(), float("nan"))
    with pytest.raises(ShaderplayError, match=r"run file /proc/r\.npz: cannot write it"):
        recorder.save("/proc/r.npz", loss_history=np.zeros((0, 3)))
