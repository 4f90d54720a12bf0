"""Views beyond what float32 shaders can hold are refused, not drawn wrong:
a domain of +-1e40 overflowed to infinity in the shader and gave a picture
that disagreed with Network.forward, silently."""

import pytest

from shaderplay.cli import main
from shaderplay.errors import ShaderplayError
from shaderplay.gpu.context import make_current
from shaderplay.network import Network
from shaderplay.view import MAX_COORD, View


@pytest.mark.parametrize("text", ["-1e40,1e40,-1,1", "0,1,-1e12,-1e11", "-2e9,0,0,1"])
def test_domains_beyond_float32_are_refused(text):
    with pytest.raises(ShaderplayError, match=r"within \+-1e\+09"):
        View.parse(text)


def test_views_beyond_float32_are_refused():
    with pytest.raises(ShaderplayError, match="view.centre"):
        View((2 * MAX_COORD, 0.0), 1.0)
    with pytest.raises(ShaderplayError, match="view.scale"):
        View((0.0, 0.0), 2 * MAX_COORD)
    with pytest.raises(ShaderplayError, match="view.aspect"):
        View((0.0, 0.0), MAX_COORD / 2, aspect=4.0)


def test_wide_views_inside_the_limit_still_work():
    assert View.parse("-1e9,1e9,-40,40").domain == (-1e9, 1e9, -40.0, 40.0)
    assert View.parse("-40,40,-40,40").scale == 40.0


def test_render_cli_refuses_it_in_one_line(gl_context, tmp_path, capsys):
    path = tmp_path / "n.npz"
    Network.random((2, 3, 1), seed=0).save(path)
    try:
        code = main(["render", str(path), "-o", str(tmp_path / "a.png"), "--view=-1e40,1e40,-1,1"])
    finally:
        make_current(gl_context)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("shaderplay: view: got") and err.count("\n") == 1
