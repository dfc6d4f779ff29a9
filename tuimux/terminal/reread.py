"""What a pane's emulator keeps when tmux's screen is read again, and where it comes from.

``capture-pane`` carries the grid and tmux's formats carry the cursor, the modes, the
scroll region and the tab stops (``pane_tabs``), but no tmux (3.2a to next-3.8) says
which pen, character sets or DECSC slot the next byte from the pane will meet. Where the
emulator has been following the pane (a resize, a flood's pause, a re-read), its own
state is right and is kept (:meth:`PaneScreen.keep_state`). A respawn reset tmux's state
in the middle of the output this client received, at a point tmux does not mark:
:func:`respawned_state` finds it.
"""

from __future__ import annotations

from collections import deque

from tuimux.control.escape import unescape_output
from tuimux.control.numbers import parse_uint
from tuimux.terminal.screen import MAX_COLUMNS, HeldState, PaneScreen
from tuimux.terminal.stream import PaneStream

TABS_FORMAT = "T#{pane_tabs}"
"""``pane_tabs`` as one word that is never empty: ``T`` and the stops, comma-separated."""
SHAPE_FORMAT = "S#{cursor_shape}#{cursor_blinking}"
"""The cursor's DECSCUSR shape (next-3.8; nothing before): ``S``, a name, ``0``/``1``."""
_SHAPES = {"block": 1, "underline": 3, "bar": 5}

# Output kept since the last snapshot's %begin.
RECENT_BYTES = 64 * 1024
RECENT_CHUNKS = 1024
# The part never fed (dropped while a snapshot was on its way) is fed before the state
# is taken, so a pen set just before a re-read is not lost, unless it is more than this:
# then it is a flood (the capture stands for it so that it is not fed), whose state is
# a guess anyway.
UNFED_BYTES = 16 * 1024
UNFED_LINES = 200
# A respawn is searched for in at most this much of the latest output: each candidate
# start costs a feed of everything after it (a new shell prints a prompt, not this).
RESPAWN_SEARCH_BYTES = 8 * 1024
RESPAWN_SEARCH_CHUNKS = 32
# ... and only in a pane of at most this many cells: each try compares them all.
RESPAWN_SEARCH_CELLS = 250_000


def parse_tab_stops(word: str) -> list[int] | None:
    """The stops of a :data:`TABS_FORMAT` word; None when tmux said none (or does not
    know the format: both expand to nothing), or the word is not one."""
    if not word.startswith("T") or len(word) == 1:
        return None
    stops = []
    for part in word[1:].split(",")[:MAX_COLUMNS]:
        stop = parse_uint(part, MAX_COLUMNS)
        if stop is None:
            return None
        stops.append(stop)
    return stops


def parse_cursor_shape(word: str) -> int | None:
    """DECSCUSR's number (0 default, 1-6 blinking or steady block, underline, bar) from a
    :data:`SHAPE_FORMAT` word; None when the server did not say."""
    if word in ("Sdefault0", "Sdefault1"):
        return 0
    blink = word[-1:]
    first = _SHAPES.get(word[1:-1]) if word.startswith("S") else None
    if first is None or blink not in ("0", "1"):
        return None
    return first if blink == "1" else first + 1


class RecentOutput:
    """The ``%output`` payloads (escaped) received since the last snapshot's %begin,
    numbered, the oldest dropped beyond RECENT_BYTES or RECENT_CHUNKS."""

    def __init__(self) -> None:
        self.chunks: deque[tuple[int, bytes]] = deque()
        self.size = 0
        self.received = 0  # payloads numbered so far
        self.fed = 0  # payloads up to this number were fed (or a capture stands for them)

    def add(self, escaped: bytes) -> None:
        self.received += 1
        self.chunks.append((self.received, escaped))
        self.size += len(escaped)
        while self.size > RECENT_BYTES or len(self.chunks) > RECENT_CHUNKS:
            _, dropped = self.chunks.popleft()
            self.size -= len(dropped)

    def take(self) -> RecentOutput:
        """What came until now (a snapshot's %begin); this one starts empty again."""
        taken = RecentOutput()
        taken.chunks, taken.size = self.chunks, self.size
        taken.received, taken.fed = self.received, self.fed
        # What came until now is the capture's, fed or not.
        self.chunks, self.size, self.fed = deque(), 0, self.received
        return taken

    def unfed(self) -> bytes | None:
        """The payloads never fed, unescaped; None when some of them were dropped or
        they are more than UNFED_BYTES or UNFED_LINES."""
        first = self.fed + 1
        if first > self.received:
            return b""
        if not self.chunks or self.chunks[0][0] > first:
            return None
        escaped = b"".join(data for number, data in self.chunks if number >= first)
        if len(escaped) > UNFED_BYTES or escaped.count(b"\\012") > UNFED_LINES:
            return None
        return unescape_output(escaped)


def respawned_state(recent: RecentOutput, screen: PaneScreen) -> HeldState | None:
    """The state after a respawn, from the output since the last snapshot.

    tmux reset the pane (``screen_reinit``: a blank grid, the cursor home, a new input
    parser) somewhere in that output, and tmux's screen now is that blank screen plus
    what followed. Each place between two payloads (the old process's and the new one's
    are never in one) is tried from the earliest: the first whose rest, fed to a blank
    screen, gives exactly tmux's ``screen`` (cells and cursor) is where the respawn was,
    and that screen's state is the pane's. None when none does (the state is then as
    after a reset)."""
    if screen.columns * screen.lines > RESPAWN_SEARCH_CELLS:
        return None
    chunks: list[bytes] = []
    size = 0
    for _, data in reversed(recent.chunks):
        if len(chunks) >= RESPAWN_SEARCH_CHUNKS or size + len(data) > RESPAWN_SEARCH_BYTES:
            break
        chunks.insert(0, data)
        size += len(data)
    for start in range(len(chunks) + 1):
        candidate = PaneScreen(screen.columns, screen.lines, screen.rules)
        PaneStream(candidate).feed(unescape_output(b"".join(chunks[start:])))
        if same_screen(candidate, screen):
            return candidate.held_state()
    return None


def same_screen(one: PaneScreen, other: PaneScreen) -> bool:
    """Equal cells and cursor position (rows compared cell by cell: a restored row holds
    every cell, a fed one only those written)."""
    if (one.cursor.x, one.cursor.y) != (other.cursor.x, other.cursor.y):
        return False
    columns = range(one.columns)
    return all(one.buffer[y][x] == other.buffer[y][x] for y in range(one.lines) for x in columns)
