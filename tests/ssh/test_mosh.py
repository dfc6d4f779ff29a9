"""tuimux over a real mosh link on loopback: mosh's predictive echo works through it.

mosh shows what the user types at its terminal's cursor before the host has echoed it:
on a phone link that is its main use. It predicts at the real cursor, so with tuimux's
old drawn cursor (the terminal's cursor hidden at the top left) nothing was ever
predicted. Here mosh-server is stopped (SIGSTOP: an unbounded lag) after one echo has
been confirmed; what is typed next must appear on the mosh client's screen while tmux's
pane has not seen it, and reach the pane once the server runs again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import TmuxServer, clean_env
from tests.helpers import eventually
from tests.ssh.conftest import SSHServer

ROOT = Path(__file__).resolve().parents[2]
CURSOR = "#{cursor_x},#{cursor_y},#{cursor_flag}"
pytestmark = pytest.mark.skipif(
    shutil.which("mosh") is None or shutil.which("mosh-server") is None,
    reason="mosh is not installed (.ci/run installs it)",
)


def mosh_command(sshd: SSHServer, inner: TmuxServer) -> str:
    ssh = shlex.join(
        [
            "ssh",
            "-p",
            str(sshd.port),
            "-i",
            str(sshd.client_key),
            "-o",
            f"UserKnownHostsFile={sshd.home / '.ssh' / 'known_hosts'}",
        ]
    )
    remote = f"cd {shlex.quote(str(ROOT))} && exec {shlex.quote(sys.executable)} -m tuimux"
    remote += f" -L {shlex.quote(inner.socket_name)} -t s"
    return shlex.join(
        [
            "mosh",
            "--predict=always",
            f"--ssh={ssh}",
            "--server=env LANG=C.UTF-8 mosh-server",
            f"{sshd.user}@127.0.0.1",
            "--",
            "sh",
            "-c",
            remote,
        ]
    )


async def type_and_confirm(
    outer: TmuxServer, inner: TmuxServer, pane: str, typed: str, key: str
) -> str:
    """Type one key into mosh and wait until both the pane and mosh's screen show it."""
    outer.run("send-keys", "-t", "m:", "-l", key)
    now = typed + key
    shown = now.rstrip()  # tmux's capture drops trailing blanks
    await eventually(
        lambda: shown in inner.capture(pane) and shown in outer.capture("m:"),
        timeout=20,
        detail=lambda: outer.capture("m:"),
    )
    return now


async def within(seconds: float, condition: Callable[[], bool]) -> bool:
    """Whether ``condition`` becomes true within ``seconds`` (polled)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


def mosh_servers(inner: TmuxServer) -> list[int]:
    """mosh-server processes started for this test (its command names the socket)."""
    found = subprocess.run(
        ["pgrep", "-f", f"^mosh-server new .*{inner.socket_name}"], capture_output=True, text=True
    )
    return [int(pid) for pid in found.stdout.split()]


async def test_typing_is_predicted_at_the_pane_cursor_through_mosh(
    sshd: SSHServer, tmux_server: TmuxServer
) -> None:
    sshd.trust()
    tmux_server.new_session("s", width=80, height=23)
    pane = tmux_server.display("s:", "#{pane_id}")
    # The prompt a few rows down: mosh's "Last contact" bar covers the top row.
    tmux_server.run("send-keys", "-t", pane, "Enter", "Enter", "Enter")
    outer = TmuxServer(f"tuimux-test-mosh-{uuid.uuid4().hex[:8]}", clean_env())
    outer.env["HOME"] = str(sshd.home)
    servers: list[int] = []
    try:
        outer.new_session("m", width=80, height=24, command=mosh_command(sshd, tmux_server))
        outer.run("set-option", "-t", "m", "status", "off")
        outer.run("set-option", "-t", "m", "remain-on-exit", "on")
        # ssh, mosh-server and tuimux's start: a minute on a loaded machine.
        await eventually(
            lambda: "[s]" in outer.capture("m:"), timeout=180, detail=lambda: outer.capture("m:")
        )
        servers = mosh_servers(tmux_server)
        assert len(servers) == 1, servers

        # Echoes confirmed end to end, one key at a time: mosh-server acknowledges a
        # key's echo with a later frame, and only then does mosh trust its predictions.
        typed = ""
        for key in "echo abc":
            typed = await type_and_confirm(outer, tmux_server, pane, typed, key)
        # mosh shows predictions only once its last echo is acknowledged ("late ack", a
        # later frame of mosh-server): on a loaded machine that frame can still be on
        # its way when the server stops. Then nothing is predicted, through tuimux or
        # tmux's own client alike, and the next attempt starts from a confirmed echo.
        # Predictions never shown (a cursor tuimux put elsewhere) fail every attempt.
        seen: list[object] = []
        for attempt in "defgh", "ijklm", "nopqr":
            await asyncio.sleep(0.5)  # room for the late ack; the retry covers the rest
            os.kill(servers[0], signal.SIGSTOP)
            outer.run("send-keys", "-t", "m:", "-l", attempt)
            shown = typed + attempt
            predicted = await within(10, lambda s=shown: s in outer.capture("m:"))
            seen.append((outer.capture("m:"), outer.display("m:", CURSOR)))
            if predicted:
                assert attempt not in tmux_server.capture(pane)  # predicted, not echoed
            os.kill(servers[0], signal.SIGCONT)
            await eventually(lambda s=shown: s in tmux_server.capture(pane), timeout=20)
            typed = shown
            if predicted:
                break
        else:
            raise AssertionError(f"mosh predicted nothing in three attempts: {seen!r}")

        # A copy in copy mode reaches the phone's clipboard through mosh: the outer tmux
        # (set-clipboard on) keeps what arrives as OSC 52 as a buffer of its own.
        outer.run("set-option", "-s", "set-clipboard", "on")
        tmux_server.run("set-option", "-g", "mode-keys", "vi")
        outer.run("send-keys", "-t", "m:", "C-u", "clear; echo copied-over-mosh", "Enter")
        await eventually(lambda: "copied-over-mosh" in tmux_server.capture(pane).split("\n"))
        outer.run("send-keys", "-t", "m:", "C-b", "[")
        await eventually(lambda: tmux_server.display(pane, "#{pane_in_mode}") == "1")
        for key in ["H", "0", "Space", "$", "h", "Enter"]:  # vi keys: the top line shown
            outer.run("send-keys", "-t", "m:", key)
        await eventually(
            lambda: "copied-over" in outer.run("list-buffers", "-F", "#{buffer_sample}"),
            timeout=20,
            detail=lambda: (outer.run("list-buffers"), tmux_server.run("list-buffers")),
        )
    finally:
        for pid in servers or mosh_servers(tmux_server):
            for sent in (signal.SIGCONT, signal.SIGTERM):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sent)
        outer.kill()
