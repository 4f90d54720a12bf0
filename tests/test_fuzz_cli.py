"""Property-based tests of the command line's values: random text for every value
flag of `render` and `train` (sizes, views, ranges, modes, boundaries, colormaps,
step counts and the preset shortcuts), run in this process through `main`. The
contract: exit 0 with a finite result, or exit 2 with one paragraph (shaderplay's
own, or argparse's usage and one error line); never a traceback or a hang."""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_durable import TINY

from shaderplay.cli import main

FAST = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 40)),
    # The same examples every run, so a red test run is reproducible; FUZZ_RANDOM=1 draws
    # new ones (a fuzz hunt).
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text a user could type for any value: numbers at the edges, lists, words, garbage.
ANY = st.one_of(
    st.sampled_from(
        ["", "0", "-1", "1e300", "nan", "inf", "-inf", "1.5", "2**70", "99999999999999999999"]
    ),
    st.sampled_from(["a,b", ",,,", "1,2", "1,2,3", "1,2,3,4,5", "x", "tanh", "-", "--", "é"]),
    st.text(max_size=10),
    st.integers(-(10**25), 10**25).map(str),
    st.floats().map(repr),
)
SMALL = st.integers(-2, 48)
SIZES = st.one_of(ANY, st.tuples(SMALL, SMALL).map(lambda s: f"{s[0]}x{s[1]}"))
VIEWS = st.one_of(
    ANY,
    st.lists(
        st.floats(-1e40, 1e40) | st.sampled_from([0.0, float("nan")]), min_size=4, max_size=4
    ).map(lambda v: ",".join(map(repr, v))),
)
MODES = st.one_of(
    ANY,
    st.sampled_from(["output", "neuron", "mosaic", "regions", "boundaries", "error", "side"]),
    st.tuples(st.sampled_from(["neuron", "output"]), SMALL, SMALL).map(
        lambda m: f"{m[0]}:{m[1]}:{m[2]}"
    ),
)


def not_long(text: str, most: int = 48) -> bool:
    """False for a count that would run long (valid and over `most`); bounds refuse
    counts over 10**12, so those stay in."""
    try:
        value = float(text)
    except ValueError:
        return True
    return not (most < value <= 1e12)


RENDER_FLAGS = {
    "--size": SIZES,
    "--view": VIEWS,
    "--mode": MODES,
    "--range": st.one_of(ANY, st.tuples(SMALL, SMALL).map(lambda r: f"{r[0]},{r[1]}")),
    "--colormap": st.one_of(ANY, st.sampled_from(["viridis", "magma", "coolwarm"])),
    "--boundaries": st.one_of(ANY, st.tuples(SMALL, SMALL).map(lambda b: f"{b[0]}:{b[1]}")),
    "--seed": st.one_of(ANY, SMALL.map(str)),
    "--hidden": st.one_of(ANY, st.lists(SMALL, max_size=3).map(lambda h: ",".join(map(str, h)))),
    "--activation": st.one_of(ANY, st.sampled_from(["relu", "tanh,relu", "sigmoid"])),
    "--set": st.one_of(ANY, st.sampled_from(["network.scale=", "view.mode=x", "a.b=1"])),
}
TRAIN_FLAGS = {
    "--steps": st.one_of(ANY.filter(not_long), SMALL.map(str)),
    "--lr": st.one_of(ANY, st.sampled_from(["1e-3", "0", "1e30"])),
    "--batch-size": st.one_of(ANY, SMALL.map(str)),
    "--optimizer": st.one_of(ANY, st.sampled_from(["adam", "sgd", "rmsprop"])),
    "--output-activation": st.one_of(ANY, st.sampled_from(["linear", "sigmoid"])),
}


def flags(table: dict):
    """One to three of `table`'s flags, each with a drawn value."""
    names = st.lists(st.sampled_from(sorted(table)), min_size=1, max_size=3, unique=True)
    return names.flatmap(lambda ns: st.tuples(*(st.tuples(st.just(n), table[n]) for n in ns)))


def run(argv, capsys) -> tuple[int, str]:
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse refusing a value: usage and one error line
        status = exc.code
    err = capsys.readouterr().err
    return status, err


def assert_contract(status, err) -> None:
    assert "Traceback" not in err, err
    if status == 0:
        return
    assert status == 2, (status, err)
    lines = [line for line in err.splitlines() if line.strip()]
    last = lines[-1]
    assert last.startswith("shaderplay"), err  # shaderplay: … or shaderplay render: error: …
    if "error:" not in last:  # shaderplay's own message: one paragraph, nothing before it
        assert len(lines) == 1 and len(last) < 2000, err


RECORD_FLAGS = {
    "--animation": st.one_of(ANY, st.sampled_from(["training", "zoom", "weight-scale", "morph"])),
    "--frames": st.one_of(ANY.filter(lambda s: not_long(s, 6)), st.integers(-1, 6).map(str)),
    "--fps": ANY,
    "--size": SIZES,
    "--steps-per-frame": st.one_of(ANY.filter(not_long), SMALL.map(str)),
    "--zoom-to": VIEWS,
    "--scale-from": ANY,
    "--scale-to": ANY,
    "--factor-from": ANY,
    "--seed-b": ANY,
    "--crf": ANY,
    "--x264-preset": st.one_of(ANY, st.just("ultrafast")),
    "--mode": MODES,
}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "tiny.toml"
    path.write_text(TINY)
    return path


def command_line(base: list[str], chosen, defaults: dict[str, str]) -> list[str]:
    """`base`, then the chosen `--flag=value`s, then each default flag not chosen (small
    pictures, few steps: the fuzz is about values, not about time)."""
    named = {name for name, _ in chosen}
    argv = base + [f"{name}={value}" for name, value in chosen]
    return argv + [f"{k}={v}" for k, v in defaults.items() if k not in named]


@FAST
@given(chosen=flags(RENDER_FLAGS))
def test_render_values_render_or_are_refused_in_one_paragraph(tmp_path, tiny, capsys, chosen):
    out = tmp_path / "v.npy"
    argv = command_line(["render", str(tiny), "-o", str(out)], chosen, {"--size": "8x8"})
    status, err = run(argv, capsys)
    assert_contract(status, err)
    if status == 0:
        assert np.isfinite(np.load(out)).all()


@FAST
@given(chosen=flags(TRAIN_FLAGS))
def test_train_values_train_or_are_refused_in_one_paragraph(tmp_path, tiny, capsys, chosen):
    base = ["train", str(tiny), "--save", str(tmp_path / "n.npz")]
    status, err = run(command_line(base, chosen, {"--steps": "3"}), capsys)
    assert_contract(status, err)


@settings(FAST, max_examples=max(FAST.max_examples // 2, 1))
@given(chosen=flags(RECORD_FLAGS), gif=st.booleans())
def test_record_values_record_or_are_refused_in_one_paragraph(tmp_path, tiny, capsys, chosen, gif):
    out = tmp_path / ("r.gif" if gif else "r.mp4")
    defaults = {"--size": "16x16", "--frames": "3"}
    argv = command_line(["record", str(tiny), "-o", str(out)], chosen, defaults)
    status, err = run(argv, capsys)
    assert_contract(status, err)
    if status == 0:
        assert out.stat().st_size > 0
