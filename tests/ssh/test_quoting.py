"""A hostile socket path and session name over SSH: the words pass the remote shell
first, then tmux's parser; nothing may run and tmux stores what it would from argv."""

from __future__ import annotations

from pathlib import Path

from tests.ssh.conftest import SSHServer
from tests.ssh.test_transport import target as ssh_target
from tests.test_injection import hostile, socket_dir, socket_in, stored_as_argv, tmux_at
from tuimux.connect import Target, connect_ssh

__all__ = ["socket_dir"]  # a fixture this module uses


async def test_hostile_socket_path_and_session_name_over_ssh(
    sshd: SSHServer, tmp_path: Path, socket_dir: Path
) -> None:
    """Over SSH the words pass a remote shell first, then tmux's parser."""
    sshd.trust()
    canary = tmp_path / "canary"
    name = hostile(canary)
    socket = socket_in(socket_dir, canary)
    where = Target(socket_path=str(socket), session=name)
    client = await connect_ssh(ssh_target(sshd), where, 80, 24)
    try:
        assert socket.is_socket()
        assert tmux_at(socket, "list-sessions", "-F", "#{session_name}").rstrip(
            "\n"
        ) == stored_as_argv(name)
    finally:
        await client.detach()
        tmux_at(socket, "kill-server")
    assert not list(tmp_path.glob("canary*"))
    assert not list(socket_dir.glob("canary*"))
    assert not list(Path.home().glob("canary*4)*"))
