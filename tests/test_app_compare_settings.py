"""An A/B comparison's changed settings, read from a script's mapping or the A/B
section's "setting=value" rows, and written in labels (no window, no trainer)."""

import pytest

from shaderplay.app.compare_settings import (
    KEYS,
    as_text,
    changes_of,
    dotted,
    label,
    names,
    new_row,
    parts,
    rows_of,
    value_of,
)
from shaderplay.config import Preset
from shaderplay.errors import ShaderplayError
from shaderplay.preset_schema import parse_setting, set_fields


def test_a_mapping_keeps_its_values_and_names_become_dotted_keys_in_order():
    got = changes_of({"lr": 0.01, "seed": 3, "train.l2": 1e-4})
    assert got == {"train.lr": 0.01, "network.seed": 3, "train.l2": 1e-4}
    assert list(got) == ["train.lr", "network.seed", "train.l2"]


def test_texts_are_read_as_a_presets_values_are():
    got = changes_of(["optimizer=sgd", "lr = 0.5", "hidden=[8, 8]", "network.norm=layer"])
    assert got == {
        "train.optimizer": "sgd",
        "train.lr": 0.5,
        "network.hidden": [8, 8],
        "network.norm": "layer",
    }


@pytest.mark.parametrize(
    "changes, words",
    [
        ({}, "at least one"),
        ([], "at least one"),
        ({"lr": 0.1, "train.lr": 0.2}, "each setting once"),
        (["seed=1", "seed=2"], "each setting once"),
        (["lr"], "setting=value"),
        (["=3"], "setting=value"),
        ({"target.name": "spiral"}, "A/B setting"),
        (["view.mode=output"], "A/B setting"),
        ("lr=0.1", "mapping"),
        ([1, 2], "mapping"),
    ],
)
def test_bad_changes_are_refused_with_what_is_allowed(changes, words):
    with pytest.raises(ShaderplayError, match=words):
        changes_of(changes)


def test_every_short_name_is_a_field_b_may_change():
    preset = Preset()
    for name, key in KEYS.items():
        assert dotted(name) == key
        value_of(preset, key)  # a field of the preset


@pytest.mark.parametrize(
    "key, value",
    [
        ("train.lr", 0.003),
        ("train.lr", 1e-5),
        ("network.seed", 7),
        ("train.optimizer", "sgd"),
        ("network.hidden", (30, 30, 30)),
        ("network.activation", ("relu", "tanh", "sin")),
        ("network.features", ("x", "y", "r")),
        ("train.stop_at_zero_lr", False),
    ],
)
def test_a_value_written_as_text_reads_back_as_itself(key, value):
    preset = set_fields(Preset(), {key: value})
    _, back = parse_setting(f"{key}={as_text(value_of(preset, key))}")
    assert set_fields(Preset(), {key: back}) == preset


def test_labels_name_each_setting_short_and_cut_long_lists_and_counts():
    preset = set_fields(Preset(), {"network.hidden": [30] * 29, "train.lr": 0.0123456})
    assert parts(preset, ["train.lr", "network.hidden"]) == [
        "lr=0.01235",
        "hidden=30,30,30,30,..(29)",
    ]
    shown = ["lr=0.01", "seed=3", "norm=layernorm", "optimizer=sgd", "scale=2"]
    assert label("B", shown) == "B: lr=0.01, seed=3, norm=layernorm, +2 more"
    assert label("B", shown[:2]) == "B: lr=0.01, seed=3"
    assert label("A", shown, 1) == "A: lr=0.01, +4 more"
    assert label("A", shown, 0) == "A: +5 more"


def test_a_field_name_two_tables_share_is_written_with_its_table():
    assert names(["network.seed", "train.seed", "train.l2"]) == {
        "network.seed": "seed",
        "train.seed": "train.seed",
        "train.l2": "l2",
    }


def test_rows_show_a_presets_values_and_a_new_row_takes_the_next_free_setting():
    preset = set_fields(Preset(), {"train.lr": 0.02, "network.seed": 4})
    rows = rows_of(preset, ["network.seed", "train.lr", "train.l2"])
    assert rows == [["seed", "4"], ["lr", "0.02"], ["train.l2", "0.0"]]
    assert new_row(preset, [["lr", "1"]]) == ["seed", "4"]
    assert new_row(preset, [["seed", "1"], ["lr", "1"]]) == ["optimizer", preset.train.optimizer]
    everything = [[name, ""] for name in KEYS]
    assert new_row(preset, everything)[0] == list(KEYS)[-1]
