"""One small hierarchy of errors, each with a message a user can act on.

The CLI turns any ``TuimuxError`` into one sentence and a non-zero exit status; tracebacks
are only shown with ``--debug``.
"""

from __future__ import annotations


class TuimuxError(Exception):
    """Base of every error tuimux reports to the user."""


class CommandError(TuimuxError, ValueError):
    """A tmux command could not be built safely (for example an argument held a newline)."""


class LayoutError(TuimuxError, ValueError):
    """A tmux layout string was malformed or its checksum did not match."""


class ProtocolError(TuimuxError):
    """The control channel said something that cannot be understood."""


class TmuxError(TuimuxError):
    """tmux answered a command with ``%error``; the message is tmux's own."""

    def __init__(self, command: str, message: str) -> None:
        super().__init__(message or f"tmux refused {command!r}")
        self.command = command
        self.message = message


class ReadOnlyError(TuimuxError):
    """A command that would change tmux's state was refused: the client is read-only."""


class ConnectError(TuimuxError):
    """tmux could not be started or reached (missing binary, dead server, lost link)."""


class UnreachableError(ConnectError):
    """The host could not be reached or the link broke while connecting: worth retrying."""


class AuthError(ConnectError):
    """The host refused every key, passphrase and password tuimux offered."""


class AttachError(ConnectError):
    """tmux itself refused the attach (no such session, no server, bad socket)."""


class SessionClosed(ConnectError):
    """The control connection ended (``%exit`` or end of file) while work was pending."""


class ConfigError(TuimuxError):
    """The configuration file is unreadable or invalid."""


class HostKeyError(ConnectError):
    """The remote host's key is unknown or has changed; nothing was started there.

    For an unknown host, ``fingerprint`` describes the key it offered and
    ``known_hosts_line`` is what accepting it would append to the first
    ``UserKnownHostsFile`` (``~/.ssh/known_hosts`` by default).
    """

    def __init__(
        self,
        message: str,
        *,
        host: str = "",
        fingerprint: str = "",
        known_hosts_line: str | None = None,
    ) -> None:
        super().__init__(message)
        self.host = host
        self.fingerprint = fingerprint
        self.known_hosts_line = known_hosts_line

    @property
    def unknown(self) -> bool:
        return self.known_hosts_line is not None
