"""The one key table: a Textual key press → what tuimux sends with ``send-keys``.

Printable text goes as ``send-keys -l`` literal runs; special and modified keys go by
tmux key name, so tmux encodes them for the pane's current modes (application cursor
keys, extended keys) exactly as for its own clients. Nothing here puts a raw control
byte into a command line (research/controlmode.md §1.10). Textual is not imported: the
table works on the plain ``key`` and ``character`` strings of a key event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Literal:
    """Text sent with ``send-keys -l -- TEXT``."""

    text: str


@dataclass(frozen=True, slots=True)
class KeyName:
    """A tmux key name such as ``Enter``, ``C-a``, ``M-x`` or ``S-Up``."""

    name: str


KeyInput = Literal | KeyName

LITERAL_CHUNK = 512

# Textual key name → tmux key name, for keys that carry no printable character.
_SPECIAL = {
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
    "enter": "Enter",
    "tab": "Tab",
    "escape": "Escape",
    "backspace": "BSpace",
    "space": "Space",
    **{f"f{n}": f"F{n}" for n in range(1, 21)},
}

# Control characters → tmux key names (what a terminal sends for Ctrl+key).
_CONTROL = {
    "\r": "Enter",
    "\n": "C-j",
    "\t": "Tab",
    "\x1b": "Escape",
    "\x7f": "BSpace",
    "\x08": "BSpace",
    "\x00": "C-Space",
    "\x1c": "C-\\",
    "\x1d": "C-]",
    "\x1e": "C-^",
    "\x1f": "C-_",
    **{chr(code): f"C-{chr(code + 96)}" for code in range(1, 27) if chr(code) not in "\t\n\r\x08"},
}
_MODIFIERS = {"ctrl": "C-", "alt": "M-", "meta": "M-", "shift": "S-"}


def _control_name(char: str) -> str | None:
    return _CONTROL.get(char)


def encode_key(key: str, character: str | None) -> KeyInput | None:
    """What to send for one key press; None when there is nothing to send."""
    *modifiers, base = key.split("+") if key != "+" else ["+"]
    if key == "shift+tab":
        return KeyName("BTab")
    if "alt" in modifiers or "meta" in modifiers:
        rest = [m for m in modifiers if m not in ("alt", "meta")]
        if character and character.isprintable() and len(character) == 1:
            return KeyName("M-" + character)
        inner = encode_key("+".join([*rest, base]), None if rest or not character else character)
        if isinstance(inner, KeyName):
            return KeyName("M-" + inner.name)
        if isinstance(inner, Literal):
            return KeyName("M-" + inner.text)
        return None
    if character is not None and len(character) == 1 and not modifiers[1:]:
        name = _control_name(character)
        if name is not None:
            if base in _SPECIAL and not modifiers:
                return KeyName(_SPECIAL[base])
            return KeyName(name)
        if character.isprintable():
            return Literal(character)
    if base in _SPECIAL:
        prefix = "".join(_MODIFIERS[m] for m in modifiers if m in _MODIFIERS)
        return KeyName(prefix + _SPECIAL[base])
    if modifiers == ["ctrl"] and len(base) == 1 and base.isalpha():
        return KeyName(f"C-{base.lower()}")
    if character and character.isprintable():
        return Literal(character)
    return None


def coalesce(inputs: Iterable[KeyInput]) -> list[KeyInput]:
    """Merge adjacent literal runs so fast typing becomes one ``send-keys -l``."""
    merged: list[KeyInput] = []
    for item in inputs:
        if isinstance(item, Literal) and merged and isinstance(merged[-1], Literal):
            merged[-1] = Literal(merged[-1].text + item.text)
        else:
            merged.append(item)
    return merged


def send_keys_args(pane_id: str, item: KeyInput) -> list[list[str]]:
    """``send-keys`` argument vectors for one input, literal text chunked.

    Control characters inside text are sent by key name, never inside ``-l`` text.
    """
    if isinstance(item, KeyName):
        return [["send-keys", "-t", pane_id, item.name]]
    commands: list[list[str]] = []
    run: list[str] = []

    def flush() -> None:
        text = "".join(run)
        for start in range(0, len(text), LITERAL_CHUNK):
            commands.append(
                ["send-keys", "-t", pane_id, "-l", "--", text[start : start + LITERAL_CHUNK]]
            )
        run.clear()

    for char in item.text:
        name = _control_name(char)
        if name is None and (char.isprintable() or char == " "):
            run.append(char)
            continue
        flush()
        if name is not None:
            commands.append(["send-keys", "-t", pane_id, name])
        else:
            commands.append(
                ["send-keys", "-t", pane_id, "-H", *(f"{b:02x}" for b in char.encode())]
            )
    flush()
    return commands
