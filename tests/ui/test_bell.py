"""A bell in a pane reaches the user's terminal as with tmux's own client.

Two outer terminals (panes of an outer tmux, ``TERM`` xterm-256color) show one inner
session: one runs ``tmux attach``, the other tuimux. The outer tmux counts the bells
each program sends to its terminal (its ``alert-bell`` hook appends the outer session's
name to a file) and keeps what each shows; after a bell in the window in view and one in
another window, both have rung, and with ``visual-bell on`` both show tmux's words.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.outer import outer_terminals, tmux_attach, tuimux_attach
from tests.ui.test_app import make_app
from tuimux.ui.bell import BellOptions, BellRinger, bell_message


def counting_bells(outer: TmuxServer, rung: Path) -> None:
    """The outer tmux appends the session's name to ``rung`` for each bell it sees."""
    count = f"echo #{{session_name}} >> {shlex.quote(str(rung))}"
    outer.run("set-hook", "-g", "alert-bell", f"run-shell {shlex.quote(count)}")


def rang(rung: Path) -> dict[str, int]:
    names = rung.read_text().split() if rung.exists() else []
    return {name: names.count(name) for name in ("own", "ours")}


async def test_bells_ring_the_terminal_as_tmux_own_client_rings_it(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    tmux_server.new_session("s", width=80, height=23)
    tmux_server.run("set-option", "-g", "display-time", "20000")  # messages stay to be read
    tmux_server.run("new-window", "-d", "-t", "s:1")
    tmux_server.run("new-window", "-d", "-t", "s:2")
    here = tmux_server.display("s:0", "#{pane_id}")
    there = tmux_server.display("s:1", "#{pane_id}")
    third = tmux_server.display("s:2", "#{pane_id}")
    rung = tmp_path / "rung"
    clients = {"own": tmux_attach(tmux_server), "ours": tuimux_attach(tmux_server)}
    with outer_terminals(clients, 80, 24) as outer:
        counting_bells(outer, rung)
        await eventually(
            lambda: all("[s]" in outer.capture(name + ":") for name in ("own", "ours")),
            timeout=30,
            detail=lambda: (outer.capture("own:"), outer.capture("ours:")),
        )
        assert rang(rung) == {"own": 0, "ours": 0}

        tmux_server.run("send-keys", "-t", here, "printf '\\a'", "Enter")  # in view
        await eventually(lambda: min(rang(rung).values()) >= 1, detail=lambda: rang(rung))

        before = rang(rung)
        tmux_server.run("send-keys", "-t", there, "printf '\\a'", "Enter")  # another window
        await eventually(
            lambda: all(rang(rung)[n] > before[n] for n in before), detail=lambda: rang(rung)
        )

        # visual-bell on: a message instead of a bell, in the words of tmux's client.
        tmux_server.run("set-option", "-g", "visual-bell", "on")
        tmux_server.run("send-keys", "-t", third, "printf '\\a'", "Enter")
        await eventually(
            lambda: all("Bell in window 2" in outer.capture(n + ":") for n in ("own", "ours")),
            detail=lambda: (outer.capture("own:"), outer.capture("ours:")),
        )


@pytest.mark.parametrize(
    ("action", "monitor", "current", "rings"),
    [
        ("any", True, True, True),
        ("any", True, False, True),
        ("current", True, True, True),
        ("current", True, False, False),
        ("other", True, True, False),
        ("other", True, False, True),
        ("none", True, True, False),
        ("any", False, False, False),
    ],
)
def test_bell_action_and_monitor_bell(
    action: str, monitor: bool, current: bool, rings: bool
) -> None:
    assert BellOptions(action, "off", monitor).applies(current) is rings


@pytest.mark.parametrize(
    ("visual", "written", "shown"),
    [("off", ["\a"], []), ("on", [], ["Bell in window 3"]), ("both", ["\a"], ["Bell in window 3"])],
)
async def test_visual_bell_chooses_bell_message_or_both(
    visual: str, written: list[str], shown: list[str]
) -> None:
    out: list[str] = []
    said: list[str] = []

    async def read(window_id: str) -> str:
        return f"any|{visual}|1"

    ringer = BellRinger(read, out.append, said.append)
    await ringer.ring("@3", 3, current=False)
    assert (out, said) == (written, shown)
    assert bell_message(None) == "Bell in current window"


def test_flags_already_set_at_attach_do_not_ring() -> None:
    async def read(window_id: str) -> str:
        return ""

    ringer = BellRinger(read, print, print)
    assert ringer.flags_seen({"@1"}) == []
    assert ringer.flags_seen({"@1", "@2"}) == ["@2"]
    assert ringer.flags_seen({"@2"}) == []
    assert ringer.flags_seen({"@1", "@2"}) == ["@1"]


async def test_a_bell_in_another_window_rings_once_not_again_when_it_is_shown(
    tmux_server: TmuxServer,
) -> None:
    """A bell in the window in view and one in another window in the same frame: the
    other window rings once (its "!" flag); its pane's bell must not stay counted in the
    emulator and ring once more, as "current", when that window is shown later."""
    tmux_server.new_session("s", width=80, height=23)
    tmux_server.run("set-option", "-g", "visual-bell", "on")
    tmux_server.run("new-window", "-d", "-t", "s:1")
    here = tmux_server.display("s:0", "#{pane_id}")
    there = tmux_server.display("s:1", "#{pane_id}")
    there_tty = tmux_server.display(there, "#{pane_tty}")
    window_1 = tmux_server.display("s:1", "#{window_id}")
    app = await make_app(tmux_server)
    said: list[str] = []
    show = app.bells._show
    app.bells._show = lambda text: (said.append(text), show(text))[1]

    def bells_done() -> bool:
        return all(worker.is_finished for worker in app.workers if worker.group == "bell")

    async with app.run_test(size=(80, 24)):
        mirror = app.mirror
        assert mirror is not None
        await eventually(lambda: there in mirror.terminals and bool(app.window_view.panes))
        # One write, both panes: the bells arrive together (the pane in view first).
        tmux_server.run("send-keys", "-t", here, f"printf '\\a' | tee {there_tty}", "Enter")
        await eventually(lambda: "Bell in window 1" in said and bells_done(), detail=lambda: said)
        rung_once = ["Bell in current window", "Bell in window 1"]
        assert sorted(said) == rung_once
        tmux_server.run("select-window", "-t", "s:1")
        await eventually(lambda: mirror.model.active_window == window_1)
        tmux_server.run("send-keys", "-t", there, "echo shown-now", "Enter")
        await eventually(lambda: "shown-now" in "".join(mirror.terminals[there].screen.display))
        await eventually(bells_done)
        assert sorted(said) == rung_once
