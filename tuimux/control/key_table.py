"""tmux's key tables as the server holds them, and the client's walk through them.

tmux's own client looks each key up in its current key table (``root``, or ``prefix``
after the prefix key, or a table a binding entered with ``switch-client -T``) and runs
what is bound there; everything else goes to the pane. A control client gets none of
this: keys it sends with ``send-keys`` go straight to the pane. So tuimux reads the
tables with ``list-keys`` and walks them itself, the way ``server_client_key_callback``
(server-client.c, tmux 3.4) does, with the same rules: the prefix (or ``prefix2``)
always enters ``prefix``; a key bound in the current table runs its binding and returns
to ``root`` unless the binding repeats (``bind -r``, within ``repeat-time``); a key
bound nowhere after the prefix does nothing; a pane in copy mode looks in its mode's
table first. Nothing here runs a command: :meth:`KeyMachine.press` says what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from tuimux.control.bindings import Block, Command, parse_commands, split_arguments
from tuimux.control.command import quote
from tuimux.control.getopt import getopt
from tuimux.errors import CommandError

ROOT = "root"
PREFIX = "prefix"
# tmux stores these spellings as one key and prints one of them (key-string.c).
_ALIASES = {
    "Enter": "C-m",
    "C-m": "Enter",
    "Tab": "C-i",
    "C-i": "Tab",
    "Escape": "C-[",
    "C-[": "Escape",
    "BSpace": "C-?",
    "C-?": "BSpace",
    "C-Space": "C-@",
    "C-@": "C-Space",
}


@dataclass(frozen=True, slots=True)
class Bound:
    """One binding: its commands, whether it repeats (``-r``) and its note (``-N``)."""

    table: str
    key: str
    commands: tuple[Command, ...]
    repeat: bool = False
    note: str = ""

    def text(self) -> str:
        """The commands in tmux's syntax, for the key list."""
        return " ; ".join(_command_text(command) for command in self.commands)


def _command_text(command: Command) -> str:
    return " ".join(
        "{ " + " ; ".join(_command_text(inner) for inner in arg.commands) + " }"
        if isinstance(arg, Block)
        else quote(arg)
        for arg in command
    )


Tables = dict[str, dict[str, Bound]]


def parse_tables(lines: Sequence[str]) -> Tables:
    """``list-keys`` output (every table) → table → key → binding.

    A line that does not parse is left out (its key then goes to the pane, as before
    tuimux read tables at all).
    """
    tables: Tables = {}
    for line in lines:
        try:
            words = parse_commands(line)
        except CommandError:
            continue
        if not words or words[0][:1] != ("bind-key",):
            continue
        first = words[0]
        found, rest = getopt(first[1:], "TN")
        options = dict(found)
        table, repeat, note = options.get("T", PREFIX), "r" in options, options.get("N", "")
        if len(rest) < 2 or not isinstance(rest[0], str):
            continue
        key = rest[0]
        commands = (*split_arguments(rest[1:]), *words[1:])
        tables.setdefault(table, {})[key] = Bound(table, key, commands, repeat, note)
    return tables


def with_notes(tables: Tables, table: str, lines: Sequence[str]) -> None:
    """Add the notes ``list-keys -N -P '' -T TABLE`` prints (``KEY   NOTE`` a line, only
    keys that have one) to a table's bindings: tmux's own defaults carry them."""
    bindings = tables.get(table, {})
    for line in lines:
        words = line.split(None, 1)  # tmux 3.7 starts each line with a space
        bound = bindings.get(words[0]) if len(words) == 2 else None
        if bound is not None:
            bindings[bound.key] = replace(bound, note=words[1].strip())


def lookup(table: dict[str, Bound], key: str) -> Bound | None:
    """The binding for a key in one table: its name, tmux's other spelling, then
    ``Any`` (tmux's catch-all key)."""
    found = table.get(key)
    if found is None and key in _ALIASES:
        found = table.get(_ALIASES[key])
    return found if found is not None else table.get("Any")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a key press does: ``run`` a binding, go to the ``pane`` (as a key for it,
    which a pane in copy mode hands to its mode), or ``nothing`` (the prefix was
    entered, or a key after it is bound nowhere)."""

    kind: str
    bound: Bound | None = None


PANE = Outcome("pane")
NOTHING = Outcome("nothing")


@dataclass(slots=True)
class KeyMachine:
    """The client's key-table state: which table the next key is looked up in.

    Times are seconds from any monotonic clock, given by the caller so the rules can be
    checked without waiting.
    """

    tables: Tables = field(default_factory=dict)
    prefix: str = "C-b"
    prefix2: str = "None"
    repeat_time_ms: int = 500
    # tmux's ``key-table`` session option: the table a client returns to.
    root: str = ROOT
    table: str = ROOT
    repeat_until: float | None = None

    @property
    def pending(self) -> bool:
        """Whether a key table other than the root one is current (tmux shows this as
        ``client_prefix`` in the status line)."""
        return self.table != self.root

    def reset(self) -> None:
        self.table, self.repeat_until = self.root, None

    def expire(self, now: float) -> bool:
        """tmux's repeat timer: once ``repeat-time`` is over the client is back in its
        root table. True if that changed the table."""
        if self.repeat_until is None or now < self.repeat_until:
            return False
        self.reset()
        return True

    def enter(self, name: str) -> bool:
        """``switch-client -T NAME``: False if the table does not exist (tmux refuses)."""
        if name not in self.tables:
            return False
        self.table = name
        return True

    def press(self, key: str, now: float, mode_table: str | None = None) -> Outcome:
        """One key, by its tmux name; ``mode_table`` names the copy-mode table of the
        active pane when it is in copy mode."""
        self.expire(now)  # tmux's repeat timer fired meanwhile
        repeating = self.repeat_until is not None
        if self.table == self.root and mode_table is not None and mode_table in self.tables:
            table = mode_table
        else:
            table = self.table
        first = table
        while True:
            if key in (self.prefix, self.prefix2) and key != "None" and table != PREFIX:
                self.table, self.repeat_until = PREFIX, None
                return NOTHING
            was_repeating = repeating
            bound = lookup(self.tables.get(table, {}), key)
            if bound is not None:
                if repeating and not bound.repeat:
                    self.reset()
                    first = table = self.table
                    repeating = False
                    continue
                if self.repeat_time_ms and bound.repeat:
                    self.repeat_until = now + self.repeat_time_ms / 1000
                    self.table = table if table != mode_table else self.table
                else:
                    self.reset()
                if table == mode_table:
                    return PANE  # send-keys: tmux runs the mode's binding for the pane
                return Outcome("run", bound)
            if table != self.root or repeating:
                self.reset()
                table = self.table
                if repeating:
                    first = table
                repeating = False
                continue
            if first != table and not was_repeating and first != mode_table:
                self.reset()
                return NOTHING
            return PANE


# Every command of tmux 3.4 with its alias (``list-commands``): tmux takes an exact name
# or alias, else a prefix of exactly one name (cmd.c ``cmd_find``).
_COMMANDS = {
    name: alias
    for name, _, alias in (
        entry.partition(" ")
        for entry in [
            "attach-session attach",
            "bind-key bind",
            "break-pane breakp",
            "capture-pane capturep",
            "choose-buffer ",
            "choose-client ",
            "choose-tree ",
            "clear-history clearhist",
            "clear-prompt-history clearphist",
            "clock-mode ",
            "command-prompt ",
            "confirm-before confirm",
            "copy-mode ",
            "customize-mode ",
            "delete-buffer deleteb",
            "detach-client detach",
            "display-menu menu",
            "display-message display",
            "display-popup popup",
            "display-panes displayp",
            "find-window findw",
            "has-session has",
            "if-shell if",
            "join-pane joinp",
            "kill-pane killp",
            "kill-server ",
            "kill-session ",
            "kill-window killw",
            "last-pane lastp",
            "last-window last",
            "link-window linkw",
            "list-buffers lsb",
            "list-clients lsc",
            "list-commands lscm",
            "list-keys lsk",
            "list-panes lsp",
            "list-sessions ls",
            "list-windows lsw",
            "load-buffer loadb",
            "lock-client lockc",
            "lock-server lock",
            "lock-session locks",
            "move-pane movep",
            "move-window movew",
            "new-session new",
            "new-window neww",
            "next-layout nextl",
            "next-window next",
            "paste-buffer pasteb",
            "pipe-pane pipep",
            "previous-layout prevl",
            "previous-window prev",
            "refresh-client refresh",
            "rename-session rename",
            "rename-window renamew",
            "resize-pane resizep",
            "resize-window resizew",
            "respawn-pane respawnp",
            "respawn-window respawnw",
            "rotate-window rotatew",
            "run-shell run",
            "save-buffer saveb",
            "select-layout selectl",
            "select-pane selectp",
            "select-window selectw",
            "send-keys send",
            "send-prefix ",
            "server-access ",
            "set-buffer setb",
            "set-environment setenv",
            "set-hook ",
            "set-option set",
            "set-window-option setw",
            "show-buffer showb",
            "show-environment showenv",
            "show-hooks ",
            "show-messages showmsgs",
            "show-options show",
            "show-prompt-history showphist",
            "show-window-options showw",
            "source-file source",
            "split-window splitw",
            "start-server start",
            "suspend-client suspendc",
            "swap-pane swapp",
            "swap-window swapw",
            "switch-client switchc",
            "unbind-key unbind",
            "unlink-window unlinkw",
            "wait-for wait",
        ]
    )
}


def command_name(name: str) -> str:
    """The full name tmux runs for a name as written (``splitw``, ``detach``, ``lsk``,
    ``choose-t``); the name itself when tmux would not know it (tmux says why)."""
    if name in _COMMANDS:
        return name
    for full, alias in _COMMANDS.items():
        if alias and name == alias:
            return full
    found = [full for full in _COMMANDS if full.startswith(name)]
    return found[0] if len(found) == 1 else name
