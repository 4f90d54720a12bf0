"""A bare "representation" (the CLI's --mode, a preset's view.mode) plots two
different neurons, 0 and 1, of layer 0 -- it plotted neuron 0 against
itself, a useless diagonal line."""

import numpy as np
from PIL import Image

from shaderplay.cli import main
from shaderplay.config import ViewConfig, mode_from_view
from shaderplay.gpu.context import make_current
from shaderplay.modes import MODES, parse_mode


def test_left_out_arguments_take_the_modes_defaults():
    rep = MODES["representation"]
    assert parse_mode("representation") == (rep, (0, 0, 1))
    assert parse_mode("representation:2") == (rep, (2, 0, 1))
    assert parse_mode("representation:1:3:0") == (rep, (1, 3, 0))
    assert parse_mode("neuron") == (MODES["neuron"], (0, 0))
    from_view = mode_from_view(ViewConfig(mode="representation", layer=1))
    assert parse_mode(from_view) == (rep, (1, 0, 1))
    assert mode_from_view(ViewConfig(mode="neuron", layer=2, neuron=5)) == "neuron:2:5"


def test_bare_representation_from_the_cli(gl_context, tmp_path):
    pictures = {}
    for mode in ("representation", "representation:0:0:1"):
        out = tmp_path / f"{mode.replace(':', '_')}.png"
        try:
            argv = ["render", "spiral", "-o", str(out), "--size", "48x48", "--mode", mode]
            assert main(argv) == 0
        finally:
            make_current(gl_context)
        pictures[mode] = np.asarray(Image.open(out))
    assert np.array_equal(pictures["representation"], pictures["representation:0:0:1"])
