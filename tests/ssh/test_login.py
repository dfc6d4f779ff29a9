"""Logins that need the user: key passphrases, and host keys vouched for by a CA or
written hashed, against a real sshd."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.ssh.conftest import SSHD, SSHServer, start_sshd, stop_sshd
from tuimux.errors import AuthError, HostKeyError
from tuimux.transport.ssh import open_ssh
from tuimux.transport.ssh_target import SSHTarget

PASSPHRASE = "tuimux passphrase ü"


def answering(asked: list[str], *answers: str | None):  # type: ignore[no-untyped-def]
    queue = list(answers)

    async def ask(prompt: str, hidden: bool) -> str | None:
        assert hidden
        asked.append(prompt)
        return queue.pop(0) if queue else None

    return ask


def locked_key(server: SSHServer, tmp_path: Path, fmt: str = "openssh") -> Path:
    """A key encrypted with PASSPHRASE (OpenSSH's bcrypt format, or old PEM), authorized
    on the server; the fixture's unencrypted key is taken away from it."""
    path = tmp_path / f"locked_{fmt}"
    kind = ["-t", "ed25519"] if fmt == "openssh" else ["-t", "rsa", "-b", "2048", "-m", "PEM"]
    subprocess.run(
        ["ssh-keygen", "-q", *kind, "-N", PASSPHRASE, "-C", "locked", "-f", str(path)],
        check=True,
    )
    server.authorized_keys.write_text(path.with_suffix(".pub").read_text())
    return path


def base(server: SSHServer, *identities: Path) -> SSHTarget:
    return SSHTarget(
        "127.0.0.1",
        username=server.user,
        port=server.port,
        identities=tuple(str(p) for p in identities),
        home=server.home,
        system=server.home / "etc",
        read_config=False,
    )


@pytest.mark.parametrize("fmt", ["openssh", "pem"])
async def test_passphrase_is_asked_for_a_locked_key(
    sshd: SSHServer,
    tmp_path: Path,
    fmt: str,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    sshd.trust()
    key = locked_key(sshd, tmp_path, fmt)
    asked: list[str] = []
    target = replace(base(sshd, key), ask_secret=answering(asked, "wrong", PASSPHRASE))
    transport = await open_ssh(target, ["echo", "unlocked"])
    try:
        assert await transport.read() == b"unlocked\n"
    finally:
        await transport.close()
    assert asked == [f"Enter passphrase for key '{key}':"] * 2


async def test_wrong_passphrases_end_in_one_sentence(
    sshd: SSHServer,
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    sshd.trust()
    key = locked_key(sshd, tmp_path)
    asked: list[str] = []
    target = replace(base(sshd, key), ask_secret=answering(asked, "a", "b", "c", "d"))
    with pytest.raises(AuthError, match="refused every key"):
        await open_ssh(target, ["true"])
    assert len(asked) == 3


async def test_passphrase_not_asked_when_an_unlocked_key_works(
    sshd: SSHServer,
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """OpenSSH asks only when it reaches the key: a working key offered first wins."""
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    sshd.trust()
    key = locked_key(sshd, tmp_path)
    with sshd.authorized_keys.open("a") as file:
        file.write(sshd.client_key.with_suffix(".pub").read_text())
    asked: list[str] = []
    target = replace(base(sshd, sshd.client_key, key), ask_secret=answering(asked, PASSPHRASE))
    transport = await open_ssh(target, ["true"])
    await transport.close()
    assert asked == []


async def test_identity_file_from_config_is_unlocked(
    sshd: SSHServer,
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    sshd.trust()
    key = locked_key(sshd, tmp_path)
    asked: list[str] = []
    target = replace(
        base(sshd), options=(f"IdentityFile={key}",), ask_secret=answering(asked, PASSPHRASE)
    )
    transport = await open_ssh(target, ["true"])
    await transport.close()
    assert asked == [f"Enter passphrase for key '{key}':"]


def sign_host_key(server_dir: Path, ca: Path, principal: str = "127.0.0.1") -> Path:
    host_key = server_dir / "host_key"
    subprocess.run(
        [
            "ssh-keygen",
            "-q",
            "-s",
            str(ca),
            "-I",
            "tuimux-test-host",
            "-h",
            "-n",
            principal,
            str(host_key.with_suffix(".pub")),
        ],
        check=True,
    )
    return server_dir / "host_key-cert.pub"


def make_ca(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path


@pytest.mark.parametrize("trusted", [True, False])
async def test_cert_authority_vouches_for_the_host(tmp_path: Path, trusted: bool) -> None:
    """``@cert-authority`` in known_hosts: a host key signed by that CA is trusted with
    no prompt; one signed by another CA is refused (stricter than OpenSSH, which would
    fall back to asking about the plain key)."""
    ca = make_ca(tmp_path / "ca")
    other_ca = make_ca(tmp_path / "other_ca")
    # The host key must exist before sshd starts: start once to make the key, then sign.
    first = start_sshd(tmp_path, "certified")
    stop_sshd(first)
    cert = sign_host_key(first.host_key.parent, ca)
    server_dir = first.host_key.parent
    config = server_dir / "sshd_config"
    config.write_text(config.read_text() + f"HostCertificate {cert}\n")
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)])
    server = replace(first, process=process)
    try:
        await _wait_port(server.port)
        vouching = ca if trusted else other_ca
        public = vouching.with_suffix(".pub").read_text().split()
        (server.home / ".ssh" / "known_hosts").write_text(
            f"@cert-authority [127.0.0.1]:{server.port} {public[0]} {public[1]}\n"
        )
        target = base(server, server.client_key)
        if trusted:
            transport = await open_ssh(target, ["echo", "vouched"])
            try:
                assert await transport.read() == b"vouched\n"
            finally:
                await transport.close()
        else:
            with pytest.raises(HostKeyError, match="not signed by the certificate") as caught:
                await open_ssh(target, ["true"])
            assert caught.value.known_hosts_line is None  # refused, never offered to trust
    finally:
        stop_sshd(server)


async def _wait_port(port: int) -> None:
    import asyncio
    import socket

    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError("sshd did not listen")


@pytest.mark.parametrize("hashed", [True, False])
async def test_accepted_key_is_hashed_when_ssh_config_says(
    sshd: SSHServer, tmux_server: TmuxServer, hashed: bool
) -> None:
    """With ``HashKnownHosts yes`` (Debian's default) the accepted line hides the host
    name; OpenSSH's own ``ssh-keygen -F`` must find it, and the next login must use it."""
    from tuimux.cli import connect_ssh_asking
    from tuimux.connect import Target

    tmux_server.new_session("s")

    async def yes(host: str, fingerprint: str) -> bool:
        return True

    async def never(host: str, fingerprint: str) -> bool:
        raise AssertionError("asked again for a key already accepted")

    target = replace(
        base(sshd, sshd.client_key), options=(f"HashKnownHosts={'yes' if hashed else 'no'}",)
    )
    where = Target(socket_name=tmux_server.socket_name, session="s")
    await (await connect_ssh_asking(target, where, yes)).detach()
    known = sshd.home / ".ssh" / "known_hosts"
    text = known.read_text()
    assert text.startswith("|1|") == hashed
    assert ("127.0.0.1" in text) != hashed
    found = subprocess.run(
        ["ssh-keygen", "-F", f"[127.0.0.1]:{sshd.port}", "-f", str(known)],
        capture_output=True,
        text=True,
    )
    assert found.returncode == 0 and "Host [127.0.0.1]" in found.stdout
    await (await connect_ssh_asking(target, where, never)).detach()


def test_hash_known_hosts_first_value_wins(tmp_path: Path) -> None:
    """-o, then ~/.ssh/config, then the system file, as ssh reads them; Host blocks count."""
    from tuimux.transport.ssh_settings import host_key_settings
    from tuimux.transport.ssh_target import config_files

    home, system = tmp_path / "home", tmp_path / "etc"
    (home / ".ssh").mkdir(parents=True)
    system.mkdir()
    target = SSHTarget("h", home=home, system=system)

    def hashed(target: SSHTarget) -> bool:
        private = tmp_path / f"private-{len(list(tmp_path.iterdir()))}"
        private.mkdir()
        return host_key_settings(target, config_files(target, private)).hashed

    assert not hashed(target)
    (system / "ssh_config").write_text("Host *\n    HashKnownHosts yes\n")
    assert hashed(target)
    (home / ".ssh" / "config").write_text("Host other\n    HashKnownHosts=no\n")
    assert hashed(target)  # that block is for another host
    (home / ".ssh" / "config").write_text("HashKnownHosts=no\n")
    assert not hashed(target)
    assert hashed(replace(target, options=("HashKnownHosts yes",)))
    assert not hashed(replace(target, read_config=False))
