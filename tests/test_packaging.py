"""The installed package (not the source tree) carries its shaders and assets."""

import shaderplay
from shaderplay.resources import asset_dir, shader_dir


def test_installed_package_ships_shaders_and_assets():
    package = shaderplay.__file__
    assert "site-packages" in package, (
        f"tests must run against the installed package, got {package}"
    )
    assert (shader_dir() / "activations.glsl").is_file()
    assert shader_dir().parent.name == "shaderplay"
    assert asset_dir().parent.name == "shaderplay"
    assert list((asset_dir() / "presets").glob("*.toml")), "no built-in presets installed"
