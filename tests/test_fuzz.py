"""Property-based tests of the input boundaries: random preset values, `.npz` contents,
CSV texts and API arguments. The contract everywhere: a correct result (typed values
that obey their rules, finite weights and pictures) or one ShaderplayError paragraph
that names what was wrong; never another exception. Small example counts keep the
module to a few seconds; a failure prints the example that broke it."""

import os
import tempfile
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shaderplay.config import TABLES, coerce
from shaderplay.dataset import KINDS
from shaderplay.errors import ShaderplayError
from shaderplay.network import Network
from shaderplay.preset_schema import apply_overrides, check_preset
from shaderplay.presets import parse_preset
from shaderplay.runs import RunFile, RunRecorder
from shaderplay.targets import load_target
from shaderplay.train.settings import make_config

FAST = settings(
    max_examples=60,
    # The same examples every run, so a red test run is reproducible; FUZZ_RANDOM=1 draws
    # new ones (a fuzz hunt).
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,  # no example files left in the tree
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- values a user can write ---------------------------------------------------------------

SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, -1, 2**63, 10**20, 4096, 4097]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-300, 1e300, 1e6, 0.5, float("nan")]),
    st.text(max_size=12),
    st.sampled_from(["tanh", "relu", "adam", "x", "fsin3", "z99999", "cosine", "output"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=4), inner, max_size=2)
    ),
    max_leaves=8,
)
FIELD_KEYS = {table: [f.name for f in fields(cls)] for table, cls in TABLES.items()}


@st.composite
def table_entries(draw):
    table = draw(st.sampled_from(sorted(TABLES)))
    key = draw(st.sampled_from(FIELD_KEYS[table]) | st.text(min_size=1, max_size=6))
    return table, key, draw(VALUES)


def _one_paragraph(exc: ShaderplayError) -> str:
    msg = str(exc)
    assert msg and "\n" not in msg and len(msg) < 2000, msg
    return msg


@FAST
@given(entries=st.lists(table_entries(), min_size=1, max_size=3))
def test_preset_values_are_typed_and_checked_or_refused_by_name(entries):
    data: dict = {}
    for table, key, value in entries:
        data.setdefault(table, {})[key] = value
    try:
        preset = parse_preset(data)
    except ShaderplayError as exc:
        msg = _one_paragraph(exc)
        assert any(table in msg for table, _, _ in entries), msg
        return
    # Accepted: every field has its type and obeys its rule (checking again changes nothing).
    for table in TABLES:
        config = getattr(preset, table)
        for f in fields(config):
            value = getattr(config, f.name)
            assert coerce(table, f.name, value) == value
    assert check_preset(preset) == preset


@FAST
@given(entries=st.lists(table_entries(), min_size=1, max_size=2))
def test_overrides_as_the_command_line_gives_them(entries):
    texts = [f"{table}.{key}={value!r}" for table, key, value in entries]
    try:
        apply_overrides(check_preset(parse_preset({})), texts)
    except ShaderplayError as exc:
        _one_paragraph(exc)


@FAST
@given(changes=st.dictionaries(st.sampled_from(FIELD_KEYS["train"]), VALUES, max_size=3))
def test_trainer_settings_are_typed_and_checked_or_refused(changes):
    try:
        config = make_config(None, changes)
    except ShaderplayError as exc:
        assert "train." in _one_paragraph(exc)
        return
    assert config.validate() == config


NETWORK_ARGS = ("activation", "output", "init", "scale", "bias_init", "bias_scale", "seed")


@FAST
@given(
    sizes=st.lists(st.integers(min_value=-2, max_value=6), max_size=4) | SCALARS,
    kwargs=st.dictionaries(st.sampled_from(NETWORK_ARGS), SCALARS, max_size=3),
)
def test_network_arguments_give_a_finite_network_or_one_error(sizes, kwargs):
    try:
        net = Network.random(sizes, **kwargs)
    except ShaderplayError as exc:
        _one_paragraph(exc)
        return
    assert np.all(np.isfinite(net.params))
    assert np.all(np.isfinite(net.forward(np.zeros((3, 2)))))


# --- .npz files ------------------------------------------------------------------------------

DTYPES = st.sampled_from(["float32", "float64", "int64", "complex64", "bool", "<U5"])


@st.composite
def arrays(draw, shape=None):
    """An array of a random dtype; of a random small shape unless `shape` is given."""
    if shape is None:
        shape = draw(st.lists(st.integers(min_value=0, max_value=5), max_size=3))
    dtype = np.dtype(draw(DTYPES))
    size = int(np.prod(shape))
    if dtype.kind == "U":
        words = st.sampled_from(["x", "y", "tanh", "fsin9", "z3", "2", "4", "a", "", "{}"])
        return np.array(draw(st.lists(words, min_size=size, max_size=size)), dtype).reshape(shape)
    numbers = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-9, 9)
    numbers |= st.sampled_from([1e300, -1e300, 2.0**40, 0.5])
    values = np.array(draw(st.lists(numbers, min_size=size, max_size=size)), np.float64)
    with np.errstate(all="ignore"):  # NaN and huge floats cast to ints and bools as they may
        return values.astype(dtype).reshape(shape)


@st.composite
def mutations(draw, originals: dict):
    """1-3 changes to a file's arrays: a key dropped, or given an array of any shape, or of
    the shape it had (so its dtype and values are what is tested)."""
    changes = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        key = draw(st.sampled_from([*sorted(originals), "extra"]))
        kind = draw(st.sampled_from(["drop", "any shape", "same shape"]))
        if kind == "drop":
            changes.append((key, None))
        elif kind == "any shape" or key not in originals:
            changes.append((key, draw(arrays())))
        else:
            changes.append((key, draw(arrays(shape=np.shape(originals[key])))))
    return changes


def _network_arrays():
    net = Network.random((2, 3, 1), seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        net.save(Path(tmp) / "n.npz")
        return dict(np.load(Path(tmp) / "n.npz"))


def _run_arrays():
    net = Network.random((2, 3, 1), seed=0)
    rec = RunRecorder(net, meta={"domain": [-1, 1, -1, 1]})
    rec.add(0, net.params)
    rec.add(3, net.params)
    with tempfile.TemporaryDirectory() as tmp:
        return dict(np.load(rec.save(Path(tmp) / "run.npz")))


NETWORK_FILE = _network_arrays()
RUN_FILE = _run_arrays()


def _write(path, arrays: dict, changes) -> Path:
    arrays = dict(arrays)
    for key, value in changes:
        if value is None:
            arrays.pop(key, None)
        else:
            arrays[key] = value
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    return path


def _check_loaded(load, path):
    try:
        loaded = load(path)
    except ShaderplayError as exc:
        assert str(path) in _one_paragraph(exc)
        return None
    return loaded


@FAST
@given(changes=mutations(NETWORK_FILE))
def test_network_files_load_finite_or_are_refused(tmp_path, changes):
    path = _write(tmp_path / "fuzz.npz", NETWORK_FILE, changes)
    net = _check_loaded(Network.load, path)
    if net is not None:
        assert net.params.dtype == np.float32 and np.all(np.isfinite(net.params))
        assert isinstance(net.meta, dict)
        out = net.forward(np.array([[0.0, 0.0], [0.5, -0.5]]))
        assert out.shape == (2, net.spec.n_out) and np.all(np.isfinite(out))


RUN_KEYS = ("snapshots", "steps", "snapshot_loss", "loss_history", "run_meta")


@FAST
@given(changes=mutations({k: v for k, v in RUN_FILE.items() if k in RUN_KEYS}))
def test_run_files_load_checked_or_are_refused(tmp_path, changes):
    path = _write(tmp_path / "run.npz", RUN_FILE, changes)
    run = _check_loaded(RunFile.load, path)
    if run is not None:
        assert np.all(np.isfinite(run.snapshots)) and np.all(np.diff(run.steps) > 0)
        assert isinstance(run.meta, dict) and len(run.snapshot_loss) == len(run)
        assert np.all(np.isfinite(run.network_at(-1).params))


# --- CSV texts -------------------------------------------------------------------------------

FIELDS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-3, 70).map(str),
    st.sampled_from(["x", "y", "label", "value", "class", "", " ", "#", '"1"', "1e400", "0x1"]),
    st.text(alphabet=',"\n\r\t# 0123456789.eE-+abc', max_size=8),
)
LINES = st.lists(FIELDS, min_size=0, max_size=6).map(",".join)


@FAST
@given(lines=st.lists(LINES, max_size=8))
def test_csv_texts_give_a_finite_dataset_or_one_error(tmp_path, lines):
    path = tmp_path / "fuzz.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        data = load_target(path, test_fraction=0.0)
    except ShaderplayError as exc:
        assert str(path) in _one_paragraph(exc)
        return
    assert data.kind in KINDS and len(data.x_train) >= 1
    assert data.x_train.shape[1] == 2 and data.y_train.shape[1] >= 1
    assert np.all(np.isfinite(data.x_train)) and np.all(np.isfinite(data.y_train))
    x0, x1, y0, y1 = data.domain
    assert x0 < x1 and y0 < y1


@pytest.mark.parametrize("text", ["0,0,0\n1,1,1\n", "x,y,value\n0,0,0.5\n1,1,2\n"])
def test_csv_fuzz_baseline_reads(tmp_path, text):
    """The fuzz's accepting branch is reachable: plain files read."""
    path = tmp_path / "ok.csv"
    path.write_text(text)
    assert len(load_target(path, test_fraction=0.0).x_train) == 2
