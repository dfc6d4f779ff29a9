"""``display-panes`` as tmux reads it (cmd-display-panes.c), for tuimux to show.

tmux numbers the panes on its client's terminal for ``-d`` milliseconds (else the
session's ``display-panes-time``); a digit, or a letter from ``a`` for 10 on, picks the
pane of that index and runs the template with ``%%`` as the pane's id (``select-pane -t
'%%'`` by default); ``-N`` takes no keys; ``-b`` does not wait. A control client has no
terminal, so tuimux shows the numbers itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tuimux.control.bindings import Arg, Block, Command, parse_commands
from tuimux.control.getopt import getopt
from tuimux.control.numbers import parse_uint
from tuimux.errors import CommandError

DEFAULT_TEMPLATE = parse_commands("select-pane -t '%%'")


@dataclass(frozen=True, slots=True)
class PanesSpec:
    delay_ms: int | None  # None: the session's display-panes-time
    template: tuple[Command, ...]
    keys: bool = True


def display_panes_of(args: Sequence[Arg]) -> PanesSpec:
    """The command's arguments (after its name) → what to show; raises
    :class:`CommandError` for a delay that is not a number, as tmux does."""
    flags, rest = getopt(args, "d")
    delay: int | None = None
    for letter, value in flags:
        if letter == "d":
            delay = parse_uint(value, 2**32 - 1)
            if delay is None:
                raise CommandError(f"display-panes: delay {value} is invalid.")
    keys = ("N", "") not in flags
    if not rest:
        template = DEFAULT_TEMPLATE
    elif isinstance(rest[0], Block):
        template = rest[0].commands
    else:
        template = parse_commands(rest[0])
    return PanesSpec(delay, template, keys)


def pane_index_of(character: str | None) -> int | None:
    """The pane index a key picks: ``0`` to ``9``, then ``a`` to ``z`` for 10 to 35."""
    if character is None or len(character) != 1:
        return None
    if "0" <= character <= "9":
        return ord(character) - ord("0")
    if "a" <= character <= "z":
        return 10 + ord(character) - ord("a")
    return None
