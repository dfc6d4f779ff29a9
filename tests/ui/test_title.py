"""The terminal's title follows the user's ``set-titles``, as with tmux's own client.

Two outer terminals (panes of an outer tmux whose ``TERM`` is xterm-256color, so tmux's
own client knows how to set a title) show one inner session: one runs ``tmux attach``,
the other tuimux. The outer tmux keeps what each program set with OSC 2 as its pane's
title; after each change they must be equal.
"""

from __future__ import annotations

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.outer import outer_terminals, tmux_attach, tuimux_attach
from tuimux.ui.title import MAX_TITLE, parse_title_read, title_sequence


def titles(outer: TmuxServer) -> tuple[str, str]:
    return outer.display("own:", "#{pane_title}"), outer.display("ours:", "#{pane_title}")


async def test_the_title_is_the_one_tmux_own_client_sets(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=80, height=23)
    clients = {"own": tmux_attach(tmux_server), "ours": tuimux_attach(tmux_server)}
    with outer_terminals(clients, 80, 24) as outer:
        await eventually(  # both drew the session's status line
            lambda: all("[s]" in outer.capture(name + ":") for name in ("own", "ours")),
            timeout=30,
            detail=lambda: (outer.capture("own:"), outer.capture("ours:")),
        )
        untouched = titles(outer)
        assert untouched[0] == untouched[1]  # set-titles is off: neither sets one

        tmux_server.run("set-option", "-g", "set-titles", "on")
        tmux_server.run("set-option", "-g", "set-titles-string", "T:#S:#W:#{window_panes}")
        tmux_server.run("rename-window", "-t", "s:", "first")  # tmux's client redraws
        await eventually(
            lambda: titles(outer)[0] == "T:s:first:1" and titles(outer)[1] == titles(outer)[0],
            timeout=20,
            detail=lambda: titles(outer),
        )
        # A change made elsewhere reaches both: a window renamed, then a split.
        tmux_server.run("rename-window", "-t", "s:", "second")
        tmux_server.run("split-window", "-t", "s:")
        await eventually(
            lambda: titles(outer)[0] == "T:s:second:2" and titles(outer)[1] == titles(outer)[0],
            timeout=20,
            detail=lambda: titles(outer),
        )


def test_a_title_cannot_end_its_own_sequence() -> None:
    hostile = "a\x07\x1b]52;c;aGk=\x07\x9c" + "x" * 2000
    sequence = title_sequence(hostile)
    assert sequence.startswith("\x1b]2;a") and sequence.endswith("\x07")
    inner = sequence[len("\x1b]2;") : -1]
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in inner)
    assert len(inner) == MAX_TITLE


def test_the_read_is_split_where_tmux_cannot_put_a_bar() -> None:
    assert parse_title_read(["1|15|a|b"]) == (True, 15.0, "a|b")
    assert parse_title_read(["0|x|"]) == (False, 15.0, "")


def test_a_hostile_interval_cannot_stop_the_title_keeper() -> None:
    """A malicious server answers anything: "²" passes ``str.isdigit`` but not ``float``,
    and an exception there ended the worker, and with it the app, with a traceback."""
    assert parse_title_read(["1|²|t"]) == (True, 15.0, "t")
    assert parse_title_read(["1|٣|t"]) == (True, 15.0, "t")
