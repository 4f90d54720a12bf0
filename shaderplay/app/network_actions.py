"""Actions on the network: its layers, output, inputs, initialisation, seed and
latent inputs, as functions of (state, session, arguments). Each rebuilds the
network (and its shader) through `rebuild`, which the target and file actions
use too, or leaves everything as it was and says why (`@action`).

Choices made here:
- every architecture or initialiser change (activations included) draws fresh
  weights from the seed: the canvas shows the untrained network, then watch it
  learn, never the old fit dressed in a new activation;
- "new seed" adds 1 to the network seed (reproducible, saved with the preset);
- the view follows the network: removing or narrowing the layer it shows moves
  it to the nearest layer and unit that are left, rather than refusing the change;
- a latent value is edited in place (a buffer write: same weights, no
  rebuild); adding or removing a latent input changes the first layer's
  shape, so the network is re-drawn from its seed.
"""

from dataclasses import replace

from ..build import network_for
from ..config import NetConfig
from ..errors import bad_value
from ..images import image_view
from ..preset_schema import check_preset
from . import render_args, view_actions
from .action import action, known


def with_tables(state, **tables):
    """The preset with some of its tables replaced (a new frozen object)."""
    return replace(state.preset, **tables)


def _per_layer(value, n: int) -> list:
    return [value] * n if isinstance(value, str) else list(value)


def rebuild(state, session, preset, playing=None, follow=False) -> None:
    """Rebuild the session on `preset`, fresh weights from its seed (training as it was
    unless `playing` says);
    the state takes the preset once that has worked. `follow`: the view moves onto
    the preset's network first (a removed or narrowed layer's view stays a view);
    else a view that network cannot show is refused, as a preset file's is."""
    playing = session.playing if playing is None else playing
    preset, mode_args = render_args.split_mode(preset)
    mode_args = {**state.mode_args, **mode_args}
    if follow:
        spec = network_for(check_preset(preset).network, session.dataset).spec
        view, mode_args = view_actions.follow_network(preset.view, mode_args, spec)
        preset = replace(preset, view=view)
    session.rebuild(preset, playing=playing)
    preset = replace(preset, view=image_view(preset.view, session.dataset))
    state.preset = preset
    state.mode_args = mode_args
    state.diverged_at = None
    state.boundaries = tuple(i for i in state.boundaries if i < session.net.spec.depth)


def new_network(state, session, net: NetConfig) -> None:
    """Rebuild on the [network] table `net`; the view follows the new network."""
    rebuild(state, session, with_tables(state, network=net), follow=True)


@action
def set_network(state, session, **changes) -> None:
    """Change [network] fields (names as NetConfig's); rebuilds net and shader."""
    net = replace(state.preset.network, **known(NetConfig, changes))
    new_network(state, session, net)


@action
def set_layer(state, session, index: int, width=None, activation=None, norm=None) -> None:
    """Change hidden layer `index`: its width, activation or normalisation."""
    cfg = state.preset.network
    n = len(cfg.hidden)
    if not 0 <= index < n:
        raise bad_value("layer", index, f"a hidden layer 0..{n - 1}")
    hidden, acts, norms = list(cfg.hidden), _per_layer(cfg.activation, n), _per_layer(cfg.norm, n)
    if width is not None:
        hidden[index] = int(width)
    if activation is not None:
        acts[index] = activation
    if norm is not None:
        norms[index] = norm
    net = replace(cfg, hidden=tuple(hidden), activation=tuple(acts), norm=tuple(norms))
    new_network(state, session, net)


@action
def add_layer(state, session, width: int | None = None) -> None:
    """Append a hidden layer like the last one (16 tanh units on an empty net)."""
    cfg = state.preset.network
    n = len(cfg.hidden)
    acts, norms = _per_layer(cfg.activation, n), _per_layer(cfg.norm, n)
    last_w, last_a, last_n = (cfg.hidden[-1], acts[-1], norms[-1]) if n else (16, "tanh", "none")
    net = replace(
        cfg,
        hidden=(*cfg.hidden, int(width or last_w)),
        activation=(*acts, last_a),
        norm=(*norms, last_n),
    )
    new_network(state, session, net)


@action
def remove_layer(state, session, index: int = -1) -> None:
    cfg = state.preset.network
    n = len(cfg.hidden)
    if n == 0:
        raise bad_value("layer", index, "a hidden layer to remove (this network has none)")
    index = index % n
    keep = [i for i in range(n) if i != index]
    acts, norms = _per_layer(cfg.activation, n), _per_layer(cfg.norm, n)
    net = replace(
        cfg,
        hidden=tuple(cfg.hidden[i] for i in keep),
        activation=tuple(acts[i] for i in keep),
        norm=tuple(norms[i] for i in keep),
    )
    new_network(state, session, net)


@action
def new_seed(state, session) -> None:
    cfg = state.preset.network
    net = replace(cfg, seed=cfg.seed + 1)
    new_network(state, session, net)


# --- latent inputs ----------------------------------------------------------------------
@action
def set_latent(state, session, index: int = 0, value: float = 0.0) -> None:
    """Latent input `index` to `value`, live: the weights stay, the picture follows."""
    session.set_latent(int(index), float(value))
    latent = list(state.preset.network.latent)
    latent[int(index)] = float(value)
    state.preset = replace(
        state.preset, network=replace(state.preset.network, latent=tuple(latent))
    )


@action
def add_latent(state, session, value: float = 0.0) -> None:
    set_network(state, session, latent=(*state.preset.network.latent, float(value)))


@action
def remove_latent(state, session, index: int = -1) -> None:
    latent = list(state.preset.network.latent)
    if not latent:
        raise bad_value("latent input", index, "one to remove (this network has none)")
    del latent[int(index) % len(latent)]
    set_network(state, session, latent=tuple(latent))
