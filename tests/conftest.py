"""Shared fixtures. One headless GL context per test process (EGL; Mesa's
llvmpipe where there is no GPU), checked for pending GL errors around each
test that uses it."""

import os

import pytest

os.environ.setdefault(
    "NUMBA_CACHE_DIR", os.path.join(os.path.dirname(__file__), "..", ".venv", "numba-cache")
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
