"""Build tmux command lines that arrive exactly as meant.

A control-mode command is one line: a raw newline inside an argument would end it and
start another command, so newline, carriage return and NUL are refused before anything is
sent. Every other argument is quoted for tmux's parser (cmd-parse.y, tmux 3.1+), where
single quotes are fully literal; a single quote itself is written as ``"'"`` between two
single-quoted runs (adjacent quoted runs form one word, as in sh).
"""

from __future__ import annotations

import re

from tuimux.errors import CommandError

# Words that need no quotes. A leading '%' can start a directive (%if, %hidden) and
# '%0:pause' is a parse error on tmux 3.3a, so ids are bare only when alone.
_BARE = re.compile(r"[A-Za-z0-9_./=,+-]+|[%@$]\d+")
_COMMAND_NAME = re.compile(r"[a-z][a-z-]*")
_FORBIDDEN = ("\n", "\r", "\0")


def _check(arg: str) -> None:
    for char in _FORBIDDEN:
        if char in arg:
            raise CommandError(
                f"refusing to send {arg[:40]!r} to tmux: it contains a line break or NUL."
            )


def quote(arg: str) -> str:
    """Quote one argument so tmux's parser hands it to the command unchanged.

    Plain words (ids like ``%3`` and ``$1``, flags, sizes) stay bare so the audit log is
    readable; ``$1`` is safe bare because tmux only expands ``$NAME`` starting with a
    letter or underscore.
    """
    _check(arg)
    if _BARE.fullmatch(arg):
        return arg
    return "'" + arg.replace("'", "'\"'\"'") + "'"


def build(*argv: str) -> str:
    """One command line (no trailing newline) from a command name and its arguments."""
    if not argv or _COMMAND_NAME.fullmatch(argv[0]) is None:
        raise CommandError(f"not a tmux command name: {argv[:1]!r}")
    return " ".join([argv[0], *(quote(arg) for arg in argv[1:])])


def join(*commands: str) -> str:
    """Several built commands on one line: tmux runs them as one group, a block each."""
    for command in commands:
        _check(command)
    return " ; ".join(commands)


def escape_format(text: str) -> str:
    """Double every ``#`` for arguments tmux format-expands (names given to new-session,
    new-window, rename-session, rename-window): ``#(cmd)`` there would run a shell command.
    """
    return text.replace("#", "##")


_DOUBLE_QUOTED_ESCAPES = {"\\": "\\\\", '"': '\\"', "$": "\\$"}


def quote_data(text: str) -> str:
    """Quote text that may hold any character, line breaks included (for ``set-buffer``).

    Inside tmux's double quotes ``\\ooo`` escapes give control characters, so the command
    line itself never carries a raw line break; ``$`` and ``\\`` are escaped so nothing
    expands.
    """
    if "\0" in text:
        raise CommandError("refusing to send a NUL byte to tmux.")
    out = ['"']
    for char in text:
        escaped = _DOUBLE_QUOTED_ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):03o}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)
