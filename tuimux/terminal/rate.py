"""What a pane's live output cost over the last second.

A flood is noticed frame by frame (more than a frame's worth waiting), but output that
stays just under that threshold never stops costing: a log printing a few lines in every
frame has its whole pane repainted sixty times a second, and that took 30 to 40% of a
core here whether it printed 5 lines or 100 a frame. This keeps the frames of the last
second, so the mirror can treat a pane that keeps costing more than a look at tmux's
screen would as a flood.
"""

from __future__ import annotations

from collections import deque

WINDOW_SECONDS = 1.0


class OutputRate:
    """Cells repainted, bytes and line feeds fed, summed over the last ``WINDOW_SECONDS``."""

    def __init__(self) -> None:
        self._frames: deque[tuple[float, int, int, int]] = deque()  # (time, cells, bytes, lines)
        self.cells = 0
        self.bytes = 0
        self.lines = 0

    def add(self, now: float, cells: int, size: int, lines: int) -> None:
        """One frame's feed: the cells it repaints (0 when nobody sees the pane)."""
        self._frames.append((now, cells, size, lines))
        self.cells += cells
        self.bytes += size
        self.lines += lines
        self.forget(now)

    def forget(self, now: float) -> None:
        """Drop frames older than the window (at most one per frame: the deque is short)."""
        frames = self._frames
        while frames and frames[0][0] <= now - WINDOW_SECONDS:
            _, cells, size, lines = frames.popleft()
            self.cells -= cells
            self.bytes -= size
            self.lines -= lines

    def clear(self) -> None:
        self._frames.clear()
        self.cells = self.bytes = self.lines = 0
