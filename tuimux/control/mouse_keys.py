"""tmux's mouse keys: naming, click counting and aiming bindings at the pane under the mouse.

tmux's own client turns each mouse report into a key (``MouseDown1Pane``,
``MouseDrag1Border``, ``WheelUpPane``, ``DoubleClick1Pane`` …, ``server_client_check_mouse``
in server-client.c) and runs the binding with the pane under the pointer as the target of
every command that names none, ``-t =`` and ``{mouse}`` included. A control client has
no mouse: ``send-keys -M``, ``copy-mode -M`` and ``resize-pane -M`` do nothing for it, and
its commands default to its current pane. So tuimux names the keys itself, with tmux's
rules, and aims each command at the pane (:func:`aim`); the ``-M`` forms are done by
tuimux (:mod:`tuimux.ui.mouse_bindings`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tuimux.control.bindings import Arg, Command
from tuimux.control.getopt import getopt
from tuimux.control.key_table import command_name

# tmux's KEYC_CLICK_TIMEOUT (milliseconds, fixed in 3.2a to 3.4).
CLICK_SECONDS = 0.3

# Flags that take a value, per command whose target defaults to the mouse pane in a mouse
# binding (tmux 3.4's cmd entries); ``-t`` is added where a command names no target.
_VALUED = {
    "break-pane": "Fnst",
    "capture-pane": "bESt",
    "choose-buffer": "FfKOt",
    "choose-client": "FfKOt",
    "choose-tree": "FfKOt",
    "clear-history": "t",
    "clock-mode": "t",
    "copy-mode": "st",
    "display-menu": "bcCHsStTxy",
    "display-message": "cdtF",
    "display-popup": "bcdehsStTwxy",
    "if-shell": "t",
    "kill-pane": "t",
    "kill-window": "t",
    "next-layout": "t",
    "paste-buffer": "bst",
    "pipe-pane": "t",
    "previous-layout": "t",
    "resize-pane": "txy",
    "respawn-pane": "cet",
    "rotate-window": "t",
    "run-shell": "dtc",
    "select-layout": "t",
    "select-pane": "PTt",
    "select-window": "t",
    "send-keys": "cNt",
    "split-window": "ceFlpt",
    "swap-pane": "st",
}
# What tmux reads as the mouse target (cmd-find.c).
_MOUSE_TARGETS = frozenset({"=", "{mouse}"})


def key_name(
    kind: str,
    button: int,
    where: str,
    *,
    shift: bool = False,
    meta: bool = False,
    ctrl: bool = False,
) -> str:
    """``kind`` is MouseDown, MouseUp, MouseDrag, MouseDragEnd, SecondClick, DoubleClick,
    TripleClick, WheelUp or WheelDown; ``where`` is Pane, Border or Status. Modifiers
    come first in tmux's order (key-string.c): ``C-M-S-MouseDown1Pane``."""
    name = f"{kind}{where}" if kind.startswith("Wheel") else f"{kind}{button}{where}"
    return "C-" * ctrl + "M-" * meta + "S-" * shift + name


@dataclass(slots=True)
class Clicks:
    """tmux's click counting (server-client.c): a press starts a 300 ms timer; a second
    press of the same button within it is ``SecondClick``, a third ``TripleClick``; a
    timer that runs out after two presses is the ``DoubleClick`` (sent late, as tmux does).
    A press of another button while counting is swallowed, as in tmux. Times are
    seconds on any monotonic clock."""

    state: str = ""  # "" none, "double" (one press seen), "triple" (two seen)
    button: int = 0
    deadline: float = 0.0

    def press(self, button: int, now: float) -> str | None:
        """The kind of key this press is, or None when tmux makes none of it."""
        if self.state and now >= self.deadline:
            self.state = ""  # the timer ran out (expire() said so to the caller)
        kind: str | None = None
        if self.state == "double":
            self.state = ""
            if button == self.button:
                kind, self.state = "SecondClick", "triple"
        elif self.state == "triple":
            self.state = ""
            if button == self.button:
                return "TripleClick"  # no new timer
        else:
            kind, self.state = "MouseDown", "double"
        self.button, self.deadline = button, now + CLICK_SECONDS
        return kind

    def expire(self, now: float) -> bool:
        """The timer ran out: True if that makes a ``DoubleClick`` (two presses)."""
        if not self.state or now < self.deadline:
            return False
        double = self.state == "triple"
        self.state = ""
        return double


def _has_target(name: str, args: list[str], target: str) -> tuple[bool, list[str]]:
    """Whether a command names a target, and its arguments with a mouse target
    (``-t=``, ``-t {mouse}``, ``-Ft=``) replaced by ``target``."""
    valued = _VALUED.get(name, "t")
    out: list[str] = []
    found = False
    index = 0
    while index < len(args):
        word = args[index]
        index += 1
        if not word.startswith("-") or word == "-" or word == "--":
            out.append(word)
            out.extend(args[index:])
            break
        at = 1
        while at < len(word):
            flag = word[at]
            if flag in valued:
                value = word[at + 1 :]
                taken = False
                if not value and index < len(args):
                    value, taken = args[index], True
                    index += 1
                if flag == "t":
                    found = True
                    if value in _MOUSE_TARGETS:
                        value = target
                head = word[: at + 1]
                out.extend([head, value] if taken else [head + value])
                break
            at += 1
        else:
            out.append(word)
    return found, out


def aim(command: Command, target: str) -> Command:
    """A binding's command aimed as tmux aims it for a mouse key: ``-t =`` and
    ``{mouse}`` become ``target`` (a pane or window id), and a command that names no
    target, and would default to the mouse pane in tmux, gets ``-t target``. Blocks
    (``if-shell``'s branches) are left for the caller, which runs them itself."""
    if not command or not isinstance(command[0], str):
        return command
    name = command_name(command[0])
    head = [arg for arg in command[1:] if isinstance(arg, str)]
    if len(head) != len(command) - 1 and name != "if-shell":
        return command
    strings: list[str] = []
    rest: list[Arg] = []
    for arg in command[1:]:
        if rest or not isinstance(arg, str):
            rest.append(arg)
        else:
            strings.append(arg)
    found, args = _has_target(name, strings, target)
    aimed: list[Arg] = list(args)
    if not found and name in _VALUED:
        aimed = ["-t", target, *aimed]
    return (command[0], *aimed, *rest)


def flags(command: Command) -> str:
    """Every single-letter flag a command carries before its first argument (valued
    flags' values skipped by their first letter's table)."""
    if not command or not isinstance(command[0], str):
        return ""
    found, _ = getopt(command[1:], _VALUED.get(command_name(command[0]), "t"))
    return "".join(letter for letter, _ in found)


def positional(command: Command) -> list[Arg]:
    """The arguments after the flags (``send -X select-word`` → ``["select-word"]``)."""
    if not command or not isinstance(command[0], str):
        return []
    return getopt(command[1:], _VALUED.get(command_name(command[0]), "t"))[1]


def without_flag(command: Command, flag: str) -> Command:
    """The command without a value-less flag (``copy-mode -M`` → ``copy-mode``)."""
    if not command or not isinstance(command[0], str):
        return command
    valued = _VALUED.get(command_name(command[0]), "t")
    out: list[Arg] = [command[0]]
    index = 1
    while index < len(command):
        word = command[index]
        index += 1
        if not isinstance(word, str) or not word.startswith("-") or word in ("-", "--"):
            out.extend(command[index - 1 :])
            break
        kept = "-"
        for at, letter in enumerate(word[1:], 1):
            if letter in valued:
                kept += word[at:]
                if at == len(word) - 1 and index < len(command):
                    out.append(kept)
                    kept = ""
                    out.append(command[index])
                    index += 1
                break
            if letter != flag:
                kept += letter
        if kept and kept != "-":
            out.append(kept)
    return tuple(out)
