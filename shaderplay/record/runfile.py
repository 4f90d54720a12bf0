"""Run files as the recorder and the window import them; they live in
shaderplay/runs.py (the format in shaderplay/npz.py)."""

from ..runs import RunFile, RunRecorder

__all__ = ["RunFile", "RunRecorder"]
