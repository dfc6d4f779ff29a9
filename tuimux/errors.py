"""One small hierarchy of errors, each with a message a user can act on, and the one
place where an error becomes text.

The CLI turns any ``TuimuxError`` into one sentence and a non-zero exit status; tracebacks
are only shown with ``--debug``. Messages quote what the outside world said (an SSH
server's disconnect reason, tmux's ``%error`` text and version reply, a remote shell's
stderr), and whoever answers the TCP port says it before any host key is checked: a
``TuimuxError`` therefore makes its message printable when it is made, whoever built it,
and :func:`user_message` is how any other exception becomes text.
"""

from __future__ import annotations

from tuimux.control.escape import printable

# One sentence: long enough for a host-key error naming its known_hosts files, short
# enough that a peer's reason cannot fill the screen.
MESSAGE_LIMIT = 1000
# What an exception from a library (asyncssh, the OS) may add to a sentence of ours.
REASON_LIMIT = 300


class TuimuxError(Exception):
    """Base of every error tuimux reports to the user; its message is always printable."""

    def __init__(self, message: str = "", *args: object) -> None:
        super().__init__(one_line(str(message), MESSAGE_LIMIT), *args)

    def __str__(self) -> str:
        # Again here: ``args`` can be replaced after the error was made.
        return one_line(str(self.args[0]), MESSAGE_LIMIT) if self.args else ""


def user_message(error: BaseException) -> str:
    """What the user is told about ``error``: printable, bounded, never empty.

    A ``TuimuxError`` says it already; anything else (asyncssh's ``DisconnectError`` and
    ``ChannelOpenError`` with the peer's reason, an ``OSError`` from a proxy command) is
    library text, cut shorter, and named by its type when it says nothing.
    """
    if isinstance(error, TuimuxError):
        return str(error) or type(error).__name__
    return one_line(str(error), REASON_LIMIT) or type(error).__name__


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """A sentence for the user: printable, bounded, and on one line (runs of white space,
    newlines too, become one space)."""
    return printable(" ".join(text.split()), limit)


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
        self.message = printable(message, MESSAGE_LIMIT)


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
