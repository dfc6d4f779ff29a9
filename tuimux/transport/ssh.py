"""Run ``tmux -u -C`` on a remote host over SSH (asyncssh), with OpenSSH's trust rules.

The remote command is one string, as SSH requires; every word of it is quoted with
``shlex.quote`` so the remote shell interpolates nothing the user typed. No pty is asked
for (see the local transport for why). Host keys are checked against the user's
``~/.ssh/known_hosts`` *and* the system file, which asyncssh does not read by default;
a known_hosts of None (which turns checking off) is never passed. asyncssh raises the same
error for an unknown and a changed key, so the two are told apart here, from the files.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import asyncssh

from tuimux.errors import ConnectError, HostKeyError

SYSTEM_KNOWN_HOSTS = Path("/etc/ssh/ssh_known_hosts")
KEEPALIVE_SECONDS = 5
KEEPALIVE_COUNT_MAX = 3
CONNECT_TIMEOUT = 15


@dataclass(frozen=True)
class SSHTarget:
    """Where to connect, as the user gave it (``[user@]host``, ``-p``, ``-i``, ``-J``)."""

    host: str
    username: str | None = None
    port: int | None = None
    identities: tuple[str, ...] = ()
    jump: str | None = None
    # ``-o Key=Value`` as given; they take precedence over ~/.ssh/config, as with ssh.
    options: tuple[str, ...] = ()
    # Asks the user for a password or a keyboard-interactive answer: (prompt, hidden) →
    # the answer, or None to give up. The UI supplies it; secrets are never kept.
    ask_secret: Callable[[str, bool], Awaitable[str | None]] | None = field(
        default=None, compare=False
    )
    # Test seams: the files a real run takes from the user's home.
    home: Path = field(default_factory=Path.home)
    read_config: bool = True

    @property
    def known_hosts_files(self) -> list[str]:
        files = [self.home / ".ssh" / "known_hosts", SYSTEM_KNOWN_HOSTS]
        return [str(path) for path in files if path.is_file()]

    @property
    def description(self) -> str:
        user = f"{self.username}@" if self.username else ""
        port = f":{self.port}" if self.port else ""
        return f"{user}{self.host}{port}"


def parse_destination(destination: str) -> tuple[str | None, str]:
    """``[user@]host`` → (user, host); a leading ``-`` is refused like OpenSSH does."""
    if not destination or destination.startswith("-"):
        raise ConnectError(f"{destination!r} is not a host name.")
    user, at, host = destination.rpartition("@")
    if not host or any(c.isspace() for c in destination):
        raise ConnectError(f"{destination!r} is not a host name.")
    return (user if at else None), host


def remote_command(argv: Sequence[str]) -> str:
    """The one string SSH runs; each word quoted so the remote shell expands nothing."""
    return " ".join(shlex.quote(word) for word in argv)


class SSHTransport:
    """A ``tmux -C`` running on the other end of an SSH session."""

    def __init__(
        self,
        connection: asyncssh.SSHClientConnection,
        process: asyncssh.SSHClientProcess[bytes],
        description: str,
        hops: Sequence[asyncssh.SSHClientConnection] = (),
    ) -> None:
        self._hops = list(hops)
        self._connection = connection
        self._process = process
        self._description = description
        self._stderr = b""
        self._stderr_task = asyncio.ensure_future(self._collect_stderr())

    async def _collect_stderr(self) -> None:
        with contextlib.suppress(asyncssh.Error, OSError):
            while chunk := await self._process.stderr.read(4096):
                self._stderr = (self._stderr + chunk)[-8192:]

    @property
    def description(self) -> str:
        return self._description

    async def read(self) -> bytes:
        try:
            data = await self._process.stdout.read(256 * 1024)
        except (asyncssh.Error, OSError):
            data = b""
        if not data:
            # Let the exit status and stderr arrive so error_text() can explain.
            with contextlib.suppress(asyncssh.Error, OSError, asyncio.TimeoutError):
                await asyncio.wait_for(self._process.wait_closed(), 2)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._stderr_task), 2)
        return data

    def write(self, data: bytes) -> None:
        with contextlib.suppress(asyncssh.Error, OSError, BrokenPipeError):
            self._process.stdin.write(data)

    def error_text(self) -> str:
        """The remote side's complaint; a missing tmux gets a sentence of its own."""
        text = self._stderr.decode("utf-8", "replace").strip()
        if self._process.exit_status == 127 or "command not found" in text:
            return f"tmux is not installed on {self._description} (or not on its PATH)"
        return text

    async def close(self) -> None:
        with contextlib.suppress(asyncssh.Error, OSError):
            self._process.stdin.write_eof()
        self._connection.close()
        with contextlib.suppress(asyncssh.Error, OSError, asyncio.TimeoutError):
            await asyncio.wait_for(self._connection.wait_closed(), 5)
        for hop in reversed(self._hops):  # jump hosts, innermost first
            hop.close()
        self._stderr_task.cancel()


async def _explain_host_key(target: SSHTarget, error: Exception) -> HostKeyError:
    """Say whether the host is unknown or its key changed, with the key's fingerprint."""
    files = target.known_hosts_files
    known = asyncssh.read_known_hosts(files) if files else None
    port = target.port or 22
    matches = known.match(target.host, "", port) if known is not None else ((),) * 7
    key: asyncssh.SSHKey | None = None
    with contextlib.suppress(TimeoutError, OSError, asyncssh.Error):
        key = await asyncio.wait_for(
            asyncssh.get_server_host_key(target.host, port), CONNECT_TIMEOUT
        )
    shown = f"{key.get_algorithm()} key {key.get_fingerprint('sha256')}" if key else "key"
    if key is not None and key in matches[2]:
        return HostKeyError(
            f"The host key of {target.host} ({shown}) is marked @revoked in "
            f"{' or '.join(files)}. Refusing to connect."
        )
    if matches[0] or matches[1]:
        where = ", ".join(known_hosts_lines(files, target.host, port)) or " or ".join(files)
        return HostKeyError(
            f"The host key of {target.host} has changed: it now offers the {shown}, which "
            f"does not match {where}. Refusing to connect; if the change is expected, "
            f"remove the old entry with 'ssh-keygen -R {known_hosts_name(target.host, port)}'."
        )
    return HostKeyError(
        f"The authenticity of {target.host} cannot be established: it offers the {shown}, "
        "which is in no known_hosts file. Refusing to connect.",
        host=known_hosts_name(target.host, target.port),
        fingerprint=shown,
        known_hosts_line=known_hosts_line(target.host, target.port, key) if key else None,
    )


def known_hosts_lines(files: Sequence[str], host: str, port: int) -> list[str]:
    """``file:line`` of every known_hosts entry for the host (hashed entries included),
    matched one line at a time by asyncssh's own matcher."""
    found = []
    for name in files:
        with contextlib.suppress(OSError):
            lines = Path(name).read_text(encoding="utf-8", errors="replace").splitlines()
            for number, line in enumerate(lines, 1):
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                with contextlib.suppress(ValueError, asyncssh.Error):
                    matched = asyncssh.import_known_hosts(line + "\n").match(host, "", port)
                    if matched[0] or matched[1]:
                        found.append(f"{name}:{number}")
    return found


def known_hosts_name(host: str, port: int | None) -> str:
    """How OpenSSH names a host in known_hosts (``[host]:port`` off port 22)."""
    return host if port in (None, 22) else f"[{host}]:{port}"


def known_hosts_line(host: str, port: int | None, key: asyncssh.SSHKey) -> str:
    algorithm, data = key.export_public_key("openssh").decode("ascii").split()[:2]
    return f"{known_hosts_name(host, port)} {algorithm} {data}\n"


def trust_host_key(target: SSHTarget, line: str) -> Path:
    """Append an accepted key to ``~/.ssh/known_hosts`` (0600 in a 0700 directory)."""
    directory = target.home / ".ssh"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / "known_hosts"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="ascii") as file:
        file.write(line)
    return path


MAX_PASSWORD_TRIES = 3


class _Prompting(asyncssh.SSHClient):
    """Password and keyboard-interactive logins, asked through the UI, never stored."""

    def __init__(self, target: SSHTarget) -> None:
        self._target = target
        self._tries = 0

    async def password_auth_requested(self) -> str | None:
        ask = self._target.ask_secret
        if ask is None or self._tries >= MAX_PASSWORD_TRIES:
            return None
        self._tries += 1
        return await ask(f"{self._target.description}'s password:", True)

    def kbdint_auth_requested(self) -> str | None:
        return "" if self._target.ask_secret is not None else None

    async def kbdint_challenge_received(
        self, name: str, instructions: str, lang: str, prompts: Sequence[tuple[str, bool]]
    ) -> list[str] | None:
        ask = self._target.ask_secret
        if ask is None or self._tries >= MAX_PASSWORD_TRIES:
            return None
        if prompts:
            self._tries += 1
        answers = []
        for prompt, echo in prompts:
            answer = await ask(prompt, not echo)
            if answer is None:
                return None
            answers.append(answer)
        return answers


def options_config(options: Sequence[str]) -> str:
    """``-o Key=Value`` (or ``-o "Key Value"``) as ssh_config lines; one line each."""
    lines = []
    for option in options:
        if any(char in option for char in "\n\r\0"):
            raise ConnectError(f"the SSH option {option!r} spans more than one line.")
        key, sep, value = option.partition("=")
        if not sep:
            key, _, value = option.strip().partition(" ")
        if not key.strip() or not value.strip():
            raise ConnectError(f"{option!r} is not an SSH option (use -o Key=Value).")
        lines.append(f"{key.strip()} {value.strip()}\n")
    return "".join(lines)


def parse_jump(jump: str, like: SSHTarget) -> list[SSHTarget]:
    """``-J [user@]host[:port][,…]`` → one target per hop, with the user's keys and files."""
    hops = []
    for hop in jump.split(","):
        user, host = parse_destination(hop)
        port: int | None = None
        name, colon, number = host.rpartition(":")
        if colon and number.isdigit() and "]" not in number:
            host, port = name.strip("[]"), int(number)
        hops.append(
            SSHTarget(
                host,
                username=user,
                port=port,
                identities=like.identities,
                ask_secret=like.ask_secret,
                home=like.home,
                read_config=like.read_config,
            )
        )
    return hops


async def _connect(
    target: SSHTarget, tunnel: asyncssh.SSHClientConnection | None = None
) -> asyncssh.SSHClientConnection:
    """One authenticated connection, with tuimux's host-key and keepalive rules."""
    extra: dict[str, object] = {}
    if target.identities:  # else asyncssh offers ~/.ssh/id_* and the agent, like ssh
        extra["client_keys"] = list(target.identities)
    if target.port is not None:
        extra["port"] = target.port
    if target.username is not None:
        extra["username"] = target.username
    if tunnel is not None:
        extra["tunnel"] = tunnel
    with tempfile.TemporaryDirectory(prefix="tuimux-") as private:  # 0700
        user_config = target.home / ".ssh" / "config"
        configs = [str(user_config)] if target.read_config and user_config.is_file() else []
        if target.options:
            given = Path(private) / "options"
            given.write_text(options_config(target.options), encoding="utf-8")
            given.chmod(0o600)
            configs.insert(0, str(given))
        try:
            options = asyncssh.SSHClientConnectionOptions(
                # Never None: that turns host-key checking off; an empty list trusts no
                # key. Passed explicitly, it also wins over UserKnownHostsFile anywhere.
                known_hosts=target.known_hosts_files,
                config=configs,
                keepalive_interval=KEEPALIVE_SECONDS,
                keepalive_count_max=KEEPALIVE_COUNT_MAX,
                login_timeout=CONNECT_TIMEOUT if target.ask_secret is None else 300,
                **extra,
            )
        except (OSError, ValueError, asyncssh.Error) as error:
            raise ConnectError(
                f"The SSH settings for {target.description} could not be read: {error}."
            ) from None
    try:
        return await asyncio.wait_for(
            asyncssh.connect(
                target.host, options=options, client_factory=lambda: _Prompting(target)
            ),
            # A person may be typing a password: the login gets its own longer limit.
            CONNECT_TIMEOUT if target.ask_secret is None else 300,
        )
    except asyncssh.HostKeyNotVerifiable as error:
        # The port may come from -o or ~/.ssh/config: name the host as ssh would.
        effective = replace(target, port=getattr(options, "port", None) or target.port)
        raise await _explain_host_key(effective, error) from None
    except asyncssh.PermissionDenied:
        raise ConnectError(
            f"{target.description} refused every key and password tuimux offered."
        ) from None
    except (TimeoutError, OSError, asyncssh.Error) as error:
        reason = str(error) or type(error).__name__
        raise ConnectError(f"Could not connect to {target.description}: {reason}.") from None


async def open_ssh(target: SSHTarget, argv: Sequence[str]) -> SSHTransport:
    """Connect (through the jump hosts, if any), authenticate, and start ``argv``."""
    hops: list[asyncssh.SSHClientConnection] = []
    try:
        for hop in parse_jump(target.jump, target) if target.jump else []:
            hops.append(await _connect(hop, hops[-1] if hops else None))
        connection = await _connect(target, hops[-1] if hops else None)
    except BaseException:
        for hop_connection in reversed(hops):
            hop_connection.close()
        raise
    try:
        process = await connection.create_process(remote_command(argv), encoding=None)
    except asyncssh.Error as error:
        connection.close()
        for hop_connection in reversed(hops):
            hop_connection.close()
        raise ConnectError(f"{target.description} refused to run tmux: {error}.") from None
    return SSHTransport(connection, process, target.description, hops)
