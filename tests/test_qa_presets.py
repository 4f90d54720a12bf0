"""The built-in presets show what their descriptions promise: classifiers in
class colours with their points, bottle its ReLU boundaries, dying_relu its
dead neurons; and every preset's view fits the network it builds (a bare
mode name, as the window's view panel takes it)."""

import pytest

from shaderplay.build import build
from shaderplay.config import mode_from_view
from shaderplay.modes import MODES, check_args, parse_mode
from shaderplay.presets import builtin_presets, load_preset

NAMES = list(builtin_presets())


@pytest.mark.parametrize("name", NAMES)
def test_every_builtin_view_fits_its_network(name):
    preset = load_preset(name)
    net, data, _ = build(preset)
    assert preset.view.mode in MODES  # layer/neuron come from their own fields
    mode, args = parse_mode(mode_from_view(preset.view))
    check_args(mode, args, net.spec)  # raises when the layer or neuron does not exist
    assert not mode.needs_target or data.field is not None


@pytest.mark.parametrize("name", NAMES)
def test_classifiers_show_class_colours_and_points(name):
    preset = load_preset(name)
    if build(preset)[1].kind in ("binary", "multiclass") and name != "bottle":
        assert preset.view.mode == "classes" and preset.view.show_points


def test_bottle_draws_relu_boundaries_over_a_grey_probability():
    preset = load_preset("bottle")
    assert preset.network.activation == "relu" and preset.view.mode == "boundaries"
    assert preset.view.colormap == "grey"  # GINN: lines in layer colours over grey


def test_dying_relu_shows_every_neuron_map_at_once():
    preset = load_preset("dying_relu")
    assert preset.view.mode == "mosaic" and preset.view.colormap == "viridis"  # dead: dark tiles
