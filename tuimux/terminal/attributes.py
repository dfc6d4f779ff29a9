"""A cell's attributes as tmux keeps them, and SGR as tmux's ``input_csi_dispatch_sgr`` sets them.

pyte 0.8.2's cells have no dim, hidden, overline, underline style or underline colour,
and its SGR turns a colour index into fixed RGB. :data:`Cell` is pyte's ``Char`` with
tmux's other attributes; :func:`rendition` applies SGR as tmux does, colours by index
kept as indexes (:func:`index_colour`), so the user's terminal palette applies.
"""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING, Any

from pyte.screens import Char

if TYPE_CHECKING:

    class Cell(Char):
        """What mypy sees of :data:`Cell`: pyte's cell and tmux's other attributes."""

        dim: bool
        hidden: bool
        overline: bool
        underscore_colour: str

        def _replace(self, **kwargs: Any) -> Cell: ...

else:
    # pyte's Char with the attributes tmux keeps and pyte has none for: dim (SGR 2),
    # hidden (8), overline (53) and the underline colour (58). ``underscore`` holds
    # tmux's underline style: False, True (single, 4 or 4:1), or 2-5 (4:2 double, 4:3
    # curly, 4:4 dotted, 4:5 dashed); True == 1, so pyte's single underline is unchanged.
    Cell = namedtuple(
        "Cell",
        [*Char._fields, "dim", "hidden", "overline", "underscore_colour"],
        defaults=(*Char._field_defaults.values(), False, False, False, "default"),
    )

CELL_FIELDS = len(Cell._fields)
BLANK = Cell(" ")


def as_cell(attrs: Char) -> Cell:
    """pyte's own cells (its cursor starts with one) as tuimux's :data:`Cell`."""
    return attrs if len(attrs) == CELL_FIELDS else Cell(*attrs)  # type: ignore[return-value]


def index_colour(index: int) -> str:
    """A colour given by index (``38;5;n``) as the screen keeps it: 0-15 as pyte names the
    ANSI colours (tmux's client sends ``38;5;1`` as ``31``, as terminfo's ``setaf``
    says), 16-255 as tmux names them (``colour196``), never as an RGB value: the user's
    terminal palette decides what an index looks like."""
    if index < 8:
        return ANSI_NAMES[index]
    if index < 16:
        return "bright" + ANSI_NAMES[index - 8]
    return f"colour{index}"


def rendition(attrs: Char, params: tuple[int, ...]) -> Cell:
    """tmux's ``input_csi_dispatch_sgr`` on a cell's attributes. ``params`` are as
    :func:`tuimux.terminal.stream.sgr_arguments` gives them: colours as ``38;5;n`` or
    ``38;2;r;g;b`` (48 and 58 alike), underline styles as ``UNDERSCORE_STYLE + n``."""
    if not params or params == (0,):
        return BLANK
    cell = as_cell(attrs)
    change: dict[str, object] = {}
    i, count = 0, len(params)
    while i < count:
        param = params[i]
        i += 1
        if param == 0:
            change = BLANK._asdict()
        elif param in _FLAGS:
            name, value = _FLAGS[param]
            change[name] = value
        elif param == 22:
            change["bold"] = change["dim"] = False
        elif 30 <= param <= 37:
            change["fg"] = ANSI_NAMES[param - 30]
        elif 40 <= param <= 47:
            change["bg"] = ANSI_NAMES[param - 40]
        elif 90 <= param <= 97:
            change["fg"] = "bright" + ANSI_NAMES[param - 90]
        elif 100 <= param <= 107:
            change["bg"] = "bright" + ANSI_NAMES[param - 100]
        elif param in _DEFAULT_COLOUR:
            change[_DEFAULT_COLOUR[param]] = "default"
        elif UNDERSCORE_STYLE <= param <= UNDERSCORE_STYLE + 5:
            style = param - UNDERSCORE_STYLE
            change["underscore"] = style if style > 1 else bool(style)
        elif param in _COLOUR_FIELDS and i < count:
            kind = params[i]
            if kind == 5 and i + 1 < count:
                change[_COLOUR_FIELDS[param]] = index_colour(params[i + 1] & 0xFF)
                i += 2
            elif kind == 2 and i + 3 < count:
                red, green, blue = params[i + 1 : i + 4]
                change[_COLOUR_FIELDS[param]] = f"{red:02x}{green:02x}{blue:02x}"
                i += 4
            else:
                i += 1
    return cell._replace(**change) if change else cell


UNDERSCORE_STYLE = 1000
"""``UNDERSCORE_STYLE + n`` is ``4:n``: no SGR parameter pyte knows is this large."""
ANSI_NAMES = ("black", "red", "green", "brown", "blue", "magenta", "cyan", "white")
"""pyte names the eight ANSI colours after xterm's man page ("brown" for yellow)."""
_FLAGS = {
    1: ("bold", True), 2: ("dim", True), 3: ("italics", True), 4: ("underscore", True),
    5: ("blink", True), 7: ("reverse", True), 8: ("hidden", True), 9: ("strikethrough", True),
    23: ("italics", False), 24: ("underscore", False), 25: ("blink", False),
    27: ("reverse", False), 28: ("hidden", False), 29: ("strikethrough", False),
    53: ("overline", True), 55: ("overline", False),
}  # fmt: skip
_DEFAULT_COLOUR = {39: "fg", 49: "bg", 59: "underscore_colour"}
_COLOUR_FIELDS = {38: "fg", 48: "bg", 58: "underscore_colour"}
