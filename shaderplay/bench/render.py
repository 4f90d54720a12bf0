"""Benchmark: rendering a network's picture over a grid of pixels, in ms per
frame and multiply-adds per second, every path side by side in one run.

Paths, on the same networks, views and sizes:
  shader  the Renderer's fragment shader: values pass + colour pass into an
          offscreen target, ctx.finish() inside the timing
  cpu     the Renderer's software-GL path into the offscreen target: numba
          evaluates and colours the picture, uploaded as an 8-bit texture and
          drawn (ctx.finish() timed)
  image   the same picture where nothing needs GL (Renderer.image()): values
          and colours in numba, no texture
  eval    the numba evaluator alone (cpu/evaluator.py), values into an array
  numpy   the network as float32 matmuls on the grid's points (computed
          beforehand), activations from the table's NumPy forms
  torch   the same in PyTorch CPU (torch.set_num_threads, no_grad), if installed
  floor   the network's multiply-adds / this CPU's float32 peak (bench/peak.py,
          measured in the same run)
Each figure is the median over `repeats` alternating measurements (paths
take turns, so all see the same machine load) of the median frame time
over `seconds`, after a warm-up frame. A path whose frame would take longer
than `max_frame` seconds (estimated from small probe pictures or the path's
last size) is not run at that size: its figure is that estimate, marked "~".
Ratios are speeds relative to NumPy (2.00: twice as fast); "% peak" is a
path's multiply-adds per second against the peak.
"""

import itertools
import math
import statistics
import time
from dataclasses import replace

import numpy as np

from .. import activations
from ..cpu.evaluator import CpuEvaluator
from ..network import Network
from ..view import View
from . import SECONDS, fits_seconds
from .peak import measure_peak
from .train import CASES as TRAIN_CASES
from .train import torch_available

PROBE = (32, 32)
PATHS = ("shader", "cpu", "image", "eval", "numpy", "torch")


def _render_case(case, **changes):
    """A training benchmark's network, named by its sizes and activations only."""
    name = " ".join(case.name.split()[:2])
    return replace(case, **{"name": name, **changes})


# The three networks of the training benchmark, then Neylon's deepest and widest.
CASES = (
    *(_render_case(case) for case in TRAIN_CASES),
    _render_case(
        TRAIN_CASES[2], name="deep 27x30 tanh/sigmoid", sizes=(2, *(30,) * 27, 1), output="sigmoid"
    ),
    _render_case(
        TRAIN_CASES[2],
        name="wide 14x400 tanh/sigmoid",
        sizes=(2, *(400,) * 14, 1),
        output="sigmoid",
    ),
)


def macs_per_pixel(sizes) -> int:
    return sum(a * b for a, b in itertools.pairwise(sizes))


def _seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def numpy_forward(net: Network, xy: np.ndarray) -> np.ndarray:
    """The network on points xy (N, 2) float32 as NumPy matmuls (x, y features only)."""
    h = xy
    for i, layer in enumerate(net.layout.layers):
        h = h @ net.W(i).T
        h += net.b(i)
        h = activations.get(layer.activation).np_f(h)
    return h


def torch_forward(net: Network, threads: int):
    """A function of points (N, 2) evaluating the same network in PyTorch CPU."""
    import torch

    torch.set_num_threads(threads)
    layers = []
    for i, layer in enumerate(net.layout.layers):
        linear = torch.nn.Linear(layer.n_in, layer.n_out)
        linear.weight.data = torch.from_numpy(net.W(i).copy())
        linear.bias.data = torch.from_numpy(net.b(i).copy())
        layers += [linear, getattr(torch.nn, activations.get(layer.activation).torch)()]
    model = torch.nn.Sequential(*layers)

    def forward(xy):
        with torch.no_grad():
            return model(torch.from_numpy(xy))

    return forward


class Paths:
    """One frame function per path for a network, view and size (GL objects owned here)."""

    def __init__(self, ctx, paths, torch_threads: int):
        from ..gpu.renderer import Renderer

        self.ctx = ctx
        wanted = {"shader": "shader", "cpu": "cpu", "image": "cpu"}
        evaluators = {wanted[p] for p in paths if p in wanted}
        self.renderers = {e: Renderer(ctx, evaluator=e) for e in evaluators}
        self.paths = paths
        self.torch_threads = torch_threads
        self._fbo = None

    def frames(self, net: Network, view: View, size) -> dict:
        for renderer in self.renderers.values():
            renderer.set_network(net)
        if self._fbo is None or self._fbo.size != tuple(size):
            if self._fbo is not None:
                self._fbo.release()
            self._fbo = self.ctx.simple_framebuffer(tuple(size), components=4)
        fbo, ctx = self._fbo, self.ctx

        def drawn(renderer):
            def frame():
                renderer.draw(view, size, fbo=fbo, viewport=(0, 0, *size))
                ctx.finish()

            return frame

        out = {p: drawn(self.renderers[p]) for p in ("shader", "cpu") if p in self.paths}
        if "image" in self.paths:
            out["image"] = lambda: self.renderers["cpu"].image(view, size)
        if "eval" in self.paths:
            evaluator = CpuEvaluator(net.spec)
            values = np.empty((size[1], size[0], net.spec.sizes[-1]), np.float32)
            out["eval"] = lambda: evaluator.values(net.params, view, size, out=values)
        xy = view.grid(size).reshape(-1, 2).astype(np.float32)
        if "numpy" in self.paths:
            out["numpy"] = lambda: numpy_forward(net, xy)
        if "torch" in self.paths:
            forward = torch_forward(net, self.torch_threads)
            out["torch"] = lambda: forward(xy)
        return out

    def release(self) -> None:
        from ..gpu.context import bind_default_framebuffer

        bind_default_framebuffer(self.ctx)
        if self._fbo is not None:
            self._fbo.release()
        for renderer in self.renderers.values():
            renderer.release()


def median_frame(frame, seconds: float, min_frames: int = 3) -> float:
    """Median seconds per frame over about `seconds` (at least `min_frames`), after a warm-up."""
    frame()
    times, start = [], time.perf_counter()
    while len(times) < min_frames or time.perf_counter() - start < seconds:
        times.append(_seconds(frame))
        if times[-1] > seconds:  # a slow frame: one more is enough
            times.append(_seconds(frame))
            break
    return statistics.median(times)


def _probe(runner, net, view: View, pixels: int, max_frame: float) -> dict:
    """Seconds per pixel of each path, from small pictures."""
    side = PROBE[0]
    frames = runner.frames(net, view, PROBE)
    per_pixel = {p: median_frame(f, 0.0, 2) / side**2 for p, f in frames.items()}
    # Fixed costs (thread wake-ups, GL calls) can dominate so small a picture: a path that
    # looks too slow gets a second look at the size its first estimate gives max_frame / 8.
    for p, t in per_pixel.items():
        again = int(math.sqrt(max_frame / 8 / t))
        if t * pixels > max_frame and again >= 2 * side:
            per_pixel[p] = median_frame(runner.frames(net, view, (again, again))[p], 0.0, 2)
            per_pixel[p] /= again**2
    return per_pixel


def _case_rows(runner, case, view: View, sizes, paths, seconds, repeats, max_frame, peak):
    net = Network.random(case.sizes, activation=case.activation, output=case.output, seed=0)
    macs = macs_per_pixel(case.sizes)
    # Seconds per pixel of each path: from the probe, then from its largest measured size.
    per_pixel = _probe(runner, net, view, min(w * h for w, h in sizes), max_frame)
    rows = []
    for size in sorted(sizes, key=lambda s: s[0] * s[1]):
        pixels = size[0] * size[1]
        run = [p for p in paths if per_pixel[p] * pixels <= max_frame]
        frames = runner.frames(net, view, size) if run else {}
        samples = {p: [] for p in run}
        for _ in range(repeats):  # alternate, so every path sees the same machine load
            for p in run:
                samples[p].append(median_frame(frames[p], seconds))
        times = {p: (per_pixel[p] * pixels, True) for p in paths}
        for p in run:
            times[p] = (statistics.median(samples[p]), False)
            per_pixel[p] = times[p][0] / pixels
        times["floor"] = (macs * pixels / peak.macs_per_s, False)
        numpy_s = times["numpy"][0] if "numpy" in times else None
        for p, (t, estimated) in times.items():
            rows.append(
                {
                    "case": case.name,
                    "size": f"{size[0]}x{size[1]}",
                    "path": p,
                    "ms": t * 1e3,
                    "gmacs": macs * pixels / t / 1e9,
                    "percent": peak.percent(macs * pixels / t),
                    "estimated": estimated,
                    "vs_numpy": numpy_s / t if numpy_s else None,
                }
            )
    return rows


def measure(
    sizes=((512, 512), (1024, 1024)),
    cases=CASES,
    paths=PATHS,
    seconds: float = 1.0,
    repeats: int = 3,
    max_frame: float = 20.0,
    torch_threads: int = 2,
) -> dict:
    """{"gl", "peak", "rows"}: one row per (case, size, path): ms, GMAC/s, % of the peak,
    ratio vs NumPy; "peak" a bench.peak.Peak."""
    from ..gpu.context import describe, headless_context

    paths = tuple(p for p in paths if p != "torch" or torch_available())
    view = View.from_domain(-1.0, 1.0, -1.0, 1.0)
    ctx = headless_context()
    runner = Paths(ctx, paths, torch_threads)
    rows = []
    try:
        peak = measure_peak()
        for case in cases:
            rows += _case_rows(runner, case, view, sizes, paths, seconds, repeats, max_frame, peak)
        gl = describe(ctx)
    finally:
        runner.release()
        ctx.release()
    return {"gl": gl, "peak": peak, "rows": rows}


def report(result: dict) -> str:
    import numba

    lines = [
        f"render benchmark, GL: {result['gl']}; numba {numba.get_num_threads()} threads",
        str(result["peak"]),
        f"{'network':<28} {'size':>9} {'path':<7} {'ms/frame':>10} {'GMAC/s':>8} {'% peak':>7} "
        f"{'x numpy':>8}",
    ]
    last = None
    for r in result["rows"]:
        head = (r["case"], r["size"])
        name, size = (r["case"], r["size"]) if head != last else ("", "")
        last = head
        mark = "~" if r["estimated"] else " "
        ratio = f"{r['vs_numpy']:8.2f}" if r["vs_numpy"] else f"{'':>8}"
        lines.append(
            f"{name:<28} {size:>9} {r['path']:<7} {mark}{r['ms']:>9.1f} {r['gmacs']:>8.2f} "
            f"{r['percent']:>7.1f} {ratio}"
        )
    return "\n".join(lines)


def add_arguments(parser) -> None:
    parser.add_argument("--sizes", default="512x512,1024x1024", help="picture sizes (%(default)s)")
    parser.add_argument(
        "--seconds", type=float, default=1.0, help="time per measurement (%(default)s)"
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="alternating measurements, median kept"
    )
    parser.add_argument(
        "--max-frame",
        type=float,
        default=20.0,
        help="estimate, do not run, frames slower than this many seconds (%(default)s)",
    )
    parser.add_argument("--paths", default=",".join(PATHS), help="paths to run (%(default)s)")
    parser.add_argument(
        "--nets", default="", help="only networks whose name contains one of these, e.g. deep,wide"
    )
    parser.add_argument(
        "--torch-threads", type=int, default=2, help="torch.set_num_threads (%(default)s)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="CI size: 128x128, one short measurement, frames over 2 s estimated",
    )


def run(args) -> int:
    from ..errors import bad_value, choose
    from ..view import parse_size

    paths = tuple(choose("--paths", p.strip(), PATHS) for p in args.paths.split(","))
    if args.quick:
        sizes, seconds, repeats, max_frame = ((128, 128),), 0.2, 1, 2.0
    else:
        sizes = tuple(parse_size(s) for s in args.sizes.split(","))
        seconds, repeats, max_frame = args.seconds, args.repeats, args.max_frame
        for flag, value, fits, allowed in (
            ("--seconds", seconds, fits_seconds(seconds), SECONDS),
            ("--repeats", repeats, repeats >= 1, "a whole number >= 1"),
            ("--max-frame", max_frame, fits_seconds(max_frame), SECONDS),
        ):
            if not fits:
                raise bad_value(flag, value, allowed)
    if "torch" in paths and not torch_available():
        print("torch not installed: no PyTorch column (pip install torch for the baseline)")
    words = [w.strip() for w in args.nets.split(",") if w.strip()]
    cases = [c for c in CASES if not words or any(w in c.name for w in words)]
    if not cases:
        raise bad_value("--nets", args.nets, "words found in: " + "; ".join(c.name for c in CASES))
    result = measure(sizes, cases, paths, seconds, repeats, max_frame, args.torch_threads)
    print(report(result))
    return 0
