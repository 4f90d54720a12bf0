"""Native file dialogs (portable-file-dialogs, shipped in imgui-bundle) that never
block the frame loop.

A panel asks for one by setting `state.dialog` (a purpose such as
"load_preset"); `FileDialogs.update()`, once a frame, opens it, then polls it
with a zero timeout; the chosen path goes to the action of that purpose (the
same one the typed path field and its button call). One dialog at a time;
a cancelled dialog does nothing.

Where none can open, `available()` is False and the panels keep only their
typed path fields: on Linux portable-file-dialogs runs zenity, kdialog,
matedialog or qarma, so a bare X server (Xvfb) has none; macOS (osascript)
and Windows always have one.
"""

import os
import shutil
import sys
from pathlib import Path

from ..images import IMAGE_SUFFIXES
from . import file_actions

LINUX_TOOLS = ("zenity", "kdialog", "matedialog", "qarma")
FILTERS = {
    "preset": ["Presets (*.toml)", "*.toml", "All files", "*"],
    "network": ["Networks (*.npz)", "*.npz", "All files", "*"],
    "run": ["Run files (*.npz)", "*.npz", "All files", "*"],
    "image": [
        "Images",
        " ".join(f"*{suffix}" for suffix in IMAGE_SUFFIXES),
        "CSV",
        "*.csv",
        "All files",
        "*",
    ],
}
# purpose -> (title, kind of file, the AppState field with its typed path, action)
PURPOSES = {
    "load_preset": ("Load a preset", "preset", "preset_path", file_actions.load_preset),
    "save_preset": ("Save the preset", "preset", "preset_path", file_actions.save_preset),
    "load_network": ("Load a network", "network", "network_path", file_actions.load_network),
    "save_network": ("Save the network", "network", "network_path", file_actions.save_network),
    "load_run": ("Load a run onto the timeline", "run", "run_path", file_actions.load_run),
    "save_run": ("Save the timeline as a run file", "run", "run_path", file_actions.save_run),
    "load_image": (
        "Use an image or CSV as the target",
        "image",
        "image_path",
        lambda state, session, path: file_actions.drop_files(state, session, [path]),
    ),
}


def available() -> bool:
    """Whether portable-file-dialogs can show a dialog on this system."""
    if sys.platform in ("darwin", "win32"):
        return True
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    return bool(has_display) and any(shutil.which(tool) for tool in LINUX_TOOLS)


class FileDialogs:
    def __init__(self, enabled: bool | None = None):
        self.enabled = available() if enabled is None else bool(enabled)
        self.pending = None  # (purpose, dialog)

    def update(self, state, session) -> None:
        """Once a frame: open the dialog asked for, hand a finished one's answer on."""
        state.dialogs = self.enabled
        if state.dialog and self.pending is None:
            purpose, state.dialog = state.dialog, ""
            if self.enabled:
                self.pending = (purpose, self._open(state, purpose))
            else:
                state.say(
                    "No file dialogs on this system (zenity or kdialog would give them): "
                    "type the path in the Files tab, or drop the file onto the window."
                )
        elif state.dialog:
            state.dialog = ""  # one at a time: the open one has the user's attention
            state.say("A file dialog is open already.")
        if self.pending is not None and self.pending[1].ready(0):
            purpose, dialog = self.pending
            self.pending = None
            path = _answer(dialog.result())
            if path:
                _, _, field, act = PURPOSES[purpose]
                setattr(state, field, path)
                act(state, session, path)

    @staticmethod
    def _open(state, purpose: str):
        from imgui_bundle import portable_file_dialogs as pfd

        title, kind, field, _ = PURPOSES[purpose]
        typed = getattr(state, field) or ""
        start = str(Path(typed).resolve()) if typed else str(Path.cwd())
        if purpose.startswith("save"):
            return pfd.save_file(title, start, FILTERS[kind])  # it asks before overwriting
        # Open dialogs start in the folder of the typed path.
        folder = start if Path(start).is_dir() else str(Path(start).parent)
        return pfd.open_file(title, folder + os.sep, FILTERS[kind])

    def close(self) -> None:
        """Kill a dialog still open when the window closes."""
        if self.pending is not None:
            self.pending[1].kill()
            self.pending = None


def _answer(result) -> str:
    """open_file answers a list of paths, save_file one path; "" when cancelled."""
    if isinstance(result, (list, tuple)):
        return str(result[0]) if result else ""
    return str(result or "")
