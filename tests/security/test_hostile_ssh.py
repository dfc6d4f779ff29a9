"""Path (c) of security.md §5.1 S1: hostile text from the SSH server itself.

Before tmux runs, the server speaks: a ``Banner`` and keyboard-interactive prompts whose
name, instructions and prompt strings it chooses. A real OpenSSH sshd (``hostile_sshd``:
PAM's pam_echo puts the hostile text in front of "Password: ") and asyncssh's own server
(which can set the name and instructions too) send them; tuimux's real ``SSHLogin`` takes
them. The banner is never shown (tuimux ignores it: nothing is written to the terminal);
prompts go to the asker as data and are drawn, by the prompt before the UI (``SecretApp``),
the one over the UI (``Prompt``) and the host-key question (``TrustHostApp``), with no
control character and no markup. A last test runs the real program in an outer tmux (the
user's terminal) against the hostile sshd and types the password there.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import sys
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import asyncssh
import pytest
from textual.app import App
from textual.widgets import Input

from tests.conftest import TmuxServer, clean_env
from tests.helpers import eventually
from tests.security.conftest import (
    BANNER_MARK,
    HOSTILE_TEXT,
    PROMPT_MARK,
    HostileSSHD,
    composed_strips,
    everything_drawn,
    host_terminal_controls,
    strip_controls,
)
from tests.security.corpus import NAMES
from tests.security.test_hostile_output import REPO, outer_state
from tests.ssh.conftest import start_sshd, stop_sshd
from tests.ui.test_app import make_app
from tuimux.cli import SecretAsker
from tuimux.transport.ssh import open_ssh
from tuimux.transport.ssh_login import server_prompt
from tuimux.transport.ssh_target import SSHTarget
from tuimux.ui.dialogs import Prompt
from tuimux.ui.trust import SecretApp, TrustHostApp

CLICKABLE = "[bold][@click=app.quit]click me[/]"  # in HOSTILE_TEXT: must show as typed


class Asker:
    """Records what the login asks (prompt, hidden) and answers anything."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, bool]] = []

    async def __call__(self, prompt: str, hidden: bool) -> str | None:
        self.asked.append((prompt, hidden))
        return "anything"


def target(port: int, user: str, home: Path, asker: Asker | None = None) -> SSHTarget:
    return SSHTarget(
        "127.0.0.1",
        username=user,
        port=port,
        home=home,
        system=home / "etc",
        read_config=False,
        ask_secret=asker,
    )


async def log_in(ssh: SSHTarget) -> None:
    transport = await open_ssh(ssh, ["echo", "logged-in"])
    try:
        assert await transport.read() == b"logged-in\n"
    finally:
        await transport.close()


def drawn_controls(app: App[Any], where: str) -> list[str]:
    return strip_controls(where, composed_strips(app)) + host_terminal_controls(app)


def screen_text(app: App[Any]) -> str:
    return "\n".join(strip.text for strip in composed_strips(app))


async def secret_prompt_is_inert(prompt: str, hidden: bool) -> None:
    """The prompt before the UI runs (``cli.ask_secret``): drawn inert, markup as text,
    a click on every cell where markup could have put an action runs nothing, and the
    typed answer comes back."""
    app = SecretApp(prompt, hidden)
    async with app.run_test(size=(600, 8)) as pilot:  # wide: the prompt on one row
        await pilot.pause()
        assert drawn_controls(app, "secret prompt") == [], prompt
        if CLICKABLE in prompt:
            rows = [strip.text for strip in composed_strips(app)]
            found = [(y, row.find(CLICKABLE)) for y, row in enumerate(rows) if CLICKABLE in row]
            assert found, "markup in the prompt was not shown as it was sent"
            y, x = found[0]
            for column in range(x, x + len(CLICKABLE)):
                await pilot.click(offset=(column, y))
            assert app.is_running, "a click ran an action from the prompt"
            app.query_one(Input).focus()
        await pilot.press(*"pw", "enter")
    assert app.return_value == "pw"


@pytest.fixture
def no_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)


async def test_a_real_sshd_banner_is_ignored_and_its_prompt_is_only_data(
    hostile_sshd: HostileSSHD,
    no_agent: None,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    asker = Asker()
    await log_in(target(hostile_sshd.port, hostile_sshd.user, hostile_sshd.home, asker))
    # The hostile prompt reached tuimux's asker as the server's: behind (user@host), its
    # text kept, its control characters already made inert by the transport.
    assert len(asker.asked) == 1
    prompt, hidden = asker.asked[0]
    assert hidden and prompt.startswith(f"({hostile_sshd.user}@127.0.0.1) ")
    assert PROMPT_MARK in prompt and "]52;c;" in prompt and CLICKABLE in prompt
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in prompt)
    out, err = capfd.readouterr()
    assert (out, err) == ("", ""), "the login wrote to the terminal"
    assert BANNER_MARK not in caplog.text and PROMPT_MARK not in caplog.text
    assert not hostile_sshd.canary.exists()
    await secret_prompt_is_inert(prompt, hidden)


@contextlib.asynccontextmanager
async def hostile_asyncssh_server(
    home: Path, prompts: list[tuple[str, bool]]
) -> AsyncIterator[int]:
    """asyncssh's server, which lets the test choose what OpenSSH's PAM cannot: the
    challenge's name and instructions, several prompts, echoed ones, a banner."""
    key = asyncssh.generate_private_key("ssh-ed25519")

    class Server(asyncssh.SSHServer):
        def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
            self._conn = conn

        def begin_auth(self, username: str) -> bool:
            self._conn.send_auth_banner(f"{BANNER_MARK} {HOSTILE_TEXT}\n")
            return True

        def password_auth_supported(self) -> bool:
            return False

        def public_key_auth_supported(self) -> bool:
            return False

        def kbdint_auth_supported(self) -> bool:
            return True

        def get_kbdint_challenge(
            self, username: str, lang: str, submethods: str
        ) -> tuple[str, str, str, list[tuple[str, bool]]]:
            return (
                f"NAME {PROMPT_MARK}\x1b]2;x\x07",
                f"INSTRUCTIONS {PROMPT_MARK}\x1bc",
                "",
                prompts,
            )

        def validate_kbdint_response(self, username: str, responses: Sequence[str]) -> bool:
            return len(responses) == len(prompts)

    async def session(process: asyncssh.SSHServerProcess[str]) -> None:
        process.stdout.write("logged-in\n")
        process.exit(0)

    server = await asyncssh.listen(
        "127.0.0.1", 0, server_host_keys=[key], server_factory=Server, process_factory=session
    )
    port = server.sockets[0].getsockname()[1]
    (home / ".ssh").mkdir(parents=True, mode=0o700, exist_ok=True)
    public = key.export_public_key().decode().split()
    (home / ".ssh" / "known_hosts").write_text(f"[127.0.0.1]:{port} {public[0]} {public[1]}\n")
    try:
        yield port
    finally:
        server.close()
        await server.wait_closed()


def hostile_prompts() -> list[tuple[str, bool]]:
    """Every hostile name of the corpus as a prompt; every third one echoed."""
    return [(vector.data.decode("utf-8", "replace"), i % 3 == 2) for i, vector in enumerate(NAMES)]


async def test_every_prompt_string_a_server_chooses_is_drawn_inert(
    tmux_server: TmuxServer,
    tmp_path: Path,
    no_agent: None,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Name and instructions are never shown; each prompt is asked once, hidden unless
    the server said echo, and drawn inert by the prompt over the UI (SecretAsker once the
    app runs), as the reconnect of an SSH session asks."""
    prompts = hostile_prompts()
    asker = Asker()
    async with hostile_asyncssh_server(tmp_path / "home", prompts) as port:
        await log_in(target(port, "someone", tmp_path / "home", asker))
    assert asker.asked == [
        (server_prompt("someone@127.0.0.1", prompt), not echo) for prompt, echo in prompts
    ]
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")

    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server)
    in_app = SecretAsker()
    in_app.app = app
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        for prompt, hidden in asker.asked:
            answer = asyncio.ensure_future(in_app(prompt, hidden))
            await eventually(lambda: isinstance(app.screen, Prompt))
            await pilot.pause()
            assert everything_drawn(app) == [], prompt
            await pilot.press(*"pw", "enter")
            assert await asyncio.wait_for(answer, 5) == "pw"
        assert app.is_running


async def test_the_host_key_question_shows_a_hostile_host_as_text() -> None:
    """The host and fingerprint come from the user's command line and the server's key:
    whatever they hold, the question draws it inert and only ``yes`` accepts."""
    for vector in NAMES[:10]:
        host = vector.data.decode("utf-8", "replace")
        app = TrustHostApp(host, f"ED25519 key fingerprint is SHA256:{host}")
        async with app.run_test(size=(100, 12)) as pilot:
            await pilot.pause()
            assert drawn_controls(app, "trust prompt") == [], host
            await pilot.press(*"yes", "enter")
        assert app.return_value is True


async def test_a_banner_that_is_not_utf8_does_not_stop_the_login(
    tmp_path: Path, no_agent: None, capfd: pytest.CaptureFixture[str]
) -> None:
    """RFC 4252 wants UTF-8 but real hosts send Latin-1; ssh(1) logs in regardless, and so
    must tuimux (asyncssh's strict decoding once made such a host unreachable)."""
    banner = tmp_path / "banner"
    banner.write_bytes(b"Welcome \xa9 1999 \xff\xfe \x1b[2J\x1b]2;pwned\x07\n")
    server = start_sshd(tmp_path, "latin1-sshd", extra_config=f"Banner {banner}\n")
    try:
        server.trust()
        ssh = target(server.port, server.user, server.home)
        ssh = SSHTarget(**{**ssh.__dict__, "identities": (str(server.client_key),)})
        await log_in(ssh)
    finally:
        stop_sshd(server)
    assert capfd.readouterr() == ("", "")


# -- the real program, in a real terminal ------------------------------------------------


@contextlib.contextmanager
def outer_terminal(width: int, height: int) -> Iterator[TmuxServer]:
    outer = TmuxServer(f"tuimux-test-outer-{uuid.uuid4().hex[:8]}", clean_env())
    try:
        outer.new_session("o", width=width, height=height, command="cat")
        for option in ("set-clipboard on", "allow-rename on", "allow-passthrough on"):
            # Before tmux 3.3 there is no allow-passthrough: DCS tmux; always passes.
            if outer.has_option(option.split()[0]):
                outer.run("set-option", "-g", *option.split())
        outer.run("rename-window", "-t", "o:", "outer")
        yield outer
    finally:
        outer.kill()


async def test_the_program_logs_in_past_a_hostile_server_without_touching_the_terminal(
    hostile_sshd: HostileSSHD, tmux_server: TmuxServer
) -> None:
    """``tuimux -p PORT root@127.0.0.1`` in an outer tmux: the banner is not shown, the
    prompt is (as text), the password is typed there, tuimux attaches; the outer tmux's
    title, window name and paste buffers never change."""
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("send-keys", "-t", "s", "echo remote-pane-$((6*7))", "Enter")
    tmux_server.wait_for(lambda: "remote-pane-42" in tmux_server.capture("s"))
    with outer_terminal(100, 31) as outer:
        before = outer_state(outer)
        env = {k: v for k, v in clean_env().items() if k != "SSH_AUTH_SOCK"}
        env["HOME"] = str(hostile_sshd.home)
        program = [
            *(sys.executable, "-m", "tuimux", "-p", str(hostile_sshd.port)),
            *("-L", tmux_server.socket_name, "-t", "s", f"{hostile_sshd.user}@127.0.0.1"),
        ]
        command = (
            "exec env -i "
            + " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
            + " "
            + shlex.join(program)
        )
        outer.run("respawn-pane", "-k", "-c", str(REPO), "-t", "o:", command)

        def drawn() -> str:
            return outer.capture("o:")

        await asyncio.to_thread(outer.wait_for, lambda: "Password:" in drawn(), 30)
        assert PROMPT_MARK in drawn() and CLICKABLE in drawn()
        assert BANNER_MARK not in drawn()
        assert outer_state(outer) == before
        outer.run("send-keys", "-t", "o:", "anything", "Enter")
        await asyncio.to_thread(outer.wait_for, lambda: "remote-pane-42" in drawn(), 30)
        assert outer.display("o:", "#{pane_dead}") == "0", "tuimux exited"
        assert outer_state(outer) == before
        assert BANNER_MARK not in drawn()
    assert not hostile_sshd.canary.exists()
