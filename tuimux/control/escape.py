"""Undo the two escapings tmux applies to control-mode text.

``%output`` payloads escape every byte below 0x20 and the backslash as ``\\ooo`` and leave
everything else raw, UTF-8 included, so the payload is *bytes* (control.c
``control_append_data``). Session and window names in notifications are vis(3)-encoded
instead (``\\t``, ``\\n``, ``\\\\``, ``\\ooo``). Neither decoder ever raises: the channel is
not trusted, and a malformed escape is kept as the literal bytes it was.
"""

from __future__ import annotations

import re

# tmux 3.3a also writes "$" as "\$" in names (rename-window 'c$d' is shown as c\$d), so a
# name with a dollar sign came back from %window-renamed with a backslash in it.
_VIS = re.compile(rb"\\(?:([0-7]{3})|([\\tnrbfvae0s$]))")
_VIS_SIMPLE = {
    b"\\": b"\\",
    b"t": b"\t",
    b"n": b"\n",
    b"r": b"\r",
    b"b": b"\b",
    b"f": b"\f",
    b"v": b"\v",
    b"a": b"\a",
    b"e": b"\x1b",
    b"0": b"\0",
    b"s": b" ",
    b"$": b"$",
}


# Every \ooo tmux can write (and the ones it cannot, reduced mod 256 like before).
_OCTAL_BYTES = {f"{value:03o}".encode(): bytes((value & 0xFF,)) for value in range(0o1000)}


def unescape_output(data: bytes) -> bytes:
    """Decode a ``%output`` payload (``\\ooo`` escapes only) to the pane's raw bytes.

    tmux escapes the backslash itself, so every backslash starts an escape: splitting on
    it and looking the three digits up is 2.4x faster than a regex substitution with a
    callback (measured on a recorded 43 MB coloured flood), and this is the read path's
    hottest function. A malformed escape is kept as the literal bytes it was.
    """
    if b"\\" not in data:
        return data
    pieces = data.split(b"\\")
    out = [pieces[0]]
    lookup = _OCTAL_BYTES.get
    for piece in pieces[1:]:
        byte = lookup(piece[:3])
        if byte is None:
            out += (b"\\", piece)
        else:
            out += (byte, piece[3:])
    return b"".join(out)


def _vis_byte(match: re.Match[bytes]) -> bytes:
    if match.group(1) is not None:
        return bytes((int(match.group(1), 8) & 0xFF,))
    return _VIS_SIMPLE[match.group(2)]


def unvis(data: bytes) -> str:
    """Decode a vis(3)-encoded name from a notification into text (invalid UTF-8 replaced)."""
    if b"\\" in data:
        data = _VIS.sub(_vis_byte, data)
    return data.decode("utf-8", "replace")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Replace control characters so a name or title can never drive the host terminal.

    Names and titles are chosen by whoever controls the pane; Rich and Textual pass most
    control characters straight through to the host terminal.
    """
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text) if _CONTROL.search(text) else text
