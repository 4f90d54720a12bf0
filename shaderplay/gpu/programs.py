"""The renderer's compiled GL programs, held by what they are (a key), not by
their text: the .glsl files are read when a key is first needed and again only
on `reload()`. A key is (fragment entry, vertex entry, network part or None);
the network part, (spec, unroll, storage defines, extra defines), makes a
program that evaluates that architecture through shaders/network.glsl.
Also the two GL helpers every pass uses: setting uniforms and drawing into a
viewport of a framebuffer.
"""

from ..errors import ShaderplayError
from ..spec import NetworkSpec
from .context import describe, is_software
from .source import assemble, explain_compile_error, network_source
from .storage import GpuNetwork

KEEP_SPECS = 4  # architectures whose compiled programs stay cached
FULLSCREEN = "fullscreen.vert.glsl"


class Programs:
    def __init__(self, ctx, root: str | None = None):
        """`root` reads the .glsl files from another folder (shader development)."""
        self.ctx = ctx
        self._root = root
        self._held = {}  # key -> (program, vao)
        self._recent: list[NetworkSpec] = []  # newest last

    def __len__(self) -> int:
        return len(self._held)

    def __iter__(self):
        return iter(list(self._held))

    def get(self, key):
        """(program, empty vertex array) of a key, compiled on first use."""
        if key not in self._held:
            self._held[key] = self._compile(*self._sources(key))
        return self._held[key]

    def network_key(self, net: GpuNetwork, evaluations: int = 1, extra: tuple = ()) -> tuple:
        return net.spec, self._unroll(net, evaluations), net.plan.defines(), extra

    def network(
        self,
        net: GpuNetwork,
        fragment: str,
        vertex: str = FULLSCREEN,
        evaluations: int = 1,
        extra: tuple = (),
    ):
        """A program evaluating `net` (`evaluations` times per pixel) in `fragment`."""
        return self.get((fragment, vertex, self.network_key(net, evaluations, extra)))

    def reload(self) -> None:
        """Re-read the .glsl files and recompile what is held; on a compile error
        everything stays as it was (the old programs keep drawing)."""
        network_source.cache_clear()
        fresh = {}
        try:
            for key in self._held:
                fresh[key] = self._compile(*self._sources(key))
        except ShaderplayError:
            _release(fresh)
            raise
        _release(self._held)
        self._held = fresh

    def keep_recent(self, spec: NetworkSpec) -> None:
        """Keep the programs of the last KEEP_SPECS architectures (going back and forth
        between a few is instant); release older ones, each can hold megabytes."""
        self._recent = [s for s in self._recent if s != spec][-(KEEP_SPECS - 1) :] + [spec]
        old = {
            k: v for k, v in self._held.items() if k[2] is not None and k[2][0] not in self._recent
        }
        _release(old)
        for key in old:
            del self._held[key]

    def release(self) -> None:
        _release(self._held)
        self._held = {}

    def _unroll(self, net: GpuNetwork, evaluations: int) -> int:
        unroll = net.layout.choose_unroll(evaluations)
        if unroll:
            return unroll
        if is_software(self.ctx):
            raise ShaderplayError(
                f"network size: got {net.layout.macs() * evaluations} multiply-adds per pixel; "
                f"allowed: what one shader invocation of {describe(self.ctx)} finishes within "
                f"its 65535-loop-iteration limit (about 14 layers of 600 units, a quarter of "
                f"that for the gradient). Use a smaller network or a GPU."
            )
        return 16

    def _sources(self, key):
        """(fragment, vertex) ShaderSources for a program key."""
        fragment, vertex, network = key
        if network is None:
            return assemble(fragment, {}, self._root), assemble(vertex, {}, self._root)
        spec, unroll, storage, extra = network
        return (
            network_source(fragment, spec, unroll, storage, extra, self._root),
            network_source(vertex, spec, unroll, storage, extra, self._root),
        )

    def _compile(self, fragment, vertex):
        import moderngl

        try:
            program = self.ctx.program(vertex_shader=vertex.text, fragment_shader=fragment.text)
        except moderngl.Error as exc:
            raise explain_compile_error(
                str(exc), {"vertex_shader": vertex, "fragment_shader": fragment}, describe(self.ctx)
            ) from None
        return program, self.ctx.vertex_array(program, [])


def _release(programs: dict) -> None:
    for program, vao in programs.values():
        vao.release()
        program.release()


def set_uniforms(program, uniforms: dict) -> None:
    for name, value in uniforms.items():
        if name in program:  # drivers drop unused uniforms
            program[name].value = value


def render_into(ctx, fbo, viewport, vao, primitive, vertices=-1, blend=False) -> None:
    """Draw `vao` into `viewport` (x, y, W, H) of `fbo`; `blend`: premultiplied colour
    "over" what is there."""
    import moderngl

    fbo.use()
    previous = ctx.viewport
    ctx.viewport = viewport
    if blend:
        ctx.enable(moderngl.BLEND | moderngl.PROGRAM_POINT_SIZE)
        ctx.blend_func = moderngl.ONE, moderngl.ONE_MINUS_SRC_ALPHA
    vao.render(primitive, vertices=vertices)
    if blend:
        ctx.disable(moderngl.BLEND)
    ctx.viewport = previous


MAX_ATTACHMENTS = 8  # colour attachments per values pass (GL 3.3's GL_MAX_DRAW_BUFFERS)


def attachments_for(groups: int) -> int:
    """Attachments per pass: 1, 2, 4 or 8 (the shader's SP_ATTACHMENTS steps)."""
    return next(t for t in (1, 2, 4, 8) if t >= min(groups, MAX_ATTACHMENTS))


def output_defines(spec) -> tuple:
    """Extra defines of a pass writing every output (a NetworkSpec's), 4 per attachment."""
    return (("SP_ATTACHMENTS", attachments_for(-(-spec.n_out // 4))),)
