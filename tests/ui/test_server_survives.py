"""tuimux never makes tmux crash: the user's other sessions outlive the one it shows.

tmux (3.2a and 3.3a crash in this test; the code is the same up to next-3.8) walks the
windows of a control client's session when it checks an "all windows" or "all panes"
subscription (``@*``, ``%*``), without checking that the client still has a session. A
control client loses it before it is gone: when its session is killed, or its last pane
exits, while output for it is still queued (a slow link, a busy client). The next check,
within a second, crashes the server and every session on it. tuimux subscribes per
window and per pane, which tmux checks only within the client's session.

The real tuimux runs in an outer terminal and is stopped (SIGSTOP) so that output for
it queues, as over a stalled link; its session is then killed from outside.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.outer import outer_terminals, tuimux_attach


def tuimux_pids(socket_name: str) -> list[int]:
    """The tuimux processes attached to the server on ``socket_name``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"tuimux" in words and socket_name.encode() in words:
            pids.append(int(entry.name))
    return pids


async def test_killing_the_session_tuimux_shows_leaves_the_server_running(
    tmux_server: TmuxServer,
) -> None:
    tmux_server.new_session("s", width=60, height=15)
    tmux_server.run("new-window", "-d", "-t", "s:")
    tmux_server.new_session("other", width=60, height=15)
    with outer_terminals({"ours": tuimux_attach(tmux_server)}, 60, 16) as outer:
        await eventually(lambda: "[s]" in outer.capture("ours:"), timeout=30)
        (pid,) = tuimux_pids(tmux_server.socket_name)
        time.sleep(1.5)  # its subscriptions are in (sent after attach), and reported once
        tmux_server.run("send-keys", "-t", "s:0", "yes 'queued for tuimux'", "Enter")
        os.kill(pid, signal.SIGSTOP)
        try:
            time.sleep(1)  # output queues: the pipe, tmux -C, then tmux's buffer fill
            tmux_server.run("kill-session", "-t", "s")
            time.sleep(2.5)  # two subscription checks at least
            alive = tmux_server.run("list-sessions", "-F", "#{session_name}")
        finally:
            os.kill(pid, signal.SIGCONT)
        assert alive.split() == ["other"]
        await eventually(
            lambda: outer.display("ours:", "#{pane_dead}") == "1",
            timeout=20,
            detail=lambda: outer.capture("ours:"),
        )


def ended(pid: str) -> bool:
    """Gone, or a zombie its new parent has not reaped yet."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in status


def control_clients(tmux_server: TmuxServer) -> list[str]:
    lines = tmux_server.run("list-clients", "-F", "#{client_control_mode} #{client_pid}")
    return [line.split()[1] for line in lines.splitlines() if line.startswith("1 ")]


async def test_a_killed_tuimux_leaves_no_control_client_behind(tmux_server: TmuxServer) -> None:
    """tuimux killed outright (SIGKILL, or its terminal gone: its ``tmux -C`` has a session
    of its own and gets no SIGHUP) must not leave its ``tmux -C`` attached. Such a
    client stayed for good (orphaned suite runs showed dozens), and before tmux 3.8 one
    with output it could not deliver kept ``kill-server`` from ever finishing."""
    tmux_server.new_session("s", width=60, height=15)
    with outer_terminals({"ours": tuimux_attach(tmux_server)}, 60, 16) as outer:
        await eventually(lambda: "[s]" in outer.capture("ours:"), timeout=30)
        (pid,) = tuimux_pids(tmux_server.socket_name)
        (client,) = control_clients(tmux_server)
        tmux_server.run("send-keys", "-t", "s:0", "yes 'queued for tuimux'", "Enter")
        os.kill(pid, signal.SIGSTOP)  # output queues for it, as over a stalled link
        time.sleep(1)
        os.kill(pid, signal.SIGKILL)
        await eventually(
            lambda: control_clients(tmux_server) == [],
            timeout=10,
            detail=lambda: (client, control_clients(tmux_server)),
        )
        await eventually(lambda: ended(client), timeout=10)
        tmux_server.run("send-keys", "-t", "s:0", "C-c", "")
