"""Field rules and the one coercion: every field of every table takes its default and
refuses a value of the wrong type by name; TOML, `Trainer(**kwargs)` and "table.key=value"
overrides give the same value and the same error; overrides re-check the table they change."""

from dataclasses import fields

import numpy as np
import pytest

from shaderplay.build import build
from shaderplay.config import TABLES, NetConfig, Preset, TrainConfig, check_fields, coerce
from shaderplay.errors import ShaderplayError
from shaderplay.fields import Integer, Number, describe
from shaderplay.preset_schema import apply_overrides, check_preset, parse_setting, set_fields
from shaderplay.presets import load_preset, parse_preset
from shaderplay.train.settings import make_config

FIELDS = [(table, f) for table, cls in TABLES.items() for f in fields(cls)]
IDS = [f"{table}.{f.name}" for table, f in FIELDS]
WRONG = {bool: "yes", int: "many", float: "fast", str: 3}  # a value of another type, per type


@pytest.mark.parametrize("table, f", FIELDS, ids=IDS)
def test_every_default_obeys_its_rule_and_the_wrong_type_is_named(table, f):
    assert coerce(table, f.name, f.default) == f.default
    scalar = f.type if f.type in WRONG else None
    if scalar is not None:
        with pytest.raises(ShaderplayError) as err:
            coerce(table, f.name, WRONG[scalar])
        msg = str(err.value)
        assert msg.startswith(f"{table}.{f.name}: got {WRONG[scalar]!r}; allowed: ")
        assert describe(scalar) in msg and "\n" not in msg


@pytest.mark.parametrize(
    "table, key, value, expected",
    [
        ("train", "lr", 1, 1.0),  # TOML's 1 is a number too
        ("train", "batch_size", 64.0, 64),  # an integral float is an integer
        ("train", "batch_size", np.int64(32), 32),
        ("train", "lr", np.float32(0.5), 0.5),
        ("network", "hidden", [8, 4], (8, 4)),  # lists become tuples
        ("network", "activation", ["relu", "tanh"], ("relu", "tanh")),
        ("network", "activation", "relu", "relu"),
        ("view", "domain", [0, 1, 0, 2], (0.0, 1.0, 0.0, 2.0)),
        ("view", "mode", "neuron:1:3", "neuron:1:3"),
    ],
)
def test_values_become_the_field_type(table, key, value, expected):
    got = coerce(table, key, value)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    "table, key, value, message",
    [
        ("train", "batch_size", 12.5, "train.batch_size: got 12.5; allowed: an integer."),
        ("train", "batch_size", True, "train.batch_size: got True; allowed: an integer."),
        ("train", "lr", float("nan"), "train.lr: got nan; allowed: a finite number."),
        ("train", "lr", 0, "train.lr: got 0.0; allowed: a number > 0."),
        ("train", "gamma", 2, "train.gamma: got 2.0; allowed: a number in (0, 1]."),
        ("train", "momentum", 1, "train.momentum: got 1.0; allowed: a number in [0, 1)."),
        (
            "train",
            "max_steps",
            -1,
            "train.max_steps: got -1; allowed: an integer 0..1000000000000.",
        ),
        ("view", "show_points", 1, "view.show_points: got 1; allowed: true or false."),
        ("network", "norm", ["none", 3], "a string or a list of strings"),
        ("network", "latent", [0.5, float("inf")], "network.latent: got inf; allowed: a list"),
        ("view", "domain", [0, 1, 0], "view.domain: got [0, 1, 0]; allowed: a list of 4 numbers"),
        ("train", "lrr", 0.1, "train.lrr: got 0.1; allowed: keys of [train]: loss, optimizer"),
        ("trian", "lr", 0.1, "trian.lr: got 0.1; allowed: a key of the tables [network]"),
    ],
)
def test_refusals_name_the_field_the_value_and_what_is_allowed(table, key, value, message):
    with pytest.raises(ShaderplayError) as err:
        coerce(table, key, value)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_number_and_integer_rules_describe_themselves():
    assert Number(gt=0).allowed == "a number > 0"
    assert Number(ge=0, le=1).allowed == "a number in [0, 1]"
    assert Number(gt=-1, lt=2.5).allowed == "a number in (-1, 2.5)"
    assert Number(le=3).allowed == "a number <= 3"
    assert (
        Integer(1, 4096).allowed == "an integer 1..4096" and Integer(0).allowed == "an integer >= 0"
    )
    assert Integer(1, 4).holds(4) and not Integer(1, 4).holds(0) and Number(gt=0).holds(1e-9)


BAD_LR = "train.lr: got -1.0; allowed: a number > 0."


def test_toml_kwargs_and_overrides_share_one_coercion(tmp_path):
    """The same value gives the same error wherever it comes from."""
    path = tmp_path / "p.toml"
    path.write_text("[train]\nlr = -1.0\n")
    sources = [
        lambda: load_preset(path),
        lambda: make_config(None, {"lr": -1.0}),
        lambda: set_fields(Preset(), {"train.lr": -1.0}),
        lambda: apply_overrides(Preset(), ["train.lr=-1.0"]),
        lambda: TrainConfig(lr=-1.0).validate(),
    ]
    for make in sources:
        with pytest.raises(ShaderplayError) as err:
            make()
        assert str(err.value).endswith(BAD_LR)
    assert make_config(None, {"batch_size": 64.0}).batch_size == 64  # as TOML reads 64.0


def test_overrides_apply_typed_values_through_the_fields_rules():
    preset = load_preset("spiral")
    changed = apply_overrides(
        preset,
        [
            "train.lr=0.01",
            "network.hidden=[8, 8]",
            "train.optimizer=sgd",  # a bare word is a string
            "view.show_points = false",
            "target.noise=0",  # TOML 0 into a float field
            "train.lr=0.02",  # the later one wins
        ],
    )
    assert changed.train.lr == 0.02 and changed.train.optimizer == "sgd"
    assert changed.network.hidden == (8, 8) and changed.view.show_points is False
    assert changed.target.noise == 0.0 and isinstance(changed.target.noise, float)
    assert changed.network.norm == preset.network.norm and changed.name == preset.name
    assert check_preset(changed) is changed  # checked already: not checked again
    net, _, train = build(changed)
    assert net.sizes == (2, 8, 8, 1) and train.lr == 0.02
    assert parse_setting("network.activation=['relu', 'tanh']") == (
        "network.activation",
        ["relu", "tanh"],
    )


@pytest.mark.parametrize(
    "assignment, message",
    [
        ("train.lr", "setting: got 'train.lr'; allowed: table.key=value"),
        ("=3", "setting: got '=3'; allowed: table.key=value"),
        ("lr=0.1", "setting: got 'lr'; allowed: table.key"),
        ("train.lr=fast", "train.lr: got 'fast'; allowed: a number."),
        ("train.lrr=0.1", "train.lrr: got 0.1; allowed: keys of [train]"),
        ("network.hidden=[8]", "network.activation: got ['relu', 'sin']; allowed: one name, or a"),
        ("target.name=image", "target.path: got ''; allowed: a path to a .png/.jpg/.jpeg file"),
    ],
)
def test_overrides_recheck_the_table_they_change(assignment, message):
    preset = Preset(network=NetConfig(hidden=(4, 3), activation=("relu", "sin")))
    with pytest.raises(ShaderplayError) as err:
        apply_overrides(preset, [assignment])
    assert str(err.value).startswith(message)


def test_a_preset_made_in_code_is_checked_and_typed_once():
    preset = Preset(network=NetConfig(hidden=[6, 5], latent=[1, 2]))  # lists, an int
    checked = check_preset(preset)
    assert checked.network.hidden == (6, 5) and checked.network.latent == (1.0, 2.0)
    assert check_preset(checked) is checked
    loaded = parse_preset({"network": {"hidden": [3]}})
    assert check_preset(loaded) is loaded  # checked while parsing
    assert check_fields("train", TrainConfig(batch_size=np.int64(8))).batch_size == 8
