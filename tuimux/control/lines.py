"""Split the control channel's byte stream into lines.

tmux ends every control-mode line with ``\\n`` (over pipes; never use a pty, which adds
``\\r`` and echo). Lines have no length limit — a ``capture-pane`` of a 10 MB line is one
line — so this keeps its own buffer instead of ``StreamReader.readline``'s 64 KiB limit.
"""

from __future__ import annotations


class LineSplitter:
    def __init__(self) -> None:
        self._partial = b""

    def feed(self, chunk: bytes) -> list[bytes]:
        """Return every line completed by ``chunk``; keep the unfinished rest."""
        if b"\n" not in chunk:
            self._partial += chunk
            return []
        lines = (self._partial + chunk).split(b"\n")
        self._partial = lines.pop()
        return lines

    @property
    def pending(self) -> bytes:
        """Bytes after the last newline (a truncated line when the channel ends)."""
        return self._partial
