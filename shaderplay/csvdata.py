"""User points from a CSV file as a target.

Format: comma-separated, one point per line; blank lines and lines starting
with '#' are skipped. Two layouts:
- `x,y,label`: integer class labels 0..63. Labels {0, 1} make a binary set
  (y in {0, 1}, shape (N, 1)); anything else a multi-class set, one-hot with
  max(label) + 1 classes (a label is its output's index).
- `x,y,value[,value[,value]]`: regression with 1-3 values per point.
A header line is optional; it holds names only (a first line with a number in
it is a point, so a typo there is reported, not taken for a name), and at most
MAX_POINTS points follow. With a header the third column's name decides:
"label" or "class" means labels, any other name values. Without a header,
three columns whose third values are all integers are labels; write a header
(`x,y,value`) to fit integer values by regression.

The domain is the points' bounding box padded by 10% on each side; `noise`
jitters point positions (data units), as for the built-in point sets.
"""

import csv
from dataclasses import replace
from itertools import islice
from pathlib import Path

import numpy as np

from .config import MAX_COORD, MAX_POINTS
from .dataset import Dataset
from .errors import ShaderplayError, bad_value

MAX_CLASSES = 64
_LABEL_NAMES = ("label", "class")


def _number(text: str):
    """The number `text` holds, None unless it is one within ±MAX_COORD."""
    try:
        v = float(text)
    except ValueError:
        return None
    return v if abs(v) <= MAX_COORD else None


def _is_name(text: str) -> bool:
    """Whether `text` is a column name: anything float() cannot read (nan and inf it can)."""
    try:
        float(text)
    except ValueError:
        return True
    return False


def _rows(path: Path):
    """(line number, [fields]) of every data line, fields stripped."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            start = 1
            for row in reader:
                if any("\n" in f or "\r" in f for f in row):  # a quote left open
                    raise ShaderplayError(
                        f'{path} line {start}: a quote (") opened on this line is not closed '
                        "on it; allowed: lines of x,y,label or x,y,value, a quoted field "
                        "closed on its own line."
                    )
                start = reader.line_num + 1
                fields = [f.strip() for f in row]
                if not any(fields) or fields[0].startswith("#"):
                    continue
                yield reader.line_num, fields
    except UnicodeDecodeError:
        raise ShaderplayError(
            f"target.path: {str(path)!r} is not a UTF-8 text file; allowed: a CSV "
            "file of x,y,label or x,y,value lines."
        ) from None
    except OSError as exc:
        raise ShaderplayError(
            f"target.path: cannot read {str(path)!r} ({exc.strerror}); allowed: a readable file."
        ) from None
    except csv.Error as exc:  # a field over csv's size limit, a NUL byte
        raise ShaderplayError(
            f"{path} line {reader.line_num}: {exc}; allowed: lines of x,y,label or "
            "x,y,value with short numeric fields."
        ) from None


def read_csv(path) -> tuple[np.ndarray, np.ndarray, str]:
    """(points (N, 2), y (N, k), kind); errors name the file, line and column."""
    path = Path(path)
    if not path.is_file():
        raise bad_value("target.path", str(path), "an existing .csv file")
    rows = list(islice(_rows(path), MAX_POINTS + 2))  # a header, the points and one too many
    if not rows:
        raise ShaderplayError(f"{path}: no data lines; allowed: lines of x,y,label or x,y,value.")
    names = None
    first_line, first = rows[0]
    # A header holds names only: a first line with any number in it is a point, and a
    # typo in it is reported below rather than taken for a column name.
    if all(map(_is_name, first)):
        names, rows = [f.lower() for f in first], rows[1:]
        if not rows:
            raise ShaderplayError(f"{path}: only a header line; allowed: data lines after it.")
    if len(rows) > MAX_POINTS:
        raise ShaderplayError(
            f"{path}: more than {MAX_POINTS:,} data lines; allowed: at most {MAX_POINTS:,} points."
        )
    width = len(names) if names else len(rows[0][1])
    if not 3 <= width <= 5:
        where = f"line {first_line}" if names else f"line {rows[0][0]}"
        raise bad_value(
            f"{path} {where}",
            ",".join(names or rows[0][1]),
            "3 to 5 columns: x,y,label or x,y,value[,value[,value]]",
        )
    columns = names or ["x", "y"] + [f"column {j + 1}" for j in range(2, width)]
    table = np.empty((len(rows), width))
    for i, (line, fields) in enumerate(rows):
        if len(fields) != width:
            raise bad_value(
                f"{path} line {line}", ",".join(fields), f"{width} columns like {','.join(columns)}"
            )
        for j, text in enumerate(fields):
            value = _number(text)
            if value is None:
                raise bad_value(
                    f"{path} line {line}, column {j + 1} ({columns[j]})",
                    text,
                    f"a finite number within ±{MAX_COORD:g}"
                    + (" (a header line holds names only)" if names is None and i == 0 else ""),
                )
            table[i, j] = value
    points, values = table[:, :2], table[:, 2:]
    labelled = (
        (names[2] in _LABEL_NAMES) if names else (width == 3 and np.all(values == np.round(values)))
    )
    if not labelled:
        return points, values, "regression"
    return points, *_classes(path, rows, values[:, 0], columns[2])


def _classes(path, rows, labels, column):
    for (line, fields), label in zip(rows, labels, strict=True):
        if label != round(label) or not 0 <= label < MAX_CLASSES:
            raise bad_value(
                f"{path} line {line}, column 3 ({column})",
                fields[2],
                f"an integer class label 0..{MAX_CLASSES - 1}",
            )
    labels = labels.astype(np.intp)
    if len(np.unique(labels)) < 2:
        raise bad_value(
            f"{path} column 3 ({column})", f"only label {int(labels[0])}", "at least two classes"
        )
    if labels.max() == 1:
        return labels[:, None].astype(np.float64), "binary"
    return np.eye(labels.max() + 1)[labels], "multiclass"


def csv_dataset(path, name: str, noise=0.0, test_fraction=0.2, seed=0) -> Dataset:
    points, values, kind = read_csv(path)
    rng = np.random.default_rng(seed)
    split_seed = int(rng.integers(2**31))  # drawn first: noise leaves the split alone
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = np.where(hi > lo, 0.1 * (hi - lo), 1.0)
    domain = (
        float(lo[0] - pad[0]),
        float(hi[0] + pad[0]),
        float(lo[1] - pad[1]),
        float(hi[1] + pad[1]),
    )
    if noise > 0:
        points = points + rng.normal(0.0, noise, points.shape)
    data = Dataset.from_arrays(
        points, values, name=name, kind=kind, test_fraction=test_fraction, seed=split_seed
    )
    return replace(data, domain=domain)
