"""Turn pane cells into Rich styles, cached: a screen has few distinct attribute sets."""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color, ColorSystem
from rich.style import Style
from textual.strip import Strip

from tuimux.terminal.attributes import ANSI_NAMES
from tuimux.ui.host_features import HostFeatures

_NAMED: dict[str, int] = {name: index for index, name in enumerate(ANSI_NAMES)}
_NAMED.update({f"bright{name}": index + 8 for index, name in enumerate(ANSI_NAMES)})

Attributes = tuple[str, str, bool, bool, int, bool, bool, bool, bool, bool, bool, str]
"""A cell less its character: :class:`~tuimux.terminal.cells.Cell` from ``fg`` on."""


@lru_cache(maxsize=4096)
def _color(name: str) -> Color | None:
    """A cell's colour for Rich: an index stays an index (``31``, ``38;5;n`` on the
    terminal, in the user's palette); only ``rrggbb`` is RGB."""
    if name == "default" or not name:
        return None
    index = _NAMED.get(name)
    if index is not None:
        return Color.from_ansi(index)
    if name.startswith("colour") and name[6:].isascii() and name[6:].isdigit():
        return Color.from_ansi(int(name[6:]) & 0xFF)
    if len(name) == 6:
        try:
            return Color.from_rgb(int(name[0:2], 16), int(name[2:4], 16), int(name[4:6], 16))
        except ValueError:
            return None
    return None


def _underscore_colour(name: str) -> str:
    """SGR 58 as tmux's ``usstyle`` feature writes it (``Setulc``, ``Setulc1``)."""
    colour = _color(name)
    if colour is None:
        return ""
    if colour.number is not None:
        return f"58:5:{colour.number}"
    red, green, blue = colour.get_truecolor()
    return f"58:2:{red}:{green}:{blue}"


@lru_cache(maxsize=4096)
def cell_style(attrs: Attributes, features: HostFeatures, system: ColorSystem) -> Style:
    """A cell's attributes as a Rich style for a terminal with ``features``.

    Rich has dim, conceal (hidden) and overline; it has no underline style or colour,
    so a cell with one (where the terminal takes them) gets its whole SGR written into
    the style's ``_ansi``, which Textual's ``Strip.render`` writes as it is (the ``meta``
    keeps such styles apart from plain underlined ones when segments are joined).
    Without ``usstyle`` every underline style is a plain underline, as tmux draws it
    without ``Smulx``."""
    fg, bg, bold, italics, underscore, strike, reverse, blink, dim, hidden, overline, us = attrs
    extra = ""
    if features.usstyle:
        extra = ";".join(
            code
            for code in (
                f"4:{underscore}" if underscore > 1 else "",
                _underscore_colour(us),
            )
            if code
        )
    style = Style(
        color=_color(fg),
        bgcolor=_color(bg),
        bold=bold or None,
        dim=dim or None,
        italic=italics or None,
        underline=(bool(underscore) and (underscore == 1 or not features.usstyle)) or None,
        strike=strike or None,
        reverse=reverse or None,
        blink=blink or None,
        conceal=hidden or None,
        overline=(overline and features.overline) or None,
    )
    if not extra:
        return style
    codes = Strip.render_ansi(style, system)
    styled = style + Style(underline=bool(underscore) or None, meta={"tuimux.sgr": extra})
    styled._ansi = f"{codes};{extra}" if codes else extra
    return styled


MODE_BADGE = Style(color="black", bgcolor="yellow")
