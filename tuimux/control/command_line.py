"""Split what the user types at the ``C-b :`` prompt into commands, word by word.

The line is not sent as typed: each command is rebuilt with :func:`build` so that every
command is seen separately by the read-only choke point (``list-windows ; kill-server``
typed raw would pass as a list) and by the reply accounting (tmux answers one block per
command of a line). Words follow tmux's own quoting (:mod:`tuimux.control.words`) and
each reaches tmux as tmux's parser would have read it: ``~`` and ``$VAR`` are expanded
with tmux's global environment when the caller gives it (as tmux's own prompt does);
``{ }`` blocks are not.
"""

from __future__ import annotations

from collections.abc import Mapping

from tuimux.control.command import build
from tuimux.control.words import SEPARATOR, tokens
from tuimux.errors import CommandError


def split_command_line(text: str, environ: Mapping[str, str] | None = None) -> list[list[str]]:
    """The commands of a typed line, as argv lists; each is checked by :func:`build`.

    Raises :class:`CommandError` (one sentence) for line breaks, unclosed quotes or a
    first word that is not a tmux command name.
    """
    for char in "\n\r\0":
        if char in text:
            raise CommandError("a command typed at the prompt must be on one line.")
    commands: list[list[str]] = [[]]
    for word in tokens(text, "the command", environ):
        if word is SEPARATOR:
            commands.append([])
        else:
            assert isinstance(word, str)
            commands[-1].append(str(word))
    commands = [argv for argv in commands if argv]
    for argv in commands:
        build(*argv)  # refuses a bad command name before anything is sent
        if _in_background(argv):
            raise CommandError(
                f"{argv[0]} -b is not run from the prompt: tmux sends what a background "
                "command prints outside any reply, where it cannot be told from tmux's "
                "own lines; run it without -b."
            )
    return commands


# Options of run-shell and if-shell that take a value (the value may start with "-").
_VALUED = frozenset("dt")


def _in_background(argv: list[str]) -> bool:
    """``run-shell -b`` / ``if-shell -b`` (by any name tmux accepts for them): tmux runs
    the command later and sends its output as a block of flags 0, which tuimux cannot
    seal (:mod:`tuimux.control.framing`)."""
    name = argv[0]
    shell = name in ("run", "if") or (
        len(name) >= 3 and ("run-shell".startswith(name) or "if-shell".startswith(name))
    )
    if not shell:
        return False
    words = iter(argv[1:])
    for word in words:
        if word == "--" or not word.startswith("-") or len(word) < 2:
            return False
        if "b" in word[1:]:
            return True
        if word[-1] in _VALUED:
            next(words, None)
    return False
