"""The one key table: a Textual key press → what tuimux sends with ``send-keys``.

Printable text goes as ``send-keys -l`` literal runs; special and modified keys go by
tmux key name, so tmux encodes them for the pane's current modes (application cursor
keys, extended keys) exactly as it does for its own clients. Nothing here puts a raw
control byte into a command line (research/controlmode.md §1.10). Textual is not
imported: the table works on the plain ``key`` and ``character`` strings of a key event.

How Textual 8.2.8 names keys (``_xterm_parser.py``, ``keys.py``), which the table
follows:

- A printable key is named by its character when that is alphanumeric (``a``, ``A``,
  ``é``), otherwise by its lower-cased Unicode name (``percent_sign``,
  ``grinning_face``) with six replacements (``slash``, ``backslash``, ``at``, ``minus``,
  ``plus``, ``underscore``); ``character`` holds the text. Shift+letter is simply ``A``.
- Modifiers come first, sorted alphabetically: ``alt+ctrl+shift+up``. Textual asks the
  terminal for the kitty keyboard protocol; where the terminal speaks it every modified
  key arrives as ``ctrl+a``, ``alt+x``, ``alt+shift+x``, ``ctrl+space``, ``shift+enter``
  with ``character`` None, plus keys of their own (``left_shift``, ``caps_lock``,
  ``media_play``) that have nothing to send.
- On a legacy terminal Alt arrives as ``alt+x`` (character ``x``) and ``alt+shift+x``
  (character ``X``). Textual alone keeps Alt for letters only and rewrites the rest (ESC
  b is ``ctrl+left``, ESC . a bare ``full_stop``); tuimux reads keys with
  :mod:`tuimux.ui.legacy_keys`, which names every ``ESC x`` ``alt+`` plus the key
  (``alt+full_stop``, ``alt+ctrl+a``, ``alt+enter``, ``alt+backspace``).
- Legacy control bytes: ``\\t`` is ``tab`` (``ctrl+i`` is only an alias), ``\\r`` is
  ``enter``, Textual reads both ``\\x7f`` and ``\\x08`` as ``backspace`` (tuimux's
  parser makes the one that is not the terminal's erase character ``ctrl+h``, as tmux
  does), ``\\x00`` is ``ctrl+@`` (the kitty protocol says ``ctrl+space``
  or ``ctrl+at``), ``\\x1c``-``\\x1f`` are ``ctrl+backslash``,
  ``ctrl+right_square_bracket``, ``ctrl+circumflex_accent``, ``ctrl+underscore``.
- ``character`` of a named key is not reliable: ``pilot.press("backspace")`` gives
  ``\\x08`` and ``pilot.press("delete")`` gives ``\\x7f`` (Unicode name aliases), and kitty
  gives None for ``escape``. Named keys are therefore decided by name alone.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["KeyInput", "KeyName", "Literal", "coalesce", "encode_key", "send_keys_args"]


@dataclass(frozen=True, slots=True)
class Literal:
    """Text sent with ``send-keys -l -- TEXT`` (adjacent runs are batched)."""

    text: str


@dataclass(frozen=True, slots=True)
class KeyName:
    """A tmux key name such as ``Enter``, ``C-a``, ``M-x`` or ``S-Up``."""

    name: str


KeyInput = Literal | KeyName

# Characters per ``send-keys -l`` (and bytes per ``-H``) command, so one key burst or a
# long text never becomes a command line tmux or a logger chokes on.
LITERAL_CHUNK = 512

# Keys tmux 3.3a encodes with any mix of C-, M- and S- (xterm's ``CSI 1;m A`` and
# ``CSI n;m ~`` forms).
_MODIFIABLE = {
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "home": "Home",
    "end": "End",
    "pageup": "PPage",
    "pagedown": "NPage",
    "insert": "IC",
    "delete": "DC",
    **{f"f{n}": f"F{n}" for n in range(1, 13)},
}
# tmux knows only F1-F12; xterm's F13-F24 are Shift+F1-F12 (terminfo kf13=\E[1;2P).
_SHIFTED_FUNCTION = {f"f{n + 12}": f"f{n}" for n in range(1, 13)}

_MODIFIERS = frozenset({"ctrl", "alt", "meta", "shift", "super", "hyper"})

# Textual's short names for some punctuation (textual.keys.KEY_NAME_REPLACEMENTS).
_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}

# A control byte → the tmux name that sends it. tmux 3.3a turns these spellings back
# into the byte, but sends nothing for others (``C-3``, ``C-Enter``), so a
# Ctrl key is always named by the byte it makes.
_CONTROL_NAMES = {
    "\x00": "C-@",
    **{chr(code): "C-" + chr(code + 0x60) for code in range(0x01, 0x1B)},
    "\x1b": "C-[",
    "\x1c": "C-\\",
    "\x1d": "C-]",
    "\x1e": "C-^",
    "\x1f": "C-_",
    "\x7f": "C-?",
}
# What Ctrl does to a key xterm has no escape for (Xlib's XLookupString, which xterm
# uses without modifyOtherKeys): '@'..'~' and space keep their low five bits, 2-8 and
# '/' follow the VT220. Any other key is sent as if Ctrl were not held.
_CTRL_OTHER = {
    "2": "\x00",
    "3": "\x1b",
    "4": "\x1c",
    "5": "\x1d",
    "6": "\x1e",
    "7": "\x1f",
    "8": "\x7f",
    "/": "\x1f",
}


def _is_text(text: str) -> bool:
    """True for text ``send-keys -l`` may carry: no C0/C1/DEL, no lone surrogate."""
    return bool(text) and all(unicodedata.category(char) not in ("Cc", "Cs") for char in text)


def _textual_name(char: str) -> str:
    """The key name Textual gives a character (``textual.keys._character_to_key``)."""
    if char.isalnum():
        return char
    try:
        name = unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return "tab" if char == "\t" else char
    return _REPLACEMENTS.get(name, name)


# Textual name → character for ASCII punctuation, whose Unicode names hold hyphens
# ("LESS-THAN SIGN") or were replaced ("slash"), so they cannot simply be looked up.
_ASCII_BY_NAME = {_textual_name(chr(code)): chr(code) for code in range(0x21, 0x7F)}


@lru_cache(maxsize=256)
def _character_named(name: str) -> str | None:
    """The character a Textual key name stands for, or None for a non-character key.

    Textual turned both spaces and hyphens of the Unicode name into ``_``, so every
    split is tried; the answer must name back to ``name`` exactly, which keeps Unicode
    aliases (``escape`` is an alias of U+001B) and kitty's own key names out.
    """
    if len(name) == 1:
        return name
    if name in _ASCII_BY_NAME:
        return _ASCII_BY_NAME[name]
    words = name.split("_")
    if len(words) > 10:
        return None
    for separators in itertools.product(" -", repeat=len(words) - 1):
        candidate = words[0] + "".join(s + w for s, w in zip(separators, words[1:], strict=True))
        try:
            char = unicodedata.lookup(candidate)
        except KeyError:
            continue
        if len(char) == 1 and _textual_name(char) == name:
            return char
    return None


def _split(key: str) -> tuple[set[str], str] | None:
    """``alt+ctrl+x`` → ({alt, ctrl}, x); None when a prefix is not a modifier."""
    if key.endswith("+"):  # the '+' key itself, bare or modified ("ctrl++")
        head, base = key[:-1], "+"
        if head and not head.endswith("+"):
            return None
        words = head.split("+")[:-1]
    else:
        *words, base = key.split("+")
    if not base or not _MODIFIERS.issuperset(words):
        return None
    return set(words), base


def _add_meta(name: str) -> str:
    """Add Alt in tmux's modifier order, C-M-S (key-string.c ``key_string_lookup_key``)."""
    return "C-M-" + name[2:] if name.startswith("C-") else "M-" + name


def _named_key(base: str, ctrl: bool, alt: bool, shift: bool) -> str | None:
    """The tmux name for a non-character key, or None if ``base`` is not one.

    Enter, Tab, Escape, Space and Backspace drop what tmux 3.3a cannot encode for a
    legacy pane (``C-Enter``, ``C-Tab``, ``C-Escape`` send nothing; ``S-Enter``,
    ``S-Space`` are sent as their letters) and keep what xterm would send instead.
    """
    if base in _SHIFTED_FUNCTION:
        base, shift = _SHIFTED_FUNCTION[base], True
    if base in _MODIFIABLE:
        return "C-" * ctrl + "M-" * alt + "S-" * shift + _MODIFIABLE[base]
    if base == "tab":
        name = "BTab" if shift else "Tab"
    elif base in ("enter", "return"):
        name = "Enter"
    elif base == "escape":
        name = "Escape"
    elif base == "backspace":
        # Ctrl+Backspace is ^H in xterm, VTE and kitty's legacy mode.
        name = "C-h" if ctrl else "BSpace"
    elif base == "space":
        name = "C-Space" if ctrl else "Space"
    else:
        return None
    return _add_meta(name) if alt else name


def _ctrl_name(char: str) -> str | None:
    """The tmux name for Ctrl plus a character key, or None if Ctrl changes nothing."""
    if "@" <= char <= "~":
        return _CONTROL_NAMES[chr(ord(char) & 0x1F)]
    if char in _CTRL_OTHER:
        return _CONTROL_NAMES[_CTRL_OTHER[char]]
    return None


def encode_key(key: str, character: str | None) -> KeyInput | None:
    """What to send for one key press (a Textual ``Key``'s fields); None for nothing.

    Text becomes a :class:`Literal`; everything tmux must encode becomes a
    :class:`KeyName` that tmux 3.3a accepts (each is checked against a real tmux in
    ``tests/terminal/test_keys.py``). Super and Hyper have no terminal encoding, and
    bare modifiers and media keys have no bytes at all: both give None rather than a
    guess.
    """
    parsed = _split(key)
    if parsed is None:
        return None
    modifiers, base = parsed
    if modifiers & {"super", "hyper"}:
        return None
    ctrl = "ctrl" in modifiers
    alt = bool(modifiers & {"alt", "meta"})
    shift = "shift" in modifiers

    named = _named_key(base, ctrl, alt, shift)
    if named is not None:
        return KeyName(named)
    if not (ctrl or alt) and character is not None and _is_text(character):
        return Literal(character)

    char = _character_named(base)
    if char is None and character is not None and len(character) == 1:
        char = character  # a name Textual made that we cannot invert: trust the text
    if char is None or unicodedata.category(char) == "Cs":
        return None
    if char == " ":
        return KeyName(_named_key("space", ctrl, alt, shift) or "Space")
    if char in _CONTROL_NAMES:  # Textual names a key without a Unicode name by itself
        control = _CONTROL_NAMES[char]
        return KeyName(_add_meta(control) if alt else control)
    if unicodedata.category(char) == "Cc":  # C1: no key sends it
        return None
    if shift and char.isalpha() and len(char.upper()) == 1:
        char = char.upper()  # kitty's alt+shift+x; Shift on other keys is in the text
    if ctrl:
        control_name = _ctrl_name(char)
        if control_name is not None:
            return KeyName(_add_meta(control_name) if alt else control_name)
    # tmux 3.3a types ``M-X`` out as text when wcwidth() calls X invalid (unassigned
    # code points, U+2028/9): the character alone is the closest it can send.
    if alt and unicodedata.category(char) not in ("Cn", "Zl", "Zp"):
        return KeyName("M-" + char)
    return Literal(char)


def coalesce(inputs: Iterable[KeyInput]) -> list[KeyInput]:
    """Merge adjacent literal runs so fast typing becomes one ``send-keys -l``."""
    merged: list[KeyInput] = []
    for item in inputs:
        if isinstance(item, Literal) and merged and isinstance(merged[-1], Literal):
            merged[-1] = Literal(merged[-1].text + item.text)
        else:
            merged.append(item)
    return merged


def _whole_characters(text: str) -> str:
    """Join surrogate pairs into their character and make a lone surrogate U+FFFD.

    A lone surrogate cannot be encoded as UTF-8 at all, and a pair split over two
    commands would reach the pane as two invalid sequences.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def send_keys_args(pane_id: str, item: KeyInput) -> list[list[str]]:
    """``send-keys`` argument vectors (no leading ``tmux``) for one input, in order.

    Text goes literally in chunks of at most :data:`LITERAL_CHUNK` characters. Control
    characters inside text (C0, DEL, C1) are raw bytes, so they go with ``send-keys -H``:
    never inside a command line, where CR or LF would end it, and never as key names,
    which tmux re-encodes for a pane in extended-keys mode (research §1.10).
    """
    if isinstance(item, KeyName):
        return [["send-keys", "-t", pane_id, item.name]]
    commands: list[list[str]] = []
    text = _whole_characters(item.text)
    for is_text, group in itertools.groupby(text, key=_is_text):
        run = "".join(group)
        if is_text:
            for start in range(0, len(run), LITERAL_CHUNK):
                chunk = run[start : start + LITERAL_CHUNK]
                commands.append(["send-keys", "-t", pane_id, "-l", "--", chunk])
        else:
            data = run.encode("utf-8")
            for start in range(0, len(data), LITERAL_CHUNK):
                hex_bytes = [f"{byte:02x}" for byte in data[start : start + LITERAL_CHUNK]]
                commands.append(["send-keys", "-t", pane_id, "-H", *hex_bytes])
    return commands
