"""AppState: everything the window shows and the user can change, in one object.

The GUI owns no state: panels read this object and change it only through
the actions (network_actions, training_actions, run_actions, file_actions,
view_actions). Nothing here touches GL, glfw or imgui, so the whole model is
testable without a window. Whether training runs is the Session's to say
(`session.playing`), not this object's.

What lives where:
- `preset` is what the user set (network, target, training, view settings);
  saving a preset writes exactly this. It only changes when an action that
  uses it has succeeded, so a failed action loses nothing.
- `view` is where the canvas currently looks (pan and zoom), a `View` that
  follows the canvas's shape (square pixels); `preset.view.domain` is "home"
  (Home key, double-click, reset-view button): the view that fits it into
  `canvas_size`, the canvas's size in window units as last drawn.
- the rest is window furniture: which panels show, messages, the probe point,
  files being typed into path fields.
"""

import time
from dataclasses import dataclass, field

from ..config import Preset
from ..view import View

PANELS = ("network", "training", "view", "diagram", "plots", "probe", "status")
Domain = tuple[float, float, float, float]  # (xmin, xmax, ymin, ymax), y grows upwards


@dataclass
class Message:
    """One line for the message bar. It fades after a few seconds (errors after a few
    more); an error also goes at the next action that succeeds."""

    text: str
    error: bool = False
    frame: int = 0  # frame it was posted on
    at: float = field(default_factory=time.monotonic)  # when it was posted


@dataclass
class AppState:
    preset: Preset = field(default_factory=Preset)
    source: str = "default"  # built-in preset name or file it came from
    view: View = field(default_factory=View)
    canvas_size: tuple[float, float] = (800.0, 600.0)
    # Window furniture.
    show_ui: bool = True
    show_help: bool = False
    fullscreen: bool = False
    panels: dict[str, bool] = field(default_factory=lambda: {p: True for p in PANELS})
    tab: str = ""  # a controls tab to bring to the front on the next frame ("" = leave as is)
    # Column widths as dragged ("left", "right"), which columns are collapsed to their
    # title bar, and the status section's height as last drawn (it sits at the foot).
    column_widths: dict[str, float] = field(default_factory=dict)
    collapsed: dict[str, bool] = field(default_factory=dict)
    status_height: float = 0.0
    # Views and plots.
    boundaries: tuple[int, ...] = ()  # weight layers whose neuron boundaries are drawn
    mode_args: dict = field(default_factory=dict)  # a mode's other integer arguments, by name
    render_opts: dict = field(default_factory=dict)  # "pre" (neurons before activation), "discrete"
    log_loss: bool = True
    adaptive: bool = True  # while the picture changes, render it at a resolution that keeps up
    probe: tuple[float, float] | None = None  # a point of the input domain
    watch_pace: int = 10  # steps per frame the "max" toggle comes back to
    # Events for the user.
    message: Message | None = None
    diverged_at: int | None = None  # step of a detected divergence: the badge shows
    recording: str = ""  # path of the video being recorded, "" when not recording
    replaying: bool = False  # the timeline plays its snapshots, one per frame
    # Text fields of the Files panel.
    preset_path: str = "preset.toml"
    network_path: str = "network.npz"
    run_path: str = "run.npz"
    image_path: str = ""
    # The A/B section's rows for run B: [setting (a compare_settings.KEYS name), value typed].
    compare_rows: list[list[str]] = field(default_factory=lambda: [["lr", "0.03"]])
    # A native file dialog asked for (a file_actions.DIALOG_PURPOSES name, "" none); the
    # window opens it and polls it without blocking; `dialogs` says whether it can.
    dialog: str = ""
    dialogs: bool = False
    # Slider drags in progress, by widget label: an edit that rebuilds the network
    # is committed when the slider is released, not at every pixel of the drag.
    edits: dict = field(default_factory=dict)
    # Requests the window carries out on its next frame (GL work stays in the window).
    screenshots: list[str] = field(default_factory=list)  # PNG paths of the canvas
    quit: bool = False
    frame: int = 0

    def __post_init__(self):
        self.watch_pace = self.preset.train.pace or self.watch_pace

    @property
    def home(self) -> View:
        return View.fit(self.preset.view.domain, self.canvas_size)

    @property
    def domain(self) -> Domain:
        """What the canvas shows now: (xmin, xmax, ymin, ymax)."""
        return self.view.domain_for(self.canvas_size)

    def say(self, text: str, error: bool = False) -> None:
        self.message = Message(text, error, self.frame)
