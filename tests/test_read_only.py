"""--read-only: tmux's -r flag, and one choke point that lets nothing but reads leave,
proven by driving every input path the UI has, and by going around the UI."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.command import CommandPalette
from textual.pilot import Pilot

from tests.conftest import TmuxServer
from tests.helpers import eventually, textual_key
from tests.ui.test_app import recorder_session
from tuimux.connect import Target, connect_local
from tuimux.control.command import build
from tuimux.control.command_line import split_command_line
from tuimux.control.policy import read_only_allows
from tuimux.errors import AttachError, ReadOnlyError
from tuimux.terminal.keys import encode_key
from tuimux.ui.app import TuimuxApp
from tuimux.ui.dialogs import Confirm
from tuimux.ui.session_tree import SessionTree
from tuimux.ui.status_bar import StatusBar


def watching(server: TmuxServer, session: str = "s") -> Target:
    return Target(socket_name=server.socket_name, session=session, env=server.env, read_only=True)


def tmux_state(server: TmuxServer) -> list[str]:
    """Everything an input could change: windows, layouts, panes, modes, buffers."""
    return [
        server.run(
            "list-windows",
            "-a",
            "-F",
            "#{window_id} #{window_name} #{window_layout} #{window_active} #{window_zoomed_flag}",
        ),
        server.run(
            "list-panes",
            "-a",
            "-F",
            "#{pane_id} #{pane_active} #{pane_in_mode} #{pane_width}x#{pane_height}",
        ),
        server.run("list-sessions", "-F", "#{session_name} #{session_windows}"),
        server.run("list-buffers"),
    ]


async def test_the_client_refuses_everything_but_reads(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s")
    before = tmux_state(tmux_server)
    client = await connect_local(watching(tmux_server), 80, 24)
    sent: list[str] = []
    client.on_send = sent.append
    try:
        flags = tmux_server.run("list-clients", "-F", "#{client_control_mode} #{client_flags}")
        assert any(line.startswith("1 ") and "read-only" in line for line in flags.splitlines())
        for argv in [
            ("send-keys", "-t", "s", "touch", "Enter"),
            ("split-window", "-t", "s"),
            ("kill-server",),
            ("set-buffer", "--", "x"),
            ("capture-pane", "-t", "s"),  # without -p it writes a paste buffer
            ("refresh-client", "-C", "10x10"),
            ("select-window", "-t", "s:0"),
            ("run-shell", "touch /tmp/x"),
        ]:
            with pytest.raises(ReadOnlyError, match="read-only"):
                await client.command(*argv)
        with pytest.raises(ReadOnlyError):  # a group is refused whole
            await client.commands([("display-message", "-p", "x"), ("kill-session",)])
        # Raw lines that hide a write behind a read are not what build() makes: refused.
        for raw in [
            "list-windows ; kill-server",
            "list-windows \\; kill-server",
            "list-windows { kill-server }",
            "display-message -p x;kill-server",
            "list-windows 'x",
        ]:
            assert not read_only_allows(raw), raw
            (refused,) = client.send([raw])
            with pytest.raises(ReadOnlyError):
                await refused
        assert sent == []  # nothing refused was ever written
        reply = await client.command("capture-pane", "-p", "-t", "s")
        assert reply.text is not None
    finally:
        await client.detach()
    assert tmux_state(tmux_server) == before


async def test_read_only_creates_no_session(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s")
    with pytest.raises(AttachError, match="can't find session"):
        await connect_local(watching(tmux_server, "missing"), 80, 24)
    assert tmux_server.run("list-sessions", "-F", "#{session_name}").split() == ["s"]


async def answer_modal(pilot: Pilot[int], app: TuimuxApp) -> None:
    """What a binding opened: the tree switches (allowed), the key list runs a binding
    that writes (refused), a prompt or question is left."""
    if isinstance(app.screen, SessionTree):
        await pilot.press("enter")
        await eventually(lambda: len(app.screen_stack) == 1)
    elif isinstance(app.screen, CommandPalette):
        await pilot.press(*"split")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await eventually(lambda: len(app.screen_stack) == 1)
    elif len(app.screen_stack) > 1:
        await pilot.press("escape")
        await eventually(lambda: len(app.screen_stack) == 1)


async def test_every_input_path_leaves_the_session_unchanged(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    from textual.events import MouseScrollDown, MouseScrollUp, Paste

    received = recorder_session(tmux_server, tmp_path, "\x1b[?1000h\x1b[?1006h")  # wants mice
    tmux_server.run("split-window", "-t", "s", "-h")
    tmux_server.run("rename-window", "-t", "s:0", "watched")  # no automatic-rename race
    before = tmux_state(tmux_server)
    app = TuimuxApp(await connect_local(watching(tmux_server), 100, 30))
    sent: list[str] = []
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: len(app.window_view.panes) == 2)
        app.client.on_send = sent.append
        await eventually(lambda: "read-only" in app.status_bar.message)
        # Every binding of tmux's prefix table but detach, through the keyboard.
        await eventually(lambda: "s" in app.keys.tables.get("prefix", {}))
        prefix_table = dict(app.keys.tables["prefix"])
        for key in prefix_table:
            if key in ("d", "C-z"):
                continue
            await pilot.press("ctrl+b", textual_key(key))
            await pilot.pause()
            await answer_modal(pilot, app)
        assert "not sent" in app.status_bar.message
        # The command prompt: a read gets through, a write hidden behind one does not.
        for typed in ["kill-server ; split-window", "list-windows ; kill-server", "list-panes"]:
            await pilot.press("ctrl+b", "colon")
            await pilot.pause()
            app.screen.focused.insert_text_at_cursor(typed)  # type: ignore[union-attr]
            await pilot.press("enter")
            await pilot.pause(0.2)
            refused = "not sent" in app.status_bar.message
            assert refused == ("kill-server" in typed), (typed, app.status_bar.message)
        # Plain keys, control keys, a paste, clicks and the wheel.
        await pilot.press(*"echo x", "enter", "ctrl+c", "up", "escape", "f1", "tab")
        app.window_view.post_message(Paste("pasted text\n"))
        await pilot.click(StatusBar, offset=(app.status_bar.render().plain.index("0:"), 0))
        app.status_bar.post_message(MouseScrollDown(app.status_bar, 0, 0, 0, 0, 0, *[False] * 3))
        for view in list(app.window_view.panes.values()):
            await pilot.click(view, offset=(3, 3))
            view.post_message(MouseScrollUp(view, 5, 5, 0, 0, 0, False, False, False))
            view.post_message(MouseScrollDown(view, 5, 5, 0, 0, 0, False, False, False))
        await pilot.pause(0.3)
        # Around the UI: every binding run directly still meets the client's refusal.
        for bound in prefix_table.values():
            if bound.commands[0][0] in ("detach-client", "display-panes"):
                continue
            app.run_bound(bound)
            await pilot.pause()
            if isinstance(app.screen, SessionTree):  # kill from the tree: refused
                await pilot.press("down", "x")
                await eventually(lambda: isinstance(app.screen, Confirm))
                await pilot.press("y")
                await pilot.pause()
            elif isinstance(app.screen, CommandPalette):  # tried through the keyboard
                await pilot.press("escape")
                await eventually(lambda: len(app.screen_stack) == 1)
            elif len(app.screen_stack) > 1:  # kill confirmations, prompts: say yes
                await pilot.press("y", "enter")
                await pilot.pause()
        assert app.mirror is not None  # and the key path below the UI, called directly
        for pane_id in app.window_view.panes:
            item = encode_key("a", "a")
            assert item is not None
            app.mirror.send_input(pane_id, [item])
            app.mirror.send_bytes(pane_id, b"\x1b[<0;1;1M")
        await pilot.pause(0.3)
        # A group leaves as one line ("a ; b"): each of its commands must be a read.
        each = [build(*argv) for line in sent for argv in split_command_line(line)]
        assert len(each) >= len(sent) and all(read_only_allows(c) for c in each), sent
        assert received.read_bytes() == b""
        assert tmux_state(tmux_server) == before
        await pilot.press("ctrl+b", "d")
        await eventually(lambda: not app.is_running)
    assert app.return_code == 0


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\n\r\0")), max_size=5))
def test_every_built_command_is_in_the_form_the_policy_accepts(args: list[str]) -> None:
    """The policy refuses text build() would not make; everything build() makes must
    therefore read back to itself, or tuimux's own reads would be refused."""
    assert read_only_allows(build("display-message", "-p", *args))
    assert not read_only_allows(build("display-message", *args)) or "-p" in args


@pytest.mark.parametrize(
    ("argv", "allowed"),
    [
        (("switch-client", "-t", "$3"), True),
        (("switch-client", "-n"), True),
        (("switch-client", "-p"), True),
        (("switch-client", "-l"), True),
        (("switch-client", "-t", "@3"), False),  # selects the window for everyone
        (("switch-client", "-t", "%3"), False),
        (("switch-client", "-t", "name"), False),  # names can look like anything
        (("switch-client", "-t", "$3x"), False),
        (("switch-client", "-r"), False),  # would lift read-only itself
        (("switch-client", "-t", "$3", "-r"), False),
        (("switch-client", "-Z", "-t", "$3"), False),
        (("switch-client", "-T", "root"), False),
        (("switch-client",), False),
        (("refresh-client", "-A", "%1:pause"), True),
        (("refresh-client", "-C", "10x10"), False),
        (("refresh-client", "-B", "a:@1:#{window_name}", "-B", "b"), True),  # subscriptions
        (("refresh-client", "-B", "a:@1:x", "-C", "10x10"), False),
        (("refresh-client", "-B"), False),
        (("capture-pane", "-t", "%1"), False),
        (("capture-pane", "-p", "-t", "%1"), True),
        (("list-buffers", "-F", "#{buffer_size}"), True),  # a program's OSC 52 checked
        (("show-buffer",), True),
        (("set-buffer", "x"), False),
        (("delete-buffer",), False),
        (("paste-buffer",), False),
    ],
)
def test_what_a_watcher_may_send(argv: tuple[str, ...], allowed: bool) -> None:
    assert read_only_allows(build(*argv)) is allowed
