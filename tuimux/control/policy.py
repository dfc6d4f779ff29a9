"""Which built commands a read-only client may send, and what an audit log may keep.

tmux 3.3a still runs ``send-keys``, ``split-window`` and the like from a control client
attached with ``-r`` (checked), so read-only is enforced by tuimux itself, on every
built command at the one place all of them pass (:meth:`TmuxClient.send`). The test is
on the built text, so a command that never went through the policy cannot leave.
"""

from __future__ import annotations

import re
import shlex

from tuimux.control.command import build, quote
from tuimux.errors import CommandError

# Reads only: nothing here changes a session, a window, a pane, a buffer or a mode.
# ``list-keys`` too: a watcher's keys follow the user's tables (tmux's ``-r`` allows it).
# The buffer reads check a program's OSC 52 against what tmux kept (terminal.clipboard):
# a watcher's terminal gets it as tmux's own ``attach -r`` client's does.
# What a prompt reads: tmux's own history and the names Tab completes (not the
# environment ``~`` and ``$VAR`` expand from: it may hold secrets a watcher must not see).
READ_ONLY_COMMANDS = frozenset(
    {
        "list-windows",
        "list-panes",
        "list-sessions",
        "list-clients",
        "list-keys",
        "list-buffers",
        "show-buffer",
        "detach-client",
        "show-prompt-history",
        "list-commands",
        "show-options",
    }
)
# These read with -p and would write elsewhere without it (a paste buffer, a message).
PRINTING_COMMANDS = frozenset({"capture-pane", "display-message"})
# refresh-client's flow control (-A pause/continue, -B subscriptions, -f client flags).
REFRESH_FLAGS = frozenset({"-A", "-B", "-f"})
# switch-client changes only which session this client shows (tmux's own ``attach -r``
# lets it through too), but only in these forms: a window or pane target would select it
# for everyone, and ``-r`` would lift read-only itself.
SWITCH_FLAGS = frozenset({"-n", "-p", "-l"})
_SESSION_ID = re.compile(r"\$[0-9]+")
# Commands whose arguments are what the user typed or pasted: never written to a log.
PRIVATE_ARGUMENTS = frozenset({"send-keys", "set-buffer", "paste-buffer"})


def _words(built: str) -> list[str]:
    """The arguments of a built command (its quoting is POSIX-shell compatible)."""
    try:
        return shlex.split(built)
    except ValueError:
        return built.split(" ")


def read_only_allows(built: str) -> bool:
    """True if a read-only client may send this built command.

    The text must be exactly what :func:`build` makes of its own words: a line written
    any other way (``list-windows ; kill-server``, a ``{ }`` block, a stray quote) could
    hide a second command behind an allowed first word, so it is refused."""
    words = _words(built)
    try:
        if build(*words) != built:
            return False
    except CommandError:
        return False
    name = words[0] if words else ""
    if name in READ_ONLY_COMMANDS:
        return True
    if name in PRINTING_COMMANDS:
        return "-p" in words
    if name == "refresh-client":  # one or more flow-control flags, each with its value
        pairs = words[1:]
        return bool(pairs) and len(pairs) % 2 == 0 and set(pairs[::2]) <= REFRESH_FLAGS
    if name == "switch-client":
        if len(words) == 2:
            return words[1] in SWITCH_FLAGS
        return len(words) == 3 and words[1] == "-t" and _SESSION_ID.fullmatch(words[2]) is not None
    return False


def redacted(built: str) -> str:
    """A built command as an audit log may keep it: keystrokes and pasted text removed,
    the target pane kept (``send-keys -t %3 [4 arguments not logged]``)."""
    words = _words(built)
    if not words or words[0] not in PRIVATE_ARGUMENTS:
        return built
    kept = [words[0]]
    if "-t" in words[1:-1]:
        index = words.index("-t")
        kept += ["-t", quote(words[index + 1])]
    hidden = len(words) - len(kept)
    return " ".join(kept) + (f" [{hidden} arguments not logged]" if hidden else "")
