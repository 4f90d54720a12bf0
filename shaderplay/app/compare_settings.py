"""The settings run B of an A/B comparison changes: which ones it may change, the
changes as a script or the A/B section gives them -> `{"table.key": value}`, and
how a run's values of them are written in labels ("lr=0.01, seed=3").

No GL, no GUI, no trainer: the A/B section, the script action and compare.py
share it.
"""

from collections.abc import Mapping

from ..errors import bad_value
from ..preset_schema import parse_setting

# The settings the A/B section offers, by short name; a script may name any
# network.* or train.* field (the target, and so the data, stays A's).
KEYS = {
    "seed": "network.seed",
    "lr": "train.lr",
    "optimizer": "train.optimizer",
    "activation": "network.activation",
    "norm": "network.norm",
    "hidden": "network.hidden",
    "scale": "network.scale",
    "batch_size": "train.batch_size",
}
TABLES = ("network", "train")
MOST_SHOWN = 3  # settings a label names before "+N more"
MOST_ITEMS = 4  # items of a list value a label shows before its count


def dotted(key: str) -> str:
    """A short name ("lr") or "table.key" -> "table.key" of a table B may change."""
    key = KEYS.get(str(key), str(key))
    if key.partition(".")[0] not in TABLES:
        allowed = ", ".join(KEYS) + ", or a network.* / train.* field"
        raise bad_value("A/B setting", key, allowed)
    return key


def changes_of(changes) -> dict[str, object]:
    """B's changes -> `{"table.key": value}`, in the order given. `changes` is a mapping
    `{setting: value}` (values as they are: a script's JSON) or a list of "setting=value"
    texts (values read as in a preset: 0.03, adam, [8, 8]: the A/B section's rows);
    a setting is a KEYS name or "table.key". Each setting once, at least one."""
    if isinstance(changes, Mapping):
        pairs = [(dotted(key), value) for key, value in changes.items()]
    elif isinstance(changes, (list, tuple)) and all(isinstance(c, str) for c in changes):
        pairs = [_typed(text) for text in changes]
    else:
        raise bad_value(
            "A/B changes", changes, 'a {"setting": value} mapping or a list of "setting=value"'
        )
    if not pairs:
        raise bad_value("A/B changes", changes, "at least one setting, e.g. lr=0.01")
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise bad_value("A/B setting", key, "each setting once")
        out[key] = value
    return out


def _typed(text: str) -> tuple[str, object]:
    """ "lr=0.03" -> ("train.lr", 0.03): the value read as a preset's value is."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise bad_value("A/B change", text, "setting=value, e.g. lr=0.01 or network.seed=3")
    return parse_setting(f"{dotted(key.strip())}={raw}", "A/B value")


def value_of(preset, key: str):
    """The value of the dotted `key` in `preset`."""
    table, _, name = key.partition(".")
    return getattr(getattr(preset, table), name)


def trained_values(preset, config, keys) -> dict[str, object]:
    """Each dotted key's value as a run trains with it: train.* from its trainer's
    `config`, network.* from the `preset` its network was built from."""
    tables = {"network": preset.network, "train": config}
    return {key: getattr(tables[key.partition(".")[0]], key.partition(".")[2]) for key in keys}


def as_text(value) -> str:
    """A preset value as the A/B section's value field reads it back: 0.003, adam, [8, 8]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):  # TOML: a list's texts are quoted
        return "[" + ", ".join(f'"{v}"' if isinstance(v, str) else as_text(v) for v in value) + "]"
    return repr(value) if isinstance(value, float) else str(value)


def names(keys) -> dict[str, str]:
    """Each dotted key -> the name a label gives it: its KEYS name, else its field name,
    else (two tables' fields of one name) the dotted key."""
    short = {full: name for name, full in KEYS.items()}
    fields = [key.partition(".")[2] for key in keys]
    return {
        key: short.get(key) or (field if fields.count(field) == 1 else key)
        for key, field in zip(keys, fields, strict=True)
    }


def parts(preset, keys) -> list[str]:
    """ "name=value" for each dotted key, as `preset` has it; long lists cut to a count."""
    return [f"{name}={_shown(value_of(preset, key))}" for key, name in names(keys).items()]


def _shown(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (tuple, list)):
        items = ",".join(map(_shown, value[:MOST_ITEMS]))
        return items if len(value) <= MOST_ITEMS else f"{items},..({len(value)})"
    return str(value)


def label(run: str, shown: list[str], most: int = MOST_SHOWN) -> str:
    """ "B: lr=0.01, seed=3": `run`'s name and its first `most` settings, "+N more" after."""
    kept = shown[:most]
    if len(shown) > most:
        kept.append(f"+{len(shown) - most} more")
    return f"{run}: " + ", ".join(kept)


def rows_of(preset, keys) -> list[list[str]]:
    """The A/B section's rows ([setting, value text]) for the dotted `keys` as `preset`
    has them: a KEYS name where there is one."""
    short = {full: name for name, full in KEYS.items()}
    return [[short.get(key, key), as_text(value_of(preset, key))] for key in keys]


def new_row(preset, rows) -> list[str]:
    """A row for the first KEYS setting no row names yet (the last when all are taken),
    its value as A (`preset`) has it: the user edits from there."""
    taken = {row[0] for row in rows}
    name = next((name for name in KEYS if name not in taken), list(KEYS)[-1])
    return rows_of(preset, [KEYS[name]])[0]
