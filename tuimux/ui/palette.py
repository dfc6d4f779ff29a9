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
from tuimux.ui.keymap import PREFIX_BINDINGS, PREFIX_KEY

# How many lines of a command's output a notification shows.
OUTPUT_LINES = 20
_KEY_NAMES = {"up": "Up", "down": "Down", "left": "Left", "right": "Right"}


def key_label(key: str) -> str:
    """A binding's key in tmux's spelling (``C-b``, ``Up``, ``%``)."""
    if key.startswith("ctrl+"):
        return "C-" + key.removeprefix("ctrl+")
    return _KEY_NAMES.get(key, key)


def binding_commands(run: Callable[[str], Awaitable[object]]) -> list[SimpleCommand]:
    """Every prefix binding as a palette entry that runs its action."""
    prefix = key_label(PREFIX_KEY)

    def runner(action: str) -> Callable[[], Awaitable[object]]:
        return lambda: run(action)

    return [
        SimpleCommand(
            f"{binding.description}  ({prefix} {key_label(binding.key)})",
            runner(binding.action),
            None,
        )
        for binding in PREFIX_BINDINGS
    ]


def shown_output(command: str, lines: list[str]) -> str:
    """A command's output for a notification: inert, and cut to a screenful."""
    kept = [printable(line) for line in lines[:OUTPUT_LINES]]
    if len(lines) > OUTPUT_LINES:
        kept.append(f"… {len(lines) - OUTPUT_LINES} more lines")
    return "\n".join(kept) if kept else f"{printable(command)}: done"
