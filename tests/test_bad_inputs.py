"""Bad inputs from every boundary (files, the command line, the API): each is either read
correctly or refused with one ShaderplayError paragraph that names the field; none gives
a silently wrong result, a traceback of another kind or a message nobody can read."""

import json
import struct
import sys
import types
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from shaderplay.cli import main
from shaderplay.errors import ShaderplayError
from shaderplay.images import read_pixels
from shaderplay.network import Network
from shaderplay.presets import load_preset
from shaderplay.record.animations import WeightScale
from shaderplay.runs import RunFile, RunRecorder
from shaderplay.spec import NetworkSpec
from shaderplay.targets import load_target
from shaderplay.train import Trainer
from shaderplay.view import View


def _one_paragraph(err, *words):
    msg = str(err.value)
    assert "\n" not in msg and len(msg) < 600, msg
    for word in words:
        assert word in msg, msg
    return msg


def _rewrite(path, **changes):
    data = dict(np.load(path))
    data.update(changes)
    with open(path, "wb") as fh:
        np.savez(fh, **data)
    return path


@pytest.fixture
def net_file(tmp_path):
    path = tmp_path / "net.npz"
    Network.random((2, 4, 1), seed=0).save(path)
    return path


def _preset(tmp_path, text):
    path = tmp_path / "p.toml"
    path.write_text(text)
    return path


# --- files: networks and runs --------------------------------------------------------------


@pytest.mark.parametrize(
    "change, words",
    [
        ({"W0": np.ones((4, 2), np.complex64) * 1j}, ["'W0'", "complex64"]),
        ({"W0": np.full((4, 2), 1e300)}, ["'W0'", "float32's range"]),
        ({"sizes": np.array([[2, 4, 1]])}, ["'sizes'", "positive integers"]),
        ({"sizes": np.array(["2", "4", "1"])}, ["'sizes'", "<U1"]),
        ({"sizes": np.array([2.0, np.nan, 1.0])}, ["'sizes'", "float64"]),
        ({"features": np.array(["x", "fsin200000000000"])}, ["features", "fsin2000000"]),
        ({"features": np.array(["x", "fsin99999999"])}, ["features", "k < 256"]),
        ({"meta": np.array("[1, 2]")}, ["'meta'", "JSON object"]),
        ({"meta": np.array("{nope")}, ["'meta'", "not valid JSON"]),
        ({"activations": np.array([1, 2])}, ["'activations'", "names"]),
    ],
)
def test_malformed_network_files_are_refused_by_key(net_file, change, words):
    _rewrite(net_file, **change)
    with pytest.raises(ShaderplayError) as err:
        Network.load(net_file)
    _one_paragraph(err, str(net_file), *words)


@pytest.fixture
def run_file(tmp_path):
    net = Network.random((2, 4, 1), seed=0)
    rec = RunRecorder(net, meta={"domain": [-2, 2, -1, 1]})
    rec.add(0, net.params)
    rec.add(5, net.params)
    return rec.save(tmp_path / "run.npz")


@pytest.mark.parametrize(
    "change, words",
    [
        ({"run_meta": np.array("{not json")}, ["'run_meta'", "not valid JSON"]),
        ({"run_meta": np.array("[1]")}, ["'run_meta'", "JSON object"]),
        ({"run_meta": np.array('{"domain": [1, 0, 0, 1]}')}, ["'domain'", "xmin < xmax"]),
        ({"run_meta": np.array('{"snapshot_every": "x"}')}, ["'snapshot_every'", "integer"]),
        ({"steps": np.array([0.0, 5.0])}, ["'steps'", "integers"]),
        ({"snapshots": np.full((2, 20), "a")}, ["'snapshots'", "real numbers"]),
        ({"loss_history": np.array([["a", "b", "c"]])}, ["'loss_history'", "numbers"]),
    ],
)
def test_malformed_run_files_are_refused_by_key(run_file, change, words):
    _rewrite(run_file, **change)
    with pytest.raises(ShaderplayError) as err:
        RunFile.load(run_file)
    _one_paragraph(err, str(run_file), *words)


def test_a_run_files_meta_is_read_as_its_rules_say(run_file):
    assert RunFile.load(run_file).meta["domain"] == (-2.0, 2.0, -1.0, 1.0)


def test_non_finite_weights_are_never_saved(tmp_path):
    net = Network.random((2, 4, 1), seed=0)
    net.params[3] = np.inf
    with pytest.raises(ShaderplayError) as err:
        net.save(tmp_path / "bad.npz")
    _one_paragraph(err, "not saved", "NaN or infinite")
    assert not (tmp_path / "bad.npz").exists()
    with pytest.raises(ShaderplayError, match="finite"):
        RunRecorder(net).add(0, net.params)


# --- files: images ---------------------------------------------------------------------------


def test_a_16_bit_grey_png_is_read_at_its_brightness(tmp_path):
    path = tmp_path / "grey16.png"
    Image.fromarray(np.full((4, 4), 32768, np.uint16)).save(path)
    assert Image.open(path).mode.startswith("I;16")
    pixels, binary = read_pixels(path, color=False, image_size=4)
    assert not binary and np.allclose(pixels, 128 / 255)
    rgb, _ = read_pixels(path, color=True, image_size=4)
    assert rgb.shape == (4, 4, 3) and np.allclose(rgb, 128 / 255)


def test_an_exif_rotated_photo_is_fitted_upright(tmp_path):
    stored = np.zeros((2, 4), np.uint8)  # stored 4 wide, 2 high, right half white
    stored[:, 2:] = 255
    img = Image.fromarray(stored)
    exif = img.getexif()
    exif[0x0112] = 6  # "rotate 90° clockwise to show"
    path = tmp_path / "photo.png"
    img.save(path, exif=exif.tobytes())
    pixels, _ = read_pixels(path, color=False, image_size=4)
    assert pixels.shape == (4, 2, 1)  # shown 2 wide, 4 high
    assert pixels[0, :, 0].tolist() == [0.0, 0.0] and pixels[-1, :, 0].tolist() == [1.0, 1.0]


def _png(path, width, height):
    """A PNG whose header claims width x height (the pixel data does not matter)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


@pytest.mark.parametrize("width, words", [(20000, "too large"), (10000, "10000×10000")])
def test_decompression_bombs_are_refused_before_decoding(tmp_path, width, words):
    path = _png(tmp_path / "bomb.png", width, width)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not even Pillow's bomb warning gets out
        with pytest.raises(ShaderplayError) as err:
            load_target(path)
    _one_paragraph(err, "target.path", words, "at most")


def test_a_png_with_oversized_metadata_is_refused(tmp_path):
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "x" * 3_000_000, zip=True)
    path = tmp_path / "meta.png"
    Image.new("L", (4, 4)).save(path, pnginfo=info)
    with pytest.raises(ShaderplayError) as err:
        load_target(path)
    _one_paragraph(err, "target.path", "not an image Pillow can read", "; allowed: a .png")


# --- files: CSV ------------------------------------------------------------------------------


def test_a_typo_in_the_first_point_is_reported_not_taken_for_a_header(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("0.5,0.3x,1\n0,0,0\n1,1,1\n0,1,0\n")
    with pytest.raises(ShaderplayError) as err:
        load_target(path)
    _one_paragraph(err, "line 1, column 2", "'0.3x'", "a header line holds names only")


def test_a_huge_csv_field_is_refused_by_line(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x,y,label\n0,0,0\n1,1," + "1" * 200_000 + "\n")
    with pytest.raises(ShaderplayError) as err:
        load_target(path)
    _one_paragraph(err, "line 3", "field larger than field limit")


def test_csv_coordinates_float32_cannot_show_are_refused(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x,y,label\n0,0,0\n1e300,1,1\n")
    with pytest.raises(ShaderplayError) as err:
        load_target(path)
    _one_paragraph(err, "line 3, column 1", "within")


# --- presets and settings --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ("[train]\nwarmup_steps = 1e20\n", ["train.warmup_steps", "an integer 0..1000000000000"]),
        ("[train]\nschedule = 'cosine'\ncosine_steps = 1e20\n", ["train.cosine_steps"]),
        ("[train]\nchunk_steps = 1e12\n", ["train.chunk_steps"]),
        ("[network]\nscale = 1e300\n", ["network.scale", "1e+06"]),
        ("[network]\nbias_init = 'normal'\nbias_scale = 1e300\n", ["network.bias_scale"]),
        ("[network]\nfourier = 4\nfourier_scale = 1e300\n", ["network.fourier_scale"]),
        ("[network]\nlatent = [1e300]\n", ["network.latent"]),
        ("[view]\ndomain = [-1e300, 1e300, -1, 1]\n", ["view.domain", "within"]),
    ],
)
def test_absurd_values_are_refused_up_front(tmp_path, text, words):
    with pytest.raises(ShaderplayError) as err:
        load_preset(_preset(tmp_path, text))
    _one_paragraph(err, *words)


@pytest.mark.parametrize("value", ["1" * 5000, "[" * 5000 + "1" + "]" * 5000])
def test_toml_that_python_cannot_parse_is_refused(tmp_path, value):
    path = _preset(tmp_path, f"[train]\nseed = {value}\n")
    with pytest.raises(ShaderplayError) as err:
        load_preset(path)
    _one_paragraph(err, str(path), "not a TOML file shaderplay can read")


def test_a_huge_list_is_cut_in_the_message(tmp_path):
    hidden = ", ".join(["16"] * 100_000)
    with pytest.raises(ShaderplayError) as err:
        load_preset(_preset(tmp_path, f"[network]\nhidden = [{hidden}]\n"))
    msg = _one_paragraph(err, "network.hidden", "(100,000 items)")
    assert msg.count("16") < 20


def test_scales_at_the_bound_give_a_network_that_saves_and_loads(tmp_path):
    net = Network.random(
        (2 + 8, 8, 1),
        scale=1e6,
        bias_init="normal",
        bias_scale=1e6,
        fourier=4,
        fourier_scale=1e6,
        seed=0,
    )
    assert np.all(np.isfinite(net.params))
    net.save(tmp_path / "big.npz")
    assert np.array_equal(Network.load(tmp_path / "big.npz").params, net.params)


# --- the API ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(sizes=(3, 4, 1), latent=[float("nan")]), ["network.latent", "nan"]),
        (dict(sizes=(2, 4, 1), seed=-1), ["network.seed", "-1"]),
        (dict(sizes=(2, 4, 1), seed=1.5), ["network.seed", "1.5"]),
        (dict(sizes=5), ["sizes", "a list of integers"]),
        (dict(sizes=(2, 4, 1), scale=float("inf")), ["network.scale"]),
        (dict(sizes=(2, 4, 1), activation=3), ["network.activation"]),
    ],
)
def test_bad_network_arguments(kwargs, words):
    with pytest.raises(ShaderplayError) as err:
        Network.random(**kwargs)
    _one_paragraph(err, *words)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda spec: Network(spec, np.full(20, "a")), ["params", "<U1"]),
        (lambda spec: Network(spec, np.ones(20, np.complex64)), ["params", "complex64"]),
        (lambda spec: Network(spec, meta=[1]), ["meta", "[1]"]),
        (lambda spec: Network((2, 4, 1)), ["spec", "tuple"]),
        (lambda spec: NetworkSpec(features=(1, 2)), ["features", "names"]),
        (lambda spec: Network(spec, meta={"a": np.ones(3)}).save("x.npz"), ["network meta"]),
    ],
)
def test_bad_network_objects(make, words):
    spec = Network.random((2, 4, 1)).spec
    with pytest.raises(ShaderplayError) as err:
        make(spec)
    _one_paragraph(err, *words)


@pytest.mark.parametrize(
    "points", [np.zeros((3, 4)), np.zeros((3, 3)), np.zeros(4), [[0, 0], [1]], ["a", "b"]]
)
def test_forward_takes_points_with_two_columns_only(points):
    net = Network.random((2, 4, 1), seed=0)
    with pytest.raises(ShaderplayError) as err:
        net.forward(points)
    _one_paragraph(err, "points", "(N, 2)")


def test_forward_keeps_taking_grids_of_points():
    net = Network.random((2, 4, 1), seed=0)
    grid = np.zeros((3, 5, 2))
    assert net.forward(grid).shape == (15, 1) and net.forward([0.5, 0.5]).shape == (1, 1)


def _xy(n=64):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (n, 2))
    return x, 0.5 + 0.4 * np.sin(3 * x[:, :1])


@pytest.mark.parametrize(
    "target, words",
    [
        ((_xy()[0], np.zeros((64, 1, 1))), ["Y of shape (64, 1, 1)"]),
        ((_xy()[0].astype(str), _xy()[1]), ["X has dtype <U"]),
        ((_xy()[0], _xy()[1] + 1j), ["Y has dtype complex128"]),
    ],
)
def test_bad_training_arrays(target, words):
    with pytest.raises(ShaderplayError) as err:
        Trainer(Network.random((2, 4, 1), seed=0), target)
    _one_paragraph(err, "target (X, Y)", *words)


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda t: t.run(1.5), ["Trainer.run steps", "1.5"]),
        (lambda t: t.run("10"), ["Trainer.run steps", "'10'"]),
        (lambda t: t.advance(-1), ["advance", "-1"]),
        (lambda t: t.reset(seed=-3), ["network.seed", "-3"]),
        (lambda t: t.set_config(warmup_steps=1e20), ["train.warmup_steps"]),
    ],
    ids=["fractional-run", "text-run", "negative-advance", "negative-seed", "huge-warmup"],
)
def test_bad_trainer_calls(call, words):
    trainer = Trainer(Network.random((2, 4, 1), seed=0), _xy(), lr=0.01)
    with pytest.raises(ShaderplayError) as err:
        call(trainer)
    _one_paragraph(err, *words)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
def test_a_diverged_trainer_resumes_after_rollback_and_a_tiny_learning_rate(optimizer):
    # a linear output under MSE with lr 1e3: the weights blow up until the loss or the
    # gradient is non-finite, so the last finite weights cannot go on at any rate
    net = Network.random((2, 12, 12, 1), activation="relu", output="linear", seed=0)
    trainer = Trainer(net, _xy(256), optimizer=optimizer, lr=1e3, batch_size=16)
    assert trainer.run(500).stopped == "diverged"
    assert trainer.diverged.reason in ("non-finite loss", "non-finite gradient")
    trainer.set_config(lr=1e-6)
    trainer.rollback()
    result = trainer.run(100)
    assert result.stopped == "steps" and result.steps == 100
    assert np.isfinite(result.train_loss) and np.all(np.isfinite(net.params))


def test_weight_scale_factors_that_overflow_are_refused_before_any_frame():
    net = Network.random((2, 8, 1), seed=0)
    view = View.from_domain(-1, 1, -1, 1)
    with pytest.raises(ShaderplayError) as err:
        WeightScale(net, 0.25, 1e300, 10, view)
    _one_paragraph(err, "scale_to", "1e+300")
    frames = WeightScale(net, 0.25, 4.0, 3, view)
    assert all(np.all(np.isfinite(frames.frame(i).params)) for i in range(3))


# --- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize("word, command", [("rendr", "render"), ("trian", "train")])
def test_a_misspelt_command_suggests_the_nearest(capsys, word, command):
    assert main([word, "default", "-o", "x.png"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"did you mean `shaderplay {command}`" in err


def test_numpy_warnings_never_reach_the_user(capsys, monkeypatch):
    def run(args):
        np.exp(np.array([1000.0]))  # overflow: a RuntimeWarning
        raise ShaderplayError("boom: got 1; allowed: 2.")

    command = types.ModuleType("noisy_command")
    command.add_arguments = lambda parser: None
    command.run = run
    monkeypatch.setitem(sys.modules, "noisy_command", command)
    monkeypatch.setitem(main.__globals__["COMMANDS"], "noisy", ("noisy_command", "test"))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert main(["noisy"]) == 2
    assert not [w for w in seen if issubclass(w.category, RuntimeWarning)]
    assert capsys.readouterr().err == "shaderplay: boom: got 1; allowed: 2.\n"


def test_record_refuses_an_overflowing_scale_before_work(tmp_path, capsys):
    out = tmp_path / "ws.gif"
    args = ["record", "default", "--animation", "weight-scale", "--scale-to", "1e300"]
    assert main([*args, "--frames", "3", "--size", "16x16", "-o", str(out)]) == 2
    assert "scale_to: got 1e+300" in capsys.readouterr().err
    assert not out.exists()


def test_messages_show_json_meta_as_written(net_file):
    _rewrite(net_file, meta=np.array(json.dumps(list(range(10_000)))))
    with pytest.raises(ShaderplayError) as err:
        Network.load(net_file)
    _one_paragraph(err, "(10,000 items)")


def test_a_target_path_a_named_target_would_ignore_is_refused(tmp_path):
    """`--set target.path=data.csv` on an xor preset trained on xor, saying nothing."""
    from shaderplay.config import TargetConfig
    from shaderplay.targets import load_target

    with pytest.raises(ShaderplayError) as err:
        load_target(TargetConfig(name="xor", path=str(tmp_path / "d.csv")))
    _one_paragraph(err, "target.path: got", "only with target.name 'image' or 'csv'", "'xor'")


def test_a_regression_target_beyond_the_output_activation_is_refused(tmp_path):
    """Values 10..90 against a sigmoid trained silently to a loss in the thousands."""
    from dataclasses import replace

    from shaderplay.build import build
    from shaderplay.presets import load_preset

    csv = tmp_path / "big.csv"
    csv.write_text("x,y,value\n0,0,10\n1,1,90\n0.5,0.2,50\n-0.5,0.3,20\n-1,0,30\n")
    preset = load_preset("default")
    preset = replace(preset, target=replace(preset.target, name="csv", path=str(csv)))
    with pytest.raises(ShaderplayError) as err:
        build(preset)
    _one_paragraph(err, "network.output: got 'sigmoid'", "reach the target's [10, 90]", "[0, 1]")
    linear = replace(preset, network=replace(preset.network, output="linear"))
    assert build(linear)[1].kind == "regression"
    # a function on a wider domain goes past [0, 1] as its views show: not held to it
    wide = replace(load_preset("default").target, domain=(-2.0, 2.0, -2.0, 2.0))
    data = build(replace(load_preset("default"), target=wide))[1]
    assert data.y_train.max() > 1.0
