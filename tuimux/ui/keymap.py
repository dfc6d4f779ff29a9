"""The prefix table: tmux's default bindings after ``C-b``, as data.

Each entry is a Textual ``Binding`` with an ``id`` so a config file can remap it. ``key``
may be a Textual key name (``up``, ``ctrl+b``) or the character typed (``%``, ``"``).
Everything not bound here goes to the active pane through the one key table in
``tuimux.terminal.keys``.
"""

from __future__ import annotations

from textual.binding import Binding

PREFIX_KEY = "ctrl+b"

PREFIX_BINDINGS: list[Binding] = [
    Binding("d", "detach", "Detach", id="prefix.detach"),
    Binding("%", "split('-h')", "Split left/right", id="prefix.split-horizontal"),
    Binding('"', "split('-v')", "Split top/bottom", id="prefix.split-vertical"),
    Binding("c", "new_window", "New window", id="prefix.new-window"),
    Binding("n", "next_window", "Next window", id="prefix.next-window"),
    Binding("p", "previous_window", "Previous window", id="prefix.previous-window"),
    Binding("l", "last_window", "Last window", id="prefix.last-window"),
    Binding("o", "next_pane", "Next pane", id="prefix.next-pane"),
    Binding(";", "last_pane", "Last pane", id="prefix.last-pane"),
    Binding("up", "select_pane('-U')", "Pane above", id="prefix.pane-up"),
    Binding("down", "select_pane('-D')", "Pane below", id="prefix.pane-down"),
    Binding("left", "select_pane('-L')", "Pane left", id="prefix.pane-left"),
    Binding("right", "select_pane('-R')", "Pane right", id="prefix.pane-right"),
    Binding("x", "kill_pane", "Kill pane", id="prefix.kill-pane"),
    Binding("&", "kill_window", "Kill window", id="prefix.kill-window"),
    Binding("z", "zoom", "Zoom pane", id="prefix.zoom"),
    Binding("q", "display_panes", "Show pane numbers", id="prefix.display-panes"),
    Binding(",", "rename_window", "Rename window", id="prefix.rename-window"),
    Binding("s", "choose_tree(False)", "Choose a session", id="prefix.choose-session"),
    Binding("w", "choose_tree(True)", "Choose a window", id="prefix.choose-window"),
    Binding("(", "switch_session('-p')", "Previous session", id="prefix.previous-session"),
    Binding(")", "switch_session('-n')", "Next session", id="prefix.next-session"),
    Binding("L", "switch_session('-l')", "Last session", id="prefix.last-session"),
    Binding("$", "rename_session", "Rename session", id="prefix.rename-session"),
    Binding("[", "copy_mode", "Copy mode", id="prefix.copy-mode"),
    Binding(":", "command_prompt", "tmux command prompt", id="prefix.command-prompt"),
    Binding("?", "list_keys", "List and run key bindings", id="prefix.list-keys"),
    Binding(PREFIX_KEY, "send_prefix", "Send the prefix key", id="prefix.send-prefix"),
    Binding("]", "on_pane('paste-buffer', '-p')", "Paste the buffer", id="prefix.paste"),
    Binding("pageup", "on_pane('copy-mode', '-u')", "Copy mode, a page up", id="prefix.page-up"),
    Binding("!", "break_pane", "Break pane out to a window", id="prefix.break-pane"),
    Binding("{", "on_pane('swap-pane', '-U')", "Swap with the pane before", id="prefix.swap-up"),
    Binding("}", "on_pane('swap-pane', '-D')", "Swap with the pane after", id="prefix.swap-down"),
    Binding("m", "on_pane('select-pane', '-m')", "Mark the pane", id="prefix.mark"),
    Binding("M", "on_pane('select-pane', '-M')", "Clear the marked pane", id="prefix.unmark"),
    Binding("E", "on_pane('select-layout', '-E')", "Spread panes evenly", id="prefix.spread"),
    *(
        Binding(
            f"{modifier}+{arrow}",
            f"on_pane('resize-pane', '-{arrow[0].upper()}', '{cells}')",
            f"Resize pane {arrow} by {cells}",
            id=f"prefix.resize-{arrow}-{cells}",
        )
        for modifier, cells in (("ctrl", 1), ("alt", 5))
        for arrow in ("up", "down", "left", "right")
    ),
    Binding("space", "on_window('next-layout')", "Next layout", id="prefix.next-layout"),
    Binding("ctrl+o", "on_window('rotate-window')", "Rotate panes", id="prefix.rotate"),
    Binding(
        "alt+o", "on_window('rotate-window', '-D')", "Rotate panes back", id="prefix.rotate-back"
    ),
    *(
        Binding(
            f"alt+{number}",
            f"on_window('select-layout', '{layout}')",
            f"Layout {layout}",
            id=f"prefix.layout-{layout}",
        )
        for number, layout in enumerate(
            ("even-horizontal", "even-vertical", "main-horizontal", "main-vertical", "tiled"), 1
        )
    ),
    Binding("'", "window_index_prompt", "Select window by index", id="prefix.window-index"),
    Binding(".", "move_window_prompt", "Move window to index", id="prefix.move-window"),
    *(
        Binding(
            str(digit), f"select_window({digit})", f"Window {digit}", id=f"prefix.window-{digit}"
        )
        for digit in range(10)
    ),
]


def lookup(key: str, character: str | None) -> Binding | None:
    """The prefix binding for a key press: by key name first, then by the character
    typed (``alt+1`` carries the character ``1``, which must not select window 1)."""
    for binding in PREFIX_BINDINGS:
        if binding.key == key:
            return binding
    if character is None or "+" in key:
        return None
    for binding in PREFIX_BINDINGS:
        if binding.key == character:
            return binding
    return None
