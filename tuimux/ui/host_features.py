"""What the user's terminal draws beyond what Rich's styles say: tmux's terminal features.

tmux's client sends underline styles (``4:3`` curly …) and the underline colour (``58``)
only to a terminal with its ``usstyle`` feature, and overline (``53``) only with
``overline``; without them an underline style is drawn as a plain underline and the rest
is left out (``tty_attributes``, tty-features.c). A terminal has a feature when terminfo
says so (``Smulx``, ``Setulc``, ``Smol``) or when tmux knows the terminal
(``tty_default_features``, keyed by the terminal's XTVERSION answer). tuimux cannot ask
the terminal (Textual owns its input), so it reads terminfo and the name the terminal
puts into the environment for the same table.

RGB colour is decided the same way: tmux's client writes RGB to a terminal whose
terminfo has ``Tc`` or ``RGB``, which the table knows, which the user's
``terminal-features`` (``RGB``) or ``terminal-overrides`` (``Tc``, ``RGB``) give it, or
(tmux 3.8) whose ``COLORTERM`` is ``truecolor``/``24bit``. Rich looks at ``COLORTERM``
only, which tmux before 3.8, mosh and ssh do not pass on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache

USSTYLE = "usstyle"
OVERLINE = "overline"
RGB = "RGB"
# tmux's tty_default_features (next-3.8), by the TERM_PROGRAM each terminal sets (foot
# names itself in TERM only).
KNOWN_TERMINALS: dict[str, frozenset[str]] = {
    "tmux": frozenset({USSTYLE, OVERLINE, RGB}),
    "mintty": frozenset({USSTYLE, OVERLINE, RGB}),
    "ghostty": frozenset({USSTYLE, OVERLINE, RGB}),
    "rio": frozenset({USSTYLE, OVERLINE, RGB}),
    "iTerm.app": frozenset({USSTYLE, RGB}),
    "WezTerm": frozenset({USSTYLE, RGB}),
    "foot": frozenset({USSTYLE, RGB}),
}
TERMINFO = ("Smulx", "Setulc", "Smol")
TERMINFO_RGB = ("Tc", "RGB")  # flags (RGB may also be a number)
# What a feature of terminal-features gives, and the capabilities terminal-overrides can.
FEATURE_CAPABILITIES = {USSTYLE: ("Smulx", "Setulc"), OVERLINE: ("Smol",), RGB: (RGB,)}
OVERRIDDEN = {name: (name,) for name in (*TERMINFO, *TERMINFO_RGB)}
_GIVEN: set[str] = set()  # by the user's tmux options (:func:`give`)


@dataclass(frozen=True, slots=True)
class HostFeatures:
    """Which of tmux's optional attributes the user's terminal is sent."""

    usstyle: bool = False
    overline: bool = False
    rgb: bool = False


def features_from(environ: Mapping[str, str], terminfo: frozenset[str]) -> HostFeatures:
    """The features of the terminal ``environ`` names, plus the terminfo capabilities
    (``Smulx``, ``Setulc``, ``Smol``, ``Tc``, ``RGB``) its ``TERM`` entry has. GNU
    screen sets no ``TERM_PROGRAM``: under it (``TERM`` screen…, where tmux would have
    set its own) the one left is the outer terminal's."""
    term, program = environ.get("TERM", ""), environ.get("TERM_PROGRAM", "")
    if term.startswith("screen") and program != "tmux":
        program = ""
    names = {program, term.split("-")[0]}
    known: set[str] = set()
    for name in names:
        known |= KNOWN_TERMINALS.get(name, frozenset())
    return HostFeatures(
        usstyle=USSTYLE in known or {"Smulx", "Setulc"} <= terminfo,
        overline=OVERLINE in known or "Smol" in terminfo,
        rgb=RGB in known
        or bool(terminfo.intersection(TERMINFO_RGB))
        or environ.get("COLORTERM", "").lower() in ("truecolor", "24bit"),
    )


def _fields(entry: str) -> list[str]:
    """An option's entry split at ":" as tmux splits it ("::" is a colon)."""
    return [field.replace("\0", ":") for field in entry.replace("::", "\0").split(":")]


def capabilities_by_options(
    term: str, features: Iterable[str], overrides: Iterable[str]
) -> frozenset[str]:
    """What the user's tmux options give a terminal named ``term``, as terminfo names
    (as :func:`features_from` takes them): entries of ``terminal-features`` for it
    (``usstyle``, ``overline``, ``RGB``) and of ``terminal-overrides`` (``Smulx``,
    ``Setulc``, ``Smol``, ``Tc``, ``RGB``); ``show-options -sv`` lines, patterns
    matched as tmux's ``fnmatch`` does. A capability taken away (``Tc@``) is not one."""
    found: set[str] = set()
    for entries, given in ((features, FEATURE_CAPABILITIES), (overrides, OVERRIDDEN)):
        for entry in entries:
            pattern, *fields = _fields(entry)
            if term and pattern and fnmatchcase(term, pattern):
                for field in fields:
                    found.update(given.get(field.partition("=")[0], ()))
    return frozenset(found)


def _terminfo(term: str) -> frozenset[str]:
    """Which of the extended capabilities and RGB flags terminfo has for ``term`` (none
    if unknown)."""
    if not term:
        return frozenset()
    try:
        import curses

        fd = os.open(os.devnull, os.O_RDWR)
        try:
            curses.setupterm(term, fd)
        finally:
            os.close(fd)
        strings = {name for name in TERMINFO if curses.tigetstr(name)}
        flags = {name for name in TERMINFO_RGB if curses.tigetflag(name) > 0}
        return frozenset(strings | flags | ({RGB} if curses.tigetnum(RGB) > 0 else set()))
    except Exception:  # no curses, no terminfo entry: no extended capabilities
        return frozenset()


def give(capabilities: Iterable[str]) -> None:
    """Add what the user's tmux options give the terminal (read once attached, before
    anything is drawn: :func:`capabilities_by_options`)."""
    _GIVEN.update(capabilities)
    host_features.cache_clear()


@cache
def host_features() -> HostFeatures:
    """The features of the terminal tuimux runs in (read once, and after :func:`give`)."""
    terminfo = _terminfo(os.environ.get("TERM", ""))
    return features_from(os.environ, terminfo | frozenset(_GIVEN))
