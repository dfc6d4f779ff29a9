"""Issue 12 §2: text from outside reaches the user only through the one sanitiser.

The red team's findings, each played by a malicious peer (the only fakes these tests use):

* whoever answers the SSH port sends its version line and then a DISCONNECT whose reason
  sets the terminal's title, fills its clipboard (OSC 52) and clears it, before any host
  key is checked: at connect time, and during a reconnect, where the reason went live into
  the offline banner;
* an SSH server that accepts the login and refuses the session channel with such a reason;
* a remote "tmux" (a proxy script in front of the real one) whose version reply, ``%error``
  text, stderr and ``%exit`` reason carry it.

Each checks what the user would see: stderr of the real program (one sentence), log
records, the widgets' rendered text, and — with the program in an outer tmux that acts
on titles and OSC 52 — that the outer title, window name and paste buffers never change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import shutil
import signal
import struct
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pytest

from tests.conftest import TmuxServer, clean_env
from tests.control.test_escape import BIDI, HOSTILE, unsafe_in
from tests.helpers import eventually
from tests.security.conftest import composed_strips, everything_drawn
from tests.security.test_hostile_output import REPO, outer_state
from tests.security.test_hostile_ssh import outer_terminal
from tests.ssh.conftest import SSHServer, connection_pids, start_sshd, stop_sshd
from tests.ssh.test_transport import target
from tuimux.cli import SafeFormatter
from tuimux.connect import Target, connect_local, connect_ssh, reattach_ssh
from tuimux.ui.app import TuimuxApp

MARKUP = "[bold][@click=app.quit]click[/]"  # part of HOSTILE: must show as typed
# A peer's reason may span lines too; a tmux reply line cannot.
REASON = f"{HOSTILE}\r\nsecond line {HOSTILE}"
TMUX = shutil.which("tmux") or "tmux"
DISC_PROTOCOL_ERROR = 2  # asyncssh.ProtocolError: "the host answered", not retried
DISC_CONNECTION_LOST = 10  # asyncssh.ConnectionLost: unreachable, retried


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[SSHServer]:
    """A real OpenSSH sshd (the one of tests/ssh), for the links the peers then take over."""
    server = start_sshd(tmp_path, "sshd")
    try:
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError, OSError):
            stop_sshd(server)


def inert(text: str) -> None:
    """Nothing that drives a terminal, reorders or hides text."""
    assert unsafe_in(text.replace("\n", "")) == [], repr(text)
    assert not set(BIDI) & set(text), repr(text)


# -- a malicious SSH peer: a version line, then DISCONNECT ---------------------------


def _packet(payload: bytes) -> bytes:
    """An unencrypted SSH binary packet (RFC 4253 §6), as sent before key exchange."""
    padding = 8 - (len(payload) + 5) % 8
    padding += 8 if padding < 4 else 0
    return struct.pack(">IB", len(payload) + padding + 1, padding) + payload + bytes(padding)


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


@dataclass
class DisconnectingPeer:
    """Answers every connection with ``SSH-2.0-…`` and SSH_MSG_DISCONNECT (``code``,
    ``reason``): what anyone on the path can do before the host key is checked."""

    code: int
    reason: str = REASON
    connections: int = 0

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            writer.write(b"SSH-2.0-OpenSSH_9.2p1\r\n")
            await asyncio.wait_for(reader.readline(), 10)  # the client's version line
            message = bytes([1]) + struct.pack(">I", self.code)
            message += _string(self.reason.encode()) + _string(b"")
            writer.write(_packet(message))
            await writer.drain()
            await asyncio.wait_for(reader.read(), 10)  # until the client hangs up
        except (TimeoutError, OSError):
            pass
        finally:
            writer.close()


@contextlib.asynccontextmanager
async def disconnecting_peer(peer: DisconnectingPeer, port: int = 0) -> AsyncIterator[int]:
    server = await asyncio.start_server(peer, "127.0.0.1", port)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


async def run_cli(*args: str, home: Path, timeout: float = 30) -> tuple[int, str, str]:
    """The real program as a user starts it, with no terminal and no agent."""
    env = {k: v for k, v in clean_env().items() if k != "SSH_AUTH_SOCK"}
    env["HOME"] = str(home)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tuimux",
        *args,
        cwd=REPO,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def one_inert_sentence(stderr: str) -> str:
    lines = stderr.strip("\n").split("\n")
    assert len(lines) == 1, stderr
    assert lines[0].startswith("tuimux: ") and "Traceback" not in stderr
    inert(lines[0])
    return lines[0]


def empty_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True, mode=0o700, exist_ok=True)
    return home


@pytest.mark.parametrize("code", [DISC_PROTOCOL_ERROR, DISC_CONNECTION_LOST])
async def test_a_disconnect_reason_from_the_port_is_one_inert_sentence(
    tmp_path: Path, code: int
) -> None:
    peer = DisconnectingPeer(code)
    home = empty_home(tmp_path)
    async with disconnecting_peer(peer) as port:
        status, out, err = await run_cli("-p", str(port), "someone@127.0.0.1", home=home)
        assert peer.connections >= 1
        assert status == 1 and out == ""
        line = one_inert_sentence(err)
        assert line.startswith(f"tuimux: Could not connect to someone@127.0.0.1:{port}: ")
        assert MARKUP in line and "second line" in line  # shown, as text
        assert "\ufffd]52;c;cm0gLXJmIH4K\ufffd" in line  # the OSC 52, made visible and inert

        # --debug shows the libraries' log (asyncssh logs the reason itself): every line
        # of it went through the sanitiser too.
        status, _, err = await run_cli("--debug", "-p", str(port), "x@127.0.0.1", home=home)
        assert status == 1
        assert "Received disconnect" in err and err.count(MARKUP) >= 2
        for each in err.splitlines():
            inert(each)


async def test_a_refused_channel_reason_is_one_inert_sentence(tmp_path: Path) -> None:
    """The server lets anyone in (no authentication) and refuses the session channel
    that would run tmux, with a hostile ``ChannelOpenError`` reason."""
    home = empty_home(tmp_path)
    key = asyncssh.generate_private_key("ssh-ed25519")

    class Server(asyncssh.SSHServer):
        def begin_auth(self, username: str) -> bool:
            return False  # no authentication needed

        def session_requested(self) -> bool:
            raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, REASON)

    server = await asyncssh.listen("127.0.0.1", 0, server_host_keys=[key], server_factory=Server)
    port = server.sockets[0].getsockname()[1]
    public = key.export_public_key().decode().split()
    (home / ".ssh" / "known_hosts").write_text(f"[127.0.0.1]:{port} {public[0]} {public[1]}\n")
    try:
        status, _, err = await run_cli("-p", str(port), "someone@127.0.0.1", home=home)
    finally:
        server.close()
        await server.wait_closed()
    assert status == 1
    line = one_inert_sentence(err)
    assert line.startswith(f"tuimux: someone@127.0.0.1:{port} refused to run tmux: ")
    assert MARKUP in line


# -- a malicious remote tmux: a proxy in front of the real one -------------------------

PROXY = r'''#!{python}
"""A hostile "tmux" for tuimux's tests: {mode}."""
import os, select, subprocess, sys

MODE, HOSTILE, TMUX, MARK = {mode!r}, {hostile!r}, {tmux!r}, b"EXIT-NOW-42"
out = sys.stdout.buffer


def say(line):
    out.write(line.encode() + b"\n")
    out.flush()


if MODE == "stderr":
    sys.stderr.write("tmux: " + HOSTILE + "\nserver said: " + HOSTILE + "\n")
    sys.exit(1)
if MODE == "attach-error":
    say("%begin 1 1 0")
    say(HOSTILE)
    say("%error 1 1 0")
    sys.exit(1)

child = subprocess.Popen([TMUX, *sys.argv[1:]], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
version_asked = False
block = None  # lines of a reply block of ours being held back
pending = b""
streams = [0, child.stdout.fileno()]
while child.stdout.fileno() in streams:
    for fd in select.select(streams, [], [])[0]:
        data = os.read(fd, 65536)
        if fd == 0:
            if not data:
                child.stdin.close()
                streams.remove(0)
                continue
            version_asked = version_asked or b"#{{version}}" in data
            child.stdin.write(data)
            child.stdin.flush()
            continue
        if not data:
            streams.remove(fd)
            continue
        pending += data
        *lines, pending = pending.split(b"\n")
        for line in lines:
            words = line.split(b" ")
            output = line.startswith((b"%output", b"%extended-output"))
            if MODE == "exit" and output and MARK in line:
                say("%exit " + HOSTILE)
                child.kill()
                sys.exit(0)
            if block is None and line.startswith(b"%begin") and words[-1:] == [b"1"]:
                block = [line]
            elif block is not None and line.startswith((b"%end", b"%error")):
                if MODE == "version" and version_asked:
                    block[1:] = ["1.8 ".encode() + HOSTILE.encode()]
                    version_asked = False
                elif MODE == "error" and line.startswith(b"%error"):
                    block[1:] = [HOSTILE.encode()]
                out.write(b"".join(each + b"\n" for each in [*block, line]))
                out.flush()
                block = None
            elif block is not None:
                block.append(line)
            else:
                out.write(line + b"\n")
                out.flush()
child.wait()
'''


def hostile_tmux(tmp_path: Path, mode: str) -> Path:
    path = tmp_path / f"hostile-tmux-{mode}"
    path.write_text(PROXY.format(python=sys.executable, mode=mode, hostile=HOSTILE, tmux=TMUX))
    path.chmod(0o755)
    return path


def ssh_cli_args(sshd: SSHServer, *args: str) -> list[str]:
    return ["-i", str(sshd.client_key), "-p", str(sshd.port), *args, f"{sshd.user}@127.0.0.1"]


async def test_a_remote_tmux_with_a_hostile_version_reply_is_refused_inertly(
    sshd: SSHServer, tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """Over a real sshd, ``--tmux`` names the proxy: it answers ``#{version}`` with
    "1.8 " and the hostile text, and tuimux refuses it as too old, in one inert line."""
    sshd.trust()
    tmux_server.new_session("s")
    fake = hostile_tmux(tmp_path, "version")
    args = ssh_cli_args(sshd, "--tmux", str(fake), "-L", tmux_server.socket_name, "-t", "s")
    status, _, err = await run_cli(*args, home=sshd.home)
    assert status == 1
    line = one_inert_sentence(err)
    assert line.startswith("tuimux: tmux 1.8 ") and "is too old: tuimux needs tmux 3.2" in line
    assert "\ufffd]0;pwned\ufffd" in line  # the title sequence, made visible and inert


@pytest.mark.parametrize("mode", ["attach-error", "stderr"])
async def test_hostile_error_text_from_tmux_at_attach_is_one_inert_sentence(
    tmux_server: TmuxServer, tmp_path: Path, mode: str
) -> None:
    """tmux's ``%error`` block for the attach, and what it says on stderr when it dies."""
    fake = hostile_tmux(tmp_path, mode)
    status, _, err = await run_cli(
        "--tmux", str(fake), "-L", tmux_server.socket_name, "-t", "s", home=empty_home(tmp_path)
    )
    assert status == 1
    line = one_inert_sentence(err)
    assert line.startswith("tuimux: Could not attach to tmux on socket ") and MARKUP in line


async def test_hostile_error_text_in_the_status_bar_is_drawn_inert(
    tmux_server: TmuxServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A command typed at ``C-b :`` fails and tmux's ``%error`` text (here the proxy's)
    goes to the status bar: drawn without a control, a bidi override or live markup."""
    caplog.set_level(logging.DEBUG)
    tmux_server.new_session("s", width=200, height=30)
    where = Target(
        tmux=str(hostile_tmux(tmp_path, "error")),
        socket_name=tmux_server.socket_name,
        session="s",
        env=tmux_server.env,
    )
    app = TuimuxApp(await connect_local(where, 200, 30))
    async with app.run_test(size=(200, 31)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        await pilot.press("ctrl+b", ":", *"no-such-command", "enter")
        await eventually(lambda: "click[/]" in app.status_bar.render().plain)
        await pilot.pause()
        shown = app.status_bar.render().plain
        inert(shown)
        assert everything_drawn(app) == []
        screen = "\n".join(strip.text for strip in composed_strips(app))
        inert(screen)
        assert MARKUP in screen
        assert app.is_running
    for record in caplog.records:
        inert(record.getMessage())


async def test_a_hostile_exit_reason_ends_in_one_inert_sentence(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """``%exit`` with a hostile reason, sent when the pane prints a mark: the app ends
    and the reason it keeps for the CLI is inert."""
    tmux_server.new_session("s", width=100, height=30)
    where = Target(
        tmux=str(hostile_tmux(tmp_path, "exit")),
        socket_name=tmux_server.socket_name,
        session="s",
        env=tmux_server.env,
    )
    app = TuimuxApp(await connect_local(where, 100, 30))
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        tmux_server.run("send-keys", "-t", "s", "echo EXIT-NOW-$((6*7))", "Enter")
        await eventually(lambda: not app.is_running, timeout=15)
    assert app.return_code == 1 and app.error is not None
    inert(app.error)
    assert app.error.startswith("tmux ended the attach: ") and MARKUP in app.error


async def test_the_app_sinks_sanitise_whatever_they_are_given(tmux_server: TmuxServer) -> None:
    """The banner and the sentence the app leaves for the CLI sanitise on their own, not
    only because today's callers hand them sanitised text."""
    tmux_server.new_session("s", width=100, height=30)
    where = Target(socket_name=tmux_server.socket_name, session="s", env=tmux_server.env)
    app = TuimuxApp(await connect_local(where, 100, 30))
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        app._offline_note(REASON, "Trying again in 1 s.")
        await pilot.pause()
        inert(banner(app))
        assert MARKUP in banner(app)
        assert everything_drawn(app) == []
        app.fail(f"tmux ended the attach: {REASON}")
    assert app.error is not None
    inert(app.error)
    assert MARKUP in app.error


# -- during a reconnect: the offline banner ------------------------------------------


def cut_link(sshd: SSHServer) -> None:
    """The host goes away: the listener stops and the open connection dies with it."""
    pids = connection_pids(sshd)
    stop_sshd(sshd)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


async def test_the_offline_banner_shows_a_hostile_reason_inert(
    sshd: SSHServer, tmux_server: TmuxServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The link dies; whoever then answers the port disconnects with a hostile reason.
    The banner shows it as text (no control, no bidi, markup as typed); when the peer
    then says "protocol error" instead, the app ends with the reason inert."""
    caplog.set_level(logging.DEBUG)
    tmux_server.new_session("s", width=100, height=24)
    sshd.trust()
    ssh = target(sshd)
    where = Target(socket_name=tmux_server.socket_name, session="s")
    client = await connect_ssh(ssh, where, 100, 24)
    app = TuimuxApp(client, await reattach_ssh(ssh, where, client))
    peer = DisconnectingPeer(DISC_CONNECTION_LOST)
    async with app.run_test(size=(100, 25)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        cut_link(sshd)
        async with disconnecting_peer(peer, sshd.port):
            await eventually(lambda: app.offline, timeout=15)
            await eventually(lambda: peer.connections >= 1 and "click" in banner(app), timeout=15)
            await pilot.pause()
            shown = banner(app)
            inert(shown)
            assert "The connection to tmux was lost: Could not connect to " in shown
            assert MARKUP in shown and "second line" in shown
            assert everything_drawn(app) == []
            screen = "\n".join(strip.text for strip in composed_strips(app))
            inert(screen)
            assert app.is_running
            peer.code = DISC_PROTOCOL_ERROR
            await eventually(lambda: not app.is_running, timeout=15)
    assert app.return_code == 1 and app.error is not None
    inert(app.error)
    assert app.error.startswith("The connection to tmux was lost and not restored: ")
    assert MARKUP in app.error
    # Log records: tuimux's own are inert as made; asyncssh's carry the raw reason, and
    # the formatter the CLI installs with --debug makes every one inert.
    assert any("\x1b]52;" in record.getMessage() for record in caplog.records)
    formatter = SafeFormatter("%(name)s: %(message)s")
    for record in caplog.records:
        if record.name.startswith("tuimux"):
            inert(record.getMessage())
        inert(formatter.format(record))


def banner(app: TuimuxApp) -> str:
    return str(app.offline_banner.render()) if app.offline_banner.display else ""


# -- the real program in a real terminal -----------------------------------------------


def outer_program(env: dict[str, str], args: list[str]) -> str:
    program = [sys.executable, "-m", "tuimux", *args]
    return (
        "exec env -i "
        + " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
        + " "
        + (shlex.join(program))
    )


async def test_the_program_in_a_terminal_during_a_hostile_reconnect(
    sshd: SSHServer, tmux_server: TmuxServer
) -> None:
    """``tuimux`` in an outer tmux that acts on titles, renames and OSC 52: the link is cut
    and the hostile peer answers the port. The banner is drawn, then the program ends with
    one sentence; the outer title, window name and buffers never change."""
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("send-keys", "-t", "s", "echo remote-pane-$((6*7))", "Enter")
    tmux_server.wait_for(lambda: "remote-pane-42" in tmux_server.capture("s"))
    sshd.trust()
    env = {k: v for k, v in clean_env().items() if k != "SSH_AUTH_SOCK"}
    env["HOME"] = str(sshd.home)
    args = ssh_cli_args(sshd, "-L", tmux_server.socket_name, "-t", "s")
    peer = DisconnectingPeer(DISC_CONNECTION_LOST)
    with outer_terminal(300, 31) as outer:
        outer.run("set-option", "-g", "remain-on-exit", "on")
        before = outer_state(outer)
        outer.run("respawn-pane", "-k", "-c", str(REPO), "-t", "o:", outer_program(env, args))

        def drawn() -> str:
            return outer.capture("o:")

        await asyncio.to_thread(outer.wait_for, lambda: "remote-pane-42" in drawn(), 30)
        cut_link(sshd)
        async with disconnecting_peer(peer, sshd.port):
            await asyncio.to_thread(outer.wait_for, lambda: MARKUP in drawn(), 30)
            assert "The connection to tmux was lost: Could not connect" in drawn()
            assert outer_state(outer) == before
            peer.code = DISC_PROTOCOL_ERROR
            screen = await ended(outer)
        sentence = [line for line in screen.splitlines() if line.startswith("tuimux: ")]
        assert len(sentence) == 1, screen
        assert "lost and not restored: Could not connect" in sentence[0]
        assert MARKUP in sentence[0]
        assert "Traceback" not in screen and "Warning" not in screen
        assert outer_state(outer) == before
    assert peer.connections >= 2


async def test_the_program_in_a_terminal_refused_by_a_hostile_port(tmp_path: Path) -> None:
    """The first connection meets the hostile peer: one sentence, terminal untouched."""
    peer = DisconnectingPeer(DISC_PROTOCOL_ERROR)
    env = {k: v for k, v in clean_env().items() if k != "SSH_AUTH_SOCK"}
    env["HOME"] = str(empty_home(tmp_path))
    async with disconnecting_peer(peer) as port:
        with outer_terminal(300, 10) as outer:
            outer.run("set-option", "-g", "remain-on-exit", "on")
            before = outer_state(outer)
            program = outer_program(env, ["-p", str(port), "someone@127.0.0.1"])
            outer.run("respawn-pane", "-k", "-c", str(REPO), "-t", "o:", program)
            screen = await ended(outer)
            assert outer_state(outer) == before
    lines = [line for line in screen.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("Pane is dead")]
    assert len(lines) == 1 and lines[0].startswith("tuimux: Could not connect"), screen
    assert MARKUP in lines[0]


async def ended(outer: TmuxServer) -> str:
    """Once the program has exited: the outer pane's history and screen, wrapped lines
    joined (what it printed last may reach the pane just after it died)."""

    def whole() -> str:
        return outer.capture("o:", "-J", "-S", "-")

    await asyncio.to_thread(outer.wait_for, lambda: outer.display("o:", "#{pane_dead}") == "1", 30)
    await asyncio.to_thread(outer.wait_for, lambda: "tuimux: " in whole(), 10)
    return whole()
