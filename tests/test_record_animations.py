"""Each animation changes the picture the way it says: recorded frames are
compared with renders of independently computed weights and views."""

import math

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from shaderplay import Network
from shaderplay.record import open_sink
from shaderplay.record.animations import Morph, Playback, WeightScale, Zoom, morph_params
from shaderplay.record.band import BAND_RGB, band_rows
from shaderplay.record.film import Look, record
from shaderplay.record.pngdir import frame_files
from shaderplay.runs import RunFile, RunRecorder
from shaderplay.view import View

SIZE = (64, 48)
N = 5


def net_of(seed, scale=2.0):
    return Network.random((2, 8, 8, 1), activation="tanh", seed=seed, scale=scale)


def render(renderer, net_or_params, view, spec_net=None):
    if isinstance(net_or_params, Network):
        renderer.set_network(net_or_params)
    else:
        renderer.set_network(Network(spec_net.spec, net_or_params))
    return renderer.image(view, SIZE)


def recorded(renderer, animation, folder, look=None):
    with open_sink(folder, SIZE, 10) as sink:
        record(animation, renderer, sink, look or Look(SIZE))
    return [np.asarray(Image.open(p)) for p in frame_files(folder)]


def test_zoom_frames_match_renders_at_the_interpolated_views(renderer, tmp_path):
    net = net_of(1)
    a = View.from_domain(-2.0, 2.0, -1.5, 1.5)
    b = View.from_domain(0.3, 0.7, 0.15, 0.45)  # 10x in, both 4:3
    frames = recorded(renderer, Zoom(net, a, b, N, SIZE), tmp_path / "z")
    assert len(frames) == N
    # Independently: half extents geometric; the centre moves so that the point
    # fixed by the two views, p = (cB*hA - cA*hB) / (hA - hB), stays in place.
    fixed = [(0.5 * 2.0 - 0.0 * 0.2) / (2.0 - 0.2), (0.3 * 1.5 - 0.0 * 0.15) / (1.5 - 0.15)]
    pixel_of_fixed = []
    for i, frame in enumerate(frames):
        t = i / (N - 1)
        hx, hy = 2.0 * 0.1**t, 1.5 * 0.1**t
        cx = fixed[0] + (0.0 - fixed[0]) * hx / 2.0
        cy = fixed[1] + (0.0 - fixed[1]) * hy / 1.5
        view = View.from_domain(cx - hx, cx + hx, cy - hy, cy + hy)
        assert np.array_equal(frame, render(renderer, net, view)), f"frame {i}"
        pixel_of_fixed.append(view.domain_to_pixel(np.array(fixed), SIZE))
    assert np.allclose(pixel_of_fixed, pixel_of_fixed[0], atol=1e-9)
    assert not np.array_equal(frames[0], frames[-1])


def test_weight_scale_frames_match_a_net_with_scaled_weights(renderer, tmp_path):
    net = net_of(2, scale=1.0)
    view = View.from_domain(-1, 1, -1, 1)
    anim = WeightScale(net, 0.25, 4.0, N, view)
    frames = recorded(renderer, anim, tmp_path / "w")
    for i, frame in enumerate(frames):
        factor = 0.25 * 16.0 ** (i / (N - 1))  # 0.25, 0.5, 1, 2, 4
        scaled = Network(net.spec, net.params.copy())
        for layer in range(net.spec.depth):
            scaled.W(layer)[:] = net.W(layer) * np.float32(factor)
            scaled.b(layer)[:] = net.b(layer) * np.float32(factor)
        assert anim.factor(i) == pytest.approx(factor)
        assert np.array_equal(frame, render(renderer, scaled, view)), f"frame {i}"
    assert np.array_equal(frames[2], render(renderer, net, view))  # factor 1 is the net itself
    # Larger weights: sharper transitions, so more contrast between neighbours.
    edges = [np.abs(np.diff(f.astype(int), axis=1)).mean() for f in frames]
    assert edges[-1] > edges[0]


def test_weight_scale_frames_say_which_scale():
    net = Network.random((2, 3, 1), init="uniform", scale=0.5, seed=2)
    view = View.from_domain(-1, 1, -1, 1)
    absolute = WeightScale(net, 0.25, 1.0, 3, view, base=0.5)
    factors = WeightScale(net, 0.5, 2.0, 3, view)
    assert [absolute.factor(i) for i in range(3)] == pytest.approx([0.5, 1.0, 2.0])
    assert [absolute.frame(i).caption for i in range(3)] == [
        "weight scale 0.25",
        "weight scale 0.5",
        "weight scale 1",
    ]
    assert factors.frame(0).caption == "weights x0.5"
    np.testing.assert_array_equal(absolute.frame(2).params, factors.frame(2).params)


def test_morph_goes_from_net_a_to_net_b(renderer, tmp_path):
    a, b = net_of(3), net_of(4)
    view = View.from_domain(-1, 1, -1, 1)
    frames = recorded(renderer, Morph(a, b, N, view), tmp_path / "m")
    assert np.array_equal(frames[0], render(renderer, a, view))
    assert np.array_equal(frames[-1], render(renderer, b, view))
    middle = frames[N // 2]
    assert not np.array_equal(middle, frames[0]) and not np.array_equal(middle, frames[-1])
    mid = morph_params(a.params, b.params, 0.5)
    theta = math.pi / 4  # eased(0.5) = 0.5
    expect = math.cos(theta) * a.params.astype(np.float64) + math.sin(theta) * b.params
    expect = expect.astype(np.float32)
    assert np.array_equal(middle, render(renderer, Network(a.spec, expect), view))
    w = slice(0, a.layout.n_trainable)
    ratio = np.std(mid[w]) / np.std(a.params[w])
    assert 0.85 < ratio < 1.15  # the weights keep their spread (a lerp would give ~0.71)


def test_playback_frames_are_the_run_snapshots_and_between_them(renderer, tmp_path):
    net = net_of(5)
    rec = RunRecorder(net, every=10)
    for step in range(0, 50, 10):
        rec.add(step, net.params, loss=1.0 / (step + 1))
        net.trainable[:] *= 1.3
    run = RunFile.load(rec.save(tmp_path / "run.npz"))
    view = View.from_domain(-1, 1, -1, 1)
    look = Look(SIZE, caption=True, sparkline=True)
    frames = recorded(renderer, Playback(run, view), tmp_path / "p", look)
    assert len(frames) == 5
    rows = band_rows(SIZE)
    for k, frame in enumerate(frames):
        renderer.set_network(run.network_at(k))
        picture = renderer.image(view, (SIZE[0], SIZE[1] - rows))
        assert np.array_equal(frame[:-rows], picture)  # the caption is below, in its band
        band = frame[-rows:]
        assert np.all(band[:, 0] == BAND_RGB) and not np.all(band == BAND_RGB)  # text on it
    plain_frames = recorded(renderer, Playback(run, view, n_frames=9), tmp_path / "p9", Look(SIZE))
    positions = [Playback(run, view, 9).position(i) for i in range(9)]
    assert positions == [(k, f) for k in range(4) for f in (0.0, 0.5)] + [(3, 1.0)]
    assert np.array_equal(plain_frames[4], render(renderer, run.network_at(2), view))
    middle = Playback(run, view, 9).frame(5)  # halfway from snapshot 2 to 3
    halfway = run.snapshots[2] + (run.snapshots[3] - run.snapshots[2]) * np.float32(0.5)
    assert np.array_equal(middle.params, halfway)
    assert middle.caption == f"step 25  loss {(1 / 21 + 1 / 31) / 2:.4g}"
    assert np.array_equal(plain_frames[5], render(renderer, halfway, view, run.network_at(0)))


def test_mp4_frames_close_to_renders(renderer, tmp_path):
    # Smooth fields: crf 18 keeps them above 35 dB even at 64x48. (Sharp edges
    # at such tiny sizes drop to ~30 dB: 4:2:0 halves the colour resolution.)
    net = net_of(6, scale=1.0)
    anim = WeightScale(net, 0.5, 1.0, N, View.from_domain(-1, 1, -1, 1))
    with open_sink(tmp_path / "w.mp4", SIZE, 10) as sink:
        record(anim, renderer, sink, Look(SIZE))
    gen = imageio_ffmpeg.read_frames(str(tmp_path / "w.mp4"))
    next(gen)
    video = [np.frombuffer(b, np.uint8).reshape(SIZE[1], SIZE[0], 3) for b in gen]
    assert len(video) == N
    for i, got in enumerate(video):
        want = render(renderer, anim.frame(i).params, anim.view, net).astype(float)
        psnr = 10 * np.log10(255.0**2 / np.mean((got - want) ** 2))
        assert psnr > 35, f"frame {i}: {psnr:.1f} dB"  # crf 18, yuv420p, BT.709
