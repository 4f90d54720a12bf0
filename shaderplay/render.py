"""`render(net, size, view, mode)`: the network's picture as a NumPy array,
through a headless GL context made on first use and then reused (one per
process; GL calls stay on the thread that made it).

    from shaderplay import Network, render
    rgb = render(Network.random((2, 32, 32, 3), seed=1), size=(256, 256), view=(-2, 2, -2, 2))
"""

import threading

import numpy as np

from .errors import ShaderplayError
from .network import Network
from .view import View, parse_size

_shared = {}
_lock = threading.Lock()


def shared_renderer():
    """The process's headless Renderer, created on first use (on the calling thread)."""
    with _lock:
        if "renderer" not in _shared:
            from .gpu.context import headless_context
            from .gpu.renderer import Renderer

            ctx = headless_context()
            _shared.update(ctx=ctx, renderer=Renderer(ctx), thread=threading.get_ident())
        if _shared["thread"] != threading.get_ident():
            raise ShaderplayError(
                "render: the headless GL context belongs to the thread that first called "
                "render(); call it from that thread (GL contexts are not shared across threads)."
            )
        return _shared["renderer"]


def render(
    net: Network, size=(256, 256), view=(-1.0, 1.0, -1.0, 1.0), mode: str = "output", **opts
) -> np.ndarray:
    """Raw values of `mode` on a `size` = (W, H) grid: float32 (H, W, C), row 0 = top.

    `view` is a View, (xmin, xmax, ymin, ymax) or "XMIN,XMAX,YMIN,YMAX"; pixel
    centres are sampled, x to the right and y up. In "output" mode C = n_out and
    the values equal `net.forward(View.coerce(view).grid(size))` to float32 precision.
    """
    view, size = View.coerce(view), parse_size(size)
    renderer = shared_renderer()
    renderer.set_network(net)
    return renderer.values(view, size, mode, **opts)


def render_image(
    net: Network,
    size=(256, 256),
    view=(-1.0, 1.0, -1.0, 1.0),
    mode: str = "output",
    colormap: str = "viridis",
    **opts,
) -> np.ndarray:
    """The colour-mapped picture: uint8 (H, W, 3), row 0 = top."""
    view, size = View.coerce(view), parse_size(size)
    renderer = shared_renderer()
    renderer.set_network(net)
    return renderer.image(view, size, mode, colormap, **opts)
