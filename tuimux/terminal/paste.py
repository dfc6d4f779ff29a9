"""Pasting through a tmux buffer, so tmux adds bracketed-paste markers when the pane asked.

tmux 3.3a cannot tell a client whether a pane enabled bracketed paste (no
``bracket_paste_flag`` before 3.7), but ``paste-buffer -p`` lets tmux decide. The text
travels inside double quotes with ``\\ooo`` escapes, so its line breaks never become raw
newlines in the command line.

tmux 3.7+ ``paste-buffer`` escapes control characters with vis(3) (ESC arrives as
``^[``) unless given ``-S``; older tmux has no ``-S`` and refuses it. Whether the server
has it is probed once at attach (:func:`verbatim_probe`), never guessed from the version.
"""

from __future__ import annotations

from tuimux.control.command import build, quote_data

PASTE_BUFFER = "tuimux-paste"


VERBATIM_PROBE = ("list-commands", "-F", "#{command_list_usage}", "paste-buffer")
"""Asks for ``paste-buffer``'s usage: its first ``[-…]`` group lists the flags it takes."""


def has_verbatim_flag(usage: list[str]) -> bool:
    """True if the ``paste-buffer`` usage line (the answer to ``VERBATIM_PROBE``) lists ``-S``."""
    return usage_has_flag(usage, "S")


def usage_has_flag(usage: list[str], flag: str) -> bool:
    """True if a command's usage line (``#{command_list_usage}``) lists the bare ``flag``
    in its first ``[-…]`` group: asked of the server, not read off its version."""
    flags = usage[0].split(" ", 1)[0] if usage else ""
    return flags.startswith("[-") and flags.endswith("]") and flag in flags[2:-1]


def paste_commands(pane_id: str, text: str, verbatim: bool = False) -> list[str]:
    """Built commands: fill a private buffer, paste it into the pane, delete it.

    Line breaks become CR like a terminal's own paste (``paste-buffer`` turns LF into
    CR unless ``-r``), and NULs are dropped: tmux cannot carry them. ``verbatim`` (the
    server has ``paste-buffer -S``) keeps tmux 3.7+ from vis-escaping control characters.
    """
    text = text.replace("\r\n", "\n").replace("\0", "")
    return [
        f"{build('set-buffer', '-b', PASTE_BUFFER, '--')} {quote_data(text)}",
        build(
            "paste-buffer",
            *(["-S"] if verbatim else []),
            "-p",
            "-d",
            "-b",
            PASTE_BUFFER,
            "-t",
            pane_id,
        ),
    ]
