"""Build tmux command lines that arrive exactly as meant.

A control-mode command is one line of ``tmux -C``'s stdin, parsed by the same parser as a
config file (cmd-parse.y). A raw newline inside an argument would end the command and
start another one, so newline, carriage return and NUL are refused before anything is
sent. Every other argument is quoted so the parser hands it to the command unchanged.

Quoting relies on tmux >= 3.1, where text inside single quotes is fully literal (3.0 and
3.0a still treated backslash specially there). Outside quotes ``\\'`` is a literal single
quote, so ``it's`` is written ``'it'\\''s'``, the sh idiom: double quotes are never used
for it because they expand ``$VAR`` and a leading ``~``.

Quoting only fixes the *parse*. Some commands then format-expand an argument, where
``#(cmd)`` runs a shell command and ``#{...}`` is replaced: measured on tmux 3.3a these
are ``new-session -s/-n/-c``, ``new-window -n/-c``, ``split-window -c``,
``rename-session``, ``rename-window``, ``select-pane -T`` and the message of
``display-message``. ``set-buffer``, ``send-keys -l``, ``break-pane -n``, and
``set-option``/``set-environment`` without ``-F`` take their argument literally. Text a
user or a pane controls goes through :func:`escape_format` before it reaches the former.
"""

from __future__ import annotations

import re

from tuimux.errors import CommandError

# Words the parser leaves alone anywhere they stand. Excluded: '$' ($NAME and ${NAME}
# expand), '~' (home directory at a word's start), '#' (comment at a word's start), '{'
# and '}' (command blocks), ';' (separator), quotes, backslash, whitespace. A word
# starting with '%' must be all digits or a directive, so '%0:pause' is a syntax error on
# 3.3a; '$' followed by a digit does not expand. Hence ids ('%3', '@2', '$1') are bare
# only when they stand alone.
_BARE = re.compile(r"[A-Za-z0-9_./=,+:@-]+|[%@$][0-9]+")
_COMMAND_NAME = re.compile(r"[a-z]+(?:-[a-z]+)*")
_LINE_BREAKS = ("\n", "\r", "\0")


def _refuse_line_breaks(text: str, what: str) -> None:
    """Refuse text that would end the control-mode command line early (or be cut by NUL)."""
    for char in _LINE_BREAKS:
        if char in text:
            raise CommandError(
                f"cannot send {what} to tmux: it contains {char!r}, which would end the "
                "command line; remove line breaks and NUL characters."
            )


def quote(arg: str) -> str:
    """Quote one argument so tmux's parser hands it to the command unchanged.

    Plain words (ids like ``%3`` and ``$1``, flags, sizes, ``q:0``) stay bare so the audit
    log stays readable; everything else is single-quoted. The empty string becomes ``''``
    so it still counts as an argument. Quoting does not stop a leading ``-`` from being
    read as a flag: put ``--`` before arguments that may start with one.
    """
    _refuse_line_breaks(arg, "an argument")
    if _BARE.fullmatch(arg):
        return arg
    return "'" + arg.replace("'", "'\\''") + "'"


def build(*argv: str) -> str:
    """One command line (no trailing newline) from a command name and its arguments.

    The name is checked rather than quoted: a quoted word in command position is still a
    command name to tmux, and a name like ``a=b`` would be an environment assignment.
    """
    if not argv or _COMMAND_NAME.fullmatch(argv[0]) is None:
        raise CommandError(f"not a tmux command name: {argv[0] if argv else ''!r}")
    return " ".join([argv[0], *(quote(arg) for arg in argv[1:])])


def join(*commands: str) -> str:
    """Several built commands on one line, which tmux runs as one group (a block each).

    An empty command is refused: a blank line sent to ``tmux -C`` detaches the client
    (tmux 3.3a), and an empty group member would make that line.
    """
    if not commands:
        raise CommandError("no tmux commands to join.")
    for command in commands:
        _refuse_line_breaks(command, "a command")
        if not command.strip():
            raise CommandError("cannot send an empty tmux command.")
    return " ; ".join(commands)


def escape_format(text: str) -> str:
    """Make text literal for an argument tmux format-expands (see the module docstring).

    ``##`` is tmux's escape for ``#``; once every ``#`` is doubled no ``#(cmd)`` can run
    and no ``#{...}`` can expand. The result still needs :func:`quote`.
    """
    return text.replace("#", "##")


# Inside double quotes the parser expands '$NAME' and a leading '~', and treats '\' and
# '"' specially; a backslash before any of them makes it literal.
_DOUBLE_QUOTED_ESCAPES = {"\\": "\\\\", '"': '\\"', "$": "\\$", "~": "\\~"}


def quote_data(text: str) -> str:
    """Quote text that may hold any character, line breaks included (for ``set-buffer``).

    Inside tmux's double quotes ``\\ooo`` escapes give control characters, so the command
    line itself never carries a raw line break; ``\\``, ``"``, ``$`` and ``~`` are
    escaped so nothing expands. NUL is refused: tmux's strings end at it.
    """
    if "\0" in text:
        raise CommandError("cannot send a NUL character to tmux.")
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
