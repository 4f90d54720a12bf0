"""Shared fixtures. One headless GL context per test process (EGL; Mesa's
llvmpipe where there is no GPU), checked for pending GL errors around each
test that uses it; the renderers every GL test draws with, made on that
context; a preset with a [view] for the CLI tests; a bounded wait for what
another thread or process does."""

import time

import pytest

# numba caches beside the installed package (setup.sh compiled the kernels there ahead),
# unless NUMBA_CACHE_DIR says otherwise.

EVALUATORS = ("shader", "cpu")  # what computes a renderer's values: its fragment shaders, numba
WAIT_S = 120.0  # generous: a bound that turns a hang into a failure, never a measure of speed


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "renderer(**kwargs): the Renderer arguments (evaluator, storage) of the `renderer` "
        "fixture, on a test or as a module's pytestmark",
    )


@pytest.fixture(scope="session")
def gl_context():
    from shaderplay.gpu.context import headless_context

    ctx = headless_context()
    yield ctx
    ctx.release()


@pytest.fixture
def ctx(gl_context):
    # render() and the CLI make contexts of their own; make ours current again.
    from shaderplay.gpu.context import make_current

    make_current(gl_context)
    assert gl_context.error == "GL_NO_ERROR"
    yield gl_context
    make_current(gl_context)
    assert gl_context.error == "GL_NO_ERROR"


# --- renderers --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _module_renderers(gl_context):
    """The module's renderers, one per set of Renderer arguments, made on first use and
    released after the module's last test (compiled programs are kept between tests)."""
    from shaderplay.gpu.context import make_current
    from shaderplay.gpu.renderer import Renderer

    made = {}

    def get(**kwargs):
        key = tuple(sorted(kwargs.items()))
        if key not in made:
            made[key] = Renderer(gl_context, **kwargs)
        return made[key]

    yield get
    make_current(gl_context)
    for r in made.values():
        r.release()
    assert gl_context.error == "GL_NO_ERROR"


@pytest.fixture
def renderer_for(ctx, _module_renderers):
    """renderer_for(**kwargs): the module's Renderer with these arguments (evaluator,
    storage), shared by the module's tests; GL errors checked around the test."""
    return _module_renderers


@pytest.fixture
def renderer(request, renderer_for):
    """The module's Renderer with the arguments of the test's closest `renderer` mark
    (`@pytest.mark.renderer(evaluator="shader")`); without one, what `Renderer(ctx)`
    makes: the evaluator the program picks on this GL."""
    mark = request.node.get_closest_marker("renderer")
    return renderer_for(**(mark.kwargs if mark else {}))


@pytest.fixture(params=EVALUATORS)
def each_renderer(request, renderer_for):
    """The test runs once with each evaluator's Renderer."""
    return renderer_for(evaluator=request.param)


@pytest.fixture
def renderer_pair(renderer_for):
    """{"shader": Renderer, "cpu": Renderer}: for tests that compare the two evaluators."""
    return {name: renderer_for(evaluator=name) for name in EVALUATORS}


@pytest.fixture
def make_renderer(ctx):
    """make_renderer(**kwargs): a new Renderer (Renderer's arguments), released after
    the test: for tests of a renderer's own life (before its first network, its
    program cache, its shader folder, its evaluator choice)."""
    from shaderplay.gpu.renderer import Renderer

    made = []

    def make(**kwargs):
        made.append(Renderer(ctx, **kwargs))
        return made[-1]

    yield make
    for r in made:
        r.release()


# --- a preset with a [view] table ---------------------------------------------------------

SINE_PRESET = """
name = "tiny_sine"
[network]
hidden = [6, 5]
activation = "tanh"
seed = 2
[target]
name = "fancy_sine"
n_points = 60
[train]
optimizer = "adam"
lr = 0.02
batch_size = 16
[view]
domain = [-1.0, 1.0, -1.0, 1.0]
mode = "neuron"
layer = 1
neuron = 3
show_points = true
"""


@pytest.fixture
def sine_preset(tmp_path):
    """The path of a small preset whose [view] names a mode (neuron 1:3 of its 6-5 tanh
    net), data points and a domain: what `render` and `record` must draw."""
    path = tmp_path / "tiny_sine.toml"
    path.write_text(SINE_PRESET)
    return str(path)


# --- waiting ----------------------------------------------------------------------------


def _wait_for(predicate, timeout: float = WAIT_S, poll: float = 0.01) -> None:
    """Return as soon as `predicate()` is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:g} s for {predicate.__qualname__}")
        time.sleep(poll)


@pytest.fixture
def wait_for():
    """wait_for(predicate, timeout=WAIT_S): wait on a condition, never on a clock."""
    return _wait_for
