"""What the user's terminal draws beyond what Rich's styles say: tmux's terminal features.

tmux's client sends underline styles (``4:3`` curly …) and the underline colour (``58``)
only to a terminal with its ``usstyle`` feature, and overline (``53``) only with
``overline``; without them an underline style is drawn as a plain underline and the rest
is left out (``tty_attributes``, tty-features.c). A terminal has a feature when terminfo
says so (``Smulx``, ``Setulc``, ``Smol``) or when tmux knows the terminal
(``tty_default_features``, keyed by the terminal's XTVERSION answer). tuimux cannot ask
the terminal (Textual owns its input), so it reads terminfo and the name the terminal
puts into the environment for the same table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

USSTYLE = "usstyle"
OVERLINE = "overline"
# tmux's tty_default_features (next-3.8), by the TERM_PROGRAM each terminal sets (foot
# names itself in TERM only).
KNOWN_TERMINALS: dict[str, frozenset[str]] = {
    "tmux": frozenset({USSTYLE, OVERLINE}),
    "mintty": frozenset({USSTYLE, OVERLINE}),
    "ghostty": frozenset({USSTYLE, OVERLINE}),
    "rio": frozenset({USSTYLE, OVERLINE}),
    "iTerm.app": frozenset({USSTYLE}),
    "WezTerm": frozenset({USSTYLE}),
    "foot": frozenset({USSTYLE}),
}


@dataclass(frozen=True, slots=True)
class HostFeatures:
    """Which of tmux's optional attributes the user's terminal is sent."""

    usstyle: bool = False
    overline: bool = False


def features_from(environ: Mapping[str, str], terminfo: frozenset[str]) -> HostFeatures:
    """The features of the terminal ``environ`` names, plus the terminfo capabilities
    (``Smulx``, ``Setulc``, ``Smol``) its ``TERM`` entry has."""
    names = {environ.get("TERM_PROGRAM", ""), environ.get("TERM", "").split("-")[0]}
    known: set[str] = set()
    for name in names:
        known |= KNOWN_TERMINALS.get(name, frozenset())
    return HostFeatures(
        usstyle=USSTYLE in known or {"Smulx", "Setulc"} <= terminfo,
        overline=OVERLINE in known or "Smol" in terminfo,
    )


def _terminfo(term: str) -> frozenset[str]:
    """Which of the extended capabilities terminfo has for ``term`` (none if unknown)."""
    if not term:
        return frozenset()
    try:
        import curses

        fd = os.open(os.devnull, os.O_RDWR)
        try:
            curses.setupterm(term, fd)
        finally:
            os.close(fd)
        return frozenset(name for name in ("Smulx", "Setulc", "Smol") if curses.tigetstr(name))
    except Exception:  # no curses, no terminfo entry: no extended capabilities
        return frozenset()


@cache
def host_features() -> HostFeatures:
    """The features of the terminal tuimux runs in (read once)."""
    return features_from(os.environ, _terminfo(os.environ.get("TERM", "")))
