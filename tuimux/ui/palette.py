"""``C-b ?`` and ``C-b :``: the key bindings as a searchable list, and tmux's command prompt.

tmux lists its keys with ``C-b ?`` and takes commands with ``C-b :``; tuimux keeps both
keys. The list is Textual's command palette filled with the prefix table, so a binding
can be found by what it does and run from there. The prompt's line is split into
commands by :mod:`tuimux.control.command_line` and each is sent through the client like
any other, so read-only, quoting and the audit log apply to it unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.command import (
    CommandInput,
    CommandListItem,
    CommandPalette,
    SimpleCommand,
    SimpleProvider,
)
from textual.screen import Screen
from textual.widgets import Input

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


class KeyList(CommandPalette):
    """The key list, closed and searched with the keys of tmux's view mode, where tmux's
    own ``list-keys`` shows: ``q`` closes it (as Escape does) while nothing is searched;
    ``/``, ``?``, ``C-s`` or ``C-r`` (vi's and emacs's search keys) start a search in
    which ``q`` is typed like any letter; any other key starts searching too.

    The field takes printable keys before any binding, so ``q``, ``/`` and ``?`` are
    seen as what they made of an empty, unsearched field."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s,ctrl+r", "search", show=False, priority=True),
    ]

    def __init__(
        self, screen: Screen[Any], commands: Sequence[SimpleCommand], placeholder: str
    ) -> None:
        items: list[CommandListItem] = [*commands]
        # As App.search_commands: a provider made already (it calls back as itself).
        provider = SimpleProvider(screen, items)
        super().__init__(providers=[provider], placeholder=placeholder)  # type: ignore[list-item]
        self.searching = False
        self._before = ""

    def action_search(self) -> None:
        self.searching = True
        self.query_one(CommandInput).placeholder = "Search…"

    @on(Input.Changed)
    def _view_key(self, event: Input.Changed) -> None:
        before, self._before = self._before, event.value
        if self.searching or before:
            return
        if event.value == "q":
            self._action_escape()
        elif event.value in ("/", "?"):
            self.action_search()
            event.input.value = ""


def shown_output(command: str, lines: list[str]) -> str:
    """A command's output for a notification: inert, and cut to a screenful."""
    kept = [printable(line) for line in lines[:OUTPUT_LINES]]
    if len(lines) > OUTPUT_LINES:
        kept.append(f"… {len(lines) - OUTPUT_LINES} more lines")
    return "\n".join(kept) if kept else f"{printable(command)}: done"
