"""Where to connect over SSH, as the user said it: destination, -p/-i/-J/-o and the
ssh_config files read for it (``-o`` first, then ~/.ssh/config, then the system file)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tuimux.control.numbers import parse_uint
from tuimux.errors import ConnectError

SYSTEM_DIRECTORY = Path("/etc/ssh")


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
    # Asks whether to trust a host key seen for the first time: (host as known_hosts
    # names it, "ALGORITHM key SHA256:…") → True only for the user's "yes". Without it
    # an unknown host is refused (StrictHostKeyChecking ask) and nothing is written.
    ask_trust: Callable[[str, str], Awaitable[bool]] | None = field(default=None, compare=False)
    # Test seams: the files a real run takes from the user's home and from /etc/ssh.
    home: Path = field(default_factory=Path.home)
    read_config: bool = True
    system: Path = SYSTEM_DIRECTORY

    @property
    def config_files(self) -> list[Path]:
        """ssh_config files in the order ssh reads them (the first value wins)."""
        if not self.read_config:
            return []
        files = [self.home / ".ssh" / "config", self.system / "ssh_config"]
        return [path for path in files if path.is_file()]

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
        if colon and (value := parse_uint(number, 65535)) is not None:
            host, port = name.strip("[]"), value
        hops.append(
            SSHTarget(
                host,
                username=user,
                port=port,
                identities=like.identities,
                ask_secret=like.ask_secret,
                ask_trust=like.ask_trust,
                home=like.home,
                read_config=like.read_config,
                system=like.system,
            )
        )
    return hops


def config_files(target: SSHTarget, private: Path) -> list[str]:
    """-o first, then ~/.ssh/config, then the system file: the first value wins, as ssh."""
    configs = []
    if target.options:
        given = private / "options"
        given.write_text(options_config(target.options), encoding="utf-8")
        given.chmod(0o600)
        configs.append(str(given))
    configs += [str(path) for path in target.config_files]
    return configs
