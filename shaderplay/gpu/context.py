"""The headless OpenGL context: EGL (Mesa's llvmpipe where there is no GPU).

A machine without a usable GL gets one ShaderplayError that says what is
missing and how to install it, never a bare driver traceback.
"""

import sys

from ..errors import ShaderplayError

GL_VERSION = 330  # OpenGL 3.3 core: what macOS and old laptops also give
INSTALL_HINT = (
    "On Debian/Ubuntu install Mesa's EGL and OpenGL drivers with: "
    "sudo apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri"
)


def _attempts():
    # EGL needs no display; the platform default (GLX/CGL/WGL) is the fallback
    # for systems whose EGL is missing but that have a display.
    if sys.platform.startswith("linux"):
        yield {"backend": "egl"}
    yield {}


def headless_context(require: int = GL_VERSION):
    """A standalone moderngl context without a window, OpenGL `require` (330 = 3.3 core)."""
    try:
        import moderngl
    except ImportError as exc:
        raise ShaderplayError(
            f"headless rendering needs the Python package moderngl ({exc}); "
            "install shaderplay's dependencies with pip install shaderplay"
        ) from None
    failures = []
    for kwargs in _attempts():
        try:
            return moderngl.create_context(standalone=True, require=require, **kwargs)
        except (
            Exception
        ) as exc:  # moderngl/glcontext raise plain Exceptions with the loader's message
            failures.append(
                f"{kwargs.get('backend', 'default')}: {str(exc).strip() or type(exc).__name__}"
            )
    major, minor = divmod(require, 100)
    raise ShaderplayError(
        f"no usable OpenGL {major}.{minor // 10} for headless rendering was found "
        f"({'; '.join(failures)}). {INSTALL_HINT}. With a GPU, install its vendor driver instead."
    )


def make_current(ctx) -> None:
    """Make `ctx` the thread's current GL context and leave it so.

    With several contexts in a process (a window, render(), tests), GL calls go
    to whichever is current. moderngl's `with ctx:` is not used: on EGL its exit
    "restores" a context that leaves nothing current (measured with glcontext
    3.1), so reads after it return zeros.
    """
    ctx.__enter__()


def bind_default_framebuffer(ctx) -> None:
    """Bind the screen (or framebuffer 0 headless). Do this before releasing a bound
    framebuffer: moderngl rebinds "the previous" one when it makes the next, and a
    deleted one is a GL_INVALID_OPERATION."""
    (ctx.screen or ctx.detect_framebuffer(0)).use()


def describe(ctx) -> str:
    """One line naming the GL driver, for benchmark and error output."""
    info = ctx.info
    return f"{info.get('GL_RENDERER', '?')} (OpenGL {info.get('GL_VERSION', '?')})"


def is_software(ctx) -> bool:
    """True for CPU rasterisers (llvmpipe, softpipe, SwiftShader, Microsoft's GDI)."""
    renderer = str(ctx.info.get("GL_RENDERER", "")).lower()
    return any(
        name in renderer
        for name in ("llvmpipe", "softpipe", "swiftshader", "gdi generic", "software")
    )
