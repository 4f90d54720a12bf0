"""sources.py: one path from "built-in name | .toml | network .npz | run .npz" to the
objects the commands, the recorder and the window's drop need."""

import numpy as np
import pytest
from PIL import Image

from shaderplay.errors import ShaderplayError
from shaderplay.images import IMAGE_SUFFIXES
from shaderplay.network import Network
from shaderplay.presets import load_preset
from shaderplay.runs import RunRecorder
from shaderplay.sources import kind_of, load_source, read_preset, with_preset


@pytest.fixture
def files(tmp_path):
    """A preset file, a network file and a run file of one small network."""
    preset = tmp_path / "tiny.toml"
    preset.write_text("[network]\nhidden = [5]\n[target]\nname = 'xor'\nn_points = 40\n")
    net = Network.random((2, 5, 1), seed=2)
    net.save(tmp_path / "net.npz")
    rec = RunRecorder(net, every=1, meta={"domain": [-2.0, 2.0, -1.0, 1.0]})
    rec.add(0, net.params)
    later = net.params.copy()
    later[: net.param_count] += 1.0  # the buffer's padding is not part of the file
    rec.add(1, later)
    rec.save(tmp_path / "run.npz")
    return preset, tmp_path / "net.npz", tmp_path / "run.npz"


def test_kind_of_tells_the_sources_apart_without_loading(files, tmp_path):
    preset, net, run = files
    assert [kind_of(p) for p in (preset, "spiral", net, run)] == [
        "preset",
        "preset",
        "network",
        "run",
    ]
    assert kind_of("missing.npz") == "network"  # loading it says what is wrong
    assert kind_of("points.CSV") == "csv"
    assert {kind_of(f"picture{s.upper()}") for s in IMAGE_SUFFIXES} == {"image"}


def test_a_preset_source_is_built(files):
    preset, _, _ = files
    source = load_source(preset, seed=7, changes={"train.lr": 0.05})
    assert source.kind == "preset" and source.preset.name == "tiny"
    assert source.net.sizes == (2, 5, 1) and source.dataset.kind == "binary"
    assert source.train.lr == 0.05 and source.train.seed == source.seed == 7
    assert source.view == source.preset.view and source.domain == (-1.0, 1.0, -1.0, 1.0)
    assert source.run is None


def test_network_and_run_files(files):
    _, net_path, run_path = files
    net = load_source(net_path)
    assert net.kind == "network" and net.preset is None and net.view is None
    np.testing.assert_array_equal(net.net.params, Network.load(net_path).params)
    run = load_source(run_path)
    assert run.kind == "run" and len(run.run) == 2 and run.domain == (-2.0, 2.0, -1.0, 1.0)
    np.testing.assert_array_equal(run.net.params, run.run.snapshots[-1])  # the last weights
    with pytest.raises(ShaderplayError, match="seed: got 3; allowed: no seed with a .npz"):
        load_source(net_path, seed=3)
    # The weights fix network.*; nothing here trains or shows data; a view is a view.
    for key, value in (("train.lr", 0.1), ("network.hidden", [3]), ("target.noise", 0.1)):
        with pytest.raises(ShaderplayError, match=rf"^{key}: got .*; allowed: view\.\* settings"):
            load_source(run_path, changes={key: value})
    looked = load_source(run_path, changes={"view.mode": "neuron:0:1", "view.colormap": "magma"})
    assert looked.view.mode == "neuron:0:1" and looked.view.colormap == "magma"
    assert looked.domain == run.domain and looked.preset is None  # the run's own domain


def test_with_preset_dresses_weights_in_a_presets_view_and_data(files):
    preset, net_path, _ = files
    dressed = with_preset(load_source(net_path), preset)
    assert dressed.kind == "network" and dressed.preset.name == "tiny"
    assert dressed.dataset.name == "xor"
    changed = with_preset(load_source(net_path), preset, {"target.n_points": 20, "view.layer": 1})
    assert len(changed.dataset.x_train) + len(changed.dataset.x_test) == 20
    assert changed.view.layer == 1
    with pytest.raises(ShaderplayError, match=r"^network.seed: got 4; allowed: target\.\*, "):
        with_preset(load_source(net_path), preset, {"network.seed": 4})
    np.testing.assert_array_equal(dressed.net.params, Network.load(net_path).params)


def test_read_preset_applies_changes_then_the_seed():
    preset = read_preset("spiral", seed=4, changes={"network.hidden": [3], "network.seed": 9})
    assert preset.network.hidden == (3,) and preset.network.seed == 4
    assert preset.target.seed == preset.train.seed == 4
    assert read_preset("spiral") == load_preset("spiral")


def test_what_is_not_a_source_is_refused_clearly(tmp_path):
    Image.new("L", (4, 4)).save(tmp_path / "p.png")
    with pytest.raises(ShaderplayError, match=r"source: got '.*p\.png'; allowed: a built-in"):
        load_source(tmp_path / "p.png")
    with pytest.raises(ShaderplayError, match=r"preset: got 'nope'; allowed: a built-in preset"):
        load_source("nope")
    with pytest.raises(ShaderplayError, match="network file .*: no such file"):
        load_source(tmp_path / "missing.npz")
