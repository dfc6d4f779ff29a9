"""Undo the escapings tmux applies to control-mode text.

``%output`` payloads escape every byte below 0x20 and the backslash as ``\\ooo`` and leave
everything else raw, UTF-8 included, so the payload is *bytes* (control.c
``control_append_data``). Session and window names are not escaped on the way out: tmux
encodes them when they are set (vis(3): ``\\t``, ``\\\\``, ``\\ooo``; 3.2a-3.4 also ``\\$``)
and tuimux shows them in that stored form, as tmux's own client does. No decoder ever
raises: the channel is not trusted, and a malformed escape is kept as the literal bytes
it was. tmux 3.4 adds a layer of its own to printed replies, undone by
:func:`unescape_reply`.
"""

from __future__ import annotations

import re

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


# tmux 3.4 passes every printed reply line (list-*, display-message -p, show-options)
# through utf8_strvis, whose "$" rule was not yet limited to VIS_DQ: it puts a backslash
# before each "$" followed by an ASCII letter, "_" or "{" (server-client.c
# server_client_print). tmux 3.2a-3.4 store names vis(3)-encoded with that rule, so a
# window named "$HOME" is held as "\$HOME" and %window-renamed says "\$HOME", but 3.4
# lists it as "\\$HOME". That layer changes nothing else a name or title can hold (tmux
# stores neither control characters nor invalid UTF-8 in them), so taking away the one
# backslash before each such "$" gives back exactly what tmux stores. Other versions
# print replies as stored. Which kind of server it is, is asked once with REPLY_PROBE
# rather than read from its version (servers that speak control mode may report one
# they are not).
REPLY_PROBE = "$T\\ ${T} $_ $$T $1 $"
_REPLY_DOLLAR = re.compile(r"\\(?=\$[A-Za-z_{])")


def unescape_reply(text: str) -> str:
    """A reply line from a server that escapes "$" (see ``REPLY_PROBE``) as tmux stores
    it: one backslash fewer before each ``$`` that tmux escaped. Never adds a character."""
    return _REPLY_DOLLAR.sub("", text) if "\\$" in text else text


def escapes_dollars(answer: list[str]) -> bool:
    """Whether the server's answer to ``display-message -p REPLY_PROBE`` shows the
    "$" layer of tmux 3.4. An answer of any other shape (an unknown layer) is left alone:
    undoing what it did not do would change names."""
    return answer != [REPLY_PROBE] and [unescape_reply(line) for line in answer] == [REPLY_PROBE]


# Replaced by U+FFFD, so that something visibly stood there: C0 (ESC, BEL, CR, LF…), DEL,
# C1 (CSI 0x9b and OSC 0x9d start sequences on their own in many terminals) and lone
# surrogates (a ``surrogateescape``-decoded path or reason cannot even be written out).
_REPLACED = "\x00-\x1f\x7f-\x9f\ud800-\udfff"
# Dropped: invisible characters of width 0 that reorder or hide what is shown. Bidi
# embeddings, overrides, isolates and marks (``spoof\u202etxt.exe`` reads "spoofexe.txt"),
# zero-width spaces and joiners of words, the line and paragraph separators, interlinear
# annotations, Egyptian, shorthand and musical format controls and the tag characters
# (invisible ASCII). Each has width 0 in pyte, so dropping one never shifts a pane's
# cells. ZWJ and ZWNJ stay (emoji sequences and Indic/Persian spelling need them), and so
# do the format characters that are drawn (soft hyphen, Arabic number signs).
_DROPPED = (
    "\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f"
)
_UNSAFE = re.compile(f"[{_REPLACED}{_DROPPED}]")
_REPLACE = re.compile(f"[{_REPLACED}]")
_DROP = re.compile(f"[{_DROPPED}]")
# Enough for any row of a pane (tmux keeps at most 21 bytes a cell) and any name a
# person gives; text from outside is cut there, so nothing a peer sends is drawn whole
# however long it is.
TEXT_LIMIT = 16384


def printable(text: str, limit: int = TEXT_LIMIT) -> str:
    """The one way text from outside (tmux, a pane, an SSH server, an OS error) becomes
    text to show: in a widget, on stderr, in a log record or in an error message.

    Names, titles, error reasons and replies are chosen by whoever controls the pane, the
    tmux server or the host answering the port; Rich and Textual pass most control
    characters straight through to the host terminal, which would then set its title,
    clipboard (OSC 52) or screen. Controls become U+FFFD, invisible reordering and hiding
    characters are dropped (see ``_DROPPED``) and text longer than ``limit`` characters is
    cut, ending in "…". Markup is not this function's business: whatever draws the result
    must take it as plain text (``rich.text.Text``, ``markup=False``).
    """
    if len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    # str.isprintable() is False for every character handled here (all are Cc, Cf, Zl, Zp
    # or Cs) and runs in C: most text, pane rows above all, leaves at once.
    if text.isprintable() or _UNSAFE.search(text) is None:
        return text
    return _DROP.sub("", _REPLACE.sub("\N{REPLACEMENT CHARACTER}", text))
