"""The status line: session name, the window list with tmux's flags, and the prefix state.

The window list doubles as tabs, as tmux's status line does with ``mouse on``: a click
on a window's name selects it and the wheel steps through the windows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

from rich.cells import cell_len
from rich.text import Text
from textual.events import Click, MouseScrollDown, MouseScrollUp
from textual.message import Message
from textual.widget import Widget

from tuimux.control.escape import printable
from tuimux.model import SessionModel, Window


def window_flags(flags: str, active: bool) -> str:
    """tmux's window flags as its status line shows them (``*`` current, ``-`` last…)."""
    shown = "".join(flag for flag in flags if flag in "-#!~MZ")
    if active and "*" not in shown:
        shown = "*" + shown.replace("-", "")
    return shown


def shown_range(widths: Sequence[int], current: int, room: int) -> tuple[int, int]:
    """The windows (first, last) the line has room for, always with the current one.

    Like tmux's status line, the list is cut around the current window rather than at
    the right edge, so on a phone-sized screen the window you are in is never hidden;
    a ``<`` or ``>`` (one cell each, reserved here) says windows were left out. Only
    the widths near the current window are looked at (``widths`` may compute them
    lazily): a session of 20000 windows costs what fits on the line."""
    if not widths:
        return 0, -1
    if room <= 0 or _fits(widths, room):
        return 0, len(widths) - 1
    room -= 2
    first = last = current
    used = widths[current]
    grew = True
    while grew:
        grew = False
        if last + 1 < len(widths) and used + widths[last + 1] <= room:
            last += 1
            used += widths[last]
            grew = True
        if first > 0 and used + widths[first - 1] <= room:
            first -= 1
            used += widths[first]
            grew = True
    return first, last


def _fits(widths: Sequence[int], room: int) -> bool:
    """``sum(widths) <= room``, stopping as soon as it is not (every width is >= 1)."""
    if len(widths) > room:
        return False
    used = 0
    for width in widths:
        used += width
        if used > room:
            return False
    return True


class _Tabs(Sequence[int]):
    """Each window's label and width, made only when asked for."""

    def __init__(self, windows: list[Window], active: str | None) -> None:
        self.windows = windows
        self.active = active
        self._labels: dict[int, tuple[str, str, str]] = {}

    def label(self, index: int) -> tuple[str, str, str]:
        """(label, style, window id) of one window."""
        known = self._labels.get(index)
        if known is None:
            window = self.windows[index]
            active = window.window_id == self.active
            flags = window_flags(window.flags, active)
            label = f"{window.index}:{printable(window.name)}{flags}"
            style = "reverse" if active else ("bold" if window.bell or window.activity else "")
            known = self._labels[index] = (label, style, window.window_id)
        return known

    def __len__(self) -> int:
        return len(self.windows)

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...
    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return cell_len(self.label(index)[0]) + 1


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
        # A message from tmux (%message): shown over tuimux's own until it times out.
        self.tmux_message = ""
        self._tabs: list[tuple[int, int, str]] = []  # cells [start, end) of each window
        self._last: tuple[SessionModel, bool, str] | None = None

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
        self._last = (model, prefix, note)
        self.set_class(prefix, "-prefix")
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"[{printable(model.name)}] ", style="bold")
        right = note or self.tmux_message or self.message
        if prefix:
            right = "prefix " + right
        right = printable(right)
        windows = model.windows_in_order()
        current = next(
            (i for i, window in enumerate(windows) if window.window_id == model.active_window), 0
        )
        tabs = _Tabs(windows, model.active_window)
        width = self.size.width
        room = width - text.cell_len - (cell_len(right) + 1 if right else 0)
        first, last = shown_range(tabs, current, room)
        last = min(last, first + max(width, 0))  # a label takes 2 cells or more
        self._tabs = []
        if first > 0:
            text.append("<", style="bold")
        for index in range(first, last + 1):
            label, style, window_id = tabs.label(index)
            start = text.cell_len
            text.append(label, style=style)
            self._tabs.append((start, text.cell_len, window_id))
            text.append(" ")
        if last < len(tabs) - 1:
            text.append(">", style="bold")
        if right and width:
            text.append(" " * max(1, width - text.cell_len - cell_len(right)))
            text.append(right, style="italic")
        self._text = text
        self.refresh()

    def on_resize(self) -> None:
        if self._last is not None:
            model, prefix, note = self._last
            self.update(model, prefix=prefix, note=note)

    def render(self) -> Text:
        return self._text
