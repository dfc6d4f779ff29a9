"""``display-menu`` as tmux reads it (cmd-display-menu.c, menu.c), for tuimux to draw.

tmux draws a menu on its client's terminal and waits for the choice; a control client
has no terminal, so tmux 3.3+ would hold tuimux's queue for ever (DESIGN.md, Traps).
tuimux reads the command instead: the title (``-T``), the position (``-x``/``-y``), ``-O``
(stay open), the target (``-t``) and the items, three arguments each (name, key,
command) or an empty name for a separator. tmux expands each name and each command as a
format for the target; tuimux asks tmux to expand them (:func:`expansions`), but a
command argument by argument, after parsing, so that a name or title substituted into it
stays inside its argument (tmux expands first and parses after, where a window named
``x" ; kill-server ; "`` would end one command and start another).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tuimux.control.bindings import Arg, Block, Command, parse_commands
from tuimux.control.getopt import getopt
from tuimux.errors import CommandError

# display-menu's options that take a value (3.2a: c t T x y; 3.4 adds b C H s S).
_VALUED = frozenset("bcCHsStTxy")
# tmux 3.4's menu_add_item drops a separator that follows another; before, each is a row.
SEPARATORS_MERGED_SINCE = (3, 4)


@dataclass(frozen=True, slots=True)
class MenuItem:
    """One item: its name as a format (a leading ``-`` greys it out), its key as tmux
    names it, and its commands; or a separator (``name`` empty)."""

    name: str
    key: str = ""
    commands: tuple[Command, ...] = ()


@dataclass(frozen=True, slots=True)
class MenuSpec:
    title: str
    items: tuple[MenuItem, ...]
    x: str = "C"
    y: str = "C"
    stay_open: bool = False
    target: str = ""
    starting_choice: int = 0


def menu_of(args: Sequence[Arg]) -> MenuSpec:
    """A ``display-menu``'s arguments (after its name) → what to show.

    Raises :class:`CommandError` with tmux's sentence for an item missing its key or
    command."""
    flags, rest = getopt(args, _VALUED)
    options = dict(flags)
    items: list[MenuItem] = []
    at = 0
    while at < len(rest):
        name = rest[at]
        at += 1
        if name == "":
            items.append(MenuItem(""))
            continue
        if len(rest) - at < 2:
            raise CommandError("display-menu: not enough arguments.")
        key, command = rest[at], rest[at + 1]
        at += 2
        items.append(
            MenuItem(
                name if isinstance(name, str) else "",
                key if isinstance(key, str) else "",
                command.commands if isinstance(command, Block) else parse_commands(command),
            )
        )
    choice = options.get("C", "0")
    return MenuSpec(
        title=options.get("T", ""),
        items=tuple(items),
        x=options.get("x", "") or "C",
        y=options.get("y", "") or "C",
        stay_open="O" in options,
        target=options.get("t", ""),
        starting_choice=-1 if choice == "-" else int(choice) if choice.isdecimal() else 0,
    )


def formats_of(spec: MenuSpec) -> list[str]:
    """Every text tmux would expand for the menu: the title, each item's name, each
    argument of each item's commands (nested blocks included), in a fixed order that
    :func:`expanded` reads back."""
    texts = [spec.title]
    for item in spec.items:
        if item.name:
            texts.append(item.name)
            texts.extend(_args_of(item.commands))
    return texts


def _args_of(commands: Sequence[Command]) -> list[str]:
    out: list[str] = []
    for command in commands:
        for arg in command:
            if isinstance(arg, Block):
                out.extend(_args_of(arg.commands))
            else:
                out.append(arg)
    return out


@dataclass(frozen=True, slots=True)
class ShownItem:
    """An item as expanded by tmux: shown ``name`` (no leading ``-``), ``enabled``, the
    key, the commands to run; a separator has neither name nor commands."""

    name: str
    key: str
    enabled: bool
    commands: tuple[Command, ...]
    separator: bool = False


def expanded(
    spec: MenuSpec, values: Sequence[str], *, merge_separators: bool = True
) -> tuple[str, list[ShownItem]]:
    """The title and items once tmux expanded :func:`formats_of`'s texts into
    ``values`` (same order). As ``menu_add_item``: an item whose name expands to
    nothing is left out, a separator never starts the menu and, with
    ``merge_separators`` (tmux 3.4+, :data:`SEPARATORS_MERGED_SINCE`), never follows
    another; tmux 3.2a and 3.3a draw each one."""
    it = iter(values)
    title = next(it, "")
    shown: list[ShownItem] = []
    for item in spec.items:
        if not item.name:
            if shown and not (merge_separators and shown[-1].separator):
                shown.append(ShownItem("", "", False, (), separator=True))
            continue
        name = next(it, "")
        commands = _filled(item.commands, it)
        if not name:
            continue
        disabled = name.startswith("-")
        shown.append(ShownItem(name[1:] if disabled else name, item.key, not disabled, commands))
    return title, shown


def _filled(commands: Sequence[Command], values: object) -> tuple[Command, ...]:
    out: list[Command] = []
    for command in commands:
        args: list[Arg] = []
        for arg in command:
            if isinstance(arg, Block):
                args.append(Block(_filled(arg.commands, values)))
            else:
                args.append(next(values, arg))  # type: ignore[call-overload]
        out.append(tuple(args))
    return tuple(out)
