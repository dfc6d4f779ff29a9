"""Words of tmux's command syntax (cmd-parse.y), for a typed command line and a binding.

One reader for both places tuimux meets tmux syntax: what the user types at ``C-b :``
and what ``list-keys`` prints. Single quotes are literal. Elsewhere a backslash is read as
tmux's parser reads it: ``\\e``, ``\\t`` and the other C escapes, an octal byte
(``\\033``), a ``\\u``/``\\U`` character, and before anything else that character itself
(``\\"``, ``\\\\``, ``\\$``, ``\\;``). An unquoted ``;`` ends a command; a bare ``{`` or
``}`` is marked (:class:`Brace`) so a caller that knows command blocks can find them. No
``~``, ``$VAR`` or format expansion happens: each word reaches tmux literally.
"""

from __future__ import annotations

from collections.abc import Iterator

from tuimux.errors import CommandError

SEPARATOR = object()  # an unquoted ";"


class Brace(str):
    """A bare ``{`` or ``}`` (a quoted one is an ordinary word)."""


def tokens(text: str, what: str) -> Iterator[str | object]:
    """The words of ``text`` with :data:`SEPARATOR` between commands.

    ``what`` names the text in the one-sentence :class:`CommandError` raised for an
    unclosed quote, a lone backslash at the end or an escape tmux refuses ("the
    command", "a key binding").
    """
    word = bytearray()
    in_word = quoted = False
    quote: str | None = None
    chars = iter(text)
    for char in chars:
        if quote == "'":
            if char == "'":
                quote = None
            else:
                word += char.encode("utf-8", "surrogatepass")
        elif char == "\\":
            word += _escape(chars, what)
            in_word = quoted = True
        elif quote == '"':
            if char == '"':
                quote = None
            else:
                word += char.encode("utf-8", "surrogatepass")
        elif char in " \t":
            if in_word:
                yield _word(word, quoted)
                word, in_word, quoted = bytearray(), False, False
        elif char == ";":
            if in_word:
                yield _word(word, quoted)
                word, in_word, quoted = bytearray(), False, False
            yield SEPARATOR
        elif char in "'\"":
            quote, in_word, quoted = char, True, True
        else:
            word += char.encode("utf-8", "surrogatepass")
            in_word = True
    if quote is not None:
        raise CommandError(f"{what} has an unclosed {quote} quote.")
    if in_word:
        yield _word(word, quoted)


# yylex_token_escape: what a backslash outside single quotes stands for.
_CONTROLS = {"a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "s": " ", "v": "\v", "r": "\r"}
_CONTROLS |= {"n": "\n", "t": "\t"}
_HEX_DIGITS = {"u": 4, "U": 8}


def _escape(chars: Iterator[str], what: str) -> bytes:
    """The bytes one escape stands for, as tmux's parser reads it: ``\\ooo`` is a byte
    (first digit 0-3), ``\\e`` ESC and the other C escapes their control, ``\\uXXXX`` and
    ``\\UXXXXXXXX`` a character, and a backslash before anything else that character
    (``\\"``, ``\\\\``, ``\\$``, ``\\;``)."""
    char = next(chars, None)
    if char is None:
        raise CommandError(f"{what} ends with a lone backslash.")
    if char in "01234567":
        digits = char + next(chars, "") + next(chars, "")
        if char > "3" or len(digits) < 3 or any(digit not in "01234567" for digit in digits):
            raise CommandError(f"{what} has an invalid octal escape.")
        return bytes((int(digits, 8),))
    if char in _HEX_DIGITS:
        digits = "".join(next(chars, "") for _ in range(_HEX_DIGITS[char]))
        try:
            if len(digits) < _HEX_DIGITS[char] or not digits.isascii():
                raise ValueError(digits)
            return chr(int(digits, 16)).encode("utf-8")
        except (ValueError, OverflowError, UnicodeEncodeError):
            raise CommandError(f"{what} has an invalid \\{char} escape.") from None
    return _CONTROLS.get(char, char).encode("utf-8", "surrogatepass")


def _word(data: bytearray, quoted: bool) -> str:
    text = data.decode("utf-8", "replace")
    return Brace(text) if not quoted and text in ("{", "}") else text
