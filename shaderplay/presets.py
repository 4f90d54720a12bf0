"""Presets: TOML files naming what to fit, with which network, how to train
and what to show.

A preset file has top-level `name` and `description` and the tables
`[network]` (NetConfig), `[target]` (TargetConfig), `[train]` (TrainConfig)
and `[view]` (ViewConfig); keys are the dataclass fields (shaderplay/config.py)
and any key left out keeps its default, with two exceptions that follow the
target so a preset cannot silently train a classifier with the wrong loss:
- no `train.loss`: "bce" for binary targets, "cross_entropy" for multi-class,
  "mse" otherwise;
- no `network.output`: "linear" (logits) when the loss is cross_entropy,
  "sigmoid" otherwise.
A missing `name` is the file's stem. Relative file paths in `[target]`
(`path`, or a `name` that is a file) are relative to the preset file's folder.

Built-in presets live in assets/presets/ and are addressed by file stem.
"""

import tomllib
from dataclasses import asdict, replace
from pathlib import Path

import tomli_w

from .checks import atomic_file
from .config import TABLES, Preset, TargetConfig
from .errors import ShaderplayError, bad_value, named, shown
from .preset_schema import (
    TEXTS,
    check_preset,
    check_table,
    check_texts,
    remember,
    table_from_toml,
    typed_changes,
)
from .resources import asset_dir
from .targets import FILE_KINDS, resolve, target_kind

DEFAULT_LOSS = {"binary": "bce", "multiclass": "cross_entropy", "regression": "mse", "none": "mse"}


def default_output(loss: str) -> str:
    """The output activation of a preset that names none: logits for cross-entropy, else sigmoid."""
    return "linear" if loss == "cross_entropy" else "sigmoid"


def preset_dir() -> Path:
    return asset_dir() / "presets"


def builtin_presets() -> dict[str, str]:
    """Built-in preset name -> description, "default" first, then by name."""
    out = {}
    for path in sorted(preset_dir().glob("*.toml"), key=lambda p: (p.stem != "default", p.stem)):
        with open(path, "rb") as fh:
            out[path.stem] = str(tomllib.load(fh).get("description", ""))
    return out


def _locate(name_or_path) -> Path:
    text = str(name_or_path)
    is_path = (
        isinstance(name_or_path, Path) or text.endswith(".toml") or "/" in text or "\\" in text
    )
    if not is_path:
        path = preset_dir() / f"{text}.toml"
        if path.is_file():
            return path
    elif Path(text).is_file():
        return Path(text)
    names = ", ".join(builtin_presets())
    raise bad_value(
        "preset", text, f"a built-in preset ({names}) or the path of an existing .toml file"
    )


def _resolve_paths(target: TargetConfig, base_dir: Path | None) -> TargetConfig:
    if base_dir is None:
        return target
    if target.path and not Path(target.path).is_absolute():
        target = replace(target, path=str(base_dir / target.path))
    source, what = resolve(target)
    if source in FILE_KINDS and what == target.name and not Path(what).is_absolute():
        target = replace(target, name=str(base_dir / what))
    return target


def parse_preset(
    data: dict,
    default_name: str = "preset",
    base_dir: Path | None = None,
    changes: dict | None = None,
) -> Preset:
    """A preset from parsed TOML (a dict), validated, with the defaults above.
    `changes` (`{"table.key": value}`, as `--set` gives them) count as lines of the
    file, so the defaults follow them too; a relative path among them is relative
    to the working folder, not to `base_dir`."""
    for key, value in data.items():
        if key not in TABLES and key not in TEXTS:
            what = (
                f"unknown table [{named(key)}]"
                if isinstance(value, dict)
                else f"unknown top-level key {shown(key)}"
            )
            tables = ", ".join(f"[{t}]" for t in TABLES)
            raise ShaderplayError(
                f"{what}; allowed: the tables {tables} and the keys name, description."
            )
    check_texts(data)
    changed = typed_changes(changes or {})
    tables = {name: table_from_toml(name, data.get(name, {})) for name in TABLES}
    tables["target"] = _resolve_paths(tables["target"], base_dir)
    tables = {
        name: check_table(name, replace(config, **changed.get(name, {})))
        for name, config in tables.items()
    }
    stated = {name: {*data.get(name, {}), *changed.get(name, {})} for name in TABLES}
    train, network = tables["train"], tables["network"]
    if "loss" not in stated["train"]:
        train = replace(train, loss=DEFAULT_LOSS[target_kind(tables["target"])])
    if "output" not in stated["network"]:
        network = replace(network, output=default_output(train.loss))
    preset = Preset(
        name=data.get("name", default_name),
        description=data.get("description", ""),
        network=network,
        target=tables["target"],
        train=train,
        view=tables["view"],
    )
    return remember(preset)  # every field and table checked above


def load_preset(name_or_path, changes: dict | None = None) -> Preset:
    """A built-in preset by name, or a `.toml` file by path, with `changes` as
    `parse_preset` takes them."""
    path = _locate(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib says "at end of document" without a line: name the last line.
        where = f"at the end of the file, line {len(text.splitlines())}"
        reason = str(exc).replace("at end of document", where)
        raise ShaderplayError(f"preset {path}: not valid TOML: {reason}.") from None
    except UnicodeDecodeError:
        raise ShaderplayError(
            f"preset {path}: not a UTF-8 text file; allowed: a TOML file."
        ) from None
    except (ValueError, RecursionError) as exc:  # an integer over 4300 digits, deep nesting
        raise ShaderplayError(
            f"preset {path}: not a TOML file shaderplay can read ({exc.__class__.__name__}); "
            "allowed: integers of at most 4300 digits, arrays not nested hundreds deep."
        ) from None
    except OSError as exc:
        raise ShaderplayError(f"preset {path}: cannot read it ({exc.strerror}).") from None
    try:
        return parse_preset(data, default_name=path.stem, base_dir=path.parent, changes=changes)
    except ShaderplayError as exc:
        if any(str(exc).startswith(f"{key}:") for key in changes or {}):
            raise  # about a change, named as it is
        raise ShaderplayError(f"preset {path}: {exc}") from None


def preset_to_dict(preset: Preset) -> dict:
    """Every field, tuples as lists: what `save_preset` writes."""
    out = {"name": preset.name, "description": preset.description}
    for table in TABLES:
        out[table] = {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in asdict(getattr(preset, table)).items()
        }
    return out


LINE = 100  # columns: a list longer than a line wraps, several items a line


def _literal(value) -> str:
    """One TOML scalar as tomli_w writes it (quoting, escapes, float forms)."""
    return tomli_w.dumps({"v": value}).removeprefix("v = ").rstrip("\n")


def _line(key: str, value) -> str:
    """`key = value`, a list on one line where it fits, else wrapped under the key."""
    if not isinstance(value, list):
        return f"{key} = {_literal(value)}"
    items = [_literal(v) for v in value]
    one = f"{key} = [{', '.join(items)}]"
    if len(one) <= LINE:
        return one
    rows, row = [], "   "
    for item in items:
        if len(row) + len(item) + 2 > LINE:
            rows.append(row.rstrip())
            row = "   "
        row += f" {item},"
    return "\n".join([f"{key} = [", *rows, row, "]"])


def preset_to_toml(preset: Preset) -> str:
    """`preset` as readable TOML: name and description, then the tables in order with
    every field explicit, short lists on one line; `load_preset` reads it back equal."""
    data = preset_to_dict(preset)
    lines = [_line(key, data[key]) for key in TEXTS]
    for table in TABLES:
        lines += ["", f"[{table}]", *(_line(k, v) for k, v in data[table].items())]
    return "\n".join(lines) + "\n"


def save_preset(preset: Preset, path) -> None:
    """Write `preset` as TOML with every field explicit; `load_preset` reads it back equal."""
    check_preset(preset)
    with atomic_file(path, "preset file", "w", encoding="utf-8") as fh:
        fh.write(preset_to_toml(preset))


__all__ = [
    "DEFAULT_LOSS",
    "builtin_presets",
    "default_output",
    "load_preset",
    "parse_preset",
    "preset_dir",
    "preset_to_dict",
    "preset_to_toml",
    "save_preset",
]
