"""What tmux draws in a pane in a mode, as tmux's own client shows it.

tmux sends a control client nothing of a mode's screen: tuimux reads it back (the
capture at the mode's scroll position, the selection, the position indicator) and draws
it. The reference is tmux's own client attached to the same session, each client in a
pane of an outer tmux: both show the same pane in the same mode (a mode belongs to the
pane, not the client), so the outer panes' rows must be equal, colours included.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.outer import outer_terminals, tmux_attach, tuimux_attach

WIDTH, HEIGHT = 50, 12  # the outer terminals; the inner window is one line less


def pane_rows(outer: TmuxServer, name: str, left: int, width: int) -> list[str]:
    """The inner window's rows (not the status line) at the pane's columns."""
    plain = outer.run("capture-pane", "-p", "-N", "-t", f"{name}:").split("\n")
    return [line[left : left + width].rstrip() for line in plain[: HEIGHT - 1]]


def styled_top_row(outer: TmuxServer, name: str) -> str:
    """The top row with its colours and attributes as the outer tmux holds them."""
    return outer.run("capture-pane", "-p", "-e", "-t", f"{name}:", "-S", "0", "-E", "0")


# tmux 3.4 and 3.5 put the top line's time before "[n/m]" (format_pretty_time of the
# grid line's time), and no format tells a control client that time before 3.6
# (top_line_time, which 3.6's copy-mode-position-format shows): tuimux draws "[n/m]".
LINE_TIME = re.compile(r"(\d\d:\d\d:\d\d|\w{3}\d\d|\d\d\w{3}|\w{3}\d\d) (?=\[\d+/\d+\]$)")


def line_time_unknown(server: TmuxServer) -> bool:
    """tmux 3.4 or 3.5: its own client draws a time tuimux cannot read (LINE_TIME)."""
    return server.run("-V").split()[1] in ("3.4", "3.5", "3.5a")


def without_line_time(row: str) -> str:
    return LINE_TIME.sub(lambda m: " " * (len(m.group(0))), row)


async def same_in_both(outer: TmuxServer, left: int, width: int, what: str) -> None:
    def both() -> tuple[str, list[str], list[str]]:
        own = [without_line_time(row) for row in pane_rows(outer, "own", left, width)]
        return what, own, pane_rows(outer, "ours", left, width)

    await eventually(lambda: both()[1] == both()[2], timeout=20, detail=both)


def mode_capture(server: TmuxServer) -> bool:
    """Whether the server's capture-pane reads a mode's own screen (-M, tmux 3.6+)."""
    usage = server.run("list-commands", "-F", "#{command_list_usage}", "capture-pane")
    return "M" in usage.split(" ", 1)[0]


@pytest.mark.parametrize("narrow", [False, True])
async def test_copy_mode_shows_what_tmux_own_client_shows(
    tmux_server: TmuxServer, narrow: bool
) -> None:
    """Scrolled up in copy mode: the lines at that position and tmux's ``[n/m]``
    indicator at the top right in the mode style; in a pane narrower than the
    indicator, its start (tmux cuts it at the edge)."""
    if narrow and line_time_unknown(tmux_server):
        pytest.skip("tmux 3.4/3.5 cut their own indicator's time, which tuimux cannot read")
    tmux_server.new_session("s", width=WIDTH, height=HEIGHT - 1)
    pane = tmux_server.display("s:", "#{pane_id}")
    tmux_server.run("send-keys", "-t", pane, "clear; seq 1 60", "Enter")
    tmux_server.wait_for(lambda: "60" in tmux_server.capture(pane))
    left, width = 0, WIDTH
    if narrow:
        tmux_server.run("split-window", "-h", "-t", pane, "-l", "5", "-d")
        tmux_server.run("resize-pane", "-t", pane, "-x", "5")
        width = 5
    clients = {"own": tmux_attach(tmux_server), "ours": tuimux_attach(tmux_server)}
    with outer_terminals(clients, WIDTH, HEIGHT) as outer:
        await eventually(lambda: "[s]" in outer.capture("ours:"), timeout=30)
        # Through tuimux, as a user does (tmux tells no client when another scrolls).
        outer.run("send-keys", "-t", "ours:", "C-b", "[")
        await eventually(lambda: tmux_server.display(pane, "#{pane_in_mode}") == "1")
        for _ in range(7):
            outer.run("send-keys", "-t", "ours:", "C-Up")
        await eventually(lambda: tmux_server.display(pane, "#{scroll_position}") == "7")
        await same_in_both(outer, left, width, "scrolled up 7")
        top = pane_rows(outer, "ours", left, width)[0]
        # Cut at the edge: its start up to tmux 3.5, its end from 3.6 (a format).
        assert re.search(r"\[7/\d+\]$", top) if not narrow else len(top) == 5 and "7/" in top
        if not narrow and not line_time_unknown(tmux_server):
            # the indicator in the mode style, the rest as the pane's
            assert styled_top_row(outer, "own") == styled_top_row(outer, "ours")
        # Output while in copy mode moves the pane, not the mode's view, which is a copy
        # taken when the mode began: tmux 3.6+ lets tuimux read that copy (-M); before,
        # only the pane's grid can be read, and it has moved on.
        if mode_capture(tmux_server):
            with open(tmux_server.display(pane, "#{pane_tty}"), "w") as tty:
                tty.write("".join(f"later {n}\r\n" for n in range(5)))
            joined = lambda: tmux_server.run("capture-pane", "-p", "-J", "-t", pane)  # noqa: E731
            await eventually(lambda: "later 4" in joined())
            await same_in_both(outer, left, width, "output while in copy mode")
        position = int(tmux_server.display(pane, "#{scroll_position}"))  # it kept its view
        outer.run("send-keys", "-t", "ours:", "C-Down")
        await eventually(
            lambda: tmux_server.display(pane, "#{scroll_position}") == str(position - 1)
        )
        await same_in_both(outer, left, width, "scrolled down 1")


async def test_command_output_in_view_mode_is_shown_or_named(tmux_server: TmuxServer) -> None:
    """``run-shell`` with no client to print to shows its output in the pane's view mode:
    from tmux 3.6 tuimux reads that screen (-M) and shows what tmux's own client shows;
    before, no command reads it, and a badge names the mode instead of showing the pane
    beneath as if it were the output."""
    tmux_server.new_session("s", width=WIDTH, height=HEIGHT - 1)
    pane = tmux_server.display("s:", "#{pane_id}")
    clients = {"own": tmux_attach(tmux_server), "ours": tuimux_attach(tmux_server)}
    with outer_terminals(clients, WIDTH, HEIGHT) as outer:
        await eventually(lambda: "[s]" in outer.capture("ours:"), timeout=30)
        tmux_server.run("run-shell", "-b", "-t", pane, "printf 'view-hello\\nview-world\\n'")
        await eventually(lambda: tmux_server.display(pane, "#{pane_mode}") == "view-mode")
        await eventually(lambda: "view-world" in outer.capture("own:"))
        if mode_capture(tmux_server):
            await same_in_both(outer, 0, WIDTH, "view mode")
        else:
            await eventually(lambda: "view (shown by tmux): q leaves" in outer.capture("ours:"))
