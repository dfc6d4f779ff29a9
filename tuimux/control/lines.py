"""Split the control channel's byte stream into lines.

tmux ends every control-mode line with ``\\n`` (over pipes; never use a pty, which adds
``\\r`` and echo). Lines have no length limit in tmux — a ``capture-pane`` of a 10 MB line
is one line — so this keeps its own buffer instead of ``StreamReader.readline``'s 64 KiB
limit. The buffer is a bytearray (appending a chunk never copies what came before) and
is bounded: a line longer than ``max_line`` is garbage, not tmux, and is dropped whole.
"""

from __future__ import annotations

MAX_LINE = 256 * 1024 * 1024  # 4x the largest reply block the parser accepts (escapes)


class LineSplitter:
    def __init__(self, max_line: int = MAX_LINE) -> None:
        self._partial = bytearray()
        self._max_line = max_line
        self._dropping = False  # inside a line that was too long, until its newline
        self.dropped = 0  # lines dropped for length

    def feed(self, chunk: bytes) -> list[bytes]:
        """Return every line completed by ``chunk``; keep the unfinished rest."""
        if b"\n" not in chunk:
            self._keep(chunk)
            return []
        first, *middle, rest = chunk.split(b"\n")
        lines = []
        if self._dropping:
            self._dropping = False
        else:
            self._partial += first
            lines.append(bytes(self._partial))
        self._partial = bytearray()
        lines += middle
        self._keep(rest)
        kept = [line for line in lines if len(line) <= self._max_line]
        # Count these too: a line that arrives whole in one chunk never passes _keep.
        self.dropped += len(lines) - len(kept)
        return kept

    def _keep(self, data: bytes) -> None:
        if self._dropping:
            return
        self._partial += data
        if len(self._partial) > self._max_line:
            self._partial = bytearray()
            self._dropping = True
            self.dropped += 1

    @property
    def pending(self) -> bytes:
        """Bytes after the last newline (a truncated line when the channel ends)."""
        return bytes(self._partial)
