"""A dead link is reconnected: the same session on the same server, every pane resynced
from tmux, and nothing typed while offline ever sent (real sshd, real tmux)."""

from __future__ import annotations

import signal
import time
from dataclasses import replace

import pytest

from tests.conftest import TmuxServer
from tests.helpers import as_drawn, eventually
from tests.ssh.conftest import (
    SSHServer,
    connection_pids,
    restart_sshd,
    signal_connections,
    stop_sshd,
)
from tests.ssh.test_transport import target
from tuimux.connect import Target, connect_ssh, reattach_ssh
from tuimux.errors import AttachError
from tuimux.ui.app import NOTE_SECONDS, TuimuxApp


def shown_lines(app: TuimuxApp, pane_id: str) -> list[str]:
    view = app.window_view.panes[pane_id]
    return [view.render_line(y).text.rstrip() for y in range(view.terminal.screen.lines)]


def tmux_lines(server: TmuxServer, pane_id: str) -> list[str]:
    return [as_drawn(line).rstrip() for line in server.capture(pane_id).split("\n")][:-1]


async def ssh_app(sshd: SSHServer, tmux_server: TmuxServer, *options: str) -> TuimuxApp:
    sshd.trust()
    ssh = replace(target(sshd), options=options)
    where = Target(socket_name=tmux_server.socket_name, session="s")
    client = await connect_ssh(ssh, where, 80, 24)
    return TuimuxApp(client, await reattach_ssh(ssh, where, client))


async def test_cut_link_reconnects_resyncs_and_drops_offline_keys(
    sshd: SSHServer, tmux_server: TmuxServer
) -> None:
    tmux_server.new_session("s", width=80, height=24)
    app = await ssh_app(sshd, tmux_server)
    async with app.run_test(size=(80, 25)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        first = app.client
        await pilot.press(*"echo before-$((1+1))", "enter")
        await eventually(lambda: "before-2" in tmux_server.capture("s:"))
        # The link dies and the host stays away: the listener stops, connections are cut.
        pids = connection_pids(sshd)
        stop_sshd(sshd)
        signal_connections_by_pid(pids, signal.SIGKILL)
        await eventually(lambda: app.offline, timeout=15)
        assert first.link_lost
        await eventually(lambda: "Trying again in" in str(app.offline_banner.render()))
        banner = str(app.offline_banner.render())
        assert "The connection to tmux was lost" in banner, banner
        assert "Keys typed now are not sent" in banner and app.status_bar.message == "offline"
        assert app.window_view.size == (80, 24)  # the banner lies over the panes
        await pilot.press(*"echo typed-offline", "enter")
        # Meanwhile the session changes under us: output and a new pane.
        tmux_server.run("send-keys", "-t", "s", "echo during-$((2+2))", "Enter")
        tmux_server.wait_for(lambda: "during-4" in tmux_server.capture("s:"))
        tmux_server.run("split-window", "-t", "s", "-h")
        await pilot.pause(0.5)
        assert app.offline and app.is_running
        restart_sshd(sshd)
        await eventually(lambda: not app.offline, timeout=40)
        assert app.client is not first and app.status_bar.message == "reconnected"
        assert not app.offline_banner.display
        # The note goes away by itself (on a phone it stayed in the status line for good).
        await eventually(lambda: app.status_bar.message == "", timeout=NOTE_SECONDS + 5)
        await eventually(lambda: len(app.window_view.panes) == 2)
        for pane_id in app.window_view.panes:
            await eventually(
                lambda pane_id=pane_id: (
                    shown_lines(app, pane_id) == tmux_lines(tmux_server, pane_id)
                ),
                detail=lambda pane_id=pane_id: (
                    shown_lines(app, pane_id),
                    tmux_lines(tmux_server, pane_id),
                ),
            )
        assert "typed-offline" not in tmux_server.run("capture-pane", "-p", "-S", "-", "-t", "s:.0")
        # And the new link works both ways.
        await pilot.press(*"echo after-$((3+3))", "enter")
        await eventually(lambda: "after-6" in tmux_server.capture("s:"))
        await pilot.press("ctrl+b", "d")
        await eventually(lambda: not app.is_running)
    assert app.return_code == 0
    assert "s" in tmux_server.run("list-sessions", "-F", "#{session_name}").split()


def signal_connections_by_pid(pids: list[int], sig: int) -> None:
    import contextlib
    import os

    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


async def test_silent_link_is_noticed_by_keepalive(
    sshd: SSHServer, tmux_server: TmuxServer
) -> None:
    """A link that goes quiet without closing (a phone in a tunnel): the keepalive set
    by ServerAliveInterval/CountMax notices it, and tuimux reconnects by itself."""
    tmux_server.new_session("s", width=80, height=24)
    app = await ssh_app(sshd, tmux_server, "ServerAliveInterval=1", "ServerAliveCountMax=2")
    stopped: list[int] = []
    try:
        async with app.run_test(size=(80, 25)):
            await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
            first = app.client
            stopped = signal_connections(sshd, signal.SIGSTOP)
            assert stopped
            frozen_at = time.monotonic()
            await eventually(lambda: first.closed, timeout=15)
            noticed = time.monotonic() - frozen_at
            assert first.link_lost
            await eventually(lambda: not app.offline and app.client is not first, timeout=20)
            pane_id = next(iter(app.window_view.panes))
            tmux_server.run("send-keys", "-t", "s", "echo alive-$((5*5))", "Enter")
            await eventually(lambda: any("alive-25" in line for line in shown_lines(app, pane_id)))
            print(f"keepalive 1s x 2 noticed the dead link after {noticed:.1f}s")
            assert noticed < 10
    finally:
        signal_connections_by_pid(stopped, signal.SIGKILL)
        signal_connections_by_pid(stopped, signal.SIGCONT)


async def test_session_gone_while_offline_ends_with_a_sentence(
    sshd: SSHServer, tmux_server: TmuxServer
) -> None:
    tmux_server.new_session("s", width=80, height=24)
    tmux_server.new_session("keep")  # the server stays up; only our session goes
    app = await ssh_app(sshd, tmux_server)
    async with app.run_test(size=(80, 25)):
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        pids = connection_pids(sshd)
        stop_sshd(sshd)
        signal_connections_by_pid(pids, signal.SIGKILL)
        await eventually(lambda: app.offline, timeout=15)
        tmux_server.run("kill-session", "-t", "s")
        restart_sshd(sshd)
        await eventually(lambda: not app.is_running, timeout=40)
    assert app.return_code == 1
    assert app.error is not None and "lost and not restored" in app.error
    assert "can't find session" in app.error
    assert "\n" not in app.error
    # Nothing was created in its place.
    assert tmux_server.run("list-sessions", "-F", "#{session_name}").split() == ["keep"]


async def test_reattach_refuses_a_restarted_server(
    sshd: SSHServer, tmux_server: TmuxServer
) -> None:
    """Session ids restart with the server: $0 after a restart is someone else's."""
    tmux_server.new_session("s")
    sshd.trust()
    where = Target(socket_name=tmux_server.socket_name, session="s")
    client = await connect_ssh(target(sshd), where, 80, 24)
    reattach = await reattach_ssh(target(sshd), where, client)
    assert reattach is not None
    session_id = client.session_id
    assert session_id is not None
    await client.detach()
    again = await reattach(session_id, 80, 24)  # same server: fine
    await again.detach()
    tmux_server.run("kill-server")
    deadline = time.monotonic() + 10
    while tmux_server.run("list-sessions", check=False) and time.monotonic() < deadline:
        time.sleep(0.05)  # the old server is still on its way out
    time.sleep(0.2)
    tmux_server.new_session("s")
    with pytest.raises(AttachError, match="was restarted"):
        await reattach(session_id, 80, 24)


async def test_keys_typed_on_a_link_not_yet_known_dead_are_listed_not_resent(
    sshd: SSHServer, tmux_server: TmuxServer
) -> None:
    """Keys typed while the link is silently dead (before the keepalive notices) were
    written to a buffer nobody reads and lost without a word. tmux never answered
    them: the user is told which, and nothing of them reaches any pane later."""
    tmux_server.new_session("s", width=80, height=24)
    app = await ssh_app(sshd, tmux_server, "ServerAliveInterval=1", "ServerAliveCountMax=2")
    stopped: list[int] = []
    try:
        async with app.run_test(size=(80, 25)) as pilot:
            await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
            first = app.client
            await pilot.press(*"echo before", "enter")
            await eventually(lambda: "before" in tmux_server.capture("s:"))
            stopped = signal_connections(sshd, signal.SIGSTOP)
            assert stopped
            await pilot.press(*"echo lost-keys", "enter")
            await eventually(lambda: first.closed, timeout=15)
            notes = lambda: [str(n.message) for n in app._notifications]  # noqa: E731
            await eventually(lambda: any("may not have arrived" in n for n in notes()))
            (note,) = [n for n in notes() if "may not have arrived" in n]
            assert note.endswith("pane 0.0: 14 characters Enter"), note
            assert "lost-keys" not in note  # may have been a password: counted, not shown
            signal_connections_by_pid(stopped, signal.SIGKILL)
            signal_connections_by_pid(stopped, signal.SIGCONT)
            await eventually(lambda: not app.offline and app.client is not first, timeout=30)
            assert app.status_bar.message == "reconnected: keys were lost (see note)"
            await pilot.press(*"echo after", "enter")
            await eventually(lambda: "after" in tmux_server.capture("s:"))
            history = tmux_server.run("capture-pane", "-p", "-S", "-", "-t", "s:")
            assert "lost-keys" not in history
    finally:
        signal_connections_by_pid(stopped, signal.SIGKILL)
        signal_connections_by_pid(stopped, signal.SIGCONT)
