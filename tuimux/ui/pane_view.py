"""A pane drawn from its emulator with Textual's line API.

Rows are rendered to ``Strip`` objects and cached until pyte marks them dirty, so a
one-cell change re-renders one row, not the pane. The cursor is drawn as a reversed
cell in the active pane rather than by moving the host terminal's cursor.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.events import (
    MouseDown,
    MouseEvent,
    MouseMove,
    MouseScrollDown,
    MouseScrollUp,
    MouseUp,
)
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tuimux.control.escape import printable
from tuimux.terminal.mouse import Action, MouseInput
from tuimux.terminal.pane import PaneTerminal
from tuimux.ui.style import MODE_BADGE, PANE_NUMBER, cell_style, cursor_style


class PaneView(Widget):
    """One tmux pane, placed by its window at the geometry of tmux's layout."""

    DEFAULT_CSS = """
    PaneView {
        position: absolute;
        width: 1;
        height: 1;
    }
    """

    class Mouse(Message):
        """A mouse event over this pane, in the pane's own cells."""

        def __init__(self, pane_id: str, mouse: MouseInput) -> None:
            super().__init__()
            self.pane_id = pane_id
            self.mouse = mouse

    def __init__(self, terminal: PaneTerminal) -> None:
        # No widget id: Textual removes a widget later than asked, and a pane shown
        # again before its old view was gone (C-b n C-b p in one burst) raised
        # DuplicateIds. The window view keys its views by pane id itself.
        super().__init__()
        self.terminal = terminal
        self.active = False
        self.mode_badge = ""
        self.number: int | None = None
        self._cache: dict[int, Strip] = {}
        self._cursor_row: int | None = None

    @property
    def pane_id(self) -> str:
        return self.terminal.pane_id

    def use(self, terminal: PaneTerminal) -> None:
        """Show another emulator for the same pane (a reconnect builds new ones)."""
        self.terminal = terminal
        self.screen_changed(everything=True)

    def place(self, left: int, top: int, width: int, height: int) -> None:
        self.styles.offset = (left, top)
        self.styles.width = width
        self.styles.height = height

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            self._invalidate_cursor()
            self.refresh()

    def set_mode(self, in_mode: bool) -> None:
        """tmux draws copy and view mode itself and sends none of it: say so on the pane."""
        badge = " copy mode: q or Escape leaves " if in_mode else ""
        if badge != self.mode_badge:
            self.mode_badge = badge
            self._cache.pop(0, None)
            self.refresh()

    def show_number(self, number: int | None) -> None:
        """``C-b q``: the pane's index in the middle of the pane, as display-panes does."""
        if number != self.number:
            self.number = number
            self.refresh()

    def screen_changed(self, everything: bool = False) -> None:
        """Drop cached rows pyte touched (or all of them) and repaint just those rows:
        a clock ticking in one line must not rewrite the whole pane on the terminal."""
        screen = self.terminal.shown
        rows = set(range(screen.lines)) if everything else set(screen.dirty)
        screen.dirty.clear()
        rows |= {row for row in (self._cursor_row, screen.cursor.y) if row is not None}
        for row in rows:
            self._cache.pop(row, None)
        if len(rows) >= screen.lines:
            self.refresh()
        else:
            width = self.size.width
            self.refresh(*(Region(0, start, width, length) for start, length in _runs(rows)))

    def _invalidate_cursor(self) -> None:
        """Forget the rows the cursor was and is drawn on (the caller repaints)."""
        if self._cursor_row is not None:
            self._cache.pop(self._cursor_row, None)
        self._cache.pop(self.terminal.shown.cursor.y, None)

    def render_line(self, y: int) -> Strip:
        screen = self.terminal.shown
        width = self.size.width
        if y >= screen.lines:
            return Strip.blank(width)
        cursor = screen.cursor
        show_cursor = self.active and screen.cursor_visible and cursor.y == y
        if show_cursor:
            self._cursor_row = y
        cached = self._cache.get(y)
        if cached is None or show_cursor:
            cached = self._render_row(y, cursor.x if show_cursor else -1)
            if not show_cursor:
                self._cache[y] = cached
        strip = cached.crop_extend(0, width, None)
        if self.number is not None and y == self.size.height // 2:
            label = f" {self.number} "
            left = max((width - len(label)) // 2, 0)
            strip = Strip.join(
                [
                    strip.crop(0, left),
                    Strip([Segment(label, PANE_NUMBER)]),
                    strip.crop(left + len(label), width),
                ]
            )
        if y == 0 and self.mode_badge and width > len(self.mode_badge):
            badge = Strip([Segment(self.mode_badge, MODE_BADGE)])
            strip = Strip.join([strip.crop(0, width - len(self.mode_badge)), badge])
        return strip

    def _render_row(self, y: int, cursor_x: int) -> Strip:
        screen = self.terminal.shown
        row = screen.buffer[y]
        segments: list[Segment] = []
        text: list[str] = []
        style: Style | None = None
        for x in range(screen.columns):
            char = row[x]
            if char.data == "":
                continue  # the second cell of a wide character
            cell = cell_style(
                char.fg,
                char.bg,
                char.bold,
                char.italics,
                char.underscore,
                char.strikethrough,
                char.reverse,
                char.blink,
            )
            if x == cursor_x:
                cell = cell + cursor_style(screen.cursor_shape, char.reverse)
            if cell is not style:
                if text:
                    segments.append(Segment(printable("".join(text)), style))
                text, style = [], cell
            text.append(char.data)
        if text:
            segments.append(Segment(printable("".join(text)), style))
        return Strip(segments)

    # -- mouse: every event goes up as a MouseInput in pane cells ----------------------

    def _mouse(self, action: Action, event: MouseEvent) -> None:
        event.stop()
        self.post_message(
            self.Mouse(
                self.pane_id,
                MouseInput(
                    action, event.button, event.x, event.y, event.shift, event.meta, event.ctrl
                ),
            )
        )

    def on_mouse_down(self, event: MouseDown) -> None:
        self.capture_mouse()
        self._mouse("press", event)

    def on_mouse_up(self, event: MouseUp) -> None:
        self.release_mouse()
        self._mouse("release", event)

    def on_mouse_move(self, event: MouseMove) -> None:
        self._mouse("motion", event)

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        self._mouse("wheel-up", event)

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        self._mouse("wheel-down", event)


def _runs(rows: set[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, count) runs of consecutive rows: fewer regions to repaint."""
    runs: list[tuple[int, int]] = []
    for row in sorted(rows):
        if runs and runs[-1][0] + runs[-1][1] == row:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((row, 1))
    return runs
