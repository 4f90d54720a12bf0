"""`shaderplay train` reports µs/step without the first chunk, which loads
or compiles the numba kernels (a 10-step run used to print 12000 µs/step as
if it were the trainer's speed), and says so when there is only one chunk."""

from shaderplay.cli import main
from shaderplay.cli.train import speed

TINY = """name = "tiny"
[network]
hidden = [4]
[target]
name = "xor"
n_points = 64
[train]
batch_size = 16
chunk_steps = 20
"""


def test_speed_leaves_out_the_start_up_chunk():
    assert speed([12000.0, 2.0, 3.0, 100.0]) == "3.00 µs/step"  # median of 2, 3, 100
    assert "start-up included" in speed([12000.0])
    assert speed([]) == "no steps timed"


def test_train_prints_the_steady_speed(tmp_path, capsys):
    preset = tmp_path / "tiny.toml"
    preset.write_text(TINY)
    assert main(["train", str(preset), "--steps", "10"]) == 0
    assert "one chunk, numba start-up included" in capsys.readouterr().out
    assert main(["train", str(preset), "--steps", "100"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("tiny: 100 steps, ") and first.endswith(" µs/step (16 per batch)")
