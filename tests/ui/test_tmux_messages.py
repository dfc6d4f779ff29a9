"""What tmux 3.4+ says to a control client: ``%message``, ``%config-error`` and
``%paste-buffer-deleted``, with a real tmux. Older tmux sends none of them: each test
asks this tmux first (by sending the command and reading what comes back) and is
skipped when it does not."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TMUX, TmuxServer, clean_env
from tests.helpers import Recorder, eventually, open_client
from tests.ui.test_app import make_app, shown_lines, tmux_lines
from tuimux.control import events as ev
from tuimux.ui.app import TuimuxApp


def control_output(argv: list[str], env: dict[str, str], commands: str) -> bytes:
    """What a plain ``tmux -C`` prints for ``commands`` (stdin closed after them)."""
    return subprocess.run(
        argv,
        input=commands.encode(),
        capture_output=True,
        env=env,
        timeout=20,
        check=False,
    ).stdout


def sends_messages(server: TmuxServer) -> bool:
    """A display-message without -p reaches a control client as ``%message`` (3.4+)."""
    out = control_output([*server.argv, "-C", "attach", "-t", "s"], server.env, "display x\n")
    return b"\n%message x\n" in out


def message_shown(app: TuimuxApp) -> str:
    return app.status_bar.tmux_message


def client_name(server: TmuxServer) -> str:
    return server.run("list-clients", "-F", "#{client_name}").strip()


async def test_a_message_for_the_client_is_shown_for_display_time(
    tmux_server: TmuxServer,
) -> None:
    """``display-message -c CLIENT`` from outside (tmux's own status message) appears in
    the status line, sanitised, and goes after the session's display-time, not before."""
    tmux_server.new_session("s", width=100, height=30)
    if not sends_messages(tmux_server):
        pytest.skip("this tmux sends no %message (tmux 3.4 added it)")
    tmux_server.run("set-option", "-t", "s", "display-time", "1500")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        await eventually(lambda: app._display_time_ms == 1500)
        name = client_name(tmux_server)
        shown_at = time.monotonic()
        tmux_server.run("display-message", "-c", name, "hello #{session_name} \t\x1b]0;x\x07")
        await eventually(lambda: message_shown(app).startswith("hello s"))
        await eventually(lambda: "hello s" in str(app.status_bar.render()))
        assert message_shown(app).isprintable(), repr(message_shown(app))
        await eventually(lambda: message_shown(app) == "", timeout=10)
        shown_for = time.monotonic() - shown_at
        assert 1.5 <= shown_for < 6, shown_for
        await eventually(lambda: "hello" not in str(app.status_bar.render()))


async def test_a_hook_message_is_shown_and_the_command_still_works(
    tmux_server: TmuxServer,
) -> None:
    """A user's hook that runs display-message after tuimux's split: the message goes to
    the status line (tmux writes it inside a reply block) and the split is mirrored."""
    tmux_server.new_session("s", width=100, height=30)
    if not sends_messages(tmux_server):
        pytest.skip("this tmux sends no %message (tmux 3.4 added it)")
    tmux_server.run("set-option", "-t", "s", "display-time", "0")
    tmux_server.run("set-hook", "-g", "after-split-window", "display-message 'split #{pane_id}'")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        await eventually(lambda: app._display_time_ms == 0)
        await pilot.press("ctrl+b", "percent_sign")
        await eventually(lambda: len(app.window_view.panes) == 2)
        await eventually(
            lambda: message_shown(app).startswith("split %"), detail=lambda: message_shown(app)
        )
        for pane_id in app.window_view.panes:
            await eventually(
                lambda p=pane_id: shown_lines(app, p) == tmux_lines(tmux_server, p),
                detail=lambda p=pane_id: (shown_lines(app, p), tmux_lines(tmux_server, p)),
            )
        # display-time 0: the message stays until a key is pressed, and that key still
        # reaches the pane.
        assert message_shown(app).startswith("split %")
        await pilot.press("x")
        await eventually(lambda: message_shown(app) == "")
        active = tmux_server.display("s:", "#{pane_id}")
        await eventually(lambda: "x" in tmux_server.capture(active))


async def test_display_message_typed_at_the_prompt_shows_in_the_status_line(
    tmux_server: TmuxServer,
) -> None:
    """``C-b : display-message hi``: the message is tmux's to show, not output text."""
    tmux_server.new_session("s", width=100, height=30)
    if not sends_messages(tmux_server):
        pytest.skip("this tmux sends no %message (tmux 3.4 added it)")
    tmux_server.run("set-option", "-t", "s", "display-time", "0")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        await eventually(lambda: app._display_time_ms == 0)
        await pilot.press("ctrl+b", "colon", *"display-message typed-#{session_name}", "enter")
        await eventually(lambda: message_shown(app) == "typed-s")
        shown = [n.message for n in app._notifications]
        assert not any("%message" in text for text in shown), shown


@pytest.fixture
def bad_config_server(tmp_path: Path) -> Iterator[TmuxServer]:
    """A server that tuimux itself starts (``new-session -A``), reading a configuration
    with an error from the HOME it is given: tmux keeps the error for that client."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".tmux.conf").write_text("set -g status-left ok\nno-such-command here\n")
    env = {**clean_env(), "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    server = TmuxServer(f"tuimux-test-{uuid.uuid4().hex[:12]}", env)
    try:
        yield server
    finally:
        server.kill()


def sends_config_errors(tmp_path: Path, env: dict[str, str]) -> bool:
    """A control client that starts a server with a bad configuration gets
    ``%config-error`` (3.4+) rather than the errors in a pane's view mode."""
    config = tmp_path / "probe.conf"
    config.write_text("no-such-command here\n")
    socket = f"tuimux-test-probe-{uuid.uuid4().hex[:12]}"
    argv = [TMUX, "-L", socket, "-f", str(config)]
    try:
        out = control_output([*argv, "-C", "new-session"], env, "")
    finally:
        subprocess.run([*argv, "kill-server"], env=env, capture_output=True, timeout=20)
    return b"%config-error " in out


async def test_a_configuration_error_is_one_readable_sentence(
    bad_config_server: TmuxServer, tmp_path: Path
) -> None:
    if not sends_config_errors(tmp_path, bad_config_server.env):
        pytest.skip("this tmux sends no %config-error (tmux 3.4 added it)")
    app = await make_app(bad_config_server)
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        await eventually(lambda: bool(app._notifications))
        [note] = [n.message for n in app._notifications]
        assert note.startswith("tmux's configuration has an error: ")
        assert ".tmux.conf:2: unknown command: no-such-command." in note
        assert "\n" not in note and note.count(". ") == 0
        assert app.is_running


async def test_a_deleted_paste_buffer_is_parsed_and_harmless(tmux_server: TmuxServer) -> None:
    """``%paste-buffer-deleted`` (3.4+) reaches subscribers as an event; the client, its
    commands and the app carry on."""
    tmux_server.new_session("s", width=100, height=30)
    probe = "set-buffer -b probe x\ndelete-buffer -b probe\n"
    out = control_output([*tmux_server.argv, "-C", "attach", "-t", "s"], tmux_server.env, probe)
    if b"%paste-buffer-deleted probe" not in out:
        pytest.skip("this tmux sends no %paste-buffer-deleted (tmux 3.4 added it)")
    client = await open_client(tmux_server)
    try:
        recorder = Recorder(client)
        tmux_server.run("set-buffer", "-b", "gone", "text")
        tmux_server.run("delete-buffer", "-b", "gone")
        await recorder.wait_for(lambda e: isinstance(e, ev.PasteBufferDeleted))
        reply = await client.command("display-message", "-p", "after")
        deleted = [e for e in recorder.events if isinstance(e, ev.PasteBufferDeleted)]
        assert deleted == [ev.PasteBufferDeleted("gone")]
        assert reply.text == ["after"]
    finally:
        await asyncio.wait_for(client.close(), 10)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        tmux_server.run("set-buffer", "-b", "gone", "text")
        tmux_server.run("delete-buffer", "-b", "gone")
        tmux_server.run("rename-window", "-t", "s:", "after-delete")
        await eventually(lambda: "after-delete" in str(app.status_bar.render()))
        assert app.is_running
