"""A command's flags, split off as tmux's ``args_parse`` does.

tuimux reads tmux commands in several places (a binding that opens a prompt, a menu,
a popup, ``display-panes``, a mouse binding), and each must see the flags tmux would:
``-1p x`` and ``-1 -p x`` alike, a value attached (``-px``) or in the next word, a lone
``-`` as the first argument and ``--`` ending the flags. One parser keeps them
agreeing with tmux and with each other.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TypeVar

Word = TypeVar("Word")


def getopt(
    args: Sequence[Word],
    valued: Collection[str],
    *,
    takes: Callable[[str, Word], bool] | None = None,
) -> tuple[list[tuple[str, str]], list[Word]]:
    """The flags in order as ``(letter, value)`` (``""`` for a flag without one) and
    the arguments after them.

    ``args`` are the words after the command's name; a word that is not a string (a
    ``{ }`` block) ends the flags, or stands as an empty value. ``takes(letter, next)``
    may refuse the next word as a valued flag's value (tmux 3.2a's bare ``-T``)."""
    flags: list[tuple[str, str]] = []
    index = 0
    while index < len(args):
        word = args[index]
        if not isinstance(word, str) or not word.startswith("-") or len(word) < 2:
            break
        index += 1
        if word == "--":
            break
        for at, letter in enumerate(word[1:], 1):
            if letter not in valued:
                flags.append((letter, ""))
                continue
            value = word[at + 1 :]
            if not value and index < len(args):
                following = args[index]
                if takes is not None and not takes(letter, following):
                    flags.append((letter, ""))
                    break
                value = following if isinstance(following, str) else ""
                index += 1
            flags.append((letter, value))
            break
    return flags, list(args[index:])
