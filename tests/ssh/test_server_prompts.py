"""A keyboard-interactive prompt is visibly the server's: it names the host and never has
the form of tuimux's own local prompts (a key's passphrase), against a real sshd (PAM's
prompt) and a malicious server that imitates the passphrase prompt."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh
import pytest

from tests.ssh.conftest import PASSWORD, SSHServer
from tuimux.errors import AuthError
from tuimux.transport.ssh import open_ssh
from tuimux.transport.ssh_target import SSHTarget


def asking(asked: list[tuple[str, bool]], *answers: str | None):  # type: ignore[no-untyped-def]
    queue = list(answers)

    async def ask(prompt: str, hidden: bool) -> str | None:
        asked.append((prompt, hidden))
        return queue.pop(0) if queue else None

    return ask


async def test_real_kbdint_prompt_names_the_host(
    kbdint_sshd: SSHServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    kbdint_sshd.trust()
    asked: list[tuple[str, bool]] = []
    ssh = SSHTarget(
        "127.0.0.1",
        username=kbdint_sshd.user,
        port=kbdint_sshd.port,
        home=kbdint_sshd.home,
        system=kbdint_sshd.home / "etc",
        read_config=False,
        ask_secret=asking(asked, PASSWORD),
    )
    transport = await open_ssh(ssh, ["echo", "kbdint"])
    try:
        assert await transport.read() == b"kbdint\n"
    finally:
        await transport.close()
    assert asked == [(f"({kbdint_sshd.user}@127.0.0.1) Password:", True)]


class Impostor(asyncssh.SSHServer):
    """A malicious server: its only login asks for "the passphrase of your key"."""

    prompt = ""

    def begin_auth(self, username: str) -> bool:
        return True

    def kbdint_auth_supported(self) -> bool:
        return True

    def get_kbdint_challenge(
        self, username: str, lang: str, submethods: str
    ) -> tuple[str, str, str, list[tuple[str, bool]]]:
        return "", "", "", [(self.prompt, False)]

    def validate_kbdint_response(self, username: str, responses: list[str]) -> bool:
        return False


@pytest.fixture
async def impostor(tmp_path: Path) -> AsyncIterator[tuple[int, asyncssh.SSHKey]]:
    key = asyncssh.generate_private_key("ssh-ed25519")
    server = await asyncssh.create_server(
        Impostor, "127.0.0.1", 0, server_host_keys=[key], kbdint_auth=True
    )
    try:
        yield server.sockets[0].getsockname()[1], key
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize(
    "prompt",
    [
        "Enter passphrase for key '{key}':",
        "\n\r\x1b[2K\rEnter passphrase for key '{key}':",
        "x" * 3000 + "Enter passphrase for key '{key}':",
    ],
)
async def test_a_server_cannot_pose_as_the_local_passphrase_prompt(
    impostor: tuple[int, asyncssh.SSHKey],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    prompt: str,
) -> None:
    from tuimux.ui.trust import SecretApp

    port, host_key = impostor
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    public = host_key.export_public_key("openssh").decode().split()
    (home / ".ssh" / "known_hosts").write_text(f"[127.0.0.1]:{port} {public[0]} {public[1]}\n")
    local_key = str(home / ".ssh" / "id_ed25519")
    Impostor.prompt = prompt.format(key=local_key)
    asked: list[tuple[str, bool]] = []
    ssh = SSHTarget(
        "127.0.0.1",
        username="alice",
        port=port,
        home=home,
        system=tmp_path / "etc",
        read_config=False,
        ask_secret=asking(asked, "not-the-passphrase"),
    )
    with pytest.raises(AuthError):
        await open_ssh(ssh, ["true"])
    shown = asked[0][0]
    local_form = f"Enter passphrase for key '{local_key}':"
    assert shown.startswith("(alice@127.0.0.1) ")
    assert shown != local_form and not shown.startswith("Enter passphrase")
    assert "\x1b" not in shown and "\n" not in shown and "\r" not in shown
    assert len(shown) <= 520 and shown.endswith(f"Enter passphrase for key '{local_key}':")
    # And as drawn: the first thing on the screen is the host's name.
    app = SecretApp(shown, asked[0][1])
    async with app.run_test() as pilot:
        await pilot.pause()
        drawn = str(app.query_one("Static").render())
    assert drawn.startswith("(alice@127.0.0.1) ")
