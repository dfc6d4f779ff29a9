"""tmux's copy-mode selection, drawn the way tmux draws it.

tmux sends control clients nothing of copy mode: tuimux reads the mode's view back with
``capture-pane`` and the selection as formats (``selection_start_x`` … in history
coordinates, where row 0 is the oldest line kept). Which cells are selected follows
tmux 3.3a's ``screen_check_selection``: the start cell is always in, the cursor cell is
in with vi keys and out with emacs keys, rows between are whole (to the pane's edge,
past the text), and a rectangle takes the same columns on every row, both edges in.
An end outside the view is pinned to its corner first, as tmux does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyte.screens import Char

from tuimux.control.numbers import INT_MAXIMUM, parse_uint
from tuimux.terminal.attributes import Cell, as_cell, index_colour
from tuimux.terminal.screen import PaneScreen

# tmux's default mode-style (bg=yellow,fg=black); pyte calls ANSI yellow "brown".
SELECTED_FG = "black"
SELECTED_BG = "brown"
_ANSI_NAMES = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
_PYTE_NAMES = {name: ("brown" if name == "yellow" else name) for name in _ANSI_NAMES}
_ATTRIBUTES = ("bold", "italics", "underscore", "strikethrough", "reverse", "blink")
_HEX = re.compile(r"#[0-9a-f]{6}")
# next-3.8's theme colours (its default mode-style is bg=themeyellow,fg=themeblack) as its
# own client draws them on a terminal of 256 colours or more that has not said it is
# light: the defaults of the dark-theme-* options (gray5 is round(2.55 * 5) = 0x0d …).
# A user's own dark-theme-* or light-theme-* values are not read.
_THEME = {
    "themeblack": "0d0d0d",  # gray5
    "themewhite": "e6e6e6",  # gray90
    "themelightgrey": "b3b3b3",  # gray70
    "themedarkgrey": "262626",  # gray15
    "themegreen": "9acd32",  # yellowgreen
    "themeyellow": "b8860b",  # darkgoldenrod
    "themered": "cd5c5c",  # indianred
    "themeblue": "6ca6cd",  # skyblue3
    "themecyan": "5f9ea0",  # cadetblue
    "thememagenta": "9370db",  # mediumpurple
}


@dataclass(frozen=True)
class ModeStyle:
    """tmux's ``mode-style`` as pyte cell attributes (colour names pyte uses)."""

    fg: str = SELECTED_FG
    bg: str = SELECTED_BG
    bold: bool = False
    italics: bool = False
    underscore: bool = False
    strikethrough: bool = False
    reverse: bool = False
    blink: bool = False


def _colour(value: str) -> str | None:
    """A tmux colour as the screen keeps it: the 16 ANSI colours by name and 256-colour
    ones by index (so the user's palette applies, as tmux's client sends them),
    ``#rrggbb`` and theme colours as hex; None if tmux would refuse it."""
    value = value.lower()
    if value in ("default", "terminal"):
        return "default"
    bright = value.startswith("bright")
    name = value.removeprefix("bright")
    if name in _PYTE_NAMES:
        return ("bright" if bright else "") + _PYTE_NAMES[name]
    number = value.removeprefix("colour").removeprefix("color")
    index = parse_uint(number, 255) if number != value else None
    if index is not None:
        return index_colour(index)
    if _HEX.fullmatch(value):
        return value[1:]
    return _THEME.get(value)


def mode_style(text: str) -> ModeStyle:
    """Read tmux's style syntax (``fg=colour231,bg=#5f00af,bold``) for the selection.

    What tuimux cannot draw (``dim``, ``us=``, ``fill=``…) is skipped; a colour tmux
    itself would have refused leaves the default in place."""
    if not text.strip():  # not said (an older tmux): tmux's default
        return ModeStyle()
    fields: dict[str, str | bool] = {}
    for token in re.split(r"[,\s]+", text.strip()):
        key, _, value = token.partition("=")
        key = key.lower()
        if key in ("fg", "bg") and value:
            colour = _colour(value)
            if colour is not None:
                fields[key] = colour
        elif key in ("none", "noattr"):
            fields.update(dict.fromkeys(_ATTRIBUTES, False))
        elif key in _ATTRIBUTES or key.removeprefix("no") in _ATTRIBUTES:
            fields[key.removeprefix("no")] = not key.startswith("no")
        elif key == "bright":  # tmux's other name for bold
            fields["bold"] = True
    return ModeStyle(
        fg=str(fields.get("fg", "default")),
        bg=str(fields.get("bg", "default")),
        **{name: bool(fields.get(name, False)) for name in _ATTRIBUTES},
    )


@dataclass(frozen=True)
class Selection:
    """Start (where the selection began) and end (the cursor, while it is active) in
    rows of the screen the mode shows; either may be off that screen."""

    sx: int
    sy: int
    ex: int
    ey: int
    rectangle: bool = False
    emacs: bool = True

    def _last_column(self, x: int) -> int:
        """The right end of a span ending at the cursor side: emacs keys leave the
        cursor's cell out (a selection is between two points), vi keys take it."""
        if self.emacs:
            return x - 1 if x > 0 else 0
        return x

    def covers(self, x: int, y: int) -> bool:
        top, bottom = min(self.sy, self.ey), max(self.sy, self.ey)
        if y < top or y > bottom:
            return False
        if self.rectangle:  # both edge columns in, whatever the keys (measured)
            return min(self.sx, self.ex) <= x <= max(self.sx, self.ex)
        if self.sy < self.ey:  # downwards: from the start to the cursor
            if y == self.sy and x < self.sx:
                return False
            return not (y == self.ey and x > self._last_column(self.ex))
        if self.sy > self.ey:  # upwards: from the cursor to the start
            if y == self.ey and x < self.ex:
                return False
            if y == self.sy:
                return self.sx != 0 and x <= (self.sx - 1 if self.emacs else self.sx)
            return True
        if self.sx > self.ex:  # one row, the cursor on the left
            return self.ex <= x <= (self.sx - 1 if self.emacs else self.sx)
        return self.sx <= x <= self._last_column(self.ex)


def _on_screen(x: int, y: int, width: int, height: int, rectangle: bool) -> tuple[int, int, int]:
    """tmux's ``window_copy_adjust_selection``: an end above the view is pinned to its
    top row, one below to its bottom row, and (unless the selection is a rectangle,
    which keeps its columns) to the first or last column; the third value says which
    side it was on (-1 above, 0 on screen, 1 below)."""
    if y < 0:
        return (min(x, width - 1) if rectangle else 0), 0, -1
    if y > height - 1:
        return (min(x, width - 1) if rectangle else width - 1), height - 1, 1
    return min(x, width - 1), y, 0


def selection_in_view(
    fields: list[str], history_size: int, scroll_position: int, width: int, height: int
) -> Selection | None:
    """The selection from the mode's format fields (present, start x/y, end x/y,
    rectangle, mode-keys), in rows of the view: the top row of what the mode shows is
    history row ``history_size - scroll_position``. None when there is no selection or
    it lies wholly on one side of the view, as tmux then draws none."""
    if len(fields) != 7 or fields[0] != "1":
        return None
    numbers = [
        number for text in fields[1:5] if (number := parse_uint(text, INT_MAXIMUM)) is not None
    ]
    if len(numbers) != 4:
        return None
    sx, sy, ex, ey = numbers
    top = history_size - scroll_position
    rectangle = fields[5] == "1"
    sx, sy, start_side = _on_screen(sx, sy - top, width, height, rectangle)
    ex, ey, end_side = _on_screen(ex, ey - top, width, height, rectangle)
    if start_side == end_side != 0:
        return None
    return Selection(sx, sy, ex, ey, rectangle=rectangle, emacs=fields[6] != "vi")


def in_style(cell: Char, style: ModeStyle) -> Cell:
    """A cell drawn in the mode style: tmux replaces its colours and attributes and keeps
    its character."""
    return as_cell(cell)._replace(
        dim=False,
        hidden=False,
        overline=False,
        underscore_colour="default",
        fg=style.fg,
        bg=style.bg,
        bold=style.bold,
        italics=style.italics,
        underscore=style.underscore,
        strikethrough=style.strikethrough,
        reverse=style.reverse,
        blink=style.blink,
    )


def highlight(screen: PaneScreen, selection: Selection, style: ModeStyle = ModeStyle()) -> None:
    """Draw the selection into a mode screen: tmux replaces a selected cell's colours
    and attributes with the mode style and keeps its character."""
    first = max(0, min(selection.sy, selection.ey))
    last = min(screen.lines - 1, max(selection.sy, selection.ey))
    for y in range(first, last + 1):
        row = screen.buffer[y]
        for x in range(screen.columns):
            if selection.covers(x, y):
                row[x] = in_style(row[x], style)


def stamp_position(
    screen: PaneScreen, text: str, style: ModeStyle = ModeStyle(), *, keep_end: bool = False
) -> None:
    """Draw copy mode's position indicator (``[3/120]``) into a mode screen's top row as
    tmux does: right-aligned in the mode style over the text. A pane narrower than it
    shows its start up to tmux 3.5 (tmux moves to the width less its length, at least
    0, and writes up to the edge) and its end from 3.6 (``keep_end``: the indicator is
    a format drawn aligned right)."""
    if screen.lines == 0 or screen.columns == 0 or not text:
        return
    shown = text[-screen.columns :] if keep_end else text[: screen.columns]
    row = screen.buffer[0]
    start = screen.columns - len(shown)
    if start > 0 and row[start - 1].data and row[start].data == "":
        row[start - 1] = row[start - 1]._replace(data=" ")  # a wide char cut in half
    for offset, char in enumerate(shown):
        row[start + offset] = in_style(row[start + offset], style)._replace(data=char)
