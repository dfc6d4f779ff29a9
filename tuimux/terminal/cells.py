"""Printing into cells as tmux's ``screen_write_cell`` does: the base of PaneScreen.

pyte 0.8.2's ``draw`` drops the rest of a run at a zero-width non-combining character
(VS16, ZWJ, Indic signs) or a control, splits a wide character over the right margin and
leaves half of one when the other half is overwritten. This layer prints the way tmux
3.3a does (joined marks capped per cell, nothing joined at column 0, wide characters
wrapped whole) and caches cells and SGR results, since ``Char._replace`` is slow. Modes,
the alternate screen, cursor rules and snapshots are in :mod:`tuimux.terminal.screen`.
"""

from __future__ import annotations

import pyte
from pyte import modes as mo
from pyte.charsets import LAT1_MAP
from pyte.screens import Char, wcwidth

MAX_CELL_BYTES = 21  # a tmux cell holds at most UTF8_SIZE bytes; more marks are dropped
ZWJ = "\u200d"
BLANK = Char(" ")
CONTROLS = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)])


class _Cells(dict[str, Char]):
    """Cells of one set of attributes by character (``Char._replace`` is slow)."""

    __slots__ = ("attrs",)

    def __init__(self, attrs: Char) -> None:
        super().__init__()
        self.attrs = attrs

    def __missing__(self, char: str) -> Char:
        if len(self) >= 1024:
            self.clear()
        cell: Char = self.attrs._replace(data=char)
        self[char] = cell
        return cell


class CellScreen(pyte.Screen):
    """pyte's Screen with tmux's printing rules."""

    def __init__(self, columns: int, lines: int) -> None:
        # The character REP repeats; the stream clears it after any control, as tmux
        # clears INPUT_LAST.
        self.repeat_char = ""
        self._joining = False
        self._cells: dict[Char, _Cells] = {}
        self._renditions: dict[tuple[Char, tuple[int, ...]], Char] = {}
        super().__init__(columns, lines)

    # -- printing ------------------------------------------------------------------------

    def draw(self, data: str) -> None:
        """Print text as tmux's ``screen_write_cell`` does (see the module docstring)."""
        if not data:
            return
        charset = self.g1_charset if self.charset else self.g0_charset
        if charset is not LAT1_MAP:
            data = data.translate(charset)
        if data.isascii() and data.isprintable() and mo.IRM not in self.mode:
            self._draw_ascii(data)
        else:
            self._draw_each(data)
        self.repeat_char = data[-1]
        self.dirty.add(self.cursor.y)

    def _draw_ascii(self, data: str) -> None:
        """Narrow characters only: whole runs go into a row with one ``dict.update``."""
        cursor, columns, buffer = self.cursor, self.columns, self.buffer
        cells = self._cells_for(cursor.attrs)
        wrap = mo.DECAWM in self.mode
        start, end = 0, len(data)
        while start < end:
            if cursor.x >= columns:
                if wrap:
                    self.dirty.add(cursor.y)
                    self.carriage_return()
                    self.linefeed()
                else:  # every further character lands in the last column
                    cursor.x, start = columns - 1, end - 1
            x = cursor.x
            count = min(columns - x, end - start)
            line = buffer[cursor.y]
            self._split_wide(line, x, x + count)
            chunk = map(cells.__getitem__, data[start : start + count])
            line.update(zip(range(x, x + count), chunk, strict=False))
            cursor.x = x + count
            start += count

    def _draw_each(self, data: str) -> None:
        cursor, columns = self.cursor, self.columns
        cells = self._cells_for(cursor.attrs)
        wrap = mo.DECAWM in self.mode
        for char in data:
            if char == ZWJ:
                # tmux 3.3a keeps no joiner: it joins the next non-ASCII character, joiner
                # first, to the cell before the cursor (an emoji ZWJ sequence takes one
                # cell) and drops it if it cannot. ASCII in between is printed as usual.
                self._joining = True
                continue
            if self._joining and char > "\x7f":
                # Two joins, as screen_write_cell makes two screen_write_combine calls:
                # a full cell (21 bytes) can still take the joiner but not the character
                # (a four-person family emoji ends in a joiner in tmux).
                self._joining = False
                self._combine(ZWJ)
                self._combine(char)
                continue
            width = 1 if " " <= char <= "~" else wcwidth(char)
            if width <= 0:
                if width == 0:
                    self._combine(char)
                continue  # a control character: tmux never prints one
            if cursor.x > columns - width:
                if wrap:
                    self.dirty.add(cursor.y)
                    self.carriage_return()
                    self.linefeed()
                elif width == 1:
                    cursor.x = columns - 1
                if cursor.x > columns - width:
                    continue  # a wide character that cannot fit is dropped
            if mo.IRM in self.mode:
                self.insert_characters(width)
            x = cursor.x
            line = self.buffer[cursor.y]
            self._split_wide(line, x, x + width)
            line[x] = cells[char]
            if width == 2:
                line[x + 1] = cells[""]
            cursor.x = x + width

    def _combine(self, mark: str) -> None:
        """tmux's ``screen_write_combine``: onto the cell before the cursor (the left half
        of a wide one), never at column 0, never past what a tmux cell holds."""
        x = min(self.cursor.x, self.columns) - 1
        line = self.buffer[self.cursor.y]
        if x > 0 and line[x].data == "":
            x -= 1
        data = line[x].data + mark
        if x >= 0 and len(data.encode()) <= MAX_CELL_BYTES:
            line[x] = line[x]._replace(data=data)

    @staticmethod
    def _split_wide(line: dict[int, Char], start: int, end: int) -> None:
        """Blank the halves of wide characters that writing columns [start, end) cuts."""
        left = line.get(start)
        if start > 0 and left is not None and left.data == "":
            line[start - 1] = BLANK
        right = line.get(end)
        if right is not None and right.data == "":
            line[end] = BLANK

    def _cells_for(self, attrs: Char) -> _Cells:
        cells = self._cells.get(attrs)
        if cells is None:
            if len(self._cells) >= 256:
                self._cells.clear()
            cells = self._cells[attrs] = _Cells(attrs)
        return cells

    def select_graphic_rendition(self, *attrs: int) -> None:
        """SGR, remembered: pyte rebuilds the attributes with ``_replace`` every time."""
        key = (self.cursor.attrs, attrs)
        known = self._renditions.get(key)
        if known is None:
            super().select_graphic_rendition(*attrs)
            if len(self._renditions) >= 1024:
                self._renditions.clear()
            known = self._renditions[key] = self.cursor.attrs
        self.cursor.attrs = known

    def repeat_last(self, count: int | None = None) -> None:
        """REP (``CSI n b``): tmux repeats the last character up to the right margin only."""
        count = min(count or 1, self.columns - self.cursor.x)
        if self.repeat_char and count > 0:
            self.draw(self.repeat_char * count)
