"""The pane emulator: pyte's Screen made to agree with tmux, cell for cell.

tmux has already emulated the pane; this screen only mirrors it, so where pyte 0.8.2 and
tmux 3.3a disagree, tmux wins (``input.c`` and ``screen-write.c``; the tests compare
with a real tmux). Printing is fixed in :mod:`tuimux.terminal.cells`; here: pyte has no
alternate screen (``?1049h`` only sets a bit); it answers DA/DSR; ``?3h`` resizes to 132
columns and ``?5h`` reverses the screen; mouse modes pile up; DECSC is an unbounded
stack and DECRC restores visibility and autowrap; ``CSI 3 J`` clears the screen; erasing
copies bold, underline and reverse into blanks and raises on an unknown mode; ``CSI r``
does not home; CUU/CUD outside the scroll region jump into it; BS and CUB from the
pending-wrap column go one too far; VPA asserts under DECOM; SU, SD and CBT are missing;
lines scrolled or inserted ignore the background (tmux's BCE); IL and DL return the
carriage and do nothing outside the region; ICH keeps a cell past the margin for DCH.
Each is fixed below, where the method says what tmux does. :meth:`PaneScreen.restore`
starts a screen from tmux's own ``capture-pane``.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from pyte import modes as mo
from pyte.screens import Char, Cursor, Margins, Savepoint, StaticDefaultDict

from tuimux.terminal.cells import BLANK, CONTROLS, TMUX_33, ZWJ, CellRules, CellScreen
from tuimux.terminal.stream import PaneStream

ALTERNATE_MODES = frozenset({47, 1047, 1049})
MOUSE_TRACKING = (1000, 1002, 1003)
MOUSE_MODES = (*MOUSE_TRACKING, 1005, 1006)
# The private modes tmux 3.3a acts on (input_csi_dispatch_sm_private); tmux ignores the
# rest, DECSCNM (5) included, so they must not reach pyte either.
PRIVATE_MODES = frozenset({1, 3, 6, 7, 12, 25, 1004, 1005, 1006, 2004, 2026})
CURSOR_SHAPES = range(7)  # DECSCUSR 0 (default) … 6 (steady bar); tmux ignores others
# The largest screen emulated. tmux allows 10000x10000 windows (WINDOW_MAXIMUM), which a
# program in a pane can ask for (resize-window); no terminal shows a thousandth of that,
# and several screen operations (DECALN, a capture) cost per cell. A larger pane keeps
# its top-left MAX_COLUMNS x MAX_LINES here: what any real terminal can show of it.
MAX_COLUMNS = 1000
MAX_LINES = 1000


# Private modes no format of tmux 3.2a to 3.7 reports (bracket_paste_flag came in 3.8,
# focus events, cursor blinking and synchronized output have none): an emulator that saw
# them set keeps them across a re-read (PaneScreen.held_state).
UNREPORTED_MODES = frozenset({12, 1004, 2004, 2026})


@dataclass(frozen=True)
class HeldState:
    """What a pane's emulator holds beside the grid, and no ``capture-pane`` carries:
    the pen (colours and attributes the next character gets, and the background an
    erase leaves), the character sets and the shift between them (DEC line drawing),
    the DECSC slot (position, pen, character sets, origin mode), the pen set aside with
    the primary screen, REP's character, the tab stops and the private modes tmux does
    not report. Taken before a re-read and put back after it
    (:meth:`PaneScreen.held_state`, :meth:`PaneScreen.keep_state`)."""

    pen: Char
    g0_charset: str = field(repr=False)
    g1_charset: str = field(repr=False)
    shift: int
    savepoints: tuple[Savepoint, ...]
    alternate_pen: Char | None
    repeat_char: str
    tab_stops: frozenset[int]
    modes: frozenset[int]


def capped(columns: int, lines: int) -> tuple[int, int]:
    """A pane's size as emulated: at least 1x1, at most MAX_COLUMNS x MAX_LINES."""
    return min(max(columns, 1), MAX_COLUMNS), min(max(lines, 1), MAX_LINES)


class PaneScreen(CellScreen):
    """One pane's screen, fed by a :class:`PaneStream` or restored from ``capture-pane``."""

    def __init__(self, columns: int, lines: int, rules: CellRules = TMUX_33) -> None:
        columns, lines = capped(columns, lines)
        self.title = ""
        self.icon_name = ""
        self.alternate = False
        self.cursor_shape = 0
        self.bells = 0  # BELs printed since the UI last took them (take_bells)
        self.selection: bytes | None = None  # OSC 52 data not yet taken (take_selection)
        self._primary: dict[int, Any] | None = None
        self._primary_size = (lines, columns)
        self._alternate_cursor: tuple[int, int, Char] | None = None
        super().__init__(columns, lines, rules)

    # -- state the UI reads --------------------------------------------------------------

    @property
    def cursor_visible(self) -> bool:
        return mo.DECTCEM in self.mode

    @property
    def mouse_modes(self) -> set[int]:
        return {mode for mode in MOUSE_MODES if (mode << 5) in self.mode}

    @property
    def bracketed_paste(self) -> bool:
        return (2004 << 5) in self.mode

    def write_process_input(self, data: str) -> None:
        """Never answer DA/DSR: tmux answered the application already."""

    def set_title(self, param: str) -> None:
        """OSC 0/2; the UI draws titles, so no control character may stay."""
        self.title = param.translate(CONTROLS)

    def set_icon_name(self, param: str) -> None:
        self.icon_name = param.translate(CONTROLS)

    def bell(self, *args: Any) -> None:
        """BEL outside a string: tmux's client rings its terminal for it (alerts.c)."""
        self.bells += 1

    def take_bells(self) -> int:
        bells, self.bells = self.bells, 0
        return bells

    def set_selection(self, text: str) -> None:
        """OSC 52 ``Pc;Pd``: the program sets the clipboard (only the latest is kept).
        A query (``?``) or data that is not base64 is ignored, as tmux ignores it."""
        _, _, data = text.partition(";")
        if not data:
            return
        try:
            self.selection = base64.b64decode(data, validate=True)
        except ValueError:
            return

    def take_selection(self) -> bytes | None:
        selection, self.selection = self.selection, None
        return selection

    def set_cursor_shape(self, shape: int) -> None:
        """DECSCUSR (``CSI n SP q``)."""
        if shape in CURSOR_SHAPES:
            self.cursor_shape = shape

    # -- modes -----------------------------------------------------------------------------

    def set_mode(self, *modes: int, **kwargs: Any) -> None:
        if kwargs.get("private"):
            modes = self._private_modes(modes, True)
        super().set_mode(*modes, **kwargs)

    def reset_mode(self, *modes: int, **kwargs: Any) -> None:
        if kwargs.get("private"):
            modes = self._private_modes(modes, False)
        super().reset_mode(*modes, **kwargs)

    def _private_modes(self, modes: tuple[int, ...], on: bool) -> tuple[int, ...]:
        """Act on the modes pyte gets wrong; return those pyte may set (tmux's others)."""
        rest: list[int] = []
        for mode in modes:
            if mode in ALTERNATE_MODES:
                if on:
                    self._enter_alternate(save_cursor=mode == 1049)
                else:
                    self._leave_alternate(restore_cursor=mode == 1049)
            elif mode in MOUSE_TRACKING or (mode == 1001 and not on):
                self.mode.difference_update(m << 5 for m in MOUSE_TRACKING)
                if on:
                    rest.append(mode)
            elif mode == 3:  # DECCOLM: tmux homes and clears; the size stays tmux's
                self.cursor_position()
                self.erase_in_display(2)
            elif mode in PRIVATE_MODES:
                rest.append(mode)
        return tuple(rest)

    def _enter_alternate(self, save_cursor: bool) -> None:
        """tmux's ``screen_alternate_on``: keep the primary rows, start on a clear screen."""
        if self.alternate:
            return
        if save_cursor:
            self._alternate_cursor = (self.cursor.x, self.cursor.y, self.cursor.attrs)
        self._primary = dict(self.buffer)  # the rows themselves: the buffer drops them
        self._primary_size = (self.lines, self.columns)
        self.buffer.clear()
        self.alternate = True
        self.dirty.update(range(self.lines))

    def _leave_alternate(self, restore_cursor: bool) -> None:
        """tmux's ``screen_alternate_off``; the 1049 cursor comes back even if not in alt."""
        if restore_cursor and self._alternate_cursor is not None:
            self.cursor.x, self.cursor.y, self.cursor.attrs = self._alternate_cursor
        if self.alternate:
            self.alternate = False
            self.buffer.clear()
            for y, row in (self._primary or {}).items():
                if y < self.lines:
                    self.buffer[y] = row
            if self._primary_size[1] > self.columns:
                for row in self.buffer.values():
                    for x in [x for x in row if x >= self.columns]:
                        del row[x]
            self._primary = None
            self.dirty.update(range(self.lines))
        self.cursor.x = min(self.cursor.x, self.columns - 1)
        self.cursor.y = min(self.cursor.y, self.lines - 1)

    # -- cursor ----------------------------------------------------------------------------

    def save_cursor(self) -> None:
        """DECSC into tmux's single slot (pyte's list grows with every ``ESC 7``)."""
        super().save_cursor()
        del self.savepoints[:-1]

    def restore_cursor(self) -> None:
        """DECRC as tmux's ``input_restore_state``: the slot stays for the next DECRC."""
        if not self.savepoints:
            self.mode.discard(mo.DECOM)
            self.cursor.x = self.cursor.y = 0
            self.cursor.attrs = BLANK
            return
        saved = self.savepoints[-1]
        self.g0_charset, self.g1_charset = saved.g0_charset, saved.g1_charset
        self.charset = saved.charset
        if saved.origin:
            self.mode.add(mo.DECOM)
        else:
            self.mode.discard(mo.DECOM)
        cursor = copy.copy(saved.cursor)
        cursor.hidden = mo.DECTCEM not in self.mode
        cursor.x = min(cursor.x, self.columns - 1)
        cursor.y = min(cursor.y, self.lines - 1)
        self.cursor = cursor

    def tab(self) -> None:
        """HT; tmux does not move from the last column or the pending-wrap column."""
        if self.cursor.x < self.columns - 1:
            super().tab()

    def backspace(self) -> None:
        self.cursor_back()

    def cursor_back(self, count: int | None = None) -> None:
        """CUB/BS: from the pending-wrap column tmux counts from the margin itself."""
        self.cursor.x = min(max(self.cursor.x - (count or 1), 0), self.columns - 1)

    def cursor_up(self, count: int | None = None) -> None:
        """CUU stops at the top margin, or at row 0 when already above the region."""
        top = self.margins.top if self.margins else 0
        if self.cursor.y < top:
            top = 0
        self.cursor.y = max(self.cursor.y - (count or 1), top)

    def cursor_down(self, count: int | None = None) -> None:
        bottom = self.margins.bottom if self.margins else self.lines - 1
        if self.cursor.y > bottom:
            bottom = self.lines - 1
        self.cursor.y = min(self.cursor.y + (count or 1), bottom)

    def cursor_to_line(self, line: int | None = None) -> None:
        """VPA; pyte asserts that scroll margins exist whenever DECOM is set."""
        self.cursor.y = (line or 1) - 1
        if mo.DECOM in self.mode and self.margins is not None:
            self.cursor.y += self.margins.top
        self.ensure_vbounds()

    def back_tab(self, count: int | None = None) -> None:
        """CBT (``CSI n Z``), as tmux: back to the previous tab stop, ``count`` times."""
        x = min(self.cursor.x, self.columns - 1)
        for _ in range(min(count or 1, self.columns)):
            x = max((stop for stop in self.tabstops if stop < x), default=0)
            if x == 0:
                break
        self.cursor.x = x

    def set_margins(self, top: int | None = None, bottom: int | None = None) -> None:
        """DECSTBM: 0 means the default, and tmux always homes the cursor; pyte's own
        calls (no arguments, from ``resize``) only drop the margins."""
        if top is None and bottom is None:
            self.margins = None
            return
        upper = min((top or 1) - 1, self.lines - 1)
        lower = min((bottom or self.lines) - 1, self.lines - 1)
        if upper >= lower:
            return
        self.margins = None if (upper, lower) == (0, self.lines - 1) else Margins(upper, lower)
        self.cursor.x = self.cursor.y = 0

    # -- erasing and scrolling -----------------------------------------------------------

    def _blank(self) -> Char:
        """What erasing leaves: a space in the current background colour, nothing else."""
        bg = self.cursor.attrs.bg
        return BLANK if bg == "default" else BLANK._replace(bg=bg)

    def erase_in_line(self, how: int = 0, private: bool = False) -> None:
        x, y, columns = self.cursor.x, self.cursor.y, self.columns
        if how == 2:
            self.buffer[y] = StaticDefaultDict(self._blank())
        elif how in (0, 1):
            start, end = (x, columns) if how == 0 else (0, min(x + 1, columns))
            line, blank = self.buffer[y], self._blank()
            self._split_wide(line, start, end)
            line.update(dict.fromkeys(range(start, end), blank))
        else:
            return
        self.dirty.add(y)

    def erase_in_display(self, how: int = 0, *args: Any, **kwargs: Any) -> None:
        """ED; 3 clears only tmux's history, which tuimux never holds."""
        y = self.cursor.y
        if how == 0:
            self.erase_in_line(0)
            rows = range(y + 1, self.lines)
        elif how == 1:
            self.erase_in_line(1)
            rows = range(y)
        elif how == 2:
            rows = range(self.lines)
        else:
            return
        blank = self._blank()
        for row in rows:
            self.buffer[row] = StaticDefaultDict(blank)
        self.dirty.update(rows)

    def erase_characters(self, count: int | None = None) -> None:
        x = self.cursor.x
        end = min(x + (count or 1), self.columns)
        line = self.buffer[self.cursor.y]
        self._split_wide(line, x, end)
        line.update(dict.fromkeys(range(x, end), self._blank()))
        self.dirty.add(self.cursor.y)

    def _fill(self, rows: range) -> None:
        """Lines scrolled or inserted into ``rows`` take the current background, as
        tmux's ``grid_view_scroll_region_up`` and the others clear them with ``bg``
        (BCE). With none, the buffer's default line (a blank) is already right."""
        blank = self._blank()
        if blank is not BLANK:
            for y in rows:
                self.buffer[y] = StaticDefaultDict(blank)

    def index(self) -> None:
        """IND and LF: a line scrolled in at the bottom of the region takes the
        background (pyte leaves it default)."""
        if self.cursor.attrs.bg == "default":
            super().index()  # the line scrolled in is the buffer's blank
            return
        bottom = self.margins.bottom if self.margins else self.lines - 1
        scrolls = self.cursor.y == bottom
        super().index()
        if scrolls:
            self._fill(range(bottom, bottom + 1))

    def reverse_index(self) -> None:
        """RI: a line scrolled in at the top of the region takes the background."""
        top = self.margins.top if self.margins else 0
        scrolls = self.cursor.y == top
        super().reverse_index()
        if scrolls:
            self._fill(range(top, top + 1))

    def insert_lines(self, count: int | None = None) -> None:
        """IL as tmux's ``screen_write_insertline``: within the scroll region, or from
        the cursor to the bottom of the screen when the cursor is outside it (pyte does
        nothing there); new lines take the background, and the cursor does not move."""
        self._shift_lines(count or 1, insert=True)

    def delete_lines(self, count: int | None = None) -> None:
        """DL as tmux's ``screen_write_deleteline`` (see :meth:`insert_lines`)."""
        self._shift_lines(count or 1, insert=False)

    def _shift_lines(self, count: int, insert: bool) -> None:
        y = self.cursor.y
        top, bottom = self.margins or Margins(0, self.lines - 1)
        if not top <= y <= bottom:
            bottom = self.lines - 1
        count = min(count, bottom + 1 - y)
        rows = range(y, bottom + 1)
        for row in reversed(rows) if insert else rows:
            source = row - count if insert else row + count
            if source in rows and source in self.buffer:
                self.buffer[row] = self.buffer.pop(source)
            else:
                self.buffer.pop(row, None)
        self._fill(range(y, y + count) if insert else range(bottom + 1 - count, bottom + 1))
        self.dirty.update(rows)

    def insert_characters(self, count: int | None = None) -> None:
        """ICH as tmux's ``grid_view_insert_cells``: what is pushed past the right margin
        is gone (pyte kept one cell there for DCH to bring back) and the inserted cells
        take the background."""
        x, columns = self.cursor.x, self.columns
        if x >= columns:
            return
        count = min(count or 1, columns - x)
        line = self.buffer[self.cursor.y]
        for column in range(columns - 1, x - 1, -1):
            if column - count >= x and column - count in line:
                line[column] = line.pop(column - count)
            else:
                line.pop(column, None)
        self._fill_cells(line, x, x + count)

    def delete_characters(self, count: int | None = None) -> None:
        """DCH as tmux's ``grid_view_delete_cells``: the cells freed at the right margin
        take the background."""
        x, columns = self.cursor.x, self.columns
        if x >= columns:
            return
        count = min(count or 1, columns - x)
        line = self.buffer[self.cursor.y]
        for column in range(x, columns):
            if column + count < columns and column + count in line:
                line[column] = line.pop(column + count)
            else:
                line.pop(column, None)
        self._fill_cells(line, columns - count, columns)

    def _fill_cells(self, line: dict[int, Char], start: int, end: int) -> None:
        for column in [column for column in line if column >= self.columns]:
            del line[column]  # nothing lives past the margin (pyte's ICH left one there)
        blank = self._blank()
        if blank is not BLANK:
            line.update(dict.fromkeys(range(start, end), blank))
        self.dirty.add(self.cursor.y)

    def scroll_up(self, count: int | None = None) -> None:
        """SU (``CSI n S``): the scroll region moves up; the cursor stays."""
        self._scroll(count or 1)

    def scroll_down(self, count: int | None = None) -> None:
        """SD (``CSI n T``): the scroll region moves down; the cursor stays."""
        self._scroll(-(count or 1))

    def _scroll(self, count: int) -> None:
        top, bottom = self.margins or Margins(0, self.lines - 1)
        rows = range(top, bottom + 1)
        count = max(min(count, len(rows)), -len(rows))
        for y in rows if count > 0 else reversed(rows):
            if y + count in rows and y + count in self.buffer:
                self.buffer[y] = self.buffer.pop(y + count)
            else:
                self.buffer.pop(y, None)
        self._fill(range(bottom + 1 - count, bottom + 1) if count > 0 else range(top, top - count))
        self.dirty.update(rows)

    # -- whole-screen changes ------------------------------------------------------------

    def alignment_display(self) -> None:
        """DECALN (``ESC # 8``) as tmux's ``screen_write_alignmenttest``: every cell an
        ``E`` with default attributes, the scroll region reset and the cursor home. pyte
        keeps each cell's attributes, the region and the cursor, so the next line of
        output landed where tmux did not put it (found by the hostile-output corpus)."""
        cell = BLANK._replace(data="E")
        for y in range(self.lines):
            row: StaticDefaultDict[int, Char] = StaticDefaultDict(BLANK)
            row.update(dict.fromkeys(range(self.columns), cell))
            self.buffer[y] = row
        self.margins = None
        self.cursor.x = self.cursor.y = 0
        self.dirty.update(range(self.lines))

    def reset(self) -> None:
        """RIS. Unlike pyte, keep the title: tmux keeps the pane title over a reset."""
        title, icon_name = self.title, self.icon_name
        super().reset()
        self.title, self.icon_name = title, icon_name
        self.savepoints.clear()
        self.repeat_char = ""
        self._joining = False

    def resize(self, lines: int | None = None, columns: int | None = None) -> None:
        """tmux's new size (tmux reflows; the pane is then re-read from ``capture-pane``).

        pyte's deletes lines through the scroll region, uses the DECSC slot and can leave
        the cursor off screen; tmux also resets the region and the tab stops."""
        saved = list(self.savepoints)
        old_columns = self.columns
        self.margins = None
        columns, lines = capped(
            self.columns if columns is None else columns, self.lines if lines is None else lines
        )
        super().resize(lines, columns)
        self.savepoints[:] = saved
        for y in [y for y in self.buffer if y >= self.lines]:
            del self.buffer[y]
        self.cursor.y = min(self.cursor.y, self.lines - 1)
        if self.columns != old_columns:
            self.cursor.x = min(self.cursor.x, self.columns - 1)
            self.tabstops = set(range(8, self.columns, 8))

    def restore_primary(self, capture: bytes, cursor_x: int, cursor_y: int) -> None:
        """While in the alternate screen, set the primary screen it will return to.

        tmux keeps it aside (``capture-pane -a``, cursor ``alternate_saved_x/y``); without
        it, leaving vim after an attach would show a blank screen.
        """
        if not self.alternate:
            return
        saved = PaneScreen(self.columns, self.lines, self.rules)
        saved.restore(capture, cursor_x, cursor_y, tab_stops=self.tabstops)
        self._primary = dict(saved.buffer)
        self._primary_size = (self.lines, self.columns)
        self._alternate_cursor = (saved.cursor.x, saved.cursor.y, saved.cursor.attrs)

    def held_state(self) -> HeldState:
        """This screen's state beside the grid (see :class:`HeldState`)."""
        return HeldState(
            pen=self.cursor.attrs,
            g0_charset=self.g0_charset,
            g1_charset=self.g1_charset,
            shift=self.charset,
            savepoints=tuple(self.savepoints[-1:]),
            alternate_pen=(
                self._alternate_cursor[2] if self._alternate_cursor is not None else None
            ),
            repeat_char=self.repeat_char,
            tab_stops=frozenset(self.tabstops),
            modes=frozenset(m for m in UNREPORTED_MODES if (m << 5) in self.mode),
        )

    def keep_state(self, state: HeldState) -> None:
        """Put back what :meth:`restore` reset and tmux did not report: the screen was
        re-read, the program in the pane was not restarted. Positions tmux reported
        (cursor, the 1049 saved cursor) stay tmux's; a tab stop past the (maybe new)
        width is dropped, and the DECSC position is clamped when it is used, as tmux
        clamps it."""
        self.cursor.attrs = state.pen
        self.g0_charset, self.g1_charset = state.g0_charset, state.g1_charset
        self.charset = state.shift
        self.savepoints[:] = list(state.savepoints)
        if self._alternate_cursor is not None and state.alternate_pen is not None:
            x, y, _ = self._alternate_cursor
            self._alternate_cursor = (x, y, state.alternate_pen)
        self.repeat_char = state.repeat_char
        self.set_tab_stops(state.tab_stops)
        self.mode.update(m << 5 for m in state.modes)

    def set_tab_stops(self, stops: Iterable[int]) -> None:
        """The tab stops tmux reports (``pane_tabs``), or kept ones; only those inside
        the screen (tmux keeps none past its width)."""
        self.tabstops = {stop for stop in stops if 0 <= stop < self.columns}

    def restore(
        self,
        capture: bytes,
        cursor_x: int,
        cursor_y: int,
        *,
        alternate: bool = False,
        cursor_visible: bool = True,
        private_modes: Collection[int] | None = None,
        insert: bool = False,
        scroll_region: tuple[int, int] | None = None,
        tab_stops: Iterable[int] | None = None,
    ) -> None:
        """Replace the screen with tmux's ``capture-pane -p -e -N`` and set the cursor.

        SGR (and SO/SI for line drawing) state carries across the capture's lines, so one
        stream reads it all; each line is put at its row with autowrap off, never by a
        linefeed, so nothing scrolls. A ``cursor_x`` equal to the width (pending wrap) is
        kept. tmux 3.4's capture holds the cell its late padding skipped, so no joining
        widens a cell here (``reading_capture``). The rest is tmux's pane state:
        ``private_modes`` are the private modes that are on (``wrap_flag`` → 7 …; None: as
        after a reset), ``insert`` is IRM and ``scroll_region`` the 0-based top and bottom
        rows. ``tab_stops`` are the pane's (None: every 8 columns): tmux 3.6+ captures a
        tab as one ``\t``, which must reach the stop it reached in tmux.
        """
        self.reset()
        if tab_stops is not None:
            self.set_tab_stops(tab_stops)
        self.alternate = alternate
        self._primary, self._alternate_cursor = None, None
        self.mode.discard(mo.DECAWM)
        stream = PaneStream(self)
        self.reading_capture = True
        try:
            for y, line in enumerate(capture.split(b"\n")[: self.lines]):
                self.cursor.x, self.cursor.y = 0, y
                stream.feed(line)
                if self._joining:
                    # A cell tmux 3.3a keeps ending in a joiner (a four-person family
                    # that did not fit) is captured as such: the joiner is that cell's,
                    # not one waiting for the next line's first character.
                    self._joining = False
                    self._combine(ZWJ)
        finally:
            self.reading_capture = False
        self.mode = {
            mode << 5
            for mode in ({7} if private_modes is None else private_modes)
            if (mode in PRIVATE_MODES or mode in MOUSE_TRACKING) and mode != 3
        }
        if cursor_visible:
            self.mode.add(mo.DECTCEM)
        if insert:
            self.mode.add(mo.IRM)
        self.margins = None
        if scroll_region is not None:
            top, bottom = scroll_region
            if 0 <= top < bottom < self.lines and (top, bottom) != (0, self.lines - 1):
                self.margins = Margins(top, bottom)
        self.cursor = Cursor(min(max(cursor_x, 0), self.columns), 0)
        self.cursor.y = min(max(cursor_y, 0), self.lines - 1)
        self.cursor.hidden = not cursor_visible
        self.charset = 0
        self.repeat_char = ""
        self._joining = False
        self.dirty.update(range(self.lines))
