"""The status line: session name, the window list with tmux's flags, and the prefix state."""

from __future__ import annotations

from rich.text import Text
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

    def __init__(self) -> None:
        super().__init__()
        self._text = Text("")
        self.message = ""

    def update(self, model: SessionModel, *, prefix: bool = False, note: str = "") -> None:
        self.set_class(prefix, "-prefix")
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"[{printable(model.name)}] ", style="bold")
        for window in model.windows_in_order():
            active = window.window_id == model.active_window
            label = f"{window.index}:{printable(window.name)}{window_flags(window.flags, active)}"
            style = "reverse" if active else ("bold" if window.bell or window.activity else "")
            text.append(label, style=style)
            text.append(" ")
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
