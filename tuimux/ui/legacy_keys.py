"""Alt keys from legacy terminals, read as tmux's own client reads them.

A terminal without the kitty keyboard protocol (most of them, and every one behind mosh)
sends Alt+key as ESC followed by the key's byte. Textual 8.2.8 keeps Alt only for
letters and digits and rewrites the rest for macOS editors: ESC b and ESC f become
Ctrl+Left/Right, ESC DEL Ctrl+W, ESC TAB Shift+Tab, ESC CR Enter, ESC ^A Ctrl+A, ESC .
a bare ``.``; bash's ``M-.`` and emacs' ``M-b`` never reached the pane. tmux's client
(tty-keys.c) reads every ``ESC x`` as Meta plus the key ``x``; this parser does the same
and names the key as Textual would name it with Alt (``alt+full_stop``,
``alt+ctrl+a``), so the one key table (:mod:`tuimux.terminal.keys`) sends tmux ``M-.``
and ``C-M-a``. Everything else is Textual's own parsing, kitty protocol included.

Textual also reads both ^H and ^? as Backspace. tmux's client takes the terminal's erase
character (termios ``VERASE``, what its Backspace sends, almost always ^?) as Backspace
and the other byte as what it is: ^H is ``C-h``, which users bind (Oh my tmux!'s
``C-h`` previous-window, vim-tmux-navigator's ``bind -n C-h``). So does this parser.
"""

from __future__ import annotations

import sys
import termios
from collections.abc import Iterable

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver

ESC = "\x1b"
CTRL_H = "\x08"


def with_alt(key: events.Key) -> events.Key:
    """``key`` with Alt added to its name, modifiers kept in Textual's sorted order."""
    name = key.key
    if len(name) == 1 and name.isupper():
        name = f"shift+{name.lower()}"
    return events.Key(f"alt+{name}", key.character)


class AltKeyParser(XTermParser):
    """Textual's parser, but ``ESC x`` is always Alt plus the key ``x``.

    Textual asks for keys after each byte of a sequence it reads; ``ESC x`` it knows no
    key for (most) comes back here once the escape delay passed, with ``alt`` set. Those
    its table rewrites (``ESC b``, ``ESC 1``…) are taken here at once instead.
    ``erase`` is the byte the terminal's Backspace sends (:func:`erase_character`)."""

    erase = "\x7f"

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        rewritten = len(sequence) == 2 and sequence[0] == ESC and sequence[1] != ESC
        if rewritten and sequence in ANSI_SEQUENCES_KEYS:
            sequence, alt = sequence[1], True
        if sequence == CTRL_H and self.erase != CTRL_H:
            key = events.Key("ctrl+h", CTRL_H)
            yield with_alt(key) if alt else key
            return
        if alt and len(sequence) == 1 and sequence != ESC:
            for key in super()._sequence_to_key_events(sequence):
                yield key if key.key.startswith("alt+") else with_alt(key)
            return
        yield from super()._sequence_to_key_events(sequence, alt)


def erase_character() -> str:
    """The terminal's erase character (termios ``VERASE``), as tmux's client reads it;
    ^? when stdin is no terminal or says none."""
    try:
        erase = termios.tcgetattr(sys.stdin.fileno())[6][termios.VERASE]
    except (termios.error, OSError, ValueError):
        return "\x7f"
    if isinstance(erase, bytes) and len(erase) == 1 and erase not in (b"\x00", b"\xff"):
        return erase.decode("latin-1")
    return "\x7f"


def install() -> None:
    """Make Textual's terminal driver read keys with :class:`AltKeyParser` (Textual is
    pinned exactly; its driver takes the parser class from its module), with the
    terminal's own erase character."""
    AltKeyParser.erase = erase_character()
    linux_driver.XTermParser = AltKeyParser  # type: ignore[attr-defined]
