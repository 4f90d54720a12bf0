"""Presets: every built-in loads and builds; every kind of bad preset gets a
one-paragraph error naming `table.key`, the value and what is allowed;
save/load round-trips; kind-dependent defaults; build's rules; the built-ins
show what their descriptions promise."""

import numpy as np
import pytest

from shaderplay.build import build
from shaderplay.config import (
    NetConfig,
    Preset,
    TargetConfig,
    TrainConfig,
    ViewConfig,
    mode_from_view,
    replace,
)
from shaderplay.errors import ShaderplayError
from shaderplay.modes import MODES, parse_mode
from shaderplay.presets import builtin_presets, load_preset, parse_preset, save_preset

BUILTINS = list(builtin_presets())


def _preset(tmp_path, text, name="p.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_at_least_eight_builtins_with_descriptions():
    assert len(BUILTINS) >= 8 and BUILTINS[0] == "default"
    assert all(len(d) > 20 for d in builtin_presets().values())


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_loads_and_builds(name, tmp_path):
    preset = load_preset(name)
    assert preset.name == name
    net, data, train = build(preset)
    assert net.sizes[-1] == (preset.network.n_out or data.n_out)
    assert train == preset.train
    if data.kind != "none":
        assert len(data.x_train) > 0
        out = net.forward(data.x_train[:50])
        assert out.shape == (min(50, len(data.x_train)), net.sizes[-1]) and np.all(np.isfinite(out))
    # Round trip through a file: equal, field for field.
    save_preset(preset, tmp_path / f"{name}.toml")
    assert load_preset(tmp_path / f"{name}.toml") == preset


BAD = [
    # (TOML text, expected start of the error after the file name, a word of what is allowed)
    ("[netwrok]\nhidden = [4]\n", "unknown table [netwrok]", "the tables [network], [target]"),
    ("nmae = 'x'\n", "unknown top-level key 'nmae'", "the keys name, description"),
    ("name = 3\n", "name: got 3", "a string"),
    ("[network]\nhiden = [4]\n", "network.hiden: got [4]", "keys of [network]: hidden, activation"),
    ("[network]\nhidden = 'abc'\n", "network.hidden: got 'abc'", "a list of integers"),
    ("[network]\nhidden = [16, 'a']\n", "network.hidden: got [16, 'a']", "a list of integers"),
    ("[network]\nhidden = [16, 0]\n", "network.hidden: got [16, 0]", "each an integer 1..4096"),
    ("[network]\nactivation = 'relux'\n", "network.activation: got 'relux'", "one of linear, relu"),
    (
        "[network]\nhidden = [4, 4]\nactivation = ['relu']\n",
        "network.activation: got ['relu']",
        "a list of 2 (one per hidden layer)",
    ),
    ("[network]\nactivation = 3\n", "network.activation: got 3", "a string or a list of strings"),
    ("[network]\noutput = 'softmax'\n", "network.output: got 'softmax'", "one of linear"),
    ("[network]\nnorm = 'groupnorm'\n", "network.norm: got 'groupnorm'", "layernorm, batchnorm"),
    ("[network]\nfeatures = ['x', 'q']\n", "network.features: got 'q'", "one of x, y, x2"),
    ("[network]\nfeatures = ['x', 'x']\n", "network.features: got ['x', 'x']", "without repeats"),
    ("[network]\ninit = 'glorot'\n", "network.init: got 'glorot'", "xavier_uniform"),
    ("[network]\nbias_init = 'ones'\n", "network.bias_init: got 'ones'", "zeros"),
    ("[network]\nscale = -1.0\n", "network.scale: got -1.0", "a number in [0, 1e+06]"),
    ("[network]\nfourier = 1000\n", "network.fourier: got 1000", "an integer 0..256"),
    ("[network]\nfourier_scale = 0\n", "network.fourier_scale: got 0.0", "a number in (0, 1e+06]"),
    ("[network]\nlatent = ['a']\n", "network.latent: got ['a']", "a list of numbers"),
    ("[network]\nn_out = 65\n", "network.n_out: got 65", "an integer 0..64"),
    ("[target]\nname = 'spirals'\n", "target.name: got 'spirals'", "spiral"),
    ("[target]\nn_points = 'many'\n", "target.n_points: got 'many'", "an integer"),
    ("[target]\nnoise = -0.5\n", "target.noise: got -0.5", "a number in [0, 1]"),
    ("[target]\ntest_fraction = 1.0\n", "target.test_fraction: got 1.0", "[0, 1)"),
    ("[target]\nname = 'image'\n", "target.path: got ''", "a path to a .png/.jpg/.jpeg file"),
    ("[target]\nname = 'photo.png'\n", "target.path: got '", "an existing .png"),
    ("[train]\nloss = 'l2'\n", "train.loss: got 'l2'", "one of mse, bce, cross_entropy"),
    ("[train]\noptimizer = 'adagrad'\n", "train.optimizer: got 'adagrad'", "adam"),
    ("[train]\nschedule = 'linear'\n", "train.schedule: got 'linear'", "cosine"),
    ("[train]\nlr = 0\n", "train.lr: got 0.0", "a number > 0"),
    ("[train]\nlr = inf\n", "train.lr: got inf", "a finite number"),
    ("[train]\nbatch_size = 5000\n", "train.batch_size: got 5000", "an integer 1..4096"),
    ("[train]\nbatch_size = 1.5\n", "train.batch_size: got 1.5", "an integer"),
    ("[train]\nbeta1 = 1.0\n", "train.beta1: got 1.0", "[0, 1)"),
    ("[train]\nverbose = true\n", "train.verbose: got True", "keys of [train]: loss, optimizer"),
    ("[view]\ndomain = [1, 0, -1, 1]\n", "view.domain: got [1.0, 0.0, -1.0, 1.0]", "xmin < xmax"),
    ("[view]\ndomain = [0, 1]\n", "view.domain: got [0, 1]", "a list of 4 numbers"),
    ("[view]\nshow_points = 'yes'\n", "view.show_points: got 'yes'", "true or false"),
    ("[view]\nmode = 'outptu'\n", "view.mode: got 'outptu'", "output"),
    ("[view]\ncolormap = 'jet'\n", "view.colormap: got 'jet'", "viridis"),
    ("[view]\nneuron = -1\n", "view.neuron: got -1", "an integer 0.."),
    ("[train]\nlr = 0.01\n[train]\nlr = 0.02\n", "not valid TOML", "line 3"),
    ("[network]\nhidden = [16, 16\n", "not valid TOML", "line"),
]


@pytest.mark.parametrize("text, start, allowed", BAD, ids=[b[1].split(":")[0] for b in BAD])
def test_bad_preset_gets_one_clear_paragraph(tmp_path, text, start, allowed):
    path = _preset(tmp_path, text)
    with pytest.raises(ShaderplayError) as err:
        load_preset(path)
    msg = str(err.value)
    assert msg.startswith(f"preset {path}: {start}"), msg
    assert allowed in msg and "\n" not in msg and "Traceback" not in msg


@pytest.mark.parametrize(
    "text, start",
    [
        ("[target]\nname = 'spiral'\n[network]\noutput = 'tanh'\n", "network.output: got 'tanh'"),
        (
            "[target]\nname = 'spiral'\n[train]\nloss = 'cross_entropy'\n",
            "train.loss: got 'cross_entropy'",
        ),
        ("[target]\nname = 'spiral'\n[network]\nn_out = 3\n", "network.n_out: got 3"),
    ],
)
def test_combinations_that_cannot_train_are_refused_at_build(tmp_path, text, start):
    preset = load_preset(_preset(tmp_path, text))
    with pytest.raises(ShaderplayError, match="allowed") as err:
        build(preset)
    assert str(err.value).startswith(start)


def test_bce_takes_every_output_whose_row_says_probability():
    """build and the trainer ask the same row, so they agree on every activation."""
    from shaderplay.activations import ACTIVATIONS
    from shaderplay.train import Trainer

    for name, row in ACTIVATIONS.items():
        preset = Preset(
            network=NetConfig(hidden=(4,), output=name),
            target=TargetConfig(name="xor", n_points=40),
            train=TrainConfig(loss="bce"),
        )
        if row.probability:
            net, data, train = build(preset)
            Trainer(net, data, config=train)
            continue
        with pytest.raises(ShaderplayError) as at_build:
            build(preset)
        net, data, _ = build(replace(preset, train=TrainConfig(loss="mse")))
        with pytest.raises(ShaderplayError) as at_trainer:
            Trainer(net, data, loss="bce")
        assert str(at_build.value) == str(at_trainer.value)
        assert str(at_build.value).startswith(f"network.output: got {name!r}; allowed: sigmoid")


@pytest.mark.parametrize(
    "view, message, shown",
    [
        (
            ViewConfig(mode="neuron", layer=5),
            "mode neuron: LAYER: got 5",
            ViewConfig(mode="neuron"),
        ),
        (
            ViewConfig(mode="neuron:1:4"),
            "mode neuron: NEURON: got 4",
            ViewConfig(mode="neuron:1:3"),
        ),
        (ViewConfig(mode="depth"), "mode depth: LAYER: got 0", ViewConfig(mode="depth", layer=1)),
    ],
)
def test_a_view_the_network_cannot_show_is_refused_at_build(view, message, shown):
    preset = Preset(network=NetConfig(hidden=(8, 4)), view=view)
    with pytest.raises(ShaderplayError, match="allowed") as err:
        build(preset)
    assert str(err.value).startswith(message)
    build(replace(preset, view=shown))


def test_unknown_preset_name_lists_builtins(tmp_path):
    with pytest.raises(ShaderplayError, match=r"preset: got 'defualt'.*default, blobs"):
        load_preset("defualt")
    with pytest.raises(ShaderplayError, match=r"an existing .toml file"):
        load_preset(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    "target, loss, output",
    [
        ("spiral", "bce", "sigmoid"),
        ("blobs", "cross_entropy", "linear"),
        ("rings", "mse", "sigmoid"),
        ("bottle", "bce", "sigmoid"),
        ("none", "mse", "sigmoid"),
    ],
)
def test_loss_and_output_follow_the_target_when_left_out(target, loss, output):
    preset = parse_preset({"target": {"name": target}})
    assert (preset.train.loss, preset.network.output) == (loss, output)
    # Stated explicitly, they are kept.
    explicit = parse_preset(
        {"target": {"name": target}, "train": {"loss": "mse"}, "network": {"output": "tanh"}}
    )
    assert (explicit.train.loss, explicit.network.output) == ("mse", "tanh")


def test_missing_name_is_the_file_stem_and_defaults_fill_in(tmp_path):
    preset = load_preset(_preset(tmp_path, "[network]\nhidden = [8]\n", "tiny.toml"))
    assert preset.name == "tiny" and preset.network.hidden == (8,)
    assert preset.train == TrainConfig(loss="mse") and preset.view.mode == "output"


def test_relative_target_paths_are_relative_to_the_preset(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "pts.csv").write_text("x,y,label\n0,0,0\n1,1,1\n0,1,0\n1,0,1\n")
    path = _preset(
        tmp_path, "[target]\nname = 'csv'\npath = 'data/pts.csv'\ntest_fraction = 0.25\n"
    )
    preset = load_preset(path)
    assert preset.target.path == str(tmp_path / "data" / "pts.csv")
    assert preset.train.loss == "bce"  # the CSV's labels are binary
    save_preset(preset, tmp_path / "copy.toml")
    assert load_preset(tmp_path / "copy.toml") == preset


def test_save_refuses_an_invalid_preset(tmp_path):
    bad = Preset(train=TrainConfig(lr=-1.0))
    with pytest.raises(ShaderplayError, match=r"train.lr"):
        save_preset(bad, tmp_path / "bad.toml")
    assert not (tmp_path / "bad.toml").exists()


def test_build_derives_inputs_and_outputs():
    rgb = Preset(
        network=NetConfig(hidden=(8,), fourier=5, latent=(0.5, -1.0)),
        target=TargetConfig(name="shapes", color=True, image_size=16),
    )
    net, data, _ = build(rgb)
    assert net.sizes == (2 + 10 + 2, 8, 3) and data.n_out == 3
    np.testing.assert_array_equal(net.latent, [0.5, -1.0])
    blobs, _, _ = build(
        Preset(
            network=NetConfig(output="linear"),
            target=TargetConfig(name="blobs"),
            train=TrainConfig(loss="cross_entropy"),
        )
    )
    assert blobs.sizes[-1] == 4
    per_layer, _, _ = build(
        Preset(
            network=NetConfig(hidden=(4, 3), activation=("relu", "sin"), norm=("layernorm", "none"))
        )
    )
    assert per_layer.spec.activations == ("relu", "sin") and per_layer.spec.norms == (
        "layernorm",
        "none",
    )


def test_seed_fixes_weights_and_data_together():
    preset = load_preset("spiral")
    a_net, a_data, a_train = build(preset, seed=5)
    b_net, b_data, _ = build(preset, seed=5)
    c_net, c_data, _ = build(preset, seed=6)
    np.testing.assert_array_equal(a_net.params, b_net.params)
    np.testing.assert_array_equal(a_data.x_train, b_data.x_train)
    assert a_train.seed == 5
    assert not np.array_equal(a_net.params, c_net.params)
    assert not np.array_equal(a_data.x_train, c_data.x_train)
    with pytest.raises(ShaderplayError, match="seed: got -1"):
        build(preset, seed=-1)


def test_build_validates_presets_made_in_code():
    with pytest.raises(ShaderplayError, match=r"network.activation: got 'tanhh'"):
        build(replace(Preset(), network=NetConfig(activation="tanhh")))


# --- what the built-ins show --------------------------------------------------------------
# Classifiers in class colours with their points, bottle its ReLU boundaries, dying_relu its
# dead neurons; and every preset's view fits the network it builds (a bare mode name, as the
# window's view panel takes it).


@pytest.mark.parametrize("name", BUILTINS)
def test_every_builtin_view_fits_its_network(name):
    preset = load_preset(name)
    net, data, _ = build(preset)
    assert preset.view.mode in MODES  # layer/neuron come from their own fields
    mode, args = parse_mode(mode_from_view(preset.view))
    mode.check(args, net.spec)  # raises when the layer or neuron does not exist
    assert not mode.needs_target or data.field is not None


@pytest.mark.parametrize("name", BUILTINS)
def test_classifiers_show_class_colours_and_points(name):
    preset = load_preset(name)
    if build(preset)[1].kind in ("binary", "multiclass") and not name.startswith("bottle"):
        assert preset.view.mode == "classes" and preset.view.show_points


def test_bottle_draws_relu_boundaries_over_a_grey_probability():
    preset = load_preset("bottle")
    assert preset.network.activation == "relu" and preset.view.mode == "boundaries"
    assert preset.view.colormap == "grey"  # GINN: lines in layer colours over grey


def test_dying_relu_shows_every_neuron_map_at_once():
    preset = load_preset("dying_relu")
    assert preset.view.mode == "mosaic" and preset.view.colormap == "viridis"  # dead: dark tiles
