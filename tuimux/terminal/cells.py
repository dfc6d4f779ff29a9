"""Printing into cells as tmux's ``screen_write_cell`` does: the base of PaneScreen.

pyte 0.8.2's ``draw`` drops the rest of a run at a zero-width non-combining character
(VS16, ZWJ, Indic signs) or a control, splits a wide character over the right margin and
leaves half of one when the other half is overwritten. This layer prints the way tmux
3.3a does (joined marks capped per cell, nothing joined at column 0, wide characters
wrapped whole) and caches cells and SGR results, since ``Char._replace`` is slow. Modes,
the alternate screen, cursor rules and snapshots are in :mod:`tuimux.terminal.screen`.

tmux 3.6 changed these rules (a cell holds 32 bytes, a joiner joins at once, VS16 and
emoji modifiers widen a cell): :class:`CellRules` says which a server follows, chosen once
per attach (:data:`RULES_PROBE`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import pyte
from pyte import modes as mo
from pyte.charsets import LAT1_MAP
from pyte.screens import Char, wcwidth

MAX_CELL_BYTES = 21  # a tmux cell holds at most UTF8_SIZE bytes; more marks are dropped
ZWJ = "\u200d"
VS16 = "\ufe0f"
HANGUL_FILLER = "\u3164"
# utf8_should_combine (tmux 3.6+): an emoji of this list joins a skin tone beside it.
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_TONED = frozenset(
    {
        *range(0x1F44B, 0x1F451), *range(0x1F466, 0x1F46A), 0x1F46E, *range(0x1F470, 0x1F479),
        0x1F47C, 0x1F481, 0x1F482, 0x1F483, 0x1F485, 0x1F486, 0x1F487, 0x1F4AA, 0x1F575,
        0x1F57A, 0x1F590, 0x1F595, 0x1F596, 0x1F645, 0x1F646, 0x1F647, *range(0x1F64B, 0x1F650),
        0x1F6B4, 0x1F6B5, 0x1F6B6, 0x1F926, 0x1F937, 0x1F938, 0x1F939, 0x1F93D, 0x1F93E,
        0x1F9B5, 0x1F9B6, 0x1F9B8, 0x1F9B9, 0x1F9CD, 0x1F9CE, 0x1F9CF, *range(0x1F9D1, 0x1F9E0),
    }
)  # fmt: skip
_REGIONAL = range(0x1F1E6, 0x1F200)
BLANK = Char(" ")
PADDING = Char("")  # the right half of a cell tmux made wide by joining
CONTROLS = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)])


@dataclass(frozen=True)
class CellRules:
    """How a tmux server puts characters into cells (``screen_write_combine``).

    The default is tmux 3.3a's (the system tmux this was first written against; the
    rules before 3.6 differ only in the joiner). ``joiner``: 3.2a treats a ZWJ as any
    zero-width mark ("mark"); 3.3a keeps it aside until the next non-ASCII character
    ("waits"); 3.6+ joins it to the cell before at once and joins anything that follows a
    cell ending in one ("joins"). ``vs16_wide``: 3.6+ (``variation-selector-always-wide``)
    makes a cell VS16 joins two columns wide. ``lone_overflow``: when a full cell cannot
    take a zero-width character, 3.6 and 3.7 write it into the cursor's cell (no advance);
    the others drop it. ``c1_column``: tmux 3.2a gives a C1 control sent as UTF-8
    (U+0080-U+009F) a column of its own, as any character glibc's ``wcwidth`` calls
    unprintable (``utf8_width`` takes -1 for 1 off OpenBSD); 3.3a drops it, 3.4+ joins it
    to the cell before with no width. tuimux never draws a control: the column is blank.
    """

    cell_bytes: int = MAX_CELL_BYTES
    joiner: Literal["mark", "waits", "joins"] = "waits"
    vs16_wide: bool = False
    lone_overflow: bool = False
    c1_column: bool = False


TMUX_32 = CellRules(joiner="mark", c1_column=True)
TMUX_33 = CellRules()
TMUX_36 = CellRules(cell_bytes=32, joiner="joins", vs16_wide=True, lone_overflow=True)
TMUX_38 = replace(TMUX_36, lone_overflow=False)

RULES_PROBE = (
    "display-message",
    "-p",
    "#{allow-passthrough}|#{variation-selector-always-wide}|#{theme}",
)
"""Three options as a format, each arrived with a change of cell rules:
``allow-passthrough`` in tmux 3.3, ``variation-selector-always-wide`` in 3.6, ``theme`` in
next-3.8. A server without an option expands it to nothing (3.2a answers ``||``, 3.3a
``0||``, 3.4 and 3.5a ``off||``, 3.6 and 3.7 ``off|1|``, next-3.8 ``off|1|detect``), so
the features are asked for, not read off a version string (``next-3.8``, ``master``, a
distribution's own)."""


def cell_rules(answer: str) -> CellRules:
    """The rules a server follows, from its answer to :data:`RULES_PROBE`."""
    passthrough, vs16, theme = [*answer.split("|", 2), "", ""][:3]
    if vs16 in ("0", "1"):
        rules = TMUX_38 if theme else TMUX_36
        return replace(rules, vs16_wide=vs16 == "1")
    return TMUX_33 if passthrough else TMUX_32


def _should_combine(last: str, char: str) -> bool:
    """tmux 3.6+'s ``utf8_should_combine`` either way round: a regional indicator pair,
    or a skin tone modifier after an emoji."""
    if len(last) != 1 or len(char) != 1:  # utf8_towc takes one character only
        return False
    one, two = ord(last), ord(char)
    if one in _REGIONAL and two in _REGIONAL:
        return True
    return (one in _TONED and two in _SKIN_TONES) or (two in _TONED and one in _SKIN_TONES)


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

    def __init__(self, columns: int, lines: int, rules: CellRules = TMUX_33) -> None:
        self.rules = rules
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
        waits, joins = self.rules.joiner == "waits", self.rules.joiner == "joins"
        for char in data:
            if waits and char == ZWJ:
                # tmux 3.3a keeps no joiner: it joins the next non-ASCII character, joiner
                # first, to the cell before the cursor (an emoji ZWJ sequence takes one
                # cell) and drops it if it cannot. ASCII in between is printed as usual.
                self._joining = True
                continue
            if waits and self._joining and char > "\x7f":
                # Two joins, as screen_write_cell makes two screen_write_combine calls:
                # a full cell (21 bytes) can still take the joiner but not the character
                # (a four-person family emoji ends in a joiner in tmux).
                self._joining = False
                self._combine(ZWJ)
                self._combine(char)
                continue
            width = 1 if " " <= char <= "~" else wcwidth(char)
            if width < 0:
                continue  # a control character: tmux never prints one
            if joins:
                if self._join(char, width):
                    continue
                if width == 0:  # a full cell refused it: tmux 3.6 and 3.7 keep it apart
                    if cursor.x < columns:
                        self.buffer[cursor.y][cursor.x] = cells[char]
                    continue
            elif width == 0:
                self._combine(char)
                continue
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
        if x >= 0 and len(data.encode()) <= self.rules.cell_bytes:
            line[x] = line[x]._replace(data=data)

    def _join(self, char: str, width: int) -> bool:
        """tmux 3.6+'s ``screen_write_combine``: True if ``char`` is used up, joined to
        the cell before the cursor or dropped; False if it is to be printed."""
        if char == HANGUL_FILLER:
            return True
        zero = width == 0 or char in (ZWJ, VS16)
        cx = min(self.cursor.x, self.columns)
        if char <= "\x7f" or cx == 0:
            return zero
        line = self.buffer[self.cursor.y]
        x, n = cx - 1, 1
        if cx != 1 and line[x].data == "":
            x, n = x - 1, 2
        last = line[x]
        if last.data == "" or (2 if line[x + 1].data == "" else 1) != n:
            return zero
        wide = zero and char == VS16 and self.rules.vs16_wide
        if not zero:
            if _should_combine(last.data, char) or _should_combine(char, last.data):
                wide = True
            elif not last.data.endswith(ZWJ):
                return False
        data = last.data + char
        if len(data.encode()) > self.rules.cell_bytes:
            return zero and not self.rules.lone_overflow
        line[x] = last._replace(data=data)
        if n == 1 and wide:  # the cell becomes two columns wide; the cursor follows
            if x + 1 < self.columns:
                line[x + 1] = PADDING
            self.cursor.x = min(cx + 1, self.columns)
        return True

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
