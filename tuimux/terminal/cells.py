"""Printing into cells as tmux's ``screen_write_cell`` does: the base of PaneScreen.

pyte 0.8.2's ``draw`` drops the rest of a run at a zero-width non-combining character
(VS16, ZWJ, Indic signs) or a control, splits a wide character over the right margin and
leaves half of one when the other half is overwritten. This layer prints the way tmux
3.3a does (joined marks capped per cell, nothing joined at column 0, wide characters
wrapped whole) and caches cells and SGR results, since ``Char._replace`` is slow. Cells
are :mod:`tuimux.terminal.attributes`' (all tmux keeps, SGR as tmux reads it); DEC line
drawing uses tmux's client's glyphs (:data:`DEC_GRAPHICS`). Modes,
the alternate screen, cursor rules and snapshots are in :mod:`tuimux.terminal.screen`.

tmux 3.4 changed these rules (a joiner joins at once, VS16 and emoji modifiers widen a
cell, emoji of a table are wide whatever ``wcwidth`` says; 3.4 itself puts the padding of a
widened cell one column too far), 3.5 fixed the padding and 3.6 changed them again (a cell
holds 32 bytes, modifiers join in pairs only, flags are narrow again): :class:`CellRules`
says which a server follows, chosen once per attach (:data:`RULES_PROBE`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

import pyte
from pyte import modes as mo
from pyte.charsets import LAT1_MAP, VT100_MAP
from pyte.screens import Char, wcwidth

from tuimux.terminal.attributes import BLANK as BLANK
from tuimux.terminal.attributes import Cell, as_cell, rendition

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
# utf8_is_modifier (tmux 3.4, 3.5): a regional indicator or skin tone joins any cell
# that is not one ASCII character.
_MODIFIERS = frozenset({*_REGIONAL, *_SKIN_TONES})
# utf8_force_wide (tmux 3.4, 3.5; utf8_default_width_cache since 3.6): two columns
# whatever wcwidth says.
_FORCE_WIDE = frozenset(
    {
        0x261D, 0x26F9, *range(0x270A, 0x270E), 0x1F385, *range(0x1F3C2, 0x1F3C5),
        0x1F3C7, *range(0x1F3CA, 0x1F3CD), *_SKIN_TONES, *range(0x1F442, 0x1F444),
        *range(0x1F446, 0x1F451), *range(0x1F466, 0x1F46A), *range(0x1F46B, 0x1F46F),
        *range(0x1F470, 0x1F479), 0x1F47C, *range(0x1F481, 0x1F484), *range(0x1F485, 0x1F488),
        0x1F48F, 0x1F491, 0x1F4AA, *range(0x1F574, 0x1F576), 0x1F57A, 0x1F590,
        *range(0x1F595, 0x1F597), *range(0x1F645, 0x1F648), *range(0x1F64B, 0x1F650), 0x1F6A3,
        *range(0x1F6B4, 0x1F6B7), 0x1F6C0, 0x1F6CC, 0x1F90C, 0x1F90F, *range(0x1F918, 0x1F920),
        0x1F926, *range(0x1F930, 0x1F93A), *range(0x1F93D, 0x1F93F), 0x1F977,
        *range(0x1F9B5, 0x1F9B7), *range(0x1F9B8, 0x1F9BA), 0x1F9BB, *range(0x1F9CD, 0x1F9D0),
        *range(0x1F9D1, 0x1F9DE), *range(0x1FAC3, 0x1FAC6), *range(0x1FAF0, 0x1FAF9),
    }
)  # fmt: skip
PADDING = Cell("")  # the right half of a cell tmux made wide by joining
# tmux 3.4 pads a cell it widens by joining two columns to the right, not one (the cell
# between keeps what it had): this padding says which cell it belongs to. Never drawn; its
# colour is no colour, so no padding of a wide character in any attributes equals it.
LATE_PADDING = Cell("", fg="late padding")
CONTROLS = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)])


@dataclass(frozen=True)
class CellRules:
    """How a tmux server puts characters into cells (``screen_write_combine``).

    The default is tmux 3.3a's (the system tmux this was first written against; 3.2a's
    differ only in the joiner). ``joiner``: 3.2a treats a ZWJ as any zero-width mark
    ("mark"); 3.3a keeps it aside until the next non-ASCII character ("waits"); 3.4+
    joins it to the cell before at once and joins anything that follows a cell ending in
    one ("joins"). ``vs16_wide``: 3.4 and 3.5 (3.6+ as ``variation-selector-always-wide``
    says) make a cell VS16 joins two columns wide. ``lone_overflow``: when a full cell
    cannot take a zero-width character, 3.4 to 3.7 write it into the cursor's cell (no
    advance); the others drop it. ``c1_column``: tmux 3.2a gives a C1 control sent as UTF-8
    (U+0080-U+009F) a column of its own, as any character glibc's ``wcwidth`` calls
    unprintable (``utf8_width`` takes -1 for 1 off OpenBSD); 3.3a drops it, 3.4+ joins it
    to the cell before with no width. tuimux never draws a control, so it drops it too
    (the two bytes it takes of that cell in tmux are not counted).

    tmux 3.4 and 3.5 join as 3.6 does but ``modifiers="any"``: a regional indicator or
    skin tone joins (and widens) any cell but one ASCII character, where 3.6 joins pairs
    only; ``force_wide``: their table of emoji two columns wide; ``late_padding`` (3.4
    only): a cell widened by joining gets its padding two columns on, the cursor with it.
    ``drops_filler``: 3.6+ ignores U+3164 HANGUL FILLER. ``margin_back``: 3.4 to 3.6
    move the cursor of a cell widened at the last column back onto it (3.7 leaves it).
    ``first_wide_kept`` (3.4, 3.5): ASCII written over the right half of a wide character
    in column 0 leaves the character (``screen_write_collect_end`` reads the wrong cell).

    Widths are the wcwidth package's but where tmux's differ whatever its build
    (:func:`widths`): a regional indicator is one column, U+3164 two; ``force_wide``
    (3.4+): a table of emoji is two, in 3.4 and 3.5 regional indicators too.
    """

    cell_bytes: int = MAX_CELL_BYTES
    joiner: Literal["mark", "waits", "joins"] = "waits"
    vs16_wide: bool = False
    lone_overflow: bool = False
    c1_column: bool = False
    modifiers: Literal["pairs", "any"] = "pairs"
    force_wide: bool = False
    late_padding: bool = False
    drops_filler: bool = False
    margin_back: bool = False
    first_wide_kept: bool = False


TMUX_32 = CellRules(joiner="mark", c1_column=True)
TMUX_33 = CellRules()
TMUX_35 = CellRules(
    joiner="joins",
    vs16_wide=True,
    lone_overflow=True,
    modifiers="any",
    force_wide=True,
    margin_back=True,
    first_wide_kept=True,
)
TMUX_34 = replace(TMUX_35, late_padding=True)
TMUX_36 = CellRules(
    cell_bytes=32,
    joiner="joins",
    vs16_wide=True,
    lone_overflow=True,
    drops_filler=True,
    force_wide=True,
    margin_back=True,
)
TMUX_37 = replace(TMUX_36, margin_back=False)
TMUX_38 = replace(TMUX_37, lone_overflow=False)

RULES_PROBE = (
    "display-message",
    "-p",
    "#{allow-passthrough}|#{variation-selector-always-wide}|#{theme}|#{prefix-timeout}"
    "|#{get-clipboard}",
)
"""Five options as a format, each arrived with a change of cell rules:
``allow-passthrough`` in tmux 3.3 (a flag, ``0``; a choice, ``off``, since 3.4),
``prefix-timeout`` in 3.5, ``variation-selector-always-wide`` in 3.6, ``get-clipboard``
in 3.7, ``theme`` in next-3.8. A server without an option expands it to nothing (3.2a
answers ``||||``, 3.3a ``0||||``, 3.4 ``off||||``, 3.5a ``off|||0|``, 3.6 ``off|1||0|``,
3.7 ``off|1||0|buffer``, next-3.8 ``off|1|detect|0|buffer``), so the features are asked
for, not read off a version string (``next-3.8``, ``master``, a distribution's own)."""


def cell_rules(answer: str) -> CellRules:
    """The rules a server follows, from its answer to :data:`RULES_PROBE`."""
    fields = [*answer.split("|", 4), "", "", "", ""]
    passthrough, vs16, theme, timeout, clipboard = fields[:5]
    if vs16 in ("0", "1"):
        rules = TMUX_38 if theme else TMUX_37 if clipboard else TMUX_36
        return replace(rules, vs16_wide=vs16 == "1")
    if not passthrough:
        return TMUX_32
    if passthrough in ("0", "1"):
        return TMUX_33
    return TMUX_35 if timeout else TMUX_34


@cache
def widths(force_wide: bool, wide_flags: bool) -> dict[int, int]:
    """Where a tmux's widths differ from the wcwidth package's: glibc and utf8proc give a
    regional indicator one column and U+3164 two; tmux 3.4+ forces a table of emoji to
    two (3.4 and 3.5 with the regional indicators: ``wide_flags``)."""
    table = dict.fromkeys(_REGIONAL, 1)
    table[ord(HANGUL_FILLER)] = 2
    if force_wide:
        table.update(dict.fromkeys(_FORCE_WIDE, 2))
    if wide_flags:
        table.update(dict.fromkeys(_REGIONAL, 2))
    return table


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
        # PaneScreen.restore reads a capture: tmux 3.4 printed the cell that follows a
        # widened one, so a widening there must not move what follows (see _join).
        self.reading_capture = False
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
            self._split_wide(line, x, x + count, wrap)
            chunk = map(cells.__getitem__, data[start : start + count])
            line.update(zip(range(x, x + count), chunk, strict=False))
            cursor.x = x + count
            start += count

    def _draw_each(self, data: str) -> None:
        cursor, columns = self.cursor, self.columns
        cells = self._cells_for(cursor.attrs)
        wrap = mo.DECAWM in self.mode
        waits, joins = self.rules.joiner == "waits", self.rules.joiner == "joins"
        rules = self.rules
        known = widths(rules.force_wide, rules.force_wide and rules.modifiers == "any")
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
            width = 1 if " " <= char <= "~" else known.get(ord(char)) or wcwidth(char)
            if width < 0:
                continue  # a control character: tmux never prints one
            if joins:
                if self._join(char, width):
                    continue
                if width == 0:  # a full cell refused it: tmux 3.4 to 3.7 keep it apart
                    if cursor.x < columns:
                        self.buffer[cursor.y][cursor.x] = cells[char]
                        # In tmux's grid it stays only where nothing was printed after
                        # it, and a capture shows it as that column's cell: the next
                        # column's follows.
                        cursor.x += self.reading_capture
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
            self._split_wide(line, x, x + width, wrap and " " <= char <= "~")
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
        """tmux 3.4+'s ``screen_write_combine``: True if ``char`` is used up, joined to
        the cell before the cursor or dropped; False if it is to be printed."""
        rules = self.rules
        if char == HANGUL_FILLER and rules.drops_filler:
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
        if last.data == "" or self._width(line, x) != n:
            return zero
        wide = zero and char == VS16 and rules.vs16_wide
        if zero:
            pass
        elif rules.modifiers == "any" and ord(char) in _MODIFIERS:
            if len(last.data.encode()) < 2:  # one ASCII character: printed apart
                return False
            wide = True
        elif rules.modifiers == "pairs" and (
            _should_combine(last.data, char) or _should_combine(char, last.data)
        ):
            wide = True
        elif not last.data.endswith(ZWJ):
            return False
        data = last.data + char
        if len(data.encode()) > rules.cell_bytes:
            return zero and not rules.lone_overflow
        line[x] = last._replace(data=data)
        if n == 1 and wide and not (rules.late_padding and self.reading_capture):
            # The cell becomes two columns wide and the cursor moves on, back to the last
            # column if that passes the margin (screen_write_set_cursor).
            pad = x + 2 if rules.late_padding else x + 1
            if pad < self.columns:
                line[pad] = LATE_PADDING if rules.late_padding else PADDING
            back = cx == self.columns and rules.margin_back
            self.cursor.x = self.columns - 1 if back else min(cx + 1, self.columns)
        return True

    def _width(self, line: dict[int, Char], x: int) -> int:
        """The columns tmux gives the cell at ``x``: two when padding follows it (tmux 3.4:
        or comes one further, :data:`LATE_PADDING`)."""
        right = line[x + 1]
        if right.data == "":
            return 1 if right == LATE_PADDING else 2
        return 2 if self.rules.late_padding and line[x + 2] == LATE_PADDING else 1

    def _split_wide(
        self, line: dict[int, Char], start: int, end: int, collected: bool = False
    ) -> None:
        """Blank the halves of wide characters that writing columns [start, end) cuts.

        tmux 3.4's late padding (:data:`LATE_PADDING`) shows where tmux's two ways of
        writing differ: a run of ASCII it collects (``screen_write_collect_end``) keeps
        the narrow cell before the padding and clears the padding after the run; one
        character at a time (``screen_write_overwrite``) does the opposite.
        """
        left = line.get(start)
        kept = collected and (left == LATE_PADDING or (start == 1 and self.rules.first_wide_kept))
        if start > 0 and left is not None and left.data == "" and not kept:
            line[start - 1] = BLANK
        right = line.get(end)
        if right is not None and right.data == "" and (collected or right != LATE_PADDING):
            line[end] = BLANK

    def _cells_for(self, attrs: Char) -> _Cells:
        cells = self._cells.get(attrs)
        if cells is None:
            if len(self._cells) >= 256:
                self._cells.clear()
            cells = self._cells[attrs] = _Cells(as_cell(attrs))
        return cells

    def select_graphic_rendition(self, *attrs: int) -> None:
        """SGR, remembered: a screen sees few distinct ones, and ``_replace`` is slow."""
        key = (self.cursor.attrs, attrs)
        known = self._renditions.get(key)
        if known is None:
            known = rendition(self.cursor.attrs, attrs)
            if len(self._renditions) >= 1024:
                self._renditions.clear()
            self._renditions[key] = known
        self.cursor.attrs = known

    @property
    def default_char(self) -> Char:
        """What pyte fills new lines and cells with (tmux ignores DECSCNM: never reversed)."""
        return BLANK

    def define_charset(self, code: str, mode: str) -> None:
        """``ESC ( 0``: DEC line drawing as tmux's client draws it (:data:`DEC_GRAPHICS`)."""
        charset = DEC_GRAPHICS if code == "0" else LAT1_MAP if code == "B" else None
        if charset is not None and mode == "(":
            self.g0_charset = charset
        elif charset is not None and mode == ")":
            self.g1_charset = charset

    def reset(self) -> None:
        super().reset()
        self.g1_charset = DEC_GRAPHICS

    def repeat_last(self, count: int | None = None) -> None:
        """REP (``CSI n b``): tmux repeats the last character up to the right margin only."""
        count = min(count or 1, self.columns - self.cursor.x)
        if self.repeat_char and count > 0:
            self.draw(self.repeat_char * count)


# tmux's client draws DEC special graphics (``ESC ( 0``) on a UTF-8 terminal from its
# tty-acs.c table, which differs from pyte's in three glyphs: 0 is U+25AE (not a full
# block), h is U+2424 (not a light shade) and _ is not in the table (not a no-break space).
_TMUX_ACS = {"0": "\u25ae", "h": "\u2424", "_": "_"}
DEC_GRAPHICS = "".join(_TMUX_ACS.get(chr(i), VT100_MAP[i]) for i in range(len(VT100_MAP)))
