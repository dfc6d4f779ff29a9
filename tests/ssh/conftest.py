"""A real OpenSSH sshd on 127.0.0.1 for each test: throw-away host and user keys, a free
port, and a temporary HOME for the client side (its own ~/.ssh)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
REMOTE_PATH = ":".join(
    dict.fromkeys(
        [
            os.path.dirname(shutil.which("tmux") or "/usr/bin/tmux"),
            "/usr/local/bin",
            "/usr/bin",
            "/bin",
        ]
    )
)


# The environment of a test sshd's logins: the tmux under test first on PATH (a build of
# another version is put first to run the suite on it; sshd's default PATH would not see
# it). The login shell runs the user's rc files: pyenv's there waits up to a minute on a
# lock that a login killed mid-rehash (reconnect tests kill logins) leaves behind.
REMOTE_ENV = f"SetEnv PATH={REMOTE_PATH} PYENV_REHASH_TIMEOUT=1\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def keygen(path: Path, kind: str = "ed25519") -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "tuimux-test", "-f", str(path)],
        check=True,
    )
    return path


@dataclass
class SSHServer:
    port: int
    user: str
    host_key: Path
    client_key: Path
    home: Path  # the client's HOME
    process: subprocess.Popen[bytes]

    def host_public_line(self, host: str = "[127.0.0.1]") -> str:
        public = self.host_key.with_suffix(".pub").read_text().split()
        return f"{host}:{self.port} {public[0]} {public[1]}\n"

    @property
    def authorized_keys(self) -> Path:
        return self.host_key.parent / "authorized_keys"

    def trust(self) -> None:
        """Add the server's real key to the client's known_hosts."""
        known = self.home / ".ssh" / "known_hosts"
        with known.open("a") as file:
            file.write(self.host_public_line())


def start_sshd(
    tmp_path: Path,
    name: str,
    log_level: str = "ERROR",
    passwords: bool = False,
    extra_config: str = "",
    host_key_type: str = "ed25519",
    kbdint: bool = False,
) -> SSHServer:
    """An sshd of its own; every server of a test shares the client's HOME and key."""
    if not os.path.exists(SSHD):
        raise RuntimeError("sshd is not installed: .ci/run installs openssh-server")
    server_dir = tmp_path / name
    server_dir.mkdir()
    host_key = keygen(server_dir / "host_key", host_key_type)
    home = tmp_path / "home"
    if not (home / ".ssh").exists():
        (home / ".ssh").mkdir(parents=True, mode=0o700)
        keygen(home / ".ssh" / "id_ed25519")
    client_key = home / ".ssh" / "id_ed25519"
    authorized = server_dir / "authorized_keys"
    authorized.write_text(client_key.with_suffix(".pub").read_text())
    port = free_port()
    config = server_dir / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\n"
        f"AuthorizedKeysFile {authorized}\nPidFile {server_dir / 'pid'}\n"
        f"PasswordAuthentication {'yes' if passwords else 'no'}\n"
        # Keyboard-interactive needs PAM on Linux (its prompt is PAM's "Password: ").
        f"KbdInteractiveAuthentication {'yes' if kbdint else 'no'}\n"
        f"UsePAM {'yes' if kbdint else 'no'}\n"
        f"StrictModes no\nPermitRootLogin yes\nLogLevel {log_level}\n"
        "AcceptEnv LANG LC_*\n" + REMOTE_ENV + extra_config
        # The remote runs the same tmux as the local tests (a build of another version is
        # put first on PATH to run the suite on it); sshd's default PATH would not see it.
    )
    Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation directory
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE)
    _wait_listening(port, process)
    import getpass

    return SSHServer(port, getpass.getuser(), host_key, client_key, home, process)


def _wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                err = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"sshd did not start: {err}") from None
            time.sleep(0.05)


def stop_sshd(server: SSHServer) -> None:
    server.process.terminate()
    server.process.wait(5)


def connection_pids(server: SSHServer) -> list[int]:
    """The sshd processes serving open connections (every descendant of the listener)."""
    found: list[int] = []
    parents = [server.process.pid]
    while parents:
        out = subprocess.run(
            ["pgrep", "-P", str(parents.pop())], capture_output=True, text=True
        ).stdout
        children = [int(pid) for pid in out.split()]
        found += children
        parents += children
    return found


def signal_connections(server: SSHServer, signal: int) -> list[int]:
    pids = connection_pids(server)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal)
    return pids


def restart_sshd(server: SSHServer) -> None:
    """Start the listener again on the same port, with the same keys and config."""
    config = server.host_key.parent / "sshd_config"
    server.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE)
    _wait_listening(server.port, server.process)


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[SSHServer]:
    server = start_sshd(tmp_path, "sshd")
    try:
        yield server
    finally:
        stop_sshd(server)


@pytest.fixture
def jump_sshd(tmp_path: Path, sshd: SSHServer) -> Iterator[SSHServer]:
    """A second sshd, logging at DEBUG1 so a test can see it forwarded the connection."""
    server = start_sshd(tmp_path, "jump", log_level="DEBUG1")
    try:
        yield server
    finally:
        stop_sshd(server)


PASSWORD_USER = "tuimux-test"
PASSWORD = "correct horse battery staple"


def password_user() -> None:
    """A throw-away local user with a known password, created once per machine (tests
    and CI run as root here) and only ever used by these tests; sshd must check a real
    account's password."""
    if os.geteuid() != 0:
        raise RuntimeError("the password tests create a user and need root")
    if subprocess.run(["id", PASSWORD_USER], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "-M", "-s", "/bin/sh", PASSWORD_USER], check=True)
    subprocess.run(["chpasswd"], input=f"{PASSWORD_USER}:{PASSWORD}\n".encode(), check=True)


def stop_user_tmux() -> None:
    """The tmux servers the password user's logins started (as that user, where the
    tests' own tmux_server cleanup cannot reach them): every test stops what it starts."""
    subprocess.run(["pkill", "-TERM", "-u", PASSWORD_USER, "^tmux"], capture_output=True)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        alive = subprocess.run(["pgrep", "-u", PASSWORD_USER, "^tmux"], capture_output=True)
        if alive.returncode != 0:
            return
        time.sleep(0.05)
    subprocess.run(["pkill", "-KILL", "-u", PASSWORD_USER, "^tmux"], capture_output=True)


@contextlib.contextmanager
def user_sshd(tmp_path: Path, name: str, **login: bool) -> Iterator[SSHServer]:
    """An sshd for the throw-away password user; stops it and every tmux its logins
    started, even when the test fails."""
    password_user()
    server = start_sshd(tmp_path, name, **login)
    server.user = PASSWORD_USER
    try:
        yield server
    finally:
        stop_sshd(server)
        stop_user_tmux()


@pytest.fixture
def password_sshd(tmp_path: Path) -> Iterator[SSHServer]:
    """An sshd that accepts passwords, for the password user."""
    with user_sshd(tmp_path, "password-sshd", passwords=True) as server:
        yield server


@pytest.fixture
def kbdint_sshd(tmp_path: Path) -> Iterator[SSHServer]:
    """An sshd whose only login is keyboard-interactive (PAM asks the password)."""
    with user_sshd(tmp_path, "kbdint-sshd", kbdint=True) as server:
        yield server
