"""Words of tmux's command syntax (cmd-parse.y), for a typed command line and a binding.

One reader for both places tuimux meets tmux syntax: what the user types at ``C-b :``
and what ``list-keys`` prints. Single quotes are literal. Elsewhere a backslash is read as
tmux's parser reads it: ``\\e``, ``\\t`` and the other C escapes, an octal byte
(``\\033``), a ``\\u``/``\\U`` character, and before anything else that character itself
(``\\"``, ``\\\\``, ``\\$``, ``\\;``). An unquoted ``;`` ends a command; a bare ``{`` or
``}`` is marked (:class:`Brace`) so a caller that knows command blocks can find them.
``~`` and ``$VAR`` are expanded only when the caller gives tmux's environment (a line
typed at the prompt, as tmux's own prompt does); formats never are.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tuimux.errors import CommandError

SEPARATOR = object()  # an unquoted ";"


class Brace(str):
    """A bare ``{`` or ``}`` (a quoted one is an ordinary word)."""


def tokens(
    text: str, what: str, environ: Mapping[str, str] | None = None
) -> Iterator[str | object]:
    """The words of ``text`` with :data:`SEPARATOR` between commands.

    ``what`` names the text in the one-sentence :class:`CommandError` raised for an
    unclosed quote, a lone backslash at the end or an escape tmux refuses ("the
    command", "a key binding"). With ``environ`` (tmux's global environment) ``~`` and
    ``$VAR`` are expanded as tmux's parser expands them in a line typed at its prompt
    (:func:`_expand_tilde`, :func:`_expand_variable`); without it nothing is.
    """
    word = bytearray()
    in_word = quoted = False
    quote: str | None = None
    chars = _Chars(text)
    last: str | None = "start"  # the quote state when a character was last added
    for char in chars:
        expands = char == "$" or (char == "~" and last != quote)
        if environ is not None and expands and quote != "'":
            expand = _expand_variable if char == "$" else _expand_tilde
            word += expand(chars, environ, what).encode("utf-8", "surrogatepass")
            in_word, last = True, quote
            continue
        if quote == "'":
            if char == "'":
                quote = None
            else:
                word += char.encode("utf-8", "surrogatepass")
                last = quote
        elif char == "\\":
            word += _escape(chars, what)
            in_word = quoted = True
            last = quote
        elif quote == '"':
            if char == '"':
                quote = None
            else:
                word += char.encode("utf-8", "surrogatepass")
                last = quote
        elif char in " \t":
            if in_word:
                yield _word(word, quoted)
                word, in_word, quoted = bytearray(), False, False
            last = "start"
        elif char == ";":
            if in_word:
                yield _word(word, quoted)
                word, in_word, quoted = bytearray(), False, False
            last = "start"
            yield SEPARATOR
        elif char in "'\"":
            quote, in_word, quoted = char, True, True
        else:
            word += char.encode("utf-8", "surrogatepass")
            in_word = True
            last = quote
    if quote is not None:
        raise CommandError(f"{what} has an unclosed {quote} quote.")
    if in_word:
        yield _word(word, quoted)


class _Chars:
    """The characters of a line, one at a time, with a look at the next."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.at >= len(self.text):
            raise StopIteration
        self.at += 1
        return self.text[self.at - 1]

    def peek(self) -> str | None:
        return self.text[self.at] if self.at < len(self.text) else None


def _expand_tilde(chars: _Chars, environ: Mapping[str, str], what: str) -> str:
    """``yylex_token_tilde``: ``~`` at the start of a word (or just inside a quote) is
    tmux's ``HOME``. ``~user`` would be looked up on tmux's host, which tuimux cannot
    do, so it stays as typed."""
    name = ""
    while (following := chars.peek()) is not None and following not in "/ \t\n\"'":
        name += next(chars)
    home = environ.get("HOME", "")
    return home if not name and home else "~" + name


def _expand_variable(chars: _Chars, environ: Mapping[str, str], what: str) -> str:
    """``yylex_token_variable``: ``$NAME`` or ``${NAME}`` is its value in tmux's global
    environment (nothing if unset); a ``$`` before anything else is itself."""
    following = chars.peek()
    if following is None:
        raise CommandError(f"{what} ends with a lone $.")
    name = ""
    if following == "{":
        next(chars)
        while (char := next(chars, None)) != "}":
            if char is None or not _is_var(char, first=False):
                raise CommandError(f"{what} has an invalid environment variable.")
            name += char
    elif not _is_var(following, first=True):
        return "$"
    else:
        while (char := chars.peek()) is not None and _is_var(char, first=not name):
            name += next(chars)
    return environ.get(name, "")


def _is_var(char: str, *, first: bool) -> bool:
    return char == "_" or (char.isascii() and (char.isalpha() or (char.isdigit() and not first)))


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
