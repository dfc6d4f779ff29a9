"""A pane drawn from its emulator with Textual's line API.

Rows are rendered to ``Strip`` objects and cached until pyte marks them dirty, so a
one-cell change re-renders one row, not the pane. The cursor is the terminal's own
(:mod:`tuimux.ui.host_cursor`), placed by the active pane when its cursor row is drawn.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.color import Color, ColorSystem
from rich.console import COLOR_SYSTEMS
from rich.segment import ControlType, Segment
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
from tuimux.terminal.attributes import as_cell
from tuimux.terminal.cells import VS16
from tuimux.terminal.mouse import Action, MouseInput
from tuimux.terminal.pane import PaneTerminal
from tuimux.ui.host_cursor import HostCursor
from tuimux.ui.host_features import host_features
from tuimux.ui.pane_numbers import number_runs
from tuimux.ui.style import MODE_BADGE, cell_style

# Marks a segment Rich must count as no columns (Textual writes a segment's text whatever
# its control codes say).
_WHOLE_CELL = ((ControlType.BELL,),)
AUTOWRAP_ON, AUTOWRAP_OFF = "\x1b[?7h", "\x1b[?7l"

# Modes whose screen tuimux reads from tmux and draws as tmux does (copy mode's position
# indicator included); view mode only where capture-pane reads a mode's screen (3.6+).
DRAWN_MODES = ("copy-mode", "")  # "": not read yet, copy mode until told otherwise


def mode_badge(mode: str, mode_capture: bool) -> str:
    """ "" when the pane shows what tmux draws for the mode; else the mode's name for a
    badge (tmux draws choose-buffer, clock-mode… into the pane and sends none of it)."""
    if mode in DRAWN_MODES or (mode == "view-mode" and mode_capture):
        return ""
    return printable(mode.removesuffix("-mode")) or "mode"


def badges(name: str) -> tuple[str, ...]:
    """The badge for a mode tuimux cannot show, longest first: the first that fits a
    pane's width is drawn (shorter on a phone, never gone)."""
    return (f" {name} (shown by tmux): q leaves ", f" {name}: q leaves ", f" {name} ", name[:1])


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

    def __init__(self, terminal: PaneTerminal, cursor: HostCursor | None = None) -> None:
        # No widget id: Textual removes a widget later than asked, and a pane shown
        # again before its old view was gone (C-b n C-b p in one burst) raised
        # DuplicateIds. The window view keys its views by pane id itself.
        super().__init__()
        self.terminal = terminal
        self.active = False
        self.mode_badge = ""
        self.number: int | None = None
        self._number_colour: Color | None = None
        self._cache: dict[int, Strip] = {}
        self._cursor_row: int | None = None
        self._host_cursor = cursor
        self._placement = (0, 0, 1, 1)

    @property
    def pane_id(self) -> str:
        return self.terminal.pane_id

    def use(self, terminal: PaneTerminal) -> None:
        """Show another emulator for the same pane (a reconnect builds new ones)."""
        self.terminal = terminal
        self.screen_changed(everything=True)

    def place(self, left: int, top: int, width: int, height: int) -> None:
        if (left, top, width, height) != self._placement:
            self._placement = (left, top, width, height)
            self.styles.offset = (left, top)
            self.styles.width = width
            self.styles.height = height
            self.refresh()  # the cursor row is drawn again, so the cursor moves too

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            self.refresh()

    def on_unmount(self) -> None:
        if self._host_cursor is not None:
            self._host_cursor.clear(self)

    def set_mode(self, badge: str) -> None:
        """``badge``: the name of a mode tmux draws in the pane that tuimux cannot show
        (:func:`mode_badge`), or "" (no mode, or one drawn from tmux's own screen)."""
        if badge != self.mode_badge:
            self.mode_badge = badge
            self._cache.pop(0, None)
            self.refresh()

    def show_number(self, number: int | None, colour: Color | None = None) -> None:
        """``C-b q``: the pane's index drawn over it as tmux's display-panes draws it,
        in ``colour`` (the user's display-panes colour for this pane)."""
        if (number, colour) != (self.number, self._number_colour):
            self.number, self._number_colour = number, colour
            self.refresh()

    def screen_changed(self, everything: bool = False) -> None:
        """Drop cached rows pyte touched (or all of them) and repaint just those rows:
        a clock ticking in one line must not rewrite the whole pane on the terminal."""
        screen = self.terminal.shown
        rows = set(range(screen.lines)) if everything else set(screen.dirty)
        screen.dirty.clear()
        for row in rows:
            self._cache.pop(row, None)
        # Drawing the rows the cursor left and reached places the terminal's cursor;
        # a row below the shown part is never drawn, so the cursor is taken away here.
        rows |= {row for row in (self._cursor_row, screen.cursor.y) if row is not None}
        if screen.cursor.y >= self.size.height or not self.region:
            self.place_cursor()
        if len(rows) >= screen.lines:
            self.refresh()
        else:
            width = self.size.width
            self.refresh(*(Region(0, start, width, length) for start, length in _runs(rows)))

    def place_cursor(self) -> None:
        """Put the terminal's cursor at this pane's, or take it away: the pane is not
        active, its program hid the cursor, or the cursor is outside what is shown of the
        pane (the window view clips panes to the terminal)."""
        if self._host_cursor is None:
            return
        screen = self.terminal.shown
        cursor = screen.cursor
        region = self.region
        x, y = region.x + cursor.x, region.y + cursor.y
        shown = (
            region.intersection(self.parent.region) if isinstance(self.parent, Widget) else region
        )
        if self.active and screen.cursor_visible and shown.contains(x, y):
            self._cursor_row = cursor.y
            self._host_cursor.place(self, x, y, screen.cursor_shape)
        else:
            self._host_cursor.clear(self)

    def render_line(self, y: int) -> Strip:
        screen = self.terminal.shown
        width = self.size.width
        if y == screen.cursor.y or y == self._cursor_row:
            self.place_cursor()
        if y >= screen.lines:
            return Strip.blank(width)
        cached = self._cache.get(y)
        if cached is None:
            cached = self._cache[y] = self._render_row(y)
        strip = cached.crop_extend(0, width, None)
        if self.number is not None:
            height = self.size.height
            size = (self.terminal.shown.columns, self.terminal.shown.lines)
            runs = number_runs(self.number, width, height, size, self._number_colour)
            for x, text, style in runs.get(y, []):
                strip = Strip.join(
                    [
                        strip.crop(0, x),
                        Strip([Segment(text, style)]),
                        strip.crop(x + len(text), width),
                    ]
                )
        if y == 0 and self.mode_badge:
            # Shorter in narrow panes (a phone's), never gone: the longest that fits.
            shapes = badges(self.mode_badge)
            fits = [text for text in shapes if cell_len(text) <= max(width - 1, 1)]
            text = fits[0] if fits else shapes[-1][:width]
            badge = Strip([Segment(text, MODE_BADGE)])
            strip = Strip.join([strip.crop(0, width - len(text)), badge])
        return strip

    def _render_row(self, y: int) -> Strip:
        screen = self.terminal.shown
        row = screen.buffer[y]
        segments: list[Segment] = []
        text: list[str] = []
        style: Style | None = None
        features, system = host_features(), self._color_system()
        misfit = False
        for x in range(screen.columns):
            char = as_cell(row[x])
            if char.data == "":
                continue  # the second cell of a wide character
            cell = cell_style(char[1:], features, system)
            if cell is not style:
                if text:
                    segments.append(Segment(printable("".join(text)), style))
                text, style = [], cell
            if VS16 in char.data and row[x + 1].data != "" and cell_len(char.data) == 2:
                # An emoji with VS16 in one column (tmux 3.2a/3.3a, or tmux 3.4+ at the
                # last column) is two to Rich: Textual would cut the row a cell early,
                # the VS16 off the emoji. tmux's client sends the cell whole and lets the
                # terminal draw it; so does this, as a zero-width control segment in a
                # strip whose length is the pane's.
                whole, last = printable(char.data), x == screen.columns - 1
                if last and screen.rules.vs16_wide and not screen.rules.margin_back:
                    # tmux 3.7+ made it two columns wide in the last one, where it does not
                    # fit: its client leaves the emoji it drew before the VS16 came.
                    text.append(printable(char.data.partition(VS16)[0]))
                    continue
                if last:
                    # Textual turns autowrap off, and a terminal without it (tmux) joins
                    # the VS16 to the cell before the last column: as tmux's client
                    # does, print the last cell with autowrap on.
                    whole = f"{AUTOWRAP_ON}{whole}{AUTOWRAP_OFF}"
                if text:
                    segments.append(Segment(printable("".join(text)), style))
                segments.append(Segment(whole, style, _WHOLE_CELL))
                text, misfit = [], True
                continue
            text.append(char.data)
        if text:
            segments.append(Segment(printable("".join(text)), style))
        return Strip(segments, screen.columns) if misfit else Strip(segments)

    def _color_system(self) -> ColorSystem:
        """The colours Textual writes in (as ``Strip.render`` reads it: none is truecolor)."""
        try:
            name = self.app.console.color_system
        except RuntimeError:  # Textual's NoActiveAppError: not drawn by an app
            return ColorSystem.TRUECOLOR
        return COLOR_SYSTEMS.get(name or "", ColorSystem.TRUECOLOR)

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
