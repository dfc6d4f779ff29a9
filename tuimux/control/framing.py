"""Framing that text from outside cannot forge: sealed reply blocks.

tmux frames a reply as ``%begin T N F`` … ``%end T N F`` and writes the reply's text raw
in between. T is the time and N a server-wide counter (cmd-queue.c), both predictable: a
program in a pane can even learn N by running ``tmux -C`` itself. So a capture of a pane,
a paste buffer, a name or an error message can hold a line equal to the coming ``%end``,
and a parser that trusts the first matching guard reads the rest of that text as
notifications (a forged ``%window-pane-changed`` moves the user's typing elsewhere).

A command whose reply may carry such text is *sealed*: the client follows it, on the same
command line, with ``display-message -p NONCE`` (a fresh 128-bit random nonce no pane
ever sees), and follows the line with one more such sentinel on a line of its own
(tmux drops the rest of a line after an error, but always runs the next line). Inside a
sealed block nothing is trusted until a sentinel block ``%begin`` / ``NONCE`` /
``%end`` arrives whose nonce is one the client is waiting for. Only then is the block's
end decided: it is the **last** line matching the open guard before the sentinel. Text
inside the reply always comes before tmux's own ``%end``; what tmux writes after it, up
to the sentinel, is notifications (hooks, 3.8's deferred ones, other panes' output
between lines), which are dispatched then. A reply with no matching guard is
:class:`~tuimux.control.events.Unframed`: it is dropped with everything around it and
the client re-reads what it mirrors.

What this cannot cover: blocks tmux sends with FLAGS 0 (hooks, the attach command) are
not ours to seal; a hook that prints text a pane controls is the user's configuration.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

from tuimux.control.command import build

BEGIN_GUARD = re.compile(rb"%begin (\d{1,20}) (\d{1,20}) (\d{1,10})")
END_GUARD = re.compile(rb"%(end|error) (\d{1,20}) (\d{1,20}) (\d{1,10})")

Guard = tuple[bytes, bytes, bytes]

# Commands whose reply never holds text from outside: they print nothing, and their
# error messages are made of the arguments tuimux gave them. They are the hot path
# (every keystroke is a send-keys), so they are not followed by a sentinel. Any other
# command is sealed, including ones tuimux does not know (a line typed at ``C-b :``).
QUIET_COMMANDS = frozenset(
    {
        "send-keys",
        "send-prefix",
        "refresh-client",
        "select-pane",
        "select-window",
        "select-layout",
        "next-window",
        "previous-window",
        "last-window",
        "last-pane",
        "resize-pane",
        "swap-pane",
        "rotate-window",
        "set-buffer",
        "paste-buffer",
        "delete-buffer",
        "kill-pane",
        "kill-window",
        "kill-session",
        "kill-server",
        "rename-window",
        "rename-session",
        "switch-client",
        "detach-client",
        "copy-mode",
    }
)


def needs_seal(built: str) -> bool:
    """True when a built command's reply may carry text a pane or a remote controls."""
    return built.split(" ", 1)[0] not in QUIET_COMMANDS


def new_sentinel() -> tuple[str, bytes]:
    """A sentinel command and the one line its reply must be."""
    nonce = secrets.token_hex(16)
    return build("display-message", "-p", nonce), nonce.encode("ascii")


def last_guard(guard: Guard, region: Sequence[bytes]) -> tuple[int, bool] | None:
    """Where the sealed block opened by ``guard`` really ended within ``region`` (the
    lines between its ``%begin`` and the sentinel's), and whether it was ``%error``."""
    for index in range(len(region) - 1, -1, -1):
        line = region[index]
        if not line.startswith(b"%e"):
            continue
        match = END_GUARD.fullmatch(line)
        if match is not None and (match[2], match[3], match[4]) == guard:
            return index, match[1] == b"error"
    return None
