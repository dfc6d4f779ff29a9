"""Secrets typed into tuimux are handed to the login and found nowhere afterwards: not in
any log record at DEBUG level (tuimux's or asyncssh's), not in the audit log, not in any
file under the test's HOME or temporary directory."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import asyncssh
import pytest

from tests.conftest import TmuxServer
from tests.ssh.conftest import PASSWORD, SSHServer
from tests.ssh.test_login import PASSPHRASE, answering, base, locked_key
from tuimux.audit import AuditLog
from tuimux.connect import Target, connect_ssh

WRONG = "wrong-secret-4711"


def files_holding(root: Path, secrets: list[str]) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if any(secret.encode() in data for secret in secrets):
                found.append(path)
    return found


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """DEBUG for every logger, and asyncssh at its most talkative level below 3 (3 dumps
    raw packets; tuimux never sets it)."""
    caplog.set_level(logging.DEBUG)
    asyncssh.set_debug_level(2)
    try:
        yield caplog
    finally:
        asyncssh.set_debug_level(1)


async def test_password_is_in_no_log_and_no_file(
    password_sshd: SSHServer,
    tmux_server: TmuxServer,
    tmp_path: Path,
    everything_logged: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    password_sshd.trust()
    tmux_server.new_session("s")
    asked: list[str] = []
    ssh = replace(base(password_sshd), ask_secret=answering(asked, WRONG, PASSWORD))
    audit = AuditLog(tmp_path / "audit.jsonl", ssh.description)
    where = Target(socket_name=tmux_server.socket_name, session="s", audit=audit)
    client = await connect_ssh(ssh, where, 80, 24)
    try:
        await client.command("display-message", "-p", "x")
    finally:
        await client.detach()
        audit.close()
    assert len(asked) == 2
    assert everything_logged.records, "the login logged nothing: the check would be empty"
    text = everything_logged.text
    assert PASSWORD not in text and WRONG not in text
    assert (tmp_path / "audit.jsonl").stat().st_size > 0
    assert files_holding(tmp_path, [PASSWORD, WRONG]) == []
    assert files_holding(password_sshd.home, [PASSWORD, WRONG]) == []


async def test_passphrase_is_in_no_log_and_no_file(
    sshd: SSHServer,
    tmp_path: Path,
    everything_logged: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tuimux.transport.ssh import open_ssh

    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    sshd.trust()
    key = locked_key(sshd, tmp_path)
    asked: list[str] = []
    ssh = replace(base(sshd, key), ask_secret=answering(asked, WRONG, PASSPHRASE))
    transport = await open_ssh(ssh, ["echo", "in"])
    try:
        assert await transport.read() == b"in\n"
    finally:
        await transport.close()
    assert len(asked) == 2
    text = everything_logged.text
    assert PASSPHRASE not in text and WRONG not in text
    assert files_holding(tmp_path, [PASSPHRASE, WRONG]) == []
    assert files_holding(sshd.home, [PASSPHRASE, WRONG]) == []
