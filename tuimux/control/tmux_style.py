"""tmux's styles (``fg=colour1,bold,align=right``) parsed as tmux's ``style_parse`` does.

A status line, a message or a border is drawn in styles the user wrote in options and
in ``#[…]`` directives of expanded formats; tmux parses them in ``style.c``,
``colour.c`` and ``attributes.c``. This module does the same into neutral values
(colours as tmux numbers them, attributes as tmux's bits), so the drawing layers can
turn them into whatever they draw with. A style tmux refuses is refused here too, and
leaves what it was applied to unchanged, as in tmux.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any

from tuimux.control.x11_colours import x11_colour

# Colours as tmux numbers them (colour.c): 0-7 and 90-97 the terminal's 16, 8 "default",
# 9 "terminal", the 256 palette and RGB flagged.
DEFAULT = 8
TERMINAL = 9
FLAG_256 = 0x01000000
FLAG_RGB = 0x02000000

# Attribute bits (tmux.h GRID_ATTR_*).
BRIGHT = 0x1
DIM = 0x2
UNDERSCORE = 0x4
BLINK = 0x8
REVERSE = 0x10
HIDDEN = 0x20
ITALICS = 0x40
CHARSET = 0x80
STRIKETHROUGH = 0x100
UNDERSCORE_2 = 0x200
UNDERSCORE_3 = 0x400
UNDERSCORE_4 = 0x800
UNDERSCORE_5 = 0x1000
OVERLINE = 0x2000
ALL_UNDERSCORES = UNDERSCORE | UNDERSCORE_2 | UNDERSCORE_3 | UNDERSCORE_4 | UNDERSCORE_5

_ATTRIBUTES = {
    "acs": CHARSET,
    "bright": BRIGHT,
    "bold": BRIGHT,
    "dim": DIM,
    "underscore": UNDERSCORE,
    "blink": BLINK,
    "reverse": REVERSE,
    "hidden": HIDDEN,
    "italics": ITALICS,
    "strikethrough": STRIKETHROUGH,
    "double-underscore": UNDERSCORE_2,
    "curly-underscore": UNDERSCORE_3,
    "dotted-underscore": UNDERSCORE_4,
    "dashed-underscore": UNDERSCORE_5,
    "overline": OVERLINE,
}
_NAMED = {
    "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6,
    "white": 7, "brightblack": 90, "brightred": 91, "brightgreen": 92, "brightyellow": 93,
    "brightblue": 94, "brightmagenta": 95, "brightcyan": 96, "brightwhite": 97,
}  # fmt: skip
_NUMBERED: dict[str, int] = {str(n): n for n in (*range(8), *range(90, 98))}
# tmux 3.8's theme colours: each client maps them through its dark-/light-theme-*
# options; tuimux takes the terminal colour tmux falls back to (colour.c).
_THEMED = {
    "themeblack": 0, "themewhite": 7, "themelightgrey": 7, "themedarkgrey": 0,
    "themegreen": 2, "themeyellow": 3, "themered": 1, "themeblue": 4, "themecyan": 6,
    "thememagenta": 5,
}  # fmt: skip
_HEX = frozenset("0123456789abcdefABCDEF")
_DELIMITERS = " ,\n"
MAX_WORD = 255  # style_parse's buffer: a longer word is an error


class Align(IntEnum):
    DEFAULT = 0
    LEFT = 1
    CENTRE = 2
    RIGHT = 3
    ABSOLUTE_CENTRE = 4


class ListState(IntEnum):
    OFF = 0
    ON = 1
    FOCUS = 2
    LEFT_MARKER = 3
    RIGHT_MARKER = 4


class DefaultType(IntEnum):
    BASE = 0
    PUSH = 1
    POP = 2
    SET = 3  # tmux 3.8


@dataclass(frozen=True, slots=True)
class Cell:
    """What a drawn cell looks like: colours as tmux numbers them and attribute bits."""

    fg: int = DEFAULT
    bg: int = DEFAULT
    us: int = DEFAULT
    attr: int = 0


PLAIN = Cell()


@dataclass(frozen=True, slots=True)
class Style:
    """tmux's ``struct style``: the cell, plus what a ``#[…]`` says about the layout."""

    cell: Cell = PLAIN
    ignore: bool = False
    fill: int = DEFAULT
    align: Align = Align.DEFAULT
    list: ListState = ListState.OFF
    range_type: str = ""  # "", left, right, pane, window, session, user
    range_argument: str = ""
    default_type: DefaultType = DefaultType.BASE


def colour_from_string(text: str) -> int | None:
    """A colour name → tmux's number (``colour_fromstring``), None if tmux refuses it.

    X11 names ("AliceBlue", "grey50") are tmux's RGB values (``colour_byname``)."""
    if text.startswith("#") and len(text) == 7:
        if not all(c in _HEX for c in text[1:]):
            return None
        return FLAG_RGB | int(text[1:], 16)
    lower = text.lower()
    for prefix in ("colour", "color"):
        if lower.startswith(prefix):
            number = text[len(prefix) :]
            # strtonum: an optional sign, ASCII digits, 0-255 ("colour-0" passes)
            digits = number.lstrip("+-") if number[:1] in "+-" else number
            if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 9:
                return None
            value = int(number)
            return FLAG_256 | value if 0 <= value <= 255 else None
    if lower == "default":
        return DEFAULT
    if lower == "terminal":
        return TERMINAL
    if lower in _NAMED:
        return _NAMED[lower]
    if lower in _THEMED:
        return _THEMED[lower]
    if text in _NUMBERED:
        return _NUMBERED[text]
    rgb = x11_colour(text)
    return FLAG_RGB | rgb if rgb is not None else None


_SIXTEEN_RGB = (
    0x000000, 0x800000, 0x008000, 0x808000, 0x000080, 0x800080, 0x008080, 0xC0C0C0,
    0x808080, 0xFF0000, 0x00FF00, 0xFFFF00, 0x0000FF, 0xFF00FF, 0x00FFFF, 0xFFFFFF,
)  # fmt: skip
_CUBE = (0x00, 0x5F, 0x87, 0xAF, 0xD7, 0xFF)


def colour_rgb(colour: int) -> int | None:
    """A colour as RGB the way tmux forces one (``colour_force_rgb``, its 256 table) for
    what only takes RGB, such as the cursor's colour; None for default and terminal."""
    if colour & FLAG_RGB:
        return colour & 0xFFFFFF
    if colour & FLAG_256:
        index = colour & 0xFF
    elif 0 <= colour <= 7:
        index = colour
    elif 90 <= colour <= 97:
        index = colour - 90 + 8
    else:
        return None
    if index < 16:
        return _SIXTEEN_RGB[index]
    if index < 232:
        r, g, b = (index - 16) // 36, (index - 16) // 6 % 6, (index - 16) % 6
        return _CUBE[r] << 16 | _CUBE[g] << 8 | _CUBE[b]
    grey = 8 + (index - 232) * 10
    return grey << 16 | grey << 8 | grey


def attributes_from_string(text: str) -> int | None:
    """``bold,italics`` / ``bold|dim`` → attribute bits (``attributes_fromstring``)."""
    delimiters = " ,|"
    if not text or text[0] in delimiters or text[-1] in delimiters:
        return None
    if text.lower() in ("default", "none"):
        return 0
    attr = 0
    for word in text.replace("|", ",").replace(" ", ",").split(","):
        if not word:
            continue
        bit = _ATTRIBUTES.get(word.lower())
        if bit is None:
            return None
        attr |= bit
    return attr


def parse_style(style: Style, base: Cell, text: str) -> Style | None:
    """``text`` applied on top of ``style`` (``style_parse``); ``base`` is what "default"
    means there. None when tmux would refuse the whole of it."""
    cell = style.cell
    values: dict[str, Any] = {}  # the other fields of the style that change
    for word in _split(text):
        if len(word) > MAX_WORD:
            return None
        lower = word.lower()
        if lower == "default":
            cell = base
        elif lower in ("ignore", "noignore"):
            values["ignore"] = lower == "ignore"
        elif lower == "push-default":
            values["default_type"] = DefaultType.PUSH
        elif lower == "pop-default":
            values["default_type"] = DefaultType.POP
        elif lower == "set-default":
            values["default_type"] = DefaultType.SET
        elif lower in ("nolink", "noattr") or lower.startswith("link="):
            pass  # tmux 3.8: hyperlinks, and "no attributes" for the pane's own cells
        elif _is_size(lower):
            pass  # tmux 3.8's width= and pad=: accepted, not laid out
        elif lower == "nolist":
            values["list"] = ListState.OFF
        elif lower.startswith("list="):
            state = _LISTS.get(lower[5:])
            if state is None:
                return None
            values["list"] = state
        elif lower == "norange":
            values["range_type"], values["range_argument"] = "", ""
        elif len(word) > 6 and lower.startswith("range="):
            found = _range(word[6:])
            if found is None:
                return None
            if found:
                values["range_type"], values["range_argument"] = found
        elif lower == "noalign":
            values["align"] = Align.DEFAULT
        elif len(word) > 6 and lower.startswith("align="):
            align = _ALIGNS.get(lower[6:])
            if align is None:
                return None
            values["align"] = align
        elif len(word) > 5 and lower.startswith("fill="):
            colour = colour_from_string(word[5:])
            if colour is None:
                return None
            values["fill"] = colour
        elif len(word) > 3 and lower[1:3] == "g=":
            colour = colour_from_string(word[3:])
            if colour is None or lower[0] not in "fb":
                return None
            if lower[0] == "f":
                cell = replace(cell, fg=colour if colour != DEFAULT else base.fg)
            else:
                cell = replace(cell, bg=colour if colour != DEFAULT else base.bg)
        elif len(word) > 3 and lower.startswith("us="):
            colour = colour_from_string(word[3:])
            if colour is None:
                return None
            cell = replace(cell, us=colour if colour != DEFAULT else base.us)
        elif lower == "none":
            cell = replace(cell, attr=0)
        elif len(word) > 2 and lower.startswith("no"):
            bits = attributes_from_string(word[2:])
            if bits is None:
                return None
            cell = replace(cell, attr=cell.attr & ~bits)
        else:
            bits = attributes_from_string(word)
            if bits is None:
                return None
            cell = replace(cell, attr=cell.attr | bits)
    return replace(style, cell=cell, **values)


def style_cell(text: str, base: Cell = PLAIN) -> Cell:
    """An option's style (``status-style``, already expanded) as tmux's ``style_apply``
    makes it: on top of the default cell; a style tmux refuses gives that default."""
    parsed = parse_style(Style(base), base, text)
    return parsed.cell if parsed is not None else base


_LISTS = {
    "on": ListState.ON,
    "focus": ListState.FOCUS,
    "left-marker": ListState.LEFT_MARKER,
    "right-marker": ListState.RIGHT_MARKER,
}
_ALIGNS = {
    "left": Align.LEFT,
    "centre": Align.CENTRE,
    "right": Align.RIGHT,
    "absolute-centre": Align.ABSOLUTE_CENTRE,
}


def _is_size(word: str) -> bool:
    for prefix in ("width=", "pad="):
        if len(word) > len(prefix) and word.startswith(prefix):
            number = word[len(prefix) :].removesuffix("%") if prefix == "width=" else word[4:]
            return number.isascii() and number.isdigit()
    return False


def _split(text: str) -> list[str]:
    words = [text]
    for delimiter in _DELIMITERS:
        words = [part for word in words for part in word.split(delimiter)]
    return [word for word in words if word]


def _range(text: str) -> tuple[str, str] | tuple[()] | None:
    """``range=`` words (``window|3``, ``left``): (type, argument); () for an unknown
    type (tmux ignores it); None for one tmux refuses."""
    kind, bar, argument = text.partition("|")
    if bar and not argument:
        return None
    kind = kind.lower()
    if kind in ("left", "right"):
        return None if bar else (kind, "")
    if kind == "window":
        if not bar or not (argument.isascii() and argument.isdigit()):
            return None
        return kind, str(int(argument))
    if kind in ("pane", "session"):
        mark = "%" if kind == "pane" else "$"
        digits = argument[1:]
        if not bar or argument[:1] != mark or not (digits.isascii() and digits.isdigit()):
            return None
        return kind, mark + str(int(digits))
    if kind == "user":
        return None if not bar else (kind, argument[:15])
    return ()
