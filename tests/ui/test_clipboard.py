"""A copy in tmux's copy mode reaches the user's clipboard, as with tmux's own client;
a buffer set by anyone else never does.

The oracle for what was copied is tmux's own buffer (``save-buffer -``, byte for byte);
for what reaches the terminal, an outer tmux with ``set-clipboard on``, whose own buffer
is what the program inside it (tuimux, or ``tmux attach``) sent as OSC 52.
"""

from __future__ import annotations

import asyncio
import subprocess
import uuid

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.outer import outer_terminals, tmux_attach, tuimux_attach
from tests.ui.test_app import make_app
from tuimux.terminal import clipboard
from tuimux.ui.dialogs import Prompt


def saved_buffer(server: TmuxServer) -> str:
    """The newest paste buffer exactly, trailing newline included."""
    done = subprocess.run(
        [*server.argv, "save-buffer", "-"], capture_output=True, env=server.env, timeout=20
    )
    return done.stdout.decode()


def numbered_session(server: TmuxServer, keys: str) -> str:
    server.new_session("s", width=60, height=15)
    server.run("set-option", "-g", "mode-keys", keys)
    server.run("send-keys", "-t", "s", "clear; seq 101 106", "Enter")
    server.wait_for(lambda: "106" in server.capture("s:"))
    return server.display("s:", "#{pane_id}")


@pytest.mark.parametrize(
    ("keys", "copy"),
    [
        ("emacs", ["up", "up", "ctrl+a", "ctrl+space", "up", "up", "right", "alt+w"]),
        ("vi", ["up", "up", "V", "up", "enter"]),  # whole lines: ends with a newline
    ],
)
async def test_a_copy_reaches_the_clipboard_exactly(
    tmux_server: TmuxServer, keys: str, copy: list[str]
) -> None:
    pane = numbered_session(tmux_server, keys)
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 16)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+b", "left_square_bracket")
        await eventually(lambda: tmux_server.display(pane, "#{pane_in_mode}") == "1")
        await pilot.press(*copy)
        await eventually(lambda: app.clipboard != "", detail=lambda: app.status_bar.tmux_message)
        expected = saved_buffer(tmux_server)
        assert app.clipboard == expected and "10" in expected
        assert f"copied {len(expected)} characters" in app.status_bar.tmux_message
        if keys == "vi":
            assert expected.endswith("\n")


async def test_buffers_set_by_anyone_else_never_reach_the_clipboard(
    tmux_server: TmuxServer,
) -> None:
    """A program in a pane can run ``tmux set-buffer`` as often as it likes, even while
    the user is moving around copy mode: only the user's own copy is passed on."""
    pane = numbered_session(tmux_server, "emacs")
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 16)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+b", "left_square_bracket")
        await eventually(lambda: tmux_server.display(pane, "#{pane_in_mode}") == "1")
        for number in range(10):
            tmux_server.run("set-buffer", f"evil {number}")
            await pilot.press("up" if number % 2 else "down")
            tmux_server.run("set-buffer", f"evil again {number}")
        await pilot.pause(0.5)
        assert app.clipboard == ""
        await pilot.press("ctrl+space", "up", "alt+w")
        await eventually(lambda: app.clipboard != "")
        assert app.clipboard == saved_buffer(tmux_server) and "evil" not in app.clipboard


async def test_a_copy_too_large_for_the_clipboard_is_said_and_not_sent(
    tmux_server: TmuxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clipboard, "MAX_COPY_BYTES", 5)
    pane = numbered_session(tmux_server, "emacs")
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 16)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+b", "left_square_bracket")
        await eventually(lambda: tmux_server.display(pane, "#{pane_in_mode}") == "1")
        await pilot.press("up", "up", "ctrl+a", "ctrl+space", "up", "up", "alt+w")
        await eventually(lambda: "too large" in app.status_bar.tmux_message)
        assert app.clipboard == "" and len(saved_buffer(tmux_server)) > 5


async def test_a_copy_too_large_for_the_clipboard_is_not_read_at_all(
    tmux_server: TmuxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listing says how large the copy is: one too large to pass on is not read (it
    was read whole, up to the parser's 64 MB cap, over SSH too, and thrown away)."""
    monkeypatch.setattr(clipboard, "MAX_COPY_BYTES", 5)
    pane = numbered_session(tmux_server, "emacs")
    app = await make_app(tmux_server)
    sent: list[tuple[str, ...]] = []
    commands = app.client.commands

    async def recording(argvs, **kwargs):  # type: ignore[no-untyped-def]
        sent.extend(tuple(argv) for argv in argvs)
        return await commands(argvs, **kwargs)

    monkeypatch.setattr(app.client, "commands", recording)
    async with app.run_test(size=(60, 16)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+b", "left_square_bracket")
        await eventually(lambda: tmux_server.display(pane, "#{pane_in_mode}") == "1")
        await pilot.press("up", "up", "ctrl+a", "ctrl+space", "up", "up", "alt+w")
        await eventually(lambda: "too large" in app.status_bar.tmux_message)
        assert not [argv for argv in sent if argv[0] == "show-buffer"], sent


def outer_buffer(outer: TmuxServer, session: str) -> str | None:
    """The buffer the outer tmux made from an OSC 52 of ``session``'s program."""
    return next((text for text in outer_buffers(outer) if text.startswith(session + ":")), None)


async def copy_through(server: TmuxServer, pane: str, name: str, command: str) -> None:
    """Copy a fresh line in copy mode with the client ``command`` running in an outer
    terminal of its own; what arrives there by OSC 52 must be that line."""
    with outer_terminals({name: command}, 60, 16, clipboard=True) as outer:
        await eventually(lambda: "[s]" in outer.capture(name + ":"), timeout=30)
        mark = f"{name}:copied-{uuid.uuid4().hex[:6]}"
        server.run("send-keys", "-t", pane, f"clear; echo {mark}", "Enter")
        server.wait_for(lambda: mark in server.capture(pane).split("\n"))
        # In this client's terminal: C-b [, then copy the top line (vi keys).
        outer.run("send-keys", "-t", f"{name}:", "C-b", "[")
        server.wait_for(lambda: server.display(pane, "#{pane_in_mode}") == "1")
        for key in ["H", "0", "Space", "$", "h", "Enter"]:  # H: the top line shown
            outer.run("send-keys", "-t", f"{name}:", key)
        await eventually(
            lambda: outer_buffer(outer, name) is not None,
            timeout=15,
            detail=lambda: (outer.run("list-buffers"), saved_buffer(server)),
        )
        # What arrived is exactly what tmux copied (where "$" stops differs by version).
        copied = saved_buffer(server)
        assert outer_buffer(outer, name) == copied and mark.startswith(copied.rstrip())


async def test_a_copy_lands_in_the_outer_terminal_as_with_tmux_own_client(
    tmux_server: TmuxServer,
) -> None:
    """A copy-mode copy made through tmux's own client, then one through tuimux, each
    in an outer terminal of its own that keeps what arrives by OSC 52 (one at a time:
    tmux sends a copy to every client showing the pane)."""
    tmux_server.new_session("s", width=60, height=15)
    tmux_server.run("set-option", "-g", "mode-keys", "vi")
    pane = tmux_server.display("s:", "#{pane_id}")
    await copy_through(tmux_server, pane, "own", tmux_attach(tmux_server))
    await copy_through(tmux_server, pane, "ours", tuimux_attach(tmux_server))


def osc52(text: str) -> str:
    """A shell command printing OSC 52 for ``text``, then a line to wait for."""
    return f"printf '\\033]52;c;%s\\007' \"$(printf %s {text} | base64)\"; echo printed-{text}"


async def program_copies_through(server: TmuxServer, pane: str, name: str, command: str) -> None:
    """A program's own OSC 52 reaches the outer terminal with ``set-clipboard on`` and
    not with ``external`` (tmux's default), through the client ``command``."""
    with outer_terminals({name: command}, 60, 16, clipboard=True) as outer:
        await eventually(lambda: "[s]" in outer.capture(name + ":"), timeout=30)
        for setting, text in (("external", f"refused-{name}"), ("on", f"allowed-{name}")):
            server.run("set-option", "-s", "set-clipboard", setting)
            server.run("send-keys", "-t", pane, "clear; " + osc52(text), "Enter")
            server.wait_for(lambda t=text: f"printed-{t}" in server.capture(pane).split("\n"))
            # Drawn by the client: it has met the OSC 52 printed before, under this setting
            # (tuimux asks tmux for set-clipboard when it does).
            outer.wait_for(lambda t=text: f"printed-{t}" in outer.capture(name + ":"), 15)
        await eventually(
            lambda: f"allowed-{name}" in outer_buffers(outer),
            timeout=15,
            detail=lambda: outer_buffers(outer),
        )
        assert f"refused-{name}" not in outer_buffers(outer)


def outer_buffers(outer: TmuxServer) -> list[str]:
    names = outer.run("list-buffers", "-F", "#{buffer_name}").split()
    return [
        subprocess.run(
            [*outer.argv, "save-buffer", "-b", name, "-"], capture_output=True, env=outer.env
        ).stdout.decode()
        for name in names
    ]


async def test_a_program_sets_the_clipboard_only_where_tmux_own_client_lets_it(
    tmux_server: TmuxServer,
) -> None:
    tmux_server.new_session("s", width=60, height=15)
    pane = tmux_server.display("s:", "#{pane_id}")
    await program_copies_through(tmux_server, pane, "own", tmux_attach(tmux_server))
    await program_copies_through(tmux_server, pane, "ours", tuimux_attach(tmux_server))


async def test_deleting_a_buffer_in_choose_buffer_copies_nothing(
    tmux_server: TmuxServer,
) -> None:
    """``d`` in choose-buffer (a mode, so its keys are bracketed by listings) deletes the
    newest buffer: the newest one then differs, but nothing was copied, and tmux's own
    client sets no clipboard. The older buffer (any program's ``set-buffer``) must not
    reach the terminal."""
    pane = numbered_session(tmux_server, "emacs")
    tmux_server.run("set-buffer", "-b", "older", "a program's older buffer")
    tmux_server.run("set-buffer", "-b", "newest", "the newest buffer")
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 16)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        mirror = app.mirror
        assert mirror is not None
        tmux_server.run("choose-buffer", "-t", pane)
        await eventually(lambda: mirror.model.panes[pane].in_mode)
        await pilot.press("d")
        gone = lambda: "newest" not in tmux_server.run("list-buffers")  # noqa: E731
        await eventually(lambda: gone() or tmux_server.display(pane, "#{pane_in_mode}") == "0")
        if not gone():  # checked with tmux's own client: the same there
            pytest.skip("this tmux's choose-buffer left on d without deleting (3.4 does)")
        await eventually(lambda: not mirror._tasks)  # the listings were compared
        assert app.clipboard == ""


def test_a_hostile_listing_cannot_raise() -> None:
    """A malicious server's list-buffers: digits that ``int`` refuses ("²", or more
    than Python's 4300) are no size; the newest well-formed line is the newest buffer."""
    from tuimux.control import events as ev

    lines = ("1\t²\tsuper", "1\t" + "9" * 5000 + "\thuge", "\t\t", "5\t7\tbuffer3", "4\t2\tb2")
    reply = ev.Reply(0, 0, 0, False, tuple(line.encode() for line in lines))
    assert clipboard.newest_buffer(reply) == ("5", 7, "buffer3")
    assert ("4", 2, "b2") in clipboard.buffers(reply)


async def test_a_program_copy_follows_the_option_when_tmux_read_it(
    tmux_server: TmuxServer,
) -> None:
    """tmux decides on a program's OSC 52 when it reads the output: with ``external``
    it drops it, and switching to ``on`` a moment later must not let it through (tuimux
    draws the output later). tuimux's command queue is held with a ``run-shell`` so the
    switch happens between tmux's decision and tuimux's look, every time."""
    tmux_server.new_session("s", width=60, height=15)
    tmux_server.run("set-option", "-s", "set-clipboard", "external")
    pane = tmux_server.display("s:", "#{pane_id}")
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 16)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        held = asyncio.ensure_future(app.client.command("run-shell", "sleep 2", timeout=20))
        tmux_server.run("send-keys", "-t", pane, "clear; " + osc52("refused"), "Enter")
        tmux_server.wait_for(lambda: "printed-refused" in tmux_server.capture(pane).split("\n"))
        mirror = app.mirror
        assert mirror is not None
        shown = lambda: "".join(mirror.terminals[pane].screen.display)  # noqa: E731
        await eventually(lambda: "printed-refused" in shown())
        await pilot.pause(0.2)  # drawn: its OSC 52 is waiting behind the run-shell
        tmux_server.run("set-option", "-s", "set-clipboard", "on")
        await held
        tmux_server.run("send-keys", "-t", pane, "clear; " + osc52("allowed"), "Enter")
        await eventually(lambda: app.clipboard != "", timeout=15)
        assert app.clipboard == "allowed"


async def test_a_copy_into_a_buffer_named_with_a_newline_reaches_the_clipboard(
    tmux_server: TmuxServer,
) -> None:
    """``copy-selection`` takes a prefix for the buffer's name, and tmux before 3.7 lets
    it hold a newline, which cuts the name in a listing: the copy is read as the newest
    buffer, not by its name."""
    pane = numbered_session(tmux_server, "vi")
    copy = ("send-keys", "-X", "copy-selection-and-cancel", "my\nclip")
    tmux_server.run("bind-key", "-T", "copy-mode-vi", "y", *copy)
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 16)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+b", "left_square_bracket")
        await eventually(lambda: tmux_server.display(pane, "#{pane_in_mode}") == "1")
        await pilot.press("up", "V", "y")
        await eventually(lambda: tmux_server.display(pane, "#{pane_in_mode}") == "0")
        await eventually(lambda: app.clipboard != "", timeout=10)
        assert app.clipboard == saved_buffer(tmux_server) == "106\n"


async def test_set_buffer_w_run_through_tuimux_reaches_the_clipboard(
    tmux_server: TmuxServer,
) -> None:
    """``set-buffer -w`` sends the buffer to the terminal of the client that ran it
    (whatever ``set-clipboard`` says); tmux cannot do that for a control client, so
    tuimux does, for a binding and for the command prompt. Without ``-w``, or for
    another client (``-t``), nothing reaches the clipboard."""
    tmux_server.new_session("s", width=60, height=15)
    tmux_server.run("set-option", "-s", "set-clipboard", "off")
    tmux_server.run("bind-key", "C-u", "set-buffer", "plain buffer")
    tmux_server.run("bind-key", "C-y", "set-buffer", "-w", "from a binding")
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 16)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+b", "ctrl+u")
        await eventually(lambda: "plain buffer" in saved_buffer(tmux_server))
        await pilot.press("ctrl+b", "ctrl+y")
        await eventually(lambda: app.clipboard != "")
        assert app.clipboard == "from a binding"
        await pilot.press("ctrl+b", "colon")
        await eventually(lambda: isinstance(app.screen, Prompt))
        await pilot.press(*"setb -w typed", "enter")
        await eventually(lambda: app.clipboard == "typed")


@pytest.mark.parametrize(
    ("argv", "writes"),
    [
        (["set-buffer", "-w", "x"], True),
        (["setb", "-aw", "x"], True),
        (["set-buf", "-w", "x"], True),  # tmux runs a unique prefix
        (["loadb", "-w", "-"], True),
        (["set-buffer", "-b", "w", "x"], False),  # "w" is the buffer's name
        (["set-buffer", "-bw", "x"], False),
        (["set-buffer", "-wt", "c", "x"], False),  # for another client's terminal
        (["set-buffer", "-t", "c", "-w", "x"], False),
        (["set-buffer", "--", "-w"], False),
        (["set-buffer", "x", "-w"], False),
        (["show-buffer", "-w"], False),
    ],
)
def test_which_commands_write_the_clipboard(argv: list[str], writes: bool) -> None:
    assert clipboard.writes_clipboard(argv) is writes
