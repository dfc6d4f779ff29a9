"""The seam between tuimux and whatever carries a ``tmux -C`` process's stdin/stdout."""

from __future__ import annotations

from typing import Protocol


class Transport(Protocol):
    """A byte pipe to a running ``tmux -u -C …`` process.

    ``read`` returns b"" once the process's output has ended. ``write`` never blocks the
    loop (the bytes are buffered); ``close`` ends the process if it is still running.
    """

    @property
    def description(self) -> str:
        """Where tmux runs, for messages and the audit log (``local`` or ``user@host``)."""
        ...

    async def read(self) -> bytes: ...

    def write(self, data: bytes) -> None: ...

    async def close(self) -> None: ...

    def error_text(self) -> str:
        """What the tmux process printed on stderr, for a readable failure message."""
        ...
