"""CSV targets: the two layouts, header or none, and errors that name the
file, the line and the column."""

import numpy as np
import pytest

from shaderplay.errors import ShaderplayError
from shaderplay.targets import load_target


def _write(tmp_path, text, name="points.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _all(d):
    return np.concatenate([d.x_train, d.x_test]), np.concatenate([d.y_train, d.y_test])


def test_binary_labels_without_header(tmp_path):
    rows = "\n".join(f"{i * 0.1:.1f},{-i * 0.2:.1f},{i % 2}" for i in range(10))
    d = load_target(_write(tmp_path, "# my points\n\n" + rows + "\n"), test_fraction=0.2, seed=4)
    assert d.kind == "binary" and d.n_out == 1 and d.name == "points"
    assert len(d.x_train) == 8 and len(d.x_test) == 2
    x, y = _all(d)
    # Every point keeps its own label through the shuffle.
    np.testing.assert_array_equal(y[:, 0], np.round(x[:, 0] * 10) % 2)
    # Domain: the bounding box padded by 10%.
    assert d.domain == pytest.approx((-0.09, 0.99, -1.98, 0.18))


def test_multiclass_labels_with_header_are_one_hot(tmp_path):
    d = load_target(_write(tmp_path, "x,y,label\n0,0,0\n1,0,1\n0,1,2\n1,1,2\n"), test_fraction=0.0)
    assert d.kind == "multiclass" and d.n_out == 3
    x, y = _all(d)
    assert y.sum(axis=1).tolist() == [1.0] * 4
    np.testing.assert_array_equal(y[(x[:, 0] == 0) & (x[:, 1] == 1)], [[0, 0, 1]])


def test_values_make_regression_and_a_header_forces_it(tmp_path):
    d = load_target(
        _write(tmp_path, "x,y,r,g,b\n0,0,0.1,0.2,0.3\n1,1,0.4,0.5,0.6\n2,1,1,1,1\n"),
        test_fraction=0.0,
    )
    assert d.kind == "regression" and d.n_out == 3
    d = load_target(_write(tmp_path, "x,y,value\n0,0,0\n1,0,1\n2,0,1\n", name="v.csv"))
    assert d.kind == "regression"
    d = load_target(_write(tmp_path, "0,0,0.5\n1,0,1\n2,0,0\n", name="w.csv"))
    assert d.kind == "regression"


@pytest.mark.parametrize(
    "text, where",
    [
        (
            "x,y,label\n0,0,0\n1,abc,1\n",
            r"line 3, column 2 \(y\): got 'abc'; allowed: a finite number",
        ),
        ("0,0,0\n1,1,1\n2,2\n", r"line 3: got '2,2'; allowed: 3 columns"),
        ("0,0,1\n1,1,nan\n", r"line 2, column 3 \(column 3\): got 'nan'"),
        (
            "x,y,label\n0,0,0\n1,1,1.5\n",
            r"line 3, column 3 \(label\): got '1.5'; allowed: an integer class label",
        ),
        ("x,y,label\n0,0,-1\n1,1,1\n", r"line 2, column 3 \(label\): got '-1'"),
        (
            "x,y,label\n0,0,1\n1,1,1\n",
            r"column 3 \(label\): got 'only label 1'; allowed: at least two classes",
        ),
        ("x,y\n0,0\n", r"line 1: got 'x,y'; allowed: 3 to 5 columns"),
        ("# nothing\n\n", r"no data lines"),
        ("x,y,label\n", r"only a header line"),
        ('x,y,label\n"0,0,1\n1,1,0\n', r"line 2: a quote \(\"\) opened on this line is not closed"),
        ('# c\n0,0,1\n1,1,"0\n2,2,1\n', r"line 3: a quote"),
    ],
)
def test_bad_csv_names_file_line_and_column(tmp_path, text, where):
    path = _write(tmp_path, text, "bad.csv")
    with pytest.raises(ShaderplayError, match=where) as err:
        load_target(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_missing_csv(tmp_path):
    with pytest.raises(ShaderplayError, match="target.path: got .*allowed: an existing .csv file"):
        load_target(tmp_path / "none.csv")
