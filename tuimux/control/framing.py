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
end decided: it is the **last** line matching the open guard before the sentinel (text
inside the reply always comes before tmux's own ``%end``). Nothing between that guard
and the sentinel is ever dispatched: for the reads tuimux seals there is nothing there,
and what tmux can put there carries outside text too (``run-shell`` output after its
``%end`` on 3.2a, blocks ``if-shell`` inserts, hook blocks), so if anything stands there
the client re-reads what it mirrors (:class:`~tuimux.control.events.Desync`). A reply
with no matching guard is :class:`~tuimux.control.events.Unframed`: dropped, and the
same re-read follows. A reply past the block cap is cut but still framed.

Commands that print nothing are not sealed: notifications they cause (a new window's
``%window-add``) follow their ``%end`` and must flow. A flag that makes one print
(``-P``) seals it.

What this cannot cover: blocks tmux sends with FLAGS 0 outside a sealed reply (hooks,
the attach command) are not ours to seal; a hook that prints text a pane controls is
the user's configuration.
"""

from __future__ import annotations

import re
import secrets

from tuimux.control.command import build

BEGIN_GUARD = re.compile(rb"%begin (\d{1,20}) (\d{1,20}) (\d{1,10})")
END_GUARD = re.compile(rb"%(end|error) (\d{1,20}) (\d{1,20}) (\d{1,10})")

Guard = tuple[bytes, bytes, bytes]

# Commands whose reply never holds text from outside: they print nothing, and their
# error messages are made of the arguments tuimux gave them. Every keystroke is a
# send-keys, and the notifications a new window or split causes follow its %end, so these
# are not followed by a sentinel. Any other command is sealed, including ones tuimux does
# not know (a line typed at ``C-b :``).
QUIET_COMMANDS = frozenset(
    {
        "new-window",
        "split-window",
        "break-pane",
        "new-session",
        "join-pane",
        "move-pane",
        "move-window",
        "swap-window",
        "link-window",
        "unlink-window",
        "respawn-pane",
        "respawn-window",
        "resize-window",
        "next-layout",
        "previous-layout",
        "clear-history",
        "set-option",
        "set-window-option",
        "set-environment",
        "set-hook",
        "bind-key",
        "unbind-key",
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


# ``-P`` makes these print a format (names, paths): then they are sealed.
_PRINTS_WITH_P = frozenset({"new-window", "split-window", "break-pane", "new-session"})


def needs_seal(built: str) -> bool:
    """True when a built command's reply may carry text a pane or a remote controls."""
    name, *words = built.split(" ")
    if name not in QUIET_COMMANDS:
        return True
    # A flag word (bare, so never quoted text) with P in it; a false match only seals.
    return name in _PRINTS_WITH_P and any(
        word.startswith("-") and word != "--" and "P" in word for word in words
    )


# display-message flags that print text into the reply (-p, -a, -v) or read stdin (-I);
# without them it prints only ``%message`` lines (tmux 3.4+) to a control client.
_PRINTING_DISPLAY_FLAGS = frozenset("pavI")
_DISPLAY_FLAGS_WITH_ARGUMENT = frozenset("cdt")


def lifts_messages(built: str) -> bool:
    """True when a ``%message`` line in this command's reply can only be tmux's own.

    tmux 3.4+ writes ``%message`` (a display-message without -p, also one run by a hook,
    ``run-shell`` or ``source-file``) inside the reply block of the command that caused
    it. Such lines are taken out of a reply only when nothing else in it can be outside
    text: a pane printing ``%message …`` must not reach the status line through a
    capture. Unsure cases say False; the line then stays in the reply as text."""
    if not needs_seal(built):
        return True
    name, *words = built.split(" ")
    if name != "display-message":
        return False
    takes_argument = False
    for word in words:
        if takes_argument:
            takes_argument = False
            continue
        if word == "--" or not word.startswith("-") or word == "-":
            return True
        letters = word[1:]
        if _PRINTING_DISPLAY_FLAGS & set(letters):
            return False
        takes_argument = letters[-1] in _DISPLAY_FLAGS_WITH_ARGUMENT
    return True


def new_sentinel() -> tuple[str, bytes]:
    """A sentinel command and the one line its reply must be."""
    nonce = secrets.token_hex(16)
    return build("display-message", "-p", nonce), nonce.encode("ascii")
