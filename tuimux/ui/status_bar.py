"""The status line: session name, the window list with tmux's flags, and the prefix state.

The window list doubles as tabs, as tmux's status line does with ``mouse on``: a click
on a window's name selects it and the wheel steps through the windows.
"""

from __future__ import annotations

from rich.text import Text
from textual.events import Click, MouseScrollDown, MouseScrollUp
from textual.message import Message
from textual.widget import Widget

from tuimux.control.escape import printable
from tuimux.model import SessionModel


def window_flags(flags: str, active: bool) -> str:
    """tmux's window flags as its status line shows them (``*`` current, ``-`` last…)."""
    shown = "".join(flag for flag in flags if flag in "-#!~MZ")
    if active and "*" not in shown:
        shown = "*" + shown.replace("-", "")
    return shown


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar {
        dock: bottom;
        height: 1;
        background: $success-muted;
        color: $foreground;
    }
    StatusBar.-prefix {
        background: $warning-muted;
    }
    StatusBar.-offline {
        background: $error-muted;
    }
    """

    class WindowClicked(Message):
        """A window's tab was clicked (``window_id``), or the wheel turned over the bar
        (``step`` -1 previous, +1 next, as tmux's WheelUpStatus/WheelDownStatus)."""

        def __init__(self, window_id: str | None, step: int = 0) -> None:
            super().__init__()
            self.window_id = window_id
            self.step = step

    def __init__(self) -> None:
        super().__init__()
        self._text = Text("")
        self.message = ""
        self._tabs: list[tuple[int, int, str]] = []  # cells [start, end) of each window

    def window_at(self, x: int) -> str | None:
        return next((wid for start, end, wid in self._tabs if start <= x < end), None)

    def on_click(self, event: Click) -> None:
        window_id = self.window_at(event.x)
        if window_id is not None:
            self.post_message(self.WindowClicked(window_id))

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        self.post_message(self.WindowClicked(None, -1))

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        self.post_message(self.WindowClicked(None, +1))

    def update(self, model: SessionModel, *, prefix: bool = False, note: str = "") -> None:
        self.set_class(prefix, "-prefix")
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"[{printable(model.name)}] ", style="bold")
        tabs = []
        for window in model.windows_in_order():
            active = window.window_id == model.active_window
            label = f"{window.index}:{printable(window.name)}{window_flags(window.flags, active)}"
            style = "reverse" if active else ("bold" if window.bell or window.activity else "")
            start = text.cell_len
            text.append(label, style=style)
            tabs.append((start, text.cell_len, window.window_id))
            text.append(" ")
        self._tabs = tabs
        right = note or self.message
        if prefix:
            right = "prefix " + right
        width = self.size.width
        if right and width:
            pad = max(1, width - text.cell_len - len(right) - 1)
            text.append(" " * pad)
            text.append(printable(right), style="italic")
        self._text = text
        self.refresh()

    def render(self) -> Text:
        return self._text
