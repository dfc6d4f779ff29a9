"""Lay out an expanded tmux format on one line, as tmux's ``format_draw`` does.

tmux expands the user's ``status-format`` (status-left, the window list, status-right)
into one string with ``#[…]`` directives, and ``format-draw.c`` lays it out: sections
aligned left, centre, right and absolute-centre, a list (the windows) trimmed around its
focus (the current window) with ``<``/``>`` markers when it does not fit, ``fill=``, and
ranges (which cells are which window, for the mouse). This is a port of that function,
so tuimux's line equals the one tmux's own client draws. The string holds names and
titles a pane chose: as in tmux, ``#[`` in them is a directive (tmux itself lets a
title restyle the status line; nothing more can come of it here than there), controls
are dropped as tmux drops them, and every other character is drawn as text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from wcwidth import wcwidth

from tuimux.control.tmux_style import (
    DEFAULT,
    Align,
    Cell,
    DefaultType,
    ListState,
    Style,
    parse_style,
)

# A column: its text ("" for the right half of a wide character) and how it looks.
Column = tuple[str, Cell]
# Characters of one expanded line looked at; the rest is dropped. The default line takes
# ~80 a window: this is some 200 windows, laid out in ~20 ms.
MAX_EXPANDED = 16384

LEFT, CENTRE, RIGHT, ABSOLUTE_CENTRE, LIST, LIST_LEFT, LIST_RIGHT, AFTER = range(8)


@dataclass(slots=True)
class Range:
    """Cells [start, end) of the line that are one ``range=`` (a window: ``window``
    and its index)."""

    type: str
    argument: str
    start: int
    end: int
    section: int = -1


@dataclass(slots=True)
class Drawn:
    """One drawn line: ``width`` columns and the ranges on it."""

    columns: list[Column]
    ranges: list[Range] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.columns)


def format_skip(text: str, start: int, end: str) -> int:
    """Index of the first character of ``end`` at nesting level 0 from ``start``, or -1
    (tmux's ``format_skip``: ``#{…}`` nests, ``#,`` ``##`` ``#{`` ``#}`` ``#:`` are escapes)."""
    brackets = 0
    index = start
    length = len(text)
    while index < length:
        char = text[index]
        following = text[index + 1] if index + 1 < length else ""
        if char == "#" and following == "{":
            brackets += 1
        if char == "#" and following and following in ",#{}:":
            index += 2
            continue
        if char == "}":
            brackets -= 1
        if char in end and brackets == 0:
            return index
        index += 1
    return -1


class _Screen:
    """One section being written: its columns; ``cx`` is its width so far."""

    __slots__ = ("columns",)

    def __init__(self) -> None:
        self.columns: list[Column] = []

    @property
    def cx(self) -> int:
        return len(self.columns)

    def put(self, char: str, cell: Cell) -> None:
        width = wcwidth(char)
        if width < 0:
            return  # tmux skips what it cannot give a width
        if width == 0:
            if self.columns:  # joins the cell before, as screen_write_cell does
                text, look = self.columns[-1]
                if text == "" and len(self.columns) > 1:
                    before, look_before = self.columns[-2]
                    self.columns[-2] = (before + char, look_before)
                else:
                    self.columns[-1] = (text + char, look)
            return
        self.columns.append((char, cell))
        if width == 2:
            self.columns.append(("", cell))


def _copy(out: list[Column], at: int, screen: _Screen, start: int, width: int) -> None:
    """``screen_write_fast_copy``: columns [start, start+width) of a section to ``at``;
    a wide character that would cross the end is not copied, nor anything after it."""
    columns = screen.columns
    for index in range(width):
        source = start + index
        if source >= len(columns):
            break
        text, cell = columns[source]
        wide = text != "" and source + 1 < len(columns) and columns[source + 1][0] == ""
        if source + (2 if wide else 1) > start + width:
            break
        target = at + index
        if 0 <= target < len(out):
            out[target] = (" " if text == "" and index == 0 else text, cell)


class _Layout:
    """The screens of one format and the output they are copied to."""

    def __init__(self, width: int, base: Cell) -> None:
        self.out: list[Column] = [(" ", base)] * width
        self.available = width
        self.ranges: list[Range] = []
        self.screens = [_Screen() for _ in range(8)]

    def put(self, section: int, offset: int, start: int, width: int) -> None:
        """``format_draw_put``: copy and move the section's ranges to where it went."""
        screen = self.screens[section]
        _copy(self.out, offset, screen, start, width)
        kept = []
        for found in self.ranges:
            if found.section != section:
                kept.append(found)
                continue
            if found.end <= start or found.start >= start + width:
                continue
            found.start = max(found.start, start)
            found.end = min(found.end, start + width)
            if found.start == found.end:
                continue
            found.start += offset - start
            found.end += offset - start
            found.section = -1 - section  # placed: no later put of this section moves it
            kept.append(found)
        self.ranges = kept

    def put_list(self, offset: int, width: int, focus_start: int, focus_end: int) -> None:
        """``format_draw_put_list``: the list whole, or cut around its focus with the
        markers at the cut sides."""
        items, left, right = self.screens[LIST], self.screens[LIST_LEFT], self.screens[LIST_RIGHT]
        if width >= items.cx:
            self.put(LIST, offset, 0, width)
            return
        focus_centre = focus_start + (focus_end - focus_start) // 2
        start = 0 if focus_centre < width // 2 else focus_centre - width // 2
        if start + width > items.cx:
            start = items.cx - width
        if start != 0 and width > left.cx:
            _copy(self.out, offset, left, 0, left.cx)
            offset += left.cx
            start += left.cx
            width -= left.cx
        if start + width < items.cx and width > right.cx:
            _copy(self.out, offset + width - right.cx, right, 0, right.cx)
            width -= right.cx
        self.put(LIST, offset, start, width)

    def width(self, section: int) -> int:
        return self.screens[section].cx

    def none(self) -> None:
        """``format_draw_none``: no list."""
        available = self.available
        wa = self.width(ABSOLUTE_CENTRE)
        wc, wr, wl = _trim(available, CENTRE, RIGHT, LEFT, widths=self.width)
        self.put(LEFT, 0, 0, wl)
        self.put(RIGHT, available - wr, self.width(RIGHT) - wr, wr)
        self.put(
            CENTRE,
            wl + ((available - wr) - wl) // 2 - wc // 2,
            self.width(CENTRE) // 2 - wc // 2,
            wc,
        )
        wa = min(wa, available)
        self.put(ABSOLUTE_CENTRE, (available - wa) // 2, 0, wa)

    def side(self, align: Align, focus_start: int, focus_end: int) -> None:
        """``format_draw_left``/``centre``/``right``: the list beside a section."""
        available = self.available
        wa = self.width(ABSOLUTE_CENTRE)
        # Trimmed first: the centre, the list, the right, after the list, the left (the
        # list first when it is in the centre).
        if align == Align.CENTRE:
            wlist, wafter, wc, wr, wl = _trim(
                available, LIST, AFTER, CENTRE, RIGHT, LEFT, widths=self.width
            )
        else:
            wc, wlist, wr, wafter, wl = _trim(
                available, CENTRE, LIST, RIGHT, AFTER, LEFT, widths=self.width
            )
        if wlist == 0:
            # tmux copies what followed the list to the end of the section beside it,
            # but without moving that section's cursor: it is never drawn.
            self.none()
            return
        self.put(LEFT, 0, 0, wl)
        if align == Align.LEFT:
            self.put(RIGHT, available - wr, self.width(RIGHT) - wr, wr)
            self.put(AFTER, wl + wlist, 0, wafter)
            self.put(
                CENTRE,
                (wl + wlist + wafter) + ((available - wr) - (wl + wlist + wafter)) // 2 - wc // 2,
                self.width(CENTRE) // 2 - wc // 2,
                wc,
            )
            if focus_start == -1 or focus_end == -1:
                focus_start = focus_end = 0
            self.put_list(wl, wlist, focus_start, focus_end)
        elif align == Align.CENTRE:
            self.put(RIGHT, available - wr, self.width(RIGHT) - wr, wr)
            middle = wl + ((available - wr) - wl) // 2
            self.put(CENTRE, middle - wlist // 2 - wc, 0, wc)
            self.put(AFTER, middle - wlist // 2 + wlist, 0, wafter)
            if focus_start == -1 or focus_end == -1:
                focus_start = focus_end = self.width(LIST) // 2
            self.put_list(middle - wlist // 2, wlist, focus_start, focus_end)
        else:
            self.put(AFTER, available - wafter, self.width(AFTER) - wafter, wafter)
            self.put(RIGHT, available - wr - wlist - wafter, 0, wr)
            self.put(
                CENTRE,
                wl + ((available - wr - wlist - wafter) - wl) // 2 - wc // 2,
                self.width(CENTRE) // 2 - wc // 2,
                wc,
            )
            if focus_start == -1 or focus_end == -1:
                focus_start = focus_end = 0
            self.put_list(available - wlist - wafter, wlist, focus_start, focus_end)
        wa = min(wa, available)
        self.put(ABSOLUTE_CENTRE, (available - wa) // 2, 0, wa)

    def absolute_centre(self, focus_start: int, focus_end: int) -> None:
        """``format_draw_absolute_centre``: the list in the middle of the whole line."""
        available = self.available
        wc, wr, wl = _trim(available, CENTRE, RIGHT, LEFT, widths=self.width)
        # Drawn over the rest, so trimmed on their own: the list, after it, abs-centre.
        wlist, wafter, wa = _trim(available, LIST, AFTER, ABSOLUTE_CENTRE, widths=self.width)
        self.put(LEFT, 0, 0, wl)
        self.put(RIGHT, available - wr, self.width(RIGHT) - wr, wr)
        middle = wl + ((available - wr) - wl) // 2
        self.put(CENTRE, middle - wc, 0, wc)
        if focus_start == -1 or focus_end == -1:
            focus_start = focus_end = self.width(LIST) // 2
        offset = (available - wlist - wa) // 2
        self.put(ABSOLUTE_CENTRE, offset, 0, wa)
        offset += wa
        self.put_list(offset, wlist, focus_start, focus_end)
        offset += wlist
        self.put(AFTER, offset, 0, wafter)


def _trim(available: int, *sections: int, widths: Callable[[int], int]) -> list[int]:
    """The sections' widths once cut to ``available`` together, taking from each in the
    order given until they fit (tmux's loops, one cell at a time)."""
    result = [widths(section) for section in sections]
    excess = sum(result) - available
    for index, width in enumerate(result):
        if excess <= 0:
            break
        cut = min(width, excess)
        result[index] -= cut
        excess -= cut
    return result


def format_draw(expanded: str, base: Cell, width: int) -> Drawn:
    """``expanded`` laid out on ``width`` columns over a line of spaces in ``base``."""
    expanded = expanded[:MAX_EXPANDED]
    width = max(width, 0)
    layout = _Layout(width, base)
    screens = layout.screens
    current_default = base_default = base
    style = Style(base)
    current = LEFT
    section_of = [LEFT, LEFT, CENTRE, RIGHT, ABSOLUTE_CENTRE]  # by Align
    focus_start = focus_end = -1
    list_state = -1
    fill = -1
    list_align = Align.DEFAULT
    open_range: Range | None = None
    index, length = 0, len(expanded)
    while index < length:
        char = expanded[index]
        following = expanded[index + 1] if index + 1 < length else ""
        if char == "#" and following not in ("[", ""):
            count = 1
            while index + count < length and expanded[index + count] == "#":
                count += 1
            even = count % 2 == 0
            if index + count >= length or expanded[index + count] != "[":
                index += count
                for _ in range(count // 2 if even else count // 2 + 1):
                    screens[current].put("#", style.cell)
                continue
            index += count + 1 if even else count - 1
            if style.ignore:
                continue
            for _ in range(count // 2):
                screens[current].put("#", style.cell)
            if even:
                screens[current].put("[", style.cell)
            continue
        if char != "#" or following != "[" or style.ignore:
            code = ord(char)
            if code >= 0x20 and not 0x7F <= code <= 0x9F and not 0xD800 <= code <= 0xDFFF:
                screens[current].put(char, style.cell)
            index += 1
            continue
        end = format_skip(expanded, index + 2, "]")
        if end == -1:  # tmux draws nothing of the format
            return Drawn(layout.out, [])
        saved = style
        parsed = parse_style(style, current_default, expanded[index + 2 : end])
        index = end + 1
        if parsed is None:
            continue
        style = parsed
        if style.fill != DEFAULT:
            fill = style.fill
        if style.default_type == DefaultType.PUSH:
            current_default = saved.cell
            style = replace(style, default_type=DefaultType.BASE)
        elif style.default_type == DefaultType.POP:
            current_default = base_default
            style = replace(style, default_type=DefaultType.BASE)
        elif style.default_type == DefaultType.SET:  # tmux 3.8
            base_default = current_default = saved.cell
            style = replace(style, default_type=DefaultType.BASE)
        if style.list == ListState.ON:
            if list_state != 0:
                open_range = None
                list_state = 0
                list_align = style.align
            if focus_start != -1 and focus_end == -1:
                focus_end = screens[LIST].cx
            current = LIST
        elif style.list == ListState.FOCUS:
            if list_state == 0 and focus_start == -1:
                focus_start = screens[LIST].cx
        elif style.list == ListState.OFF:
            if list_state == 0:
                open_range = None
                if focus_start != -1 and focus_end == -1:
                    focus_end = screens[LIST].cx
                section_of[list_align] = AFTER
                if list_align == Align.LEFT:
                    section_of[Align.DEFAULT] = AFTER
                list_state = 1
            current = section_of[style.align]
        elif style.list in (ListState.LEFT_MARKER, ListState.RIGHT_MARKER):
            marker = LIST_LEFT if style.list == ListState.LEFT_MARKER else LIST_RIGHT
            if list_state == 0 and screens[marker].cx == 0:
                open_range = None
                if focus_start != -1 and focus_end == -1:
                    focus_start = focus_end = -1
                current = marker
        if open_range is not None and (
            open_range.type != style.range_type or open_range.argument != style.range_argument
        ):
            if screens[current].cx != open_range.start:
                open_range.end = screens[current].cx
                layout.ranges.append(open_range)
            open_range = None
        if open_range is None and style.range_type:
            open_range = Range(
                style.range_type, style.range_argument, screens[current].cx, 0, current
            )
    if fill != -1:
        layout.out = [(" ", Cell(bg=fill))] * width
    if list_align == Align.DEFAULT:
        layout.none()
    elif list_align == Align.ABSOLUTE_CENTRE:
        layout.absolute_centre(focus_start, focus_end)
    else:
        layout.side(list_align, focus_start, focus_end)
    ranges = [found for found in layout.ranges if found.section < 0 and found.end > found.start]
    return Drawn(layout.out, ranges)
