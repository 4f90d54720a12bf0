"""A preset's tables -> checked config dataclasses, and changes to a preset.

Three kinds of rule, each in one place:
- a field's own (type, range, names): declared on the field (config.py) and
  applied by `config.coerce`, for TOML, keyword arguments and overrides alike;
- between the fields of one table: here (per-layer lists against `hidden`)
  and in targets.py (`check_source`: a name or file, its domain);
- between tables: build.py, when a preset becomes objects.
`table_from_toml` reads one TOML table, `check_preset` checks a Preset made in
code, `set_fields` / `apply_overrides` change fields of a preset
("train.lr=0.01", as a command line gives them; `parse_setting` reads one),
`typed_changes` types changes for both and for a file's loader (presets.py),
which takes them as lines of the file. A preset checked once is
remembered (it is frozen), so loading and then building checks it once.
Every error names the field as `table.key`, the value found and what is allowed.
"""

import tomllib
import weakref
from dataclasses import replace

from .config import TABLES, NetConfig, Preset, check_fields, coerce
from .errors import bad_value
from .fields import convert
from .targets import check_source

_CHECKED = weakref.WeakValueDictionary()  # id -> Preset that passed every rule


def table_from_toml(table: str, data):
    """One TOML table -> its config dataclass, every key coerced; unknown keys
    list the allowed ones. The rules between its fields come after (`check_table`)."""
    if not isinstance(data, dict):
        raise bad_value(f"[{table}]", data, "a table of key = value lines")
    return TABLES[table](**{key: coerce(table, key, value) for key, value in data.items()})


def _check_layers(net: NetConfig) -> NetConfig:
    """`activation` and `norm`: one name for every hidden layer, or one per hidden layer."""
    depth = len(net.hidden)
    for key in ("activation", "norm"):
        value = getattr(net, key)
        if not isinstance(value, str) and len(value) != depth:
            allowed = f"one name, or a list of {depth} (one per hidden layer)"
            raise bad_value(f"network.{key}", list(value), allowed)
    return net


_TABLE_RULES = {"network": _check_layers, "target": check_source}


def check_table(table: str, config):
    """The rules between one table's fields (its fields already checked)."""
    rule = _TABLE_RULES.get(table)
    return rule(config) if rule else config


TEXTS = ("name", "description")  # a preset's keys beside its tables


def check_texts(values: dict) -> None:
    """`name` and `description`, where given, are strings."""
    for key in TEXTS:
        convert(key, values.get(key, ""), str)


def remember(preset: Preset) -> Preset:
    """Mark `preset` as checked: `check_preset` passes it without checking again."""
    _CHECKED[id(preset)] = preset
    return preset


def check_preset(preset: Preset) -> Preset:
    """`preset` with every field checked (and typed) and the rules within each
    table applied; a preset already checked is returned as it is."""
    if _CHECKED.get(id(preset)) is preset:
        return preset
    check_texts({key: getattr(preset, key) for key in TEXTS})
    tables = {t: check_table(t, check_fields(t, getattr(preset, t))) for t in TABLES}
    return remember(replace(preset, **tables))


# --- changes ------------------------------------------------------------------------


def typed_changes(changes: dict) -> dict[str, dict]:
    """`{"table.key": value}` -> `{table: {key: typed value}}`, each value through
    `coerce` (the rules within a table come after, on the changed table)."""
    tables: dict[str, dict] = {}
    for dotted, value in changes.items():
        table, _, key = str(dotted).partition(".")
        if not key:
            raise bad_value("setting", dotted, "table.key, e.g. train.lr")
        tables.setdefault(table, {})[key] = coerce(table, key, value)
    return tables


def set_fields(preset: Preset, changes: dict) -> Preset:
    """`preset` with `{"table.key": value}` changes, each value through `coerce`;
    the tables changed are checked again as a whole (a new `hidden` against its
    per-layer activations). `set_fields(p, {"train.lr": 0.01})`."""
    preset = check_preset(preset)
    tables = {
        table: check_table(table, replace(getattr(preset, table), **values))
        for table, values in typed_changes(changes).items()
    }
    return remember(replace(preset, **tables))


def parse_setting(text: str, field: str = "setting") -> tuple[str, object]:
    """ "table.key=value" -> ("table.key", value). The value is read as a TOML value
    (0.01, true, [8, 8], "adam"); text that is none (a bare word: adam) is a string.
    Errors name `field` (the command line's "--set")."""
    dotted, sep, raw = str(text).partition("=")
    dotted = dotted.strip()
    if not sep or not dotted:
        raise bad_value(field, text, "table.key=value, e.g. train.lr=0.01")
    table, _, key = dotted.partition(".")
    if not (table and key):
        raise bad_value(field, dotted, "table.key, e.g. train.lr")
    try:
        value = tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    except (ValueError, RecursionError):  # an integer over 4300 digits, deep nesting
        raise bad_value(
            field, text, "a TOML value: integers of at most 4300 digits, arrays not nested deep"
        ) from None
    return dotted, value


def apply_overrides(preset: Preset, assignments) -> Preset:
    """`preset` with "table.key=value" strings applied in order (a later one for the
    same key wins): `apply_overrides(p, ["train.lr=0.01", "network.hidden=[8, 8]"])`."""
    return set_fields(preset, dict(parse_setting(a) for a in assignments))


__all__ = [
    "TEXTS",
    "apply_overrides",
    "check_preset",
    "check_table",
    "check_texts",
    "parse_setting",
    "remember",
    "set_fields",
    "table_from_toml",
    "typed_changes",
]
