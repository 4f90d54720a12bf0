"""List the built-in presets with their descriptions; with a NAME (or a
.toml path), print that preset in full as TOML, every field explicit — a
starting point for your own (it loads back as the same preset)."""

import textwrap


def add_arguments(parser):
    parser.add_argument(
        "name", nargs="?", help="a preset to print in full (built-in name or .toml path)"
    )


def run(args) -> int:
    from ..presets import builtin_presets, preset_to_toml
    from ..sources import read_preset

    if args.name:
        print(preset_to_toml(read_preset(args.name)), end="")
        return 0
    presets = builtin_presets()
    width = max(map(len, presets)) + 2
    for name, about in presets.items():
        lines = textwrap.wrap(about, 100 - width) or [""]
        print(f"{name:<{width}}{lines[0]}")
        for line in lines[1:]:
            print(" " * width + line)
    print(
        "\nshaderplay NAME opens one in the window, shaderplay train NAME trains it headless,\n"
        "shaderplay presets NAME prints it as TOML."
    )
    return 0
