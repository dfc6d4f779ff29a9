"""``display-popup`` as tmux reads it (cmd-display-menu.c), for tuimux to show.

tmux runs the popup's command on a pty of its own and draws it over its client's
terminal; a control client has none. tuimux runs the command in a hidden session of its
own instead (:mod:`tuimux.ui.popup`) and keeps from the arguments what that needs: the
size (``-w``/``-h``, cells or a percentage of the screen; half of it by default), the
position (``-x``/``-y``, as for menus), ``-d`` (the directory, a format), ``-e``
(``VAR=value``, repeatable), ``-T`` (title, a format), ``-B`` (no border), ``-E``
(close when the command exits; ``-EE`` only when it exits with status 0) and ``-C``
(close a popup: nothing to do, tuimux's popups close themselves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tuimux.control.bindings import Arg
from tuimux.control.getopt import getopt
from tuimux.control.numbers import parse_uint
from tuimux.errors import CommandError

_VALUED = frozenset("bcdehsStTwxy")


@dataclass(frozen=True, slots=True)
class PopupSpec:
    command: tuple[str, ...]  # empty: the session's default command or shell
    width: str = ""
    height: str = ""
    x: str = "C"
    y: str = "C"
    directory: str = ""
    environment: tuple[str, ...] = ()
    title: str = ""
    border: bool = True
    close_on_exit: int = 0  # 1: -E, 2: -EE
    close_only: bool = False


def popup_of(args: Sequence[Arg]) -> PopupSpec:
    """The command's arguments (after its name) → what to run and show."""
    flags, rest = getopt(args, _VALUED)
    options = dict(flags)
    environment = [value for letter, value in flags if letter == "e"]
    exits = sum(letter == "E" for letter, _ in flags)
    command = tuple(arg for arg in rest if isinstance(arg, str))
    return PopupSpec(
        command=command,
        width=options.get("w", ""),
        height=options.get("h", ""),
        x=options.get("x", "") or "C",
        y=options.get("y", "") or "C",
        directory=options.get("d", ""),
        environment=tuple(environment),
        title=options.get("T", ""),
        border="B" not in options,
        close_on_exit=min(exits, 2),
        close_only="C" in options,
    )


def size_of(value: str, whole: int) -> int:
    """``args_percentage``: cells, or ``N%`` of ``whole``; half of it when not given;
    between 1 and ``whole``. Raises :class:`CommandError` as tmux refuses a bad size."""
    if not value:
        return max(whole // 2, 1)
    number = parse_uint(value[:-1] if value.endswith("%") else value, 2**31)
    if number is None:
        raise CommandError(f"display-popup: size {value} is invalid.")
    if value.endswith("%"):
        number = whole * number // 100
    if not 1 <= number <= whole:
        raise CommandError(
            f"display-popup: size {value} is too {'small' if number < 1 else 'large'}."
        )
    return number
