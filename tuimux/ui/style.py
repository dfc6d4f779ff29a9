"""Turn pyte cells into Rich styles, cached: a screen has few distinct attribute sets."""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color
from rich.style import Style

# pyte names the eight ANSI colours after xterm's man page ("brown" for yellow).
_ANSI = ("black", "red", "green", "brown", "blue", "magenta", "cyan", "white")
_NAMED: dict[str, int] = {name: index for index, name in enumerate(_ANSI)}
_NAMED.update({f"bright{name}": index + 8 for index, name in enumerate(_ANSI)})


@lru_cache(maxsize=4096)
def _color(name: str) -> Color | None:
    if name == "default" or not name:
        return None
    index = _NAMED.get(name)
    if index is not None:
        return Color.from_ansi(index)
    if len(name) == 6:
        try:
            return Color.from_rgb(int(name[0:2], 16), int(name[2:4], 16), int(name[4:6], 16))
        except ValueError:
            return None
    return None


@lru_cache(maxsize=4096)
def cell_style(
    fg: str,
    bg: str,
    bold: bool,
    italics: bool,
    underscore: bool,
    strikethrough: bool,
    reverse: bool,
    blink: bool,
) -> Style:
    return Style(
        color=_color(fg),
        bgcolor=_color(bg),
        bold=bold or None,
        italic=italics or None,
        underline=underscore or None,
        strike=strikethrough or None,
        reverse=reverse or None,
        blink=blink or None,
    )


MODE_BADGE = Style(color="black", bgcolor="yellow")
PANE_NUMBER = Style(color="white", bgcolor="blue", bold=True)
