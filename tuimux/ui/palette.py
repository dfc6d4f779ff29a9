"""``C-b ?`` and ``C-b :``: the key bindings as a searchable list, and tmux's command prompt.

tmux lists its keys with ``C-b ?`` and takes commands with ``C-b :``; tuimux keeps both
keys. The list is Textual's command palette filled with the prefix table, so a binding
can be found by what it does and run from there. The prompt's line is split into
commands by :mod:`tuimux.control.command_line` and each is sent through the client like
any other, so read-only, quoting and the audit log apply to it unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.command import SimpleCommand

from tuimux.control.escape import printable
from tuimux.control.key_table import PREFIX, Bound, KeyMachine

# How many lines of a command's output a notification shows.
OUTPUT_LINES = 20
# Tables whose keys are typed in a pane's mode, or are mouse events: not in the list.
_NOT_LISTED = ("copy-mode", "copy-mode-vi")


def binding_commands(
    machine: KeyMachine, run: Callable[[Bound], Awaitable[object]]
) -> list[SimpleCommand]:
    """Every key binding of the user's tables as a palette entry that runs it: its
    note (``bind -N``) or its commands, and its keys as tmux spells them."""

    def runner(bound: Bound) -> Callable[[], Awaitable[object]]:
        return lambda: run(bound)

    entries = []
    for name, table in machine.tables.items():
        if name in _NOT_LISTED:
            continue
        if name == PREFIX:
            lead = f"{machine.prefix} "
        elif name == machine.root:
            lead = ""
        else:
            lead = f"[{name}] "
        for key, bound in table.items():
            if key.startswith(("Mouse", "Wheel", "DoubleClick", "TripleClick")) or "-Mouse" in key:
                continue
            entries.append(
                SimpleCommand(
                    printable(f"{bound.note or bound.text()}  ({lead}{key})"), runner(bound), None
                )
            )
    return entries


def shown_output(command: str, lines: list[str]) -> str:
    """A command's output for a notification: inert, and cut to a screenful."""
    kept = [printable(line) for line in lines[:OUTPUT_LINES]]
    if len(lines) > OUTPUT_LINES:
        kept.append(f"… {len(lines) - OUTPUT_LINES} more lines")
    return "\n".join(kept) if kept else f"{printable(command)}: done"
