"""Preset settings on the command line (`--set table.key=value` and its shortcuts) on
train, render, record, export and the window: each flag on each command, the same
output as the preset file edited, the preset file's messages naming the flag;
`--boundaries LAYER[:NEURON]`; absolute weight scales; `presets NAME` round trips."""

import tomllib

import numpy as np
import pytest
import tomli_w
from PIL import Image

from shaderplay.cli import COMMANDS, _build_parser, main, overrides
from shaderplay.cli.render import parse_boundaries
from shaderplay.gpu.context import make_current
from shaderplay.network import Network
from shaderplay.presets import builtin_presets, load_preset, parse_preset
from shaderplay.record.pngdir import frame_files
from shaderplay.runs import RunFile
from shaderplay.spec import NetworkSpec

TINY = {
    "name": "tiny",
    "network": {"hidden": [5, 4], "activation": "tanh", "seed": 1},
    "target": {"name": "xor", "n_points": 64},
    "train": {"lr": 0.02, "batch_size": 16},
}
ART = {  # uniform weights at scale 0.5, as neylon's (at 0.7)
    "name": "art",
    "network": {
        "hidden": [6, 6],
        "n_out": 3,
        "init": "uniform",
        "scale": 0.5,
        "bias_init": "uniform",
        "bias_scale": 0.5,
    },
    "target": {"name": "none"},
}
SIZE = ["--size", "16x12"]


def write(path, data) -> str:
    path.write_text(tomli_w.dumps(data))
    return str(path)


def edited(data, changes: dict) -> dict:
    """`data` (a preset's TOML tables) with {"table.key": value} written into them."""
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    for dotted, value in changes.items():
        table, key = dotted.split(".")
        out.setdefault(table, {})[key] = value
    return out


@pytest.fixture
def tiny(tmp_path):
    return write(tmp_path / "tiny.toml", TINY)


def cli(gl_context, argv) -> int:
    try:
        return main(argv)
    finally:
        make_current(gl_context)  # the command made (and freed) its own context


def one_error(capsys) -> str:
    """The one stderr line of a refused command, without the "shaderplay: " lead."""
    captured = capsys.readouterr()
    err = captured.err.split("\r")[-1].strip()
    assert err.startswith("shaderplay: ") and "\n" not in err and "Traceback" not in err, err
    return err.removeprefix("shaderplay: ")


# --- every flag on every command -----------------------------------------------------------

SETTING_COMMANDS = ("train", "render", "record", "export", "window")
REQUIRED = {"render": ["-o", "x.png"], "record": ["-o", "x/"], "export": ["-o", "x.glsl"]}
FLAGS = [  # flag, text, the changes it stands for
    ("--set", "network.hidden=[30,30,30]", {"network.hidden": [30, 30, 30]}),
    ("--set", "network.activation=relu", {"network.activation": "relu"}),
    ("--set", "train.lr=1e-3", {"train.lr": 1e-3}),
    ("--seed", "7", {"network.seed": 7, "target.seed": 7, "train.seed": 7}),
    ("--hidden", "30,30,30", {"network.hidden": [30, 30, 30]}),
    ("--activation", "relu", {"network.activation": "relu"}),
    ("--activation", "relu,tanh", {"network.activation": ["relu", "tanh"]}),
    ("--output-activation", "sigmoid", {"network.output": "sigmoid"}),
    ("--optimizer", "sgd", {"train.optimizer": "sgd"}),
    ("--threads", "2", {"train.threads": 2}),
    ("--lr", "1e-3", {"train.lr": 1e-3}),
    ("--batch-size", "64", {"train.batch_size": 64}),
    ("--steps", "40", {"train.max_steps": 40}),
]


def parse(command, *argv):
    module = __import__(f"shaderplay.cli.{command}", fromlist=["run"])
    return _build_parser(command, module).parse_args(["tiny", *REQUIRED.get(command, []), *argv])


@pytest.mark.parametrize("command", SETTING_COMMANDS)
@pytest.mark.parametrize("flag, text, changes", FLAGS)
def test_each_flag_on_each_command_is_its_settings(command, flag, text, changes):
    if flag == "--steps" and command in ("render", "export"):  # no training steps there
        with pytest.raises(SystemExit):
            parse(command, flag, text)
        return
    assert overrides.read(parse(command, flag, text)).changes == changes


def test_the_shortcut_table_is_what_every_command_offers():
    for command in SETTING_COMMANDS:
        module = __import__(f"shaderplay.cli.{command}", fromlist=["run"])
        helped = _build_parser(command, module).format_help()
        for row in overrides.SHORTCUTS:
            offered = row.only is None or command in row.only
            assert (f"{row.flag} {row.metavar}" in helped) == offered, (command, row.flag)
            if offered:
                assert all(key in helped.replace("\n", " ") for key in row.keys)
    assert set(SETTING_COMMANDS) <= set(COMMANDS)
    assert {row.flag for row in overrides.SHORTCUTS} <= {flag for flag, _, _ in FLAGS}


def test_settings_apply_in_order_the_later_winning():
    args = parse("train", "--seed", "3", "--set", "network.seed=5", "--lr", "0.1", "--lr", "0.2")
    settings = overrides.read(args)
    assert settings.changes == {
        "network.seed": 5,
        "target.seed": 3,
        "train.seed": 3,
        "train.lr": 0.2,
    }
    assert settings.flags["network.seed"] == "--set" and settings.flags["train.seed"] == "--seed"


# --- the same output as the preset file edited ------------------------------------------------

CHANGES = {  # what the flags below set
    "network.hidden": [7, 3],
    "network.activation": ["relu", "tanh"],
    "train.optimizer": "sgd",
    "train.lr": 0.05,
    "network.seed": 4,
    "target.seed": 4,
    "train.seed": 4,
}
AS_FLAGS = [
    "--hidden",
    "7,3",
    "--set",
    "network.activation=['relu', 'tanh']",
    "--optimizer",
    "sgd",
    "--lr",
    "0.05",
    "--seed",
    "4",
]


def test_train_with_settings_equals_the_edited_file(tiny, tmp_path, capsys):
    same = write(tmp_path / "same.toml", edited(TINY, {**CHANGES, "train.max_steps": 30}))
    assert main(["train", tiny, *AS_FLAGS, "--steps", "30", "--save", str(tmp_path / "a.npz")]) == 0
    assert main(["train", same, "--save", str(tmp_path / "b.npz")]) == 0
    a, b = Network.load(tmp_path / "a.npz"), Network.load(tmp_path / "b.npz")
    assert a.sizes == (2, 7, 3, 1) and a.meta["steps"] == 30
    np.testing.assert_array_equal(a.params, b.params)
    out = capsys.readouterr().out
    assert out.count("tiny: 30 steps") == 2 and "stopped early" not in out


def test_render_record_export_with_settings_equal_the_edited_file(gl_context, tiny, tmp_path):
    same = write(tmp_path / "same.toml", edited(TINY, CHANGES))
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    outputs = {
        "render": ("{}.png", [*SIZE, "--mode", "neuron:1:2"]),
        "record": ("{}/", [*SIZE, "--frames", "3", "--steps-per-frame", "4"]),
        "export": ("{}.glsl", []),
    }
    for command, (out, extra) in outputs.items():
        a, b = (str(tmp_path / n / out.format(command)) for n in "ab")  # the export names it
        assert cli(gl_context, [command, tiny, *AS_FLAGS, "-o", a, *extra]) == 0
        assert cli(gl_context, [command, same, "-o", b, *extra]) == 0
        if command == "record":
            files = [frame_files(folder) for folder in (a, b)]
            assert len(files[0]) == 3
            assert [f.read_bytes() for f in files[0]] == [f.read_bytes() for f in files[1]]
        else:
            with open(a, "rb") as fa, open(b, "rb") as fb:
                assert fa.read() == fb.read(), command
    plain = tmp_path / "plain.png"
    assert cli(gl_context, ["render", tiny, "-o", str(plain), *SIZE, "--mode", "neuron:1:2"]) == 0
    assert plain.read_bytes() != (tmp_path / "a" / "render.png").read_bytes()  # they changed it


def test_the_window_opens_on_the_changed_preset(tiny, tmp_path, monkeypatch):
    import shaderplay.app.loop

    opened = {}
    monkeypatch.setattr(shaderplay.app.loop, "run", lambda preset, **kw: opened.update(p=preset))
    assert main([tiny, *AS_FLAGS, "--steps", "9"]) == 0
    same = write(tmp_path / "same.toml", edited(TINY, {**CHANGES, "train.max_steps": 9}))
    assert opened["p"] == load_preset(same)


def test_defaults_that_follow_the_target_follow_a_changed_target(tmp_path):
    """A preset leaving train.loss and network.output out: --set target.name=blobs gives
    cross_entropy and linear outputs, as the file edited would."""
    path = write(tmp_path / "t.toml", TINY)
    args = parse("train", "--set", "target.name=blobs")
    args.preset = path
    from shaderplay.sources import read_preset

    changed = read_preset(path, changes=overrides.read(args).changes)
    assert changed == load_preset(
        write(tmp_path / "e.toml", edited(TINY, {"target.name": "blobs"}))
    )
    assert changed.train.loss == "cross_entropy" and changed.network.output == "linear"


# --- messages: the preset file's, led by the flag ------------------------------------------


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["--set", "netwrk.hidden=[3]"],
            "--set: netwrk.hidden: got [3]; allowed: a key of the tables [network], [target], "
            "[train], [view].",
        ),
        (
            ["--set", "network.hiden=[3]"],
            "--set: network.hiden: got [3]; allowed: keys of [network]",
        ),
        (["--set", "network.hidden=abc"], "--set: network.hidden: got 'abc'; allowed: a list of"),
        (["--set", "train.lr=-1"], "--set: train.lr: got -1.0; allowed: a number > 0."),
        (["--set", "train.batch_size=99999"], "--set: train.batch_size: got 99999; allowed: an"),
        (["--set", "network.activation=relux"], "--set: network.activation: got 'relux'; allowed:"),
        (["--set", "train.lr"], "--set: got 'train.lr'; allowed: table.key=value"),
        (["--set", "lr=1"], "--set: got 'lr'; allowed: table.key"),
        (["--lr", "fast"], "--lr: got 'fast'; allowed: a number, e.g. 1e-3."),
        (["--lr", "0"], "--lr: train.lr: got 0.0; allowed: a number > 0."),
        (["--hidden", "8,x"], "--hidden: got '8,x'; allowed: widths separated by commas"),
        (["--hidden", "8,0"], "--hidden: network.hidden: got [8, 0]; allowed: widths, each"),
        (["--seed", "-1"], "--seed: got -1; allowed: an integer >= 0."),
        (["--optimizer", "adamm"], "--optimizer: train.optimizer: got 'adamm'; allowed: one of"),
        (
            ["--activation", "relu,tanh,tanh"],
            "--activation: network.activation: got ['relu', 'tanh', 'tanh']; allowed: one name, "
            "or a list of 2 (one per hidden layer).",
        ),
        (
            ["--output-activation", "relu"],
            "--output-activation: network.output: got 'relu'; allowed: sigmoid or gaussian",
        ),
    ],
)
def test_bad_settings_get_the_files_message_led_by_the_flag(
    tiny, tmp_path, capsys, monkeypatch, argv, message
):
    """Every command says it the same way, before any training, frame or window."""
    import shaderplay.app.loop
    from shaderplay.build import build

    # The window checks the rules between tables as it starts (its Session builds).
    monkeypatch.setattr(shaderplay.app.loop, "run", lambda preset, **kw: build(preset))
    outs = {"render": "a.png", "record": "a/", "export": "a.glsl", "train": None, "window": None}
    for command, out in outs.items():
        args = [tiny, *argv] if command == "window" else [command, tiny, *argv]
        assert main(args + (["-o", f"{tmp_path}/{out}"] if out else [])) == 2
        assert one_error(capsys).startswith(message), command


def test_a_setting_error_from_the_file_names_the_file(tmp_path, capsys):
    bad = write(tmp_path / "bad.toml", edited(TINY, {"train.lr": -1.0}))
    assert main(["train", bad, "--hidden", "3"]) == 2
    assert one_error(capsys) == f"preset {bad}: train.lr: got -1.0; allowed: a number > 0."


# --- a .npz SOURCE: its weights fix network.* ---------------------------------------------


@pytest.fixture
def net_file(tmp_path):
    path = tmp_path / "net.npz"
    Network.random((2, 6, 5, 1), seed=3).save(path)
    return str(path)


@pytest.mark.parametrize(
    "command, out", [("render", "a.png"), ("record", "a/"), ("export", "a.glsl")]
)
@pytest.mark.parametrize(
    "flag, text", [("--hidden", "8"), ("--seed", "2"), ("--set", "network.x=1")]
)
def test_a_network_file_refuses_network_settings(
    net_file, tmp_path, capsys, command, out, flag, text
):
    assert main([command, net_file, flag, text, "-o", f"{tmp_path}/{out}"]) == 2
    err = one_error(capsys)
    assert err.startswith(f"{flag}: network.") and "with a .npz source (its weights fix" in err


def test_a_network_file_takes_view_settings_and_with_preset_the_rest(
    gl_context, net_file, tiny, tmp_path, capsys
):
    shots = {name: tmp_path / f"{name}.npy" for name in ("set", "flag", "points", "plain")}
    base = ["render", net_file, *SIZE]
    assert cli(gl_context, [*base, "-o", str(shots["set"]), "--set", "view.mode=neuron:1:2"]) == 0
    assert cli(gl_context, [*base, "-o", str(shots["flag"]), "--mode", "neuron:1:2"]) == 0
    np.testing.assert_array_equal(np.load(shots["set"]), np.load(shots["flag"]))
    # With --preset, target.* and train.* settings apply to that preset.
    assert main([*base, "-o", str(shots["plain"]), "--lr", "0.1"]) == 2
    assert "train.lr: got 0.1; allowed: view.* settings with a .npz source" in one_error(capsys)
    png = [tmp_path / f"{n}.png" for n in "ab"]
    with_preset = [*base, "--preset", tiny, "--points"]
    assert cli(gl_context, [*with_preset, "-o", str(png[0]), "--set", "target.n_points=8"]) == 0
    assert cli(gl_context, [*with_preset, "-o", str(png[1])]) == 0
    assert png[0].read_bytes() != png[1].read_bytes()  # fewer points drawn


# --- --boundaries LAYER[:NEURON] -------------------------------------------------------------

SPEC = NetworkSpec(("x", "y"), (4, 3, 5), ("tanh",) * 3, "sigmoid", 1)


def test_boundaries_read_layers_and_neurons_counted_as_the_modes_count():
    assert parse_boundaries([None], SPEC) == (0, 1, 2)  # bare: every hidden layer
    assert parse_boundaries(["1:2"], SPEC) == ((1, 2),)
    assert parse_boundaries(["0,2:4", "3"], SPEC) == (0, (2, 4), 3)  # 3: the output layer
    bad = {
        "4": "--boundaries: got '4'; allowed: weight layers 0..3 (from 0: the hidden layers 0..2",
        "1:3": "--boundaries: got '1:3'; allowed: neurons 0..2 of layer 1.",
        "-1": "--boundaries: got '-1'; allowed: weight layers 0..3",
        "a:1": "--boundaries: got 'a:1'; allowed: LAYER or LAYER:NEURON",
    }
    for text, message in bad.items():
        with pytest.raises(Exception) as err:
            parse_boundaries([text], SPEC)
        assert str(err.value).startswith(message)


def test_boundaries_on_render_and_record(gl_context, tmp_path, capsys):
    def picture(*argv):
        out = tmp_path / f"b{len(list(tmp_path.glob('b*.png')))}.png"
        argv = ["-o", str(out), "--size", "48x48", "--no-legend", *argv]
        assert cli(gl_context, ["render", "bottle", *argv]) == 0
        return np.asarray(Image.open(out)).astype(int)

    plain = picture("--mode", "output")
    every = picture("--mode", "output", "--boundaries")
    assert np.array_equal(
        every, picture("--mode", "output", "--boundaries", "0,1", "--boundaries", "2")
    )
    layer = picture("--mode", "output", "--boundaries", "1")
    one = picture("--mode", "output", "--boundaries", "1:3")
    drawn = [np.abs(p - plain).sum(axis=2) > 0 for p in (every, layer, one)]
    assert drawn[0].sum() > drawn[1].sum() > drawn[2].sum() > 0
    assert not (drawn[2] & ~drawn[1]).any()  # neuron 3's line is one of layer 1's
    # The boundaries mode draws only those asked for.
    grey = ["--colormap", "grey", "--boundaries", "1:3"]
    assert np.array_equal(
        picture("--mode", "boundaries", *grey), picture("--mode", "output", *grey)
    )
    frames = tmp_path / "frames"
    argv = ["record", "bottle", "--animation", "zoom", "--frames", "1", "--size", "48x48"]
    assert (
        cli(gl_context, [*argv, "--mode", "output", "--boundaries", "1:3", "-o", f"{frames}/"]) == 0
    )
    assert np.array_equal(np.asarray(Image.open(frame_files(frames)[0])).astype(int), one)
    assert main(["render", "bottle", "-o", str(tmp_path / "x.png"), "--boundaries", "1:99"]) == 2
    assert one_error(capsys) == "--boundaries: got '1:99'; allowed: neurons 0..15 of layer 1."


# --- weight scale: absolute init scales, or factors -----------------------------------------


def test_absolute_weight_scales_are_network_scale(gl_context, tmp_path, capsys):
    art = write(tmp_path / "art.toml", ART)  # drawn at scale 0.5
    base = ["record", art, "--animation", "weight-scale", "--frames", "3", *SIZE]
    runs = {
        "absolute": ["--scale-from", "0.25", "--scale-to", "1.0"],
        "factors": ["--factor-from", "0.5", "--factor-to", "2.0"],
    }
    folder = {name: tmp_path / name for name in runs}
    assert cli(gl_context, [*base, *runs["absolute"], "-o", f"{folder['absolute']}/"]) == 0
    assert cli(gl_context, [*base, *runs["factors"], "-o", f"{folder['factors']}/"]) == 0
    a, f = (frame_files(folder[n]) for n in ("absolute", "factors"))
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in f]
    # Absolute: drawn at scale 0.25 instead, the frames show the same weights (1x to 4x).
    changed = [*base, "--set", "network.scale=0.25", "--set", "network.bias_scale=0.25"]
    assert cli(gl_context, [*changed, *runs["absolute"], "-o", f"{tmp_path / 'c'}/"]) == 0
    for p, q in zip(frame_files(tmp_path / "c"), a, strict=True):
        diff = np.abs(np.asarray(Image.open(p)).astype(int) - np.asarray(Image.open(q)))
        assert diff.max() <= 2  # float32 rounding apart
    refused = {
        "--scale-from nan": "--scale-from: got nan; allowed: a finite weight scale > 0",
        "--scale-to -1": "--scale-to: got -1.0; allowed: a finite weight scale > 0",
        "--factor-to inf": "--factor-to: got inf; allowed: a finite factor > 0",
        "--scale-to 1 --factor-from 0.5": "--factor-from: got 0.5; allowed: absolute --scale",
        "--scale-to 1 --set network.scale=0": "--set: network.scale: got 0.0; allowed: a scale > 0",
    }
    for extra, message in refused.items():
        assert main([*base, *extra.split(), "-o", f"{tmp_path / 'x'}/"]) == 2
        assert one_error(capsys).startswith(message), extra
    net = tmp_path / "net.npz"
    Network.random((2, 4, 1), seed=1).save(net)
    argv = ["record", str(net), "--animation", "weight-scale", "--scale-to", "2"]
    assert main([*argv, "-o", f"{tmp_path}/x/"]) == 2
    assert "only a preset SOURCE has; allowed with a .npz: --factor-from" in one_error(capsys)


# --- --steps ------------------------------------------------------------------------------------


def test_record_steps_are_the_training_steps_filmed(gl_context, tiny, tmp_path, capsys):
    run = tmp_path / "run.npz"
    argv = ["record", tiny, "--frames", "4", *SIZE, "-o", f"{tmp_path / 'f'}/", "--save-run"]
    assert cli(gl_context, [*argv, str(run), "--steps", "12"]) == 0
    assert list(RunFile.load(run).steps) == [0, 4, 8, 12]  # spread over the frames
    # More steps asked per frame than max_steps allows: the film stops training there.
    paced = ["--steps-per-frame", "4", "--snapshot-every", "1"]
    assert cli(gl_context, [*argv, str(run), "--steps", "5", *paced]) == 0
    assert list(RunFile.load(run).steps)[-1] == 5
    zoom = ["record", tiny, "--animation", "zoom", "--steps", "5", "-o", f"{tmp_path}/z/"]
    assert main(zoom) == 2
    assert one_error(capsys) == (
        "--steps: got 5; allowed: only with --animation training (this recording is zoom)."
    )


# --- presets NAME: readable TOML that loads back equal ---------------------------------------


@pytest.mark.parametrize("name", list(builtin_presets()))
def test_presets_name_prints_readable_toml_that_loads_back_equal(name, capsys):
    assert main(["presets", name]) == 0
    text = capsys.readouterr().out
    assert parse_preset(tomllib.loads(text)) == load_preset(name)
    lines = text.splitlines()
    assert all(len(line) <= 100 for line in lines if not line.startswith("description"))
    assert [line for line in lines if line.startswith("[")] == [
        "[network]",
        "[target]",
        "[train]",
        "[view]",
    ]
    preset = load_preset(name)
    hidden = ", ".join(map(str, preset.network.hidden))
    if len(hidden) < 80:
        assert f"hidden = [{hidden}]" in lines
    assert "domain = [" in text and "features = [" in text


@pytest.mark.parametrize("value", ["[" * 5000 + "]" * 5000, "9" * 5000])
def test_a_setting_toml_cannot_read_is_one_paragraph(capsys, value):
    """Nesting too deep or an integer over Python's 4300 digits: RecursionError and
    ValueError, where a preset file with the same text was already refused cleanly."""
    assert main(["train", "xor", "--steps", "1", "--set", f"train.max_steps={value}"]) == 2
    err = one_error(capsys)
    assert err.startswith("--set: got 'train.max_steps=") and "integers of at most 4300" in err
