"""The status line: the user's own (:mod:`tuimux.ui.status_line`), with tuimux's notes
and the prefix state over its right end, and tmux's messages over it as tmux shows them.

Until tmux has told what the user's line is (at attach), a line made from the model
stands in: session name, the window list with tmux's flags, the prefix state.

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
from tuimux.control.format_draw import Drawn
from tuimux.model import SessionModel, Window
from tuimux.ui.status_line import StatusRead, line_text, message_line, rich_style, window_at


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
    /* The user's line: every cell has the colours tmux gives it. */
    StatusBar.-tmux {
        background: transparent;
        color: ansi_default;
    }
    /* status off: shown only for a message, over the panes as tmux shows it. */
    StatusBar.-over {
        layer: offline;
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
        # Whether tmux is told the client's key table (not read-only): the user's line
        # then shows the prefix as the user made it show it (client_prefix), and tuimux
        # adds no mark of its own over it, as tmux's own client adds none.
        self.table_told = True
        # The user's status line as tmux last expanded it (None until read).
        self.status: StatusRead | None = None
        self._drawn: list[Drawn] = []

    def _users(self) -> bool:
        """Whether the user's line is drawn (read, and not too long to lay out)."""
        return self.status is not None and self.status.whole

    def window_at(self, x: int, y: int = 0) -> str | None:
        if not self._users():
            return next((wid for start, end, wid in self._tabs if start <= x < end), None)
        if not 0 <= y < len(self._drawn) or self._last is None:
            return None
        index = window_at(self._drawn[y], x)
        model = self._last[0]
        return next(
            (w.window_id for w in model.windows.values() if index is not None and w.index == index),
            None,
        )

    def show_status(self, status: StatusRead) -> None:
        """The user's line as tmux expanded it: shape the bar (lines, top or bottom)."""
        changed = self.status is None or (status.lines, status.top) != (
            self.status.lines,
            self.status.top,
        )
        self.status = status
        self.set_class(status.whole, "-tmux")
        self.set_class(False, "-prefix")
        if changed:
            self._shape()
        if status.whole:
            self.refresh()
        elif self._last is not None:  # the model's line, with the user's shape
            model, prefix, note = self._last
            self.update(model, prefix=prefix, note=note)

    def _shape(self) -> None:
        status = self.status
        if status is None:
            return
        over = status.lines == 0
        self.set_class(over, "-over")
        self.styles.dock = "top" if status.top else "bottom"
        self.styles.height = max(status.lines, 1)
        self.display = not over or bool(self._notice() or self.tmux_message)

    def _notice(self) -> str:
        """tuimux's own note, shown over the right end of the line."""
        if self._last is None:
            return self.message
        _, prefix, note = self._last
        shown = note or self.message
        marked = prefix and not (self.table_told and self._users())
        return printable(f"prefix {shown}" if marked else shown).strip()

    def on_click(self, event: Click) -> None:
        window_id = self.window_at(event.x, event.y)
        if window_id is not None:
            self.post_message(self.WindowClicked(window_id))

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        self.post_message(self.WindowClicked(None, -1))

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        self.post_message(self.WindowClicked(None, +1))

    def update(self, model: SessionModel, *, prefix: bool = False, note: str = "") -> None:
        self._last = (model, prefix, note)
        if self._users():
            self._shape()
            self.refresh()
            return
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
        if not self._users():
            return self._text
        return self._user_line()

    def _user_line(self) -> Text:
        """The user's lines, then over them tmux's message (as tmux shows it, at
        ``message-line``) or tuimux's note and prefix state (right-aligned, line 0)."""
        status = self.status
        assert status is not None
        width = self.size.width
        drawn = status.draw(width)
        if not drawn:  # status off: a line only for what is said
            drawn = [Drawn([(" ", status.base)] * width)]
        self._drawn = drawn
        texts = [line_text(line) for line in drawn]
        at = min(status.message_line, len(texts) - 1)
        if self.tmux_message:
            texts[at] = line_text(message_line(self.tmux_message, status.message, width))
        else:
            notice = self._notice()
            if notice and width > 0:
                shown = notice[: max(width - 2, 1)]
                line = texts[0]
                line.truncate(max(width - cell_len(shown) - 2, 0), overflow="crop")
                line.append(f" {shown} ", rich_style(status.message))
        return Text("\n", no_wrap=True, overflow="crop", end="").join(texts)
