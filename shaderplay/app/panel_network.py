"""Network panel: hidden layers (width, activation, normalisation), output
activation, input features, initialisation and seed. Every change goes through
`actions`, which rebuilds the network and its shader at once."""

from imgui_bundle import imgui

from .. import activations, features
from ..initializers import BIAS_INITS, WEIGHT_INITS
from ..spec import MAX_WIDTH, NORMS
from . import network_actions, scopes
from .widgets import DIM, combo, help_marker, on_release

FIXED_FEATURES = tuple(features.FEATURES)
# Weights of the layer table's columns: "128", "leaky_relu" and "layernorm" fit their
# cells (the combos there have no arrow button: a click opens them all the same).
LAYER_COLUMNS = (("#", 0.25), ("width", 1.0), ("activation", 1.0), ("norm", 0.95), ("", 0.15))
NARROW = imgui.ComboFlags_.no_arrow_button


def _per_layer(value, n):
    return [value] * n if isinstance(value, str) else list(value)


def draw(state, session) -> None:
    cfg = state.preset.network
    _layers(state, session, cfg)
    imgui.separator_text("Inputs")
    _features(state, session, cfg)
    imgui.separator_text("Initialisation")
    _init(state, session, cfg)
    spec = session.net.spec
    shape = " > ".join(map(str, spec.sizes))
    with scopes.text_wrap():
        imgui.text_colored(DIM, f"{shape}   {session.net.param_count:,} parameters")


def _layers(state, session, cfg) -> None:
    n = len(cfg.hidden)
    acts, norms = _per_layer(cfg.activation, n), _per_layer(cfg.norm, n)
    flags = imgui.TableFlags_.sizing_stretch_prop | imgui.TableFlags_.row_bg
    with scopes.table("layers", 5, flags) as shown:
        if shown:
            for name, weight in LAYER_COLUMNS:
                imgui.table_setup_column(name, 0, weight)
            imgui.table_headers_row()
            for i in range(n):
                with scopes.item_id(i):
                    _layer_row(state, session, cfg, i, acts[i], norms[i])
            _output_row(state, session, cfg)
    if imgui.button("+ add layer"):
        network_actions.add_layer(state, session)
    help_marker(
        "Widths: type a number and press Enter, or use - / +.\n"
        "Every change starts from fresh weights (the seed's)."
    )


def _layer_row(state, session, cfg, i: int, act: str, norm: str) -> None:
    imgui.table_next_row()
    imgui.table_next_column()
    imgui.align_text_to_frame_padding()
    imgui.text(str(i + 1))
    imgui.table_next_column()
    imgui.set_next_item_width(-1)
    # Enter or -/+ commits: each commit rebuilds the network once.
    changed, width = imgui.input_int(
        "##width", cfg.hidden[i], 1, 8, imgui.InputTextFlags_.enter_returns_true
    )
    if changed and width != cfg.hidden[i]:
        network_actions.set_layer(state, session, i, width=max(1, min(MAX_WIDTH, width)))
    imgui.table_next_column()
    imgui.set_next_item_width(-1)
    changed, act = combo("##act", act, activations.NAMES, NARROW)
    if changed:
        network_actions.set_layer(state, session, i, activation=act)
    imgui.table_next_column()
    imgui.set_next_item_width(-1)
    changed, norm = combo("##norm", norm, NORMS, NARROW)
    if changed:
        network_actions.set_layer(state, session, i, norm=norm)
    imgui.table_next_column()
    if imgui.small_button("x"):
        network_actions.remove_layer(state, session, i)
    imgui.set_item_tooltip(f"remove hidden layer {i + 1}")


def _output_row(state, session, cfg) -> None:
    imgui.table_next_row()
    imgui.table_next_column()
    imgui.align_text_to_frame_padding()
    imgui.text("out")
    imgui.table_next_column()
    imgui.text_colored(DIM, f"{session.net.spec.n_out}")
    imgui.set_item_tooltip("outputs: what the target needs")
    imgui.table_next_column()
    imgui.set_next_item_width(-1)
    changed, out = combo("##output", cfg.output, activations.NAMES, NARROW)
    if changed:
        network_actions.set_network(state, session, output=out)
    imgui.set_item_tooltip("output activation")


def _features(state, session, cfg) -> None:
    chosen = set(cfg.features)
    for k, name in enumerate(FIXED_FEATURES):
        if k % 5:
            imgui.same_line()
        changed, on = imgui.checkbox(name, name in chosen)
        imgui.set_item_tooltip(features.FEATURES[name].about)
        if changed:
            new = tuple(f for f in FIXED_FEATURES if (f in chosen) ^ (f == name))
            new += tuple(f for f in cfg.features if f not in FIXED_FEATURES)
            network_actions.set_network(state, session, features=new)
    changed, m = on_release(state, "Fourier", imgui.slider_int, cfg.fourier, 0, 64)
    if changed:
        network_actions.set_network(state, session, fourier=m)
    help_marker(
        "Fourier features: m random directions B (drawn N(0, scale^2))\n"
        "give 2m inputs sin/cos(2 pi B.(x, y)): the fix for blurry image fits."
    )
    if cfg.fourier:
        changed, s = on_release(
            state,
            "Fourier scale",
            imgui.slider_float,
            cfg.fourier_scale,
            0.1,
            30.0,
            "%.2f",
            imgui.SliderFlags_.logarithmic,
        )
        if changed:
            network_actions.set_network(state, session, fourier_scale=s)
    _latents(state, session, cfg)


def _latents(state, session, cfg) -> None:
    """Latent inputs z0, z1, ...: constants fed to the network beside x and y. Dragging
    one changes the picture live (a buffer write, same weights); adding or removing
    one changes the first layer, so the weights are drawn anew."""
    for k, z in enumerate(cfg.latent):
        with scopes.item_id(f"latent{k}"):
            changed, v = imgui.slider_float(f"z{k}", float(z), -3.0, 3.0, "%.3f")
            if changed:
                network_actions.set_latent(state, session, k, v)
            imgui.same_line()
            if imgui.small_button("x"):
                network_actions.remove_latent(state, session, k)
            imgui.set_item_tooltip(f"remove latent input z{k} (new weights)")
    if imgui.button("+ latent input"):
        network_actions.add_latent(state, session)
    help_marker(
        "Latent inputs: constant extra inputs (the CPPN's z). Drag one to\n"
        "morph the picture live, with the same weights; adding or removing\n"
        "one changes the first layer, so the weights are drawn anew."
    )


def _init(state, session, cfg) -> None:
    changed, init = combo("weights", cfg.init, WEIGHT_INITS)
    if changed:
        network_actions.set_network(state, session, init=init)
    changed, scale = on_release(
        state, "weight scale", imgui.slider_float, float(cfg.scale), 0.0, 8.0, "%.2f"
    )
    if changed:
        network_actions.set_network(state, session, scale=scale)
    help_marker(
        "multiplies the rule: the spread of uniform/normal, the gain of\n"
        "Xavier/He/LeCun. Large scales give the wild random-network pictures."
    )
    changed, binit = combo("biases", cfg.bias_init, BIAS_INITS)
    if changed:
        network_actions.set_network(state, session, bias_init=binit)
    if cfg.bias_init != "zeros":
        changed, bs = on_release(
            state, "bias scale", imgui.slider_float, float(cfg.bias_scale), 0.0, 4.0, "%.2f"
        )
        if changed:
            network_actions.set_network(state, session, bias_scale=bs)
    changed, seed = imgui.input_int(
        "seed", int(cfg.seed), 1, 10, imgui.InputTextFlags_.enter_returns_true
    )
    if changed:
        network_actions.set_network(state, session, seed=max(0, seed))
    if imgui.button("randomise (N)"):
        network_actions.new_seed(state, session)
    imgui.set_item_tooltip("the next seed: new weights")
