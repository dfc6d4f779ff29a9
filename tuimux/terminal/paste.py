"""Pasting through a tmux buffer, so tmux adds bracketed-paste markers when the pane asked.

tmux 3.3a cannot tell a client whether a pane enabled bracketed paste (no
``bracket_paste_flag`` before 3.7), but ``paste-buffer -p`` lets tmux decide. The text
travels inside double quotes with ``\\ooo`` escapes, so its line breaks never become raw
newlines in the command line.
"""

from __future__ import annotations

from tuimux.control.command import build, quote_data

PASTE_BUFFER = "tuimux-paste"


def paste_commands(pane_id: str, text: str) -> list[str]:
    """Built commands: fill a private buffer, paste it into the pane, delete it.

    Line breaks become CR like a terminal's own paste (``paste-buffer`` turns LF into
    CR unless ``-r``), and NULs are dropped: tmux cannot carry them.
    """
    text = text.replace("\r\n", "\n").replace("\0", "")
    return [
        f"{build('set-buffer', '-b', PASTE_BUFFER, '--')} {quote_data(text)}",
        build("paste-buffer", "-p", "-d", "-b", PASTE_BUFFER, "-t", pane_id),
    ]
