"""A bell in a pane rings the user's terminal as the user's tmux options say.

tmux passes a bell on to each client of the session (alerts.c ``alerts_set_message``)
but skips control clients, so tuimux does what tmux's own client would: a bell from a
pane of the current window (seen by its emulator) or of another window (the window's
``!`` flag, which tmux sets only for windows not in view) rings when ``monitor-bell`` is
on and ``bell-action`` applies (``any``, ``current`` for the window in view, ``other``
for the rest, ``none``); ``visual-bell`` ``off`` sends BEL to the terminal, ``on`` shows
"Bell in window N" in the status line instead, ``both`` does both. Bells arriving in one
frame ring once, as tmux's deferred alert check does.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tuimux.errors import TuimuxError

log = logging.getLogger(__name__)

BELL = "\a"
OPTIONS_READ = "#{bell-action}|#{visual-bell}|#{monitor-bell}"


@dataclass(frozen=True)
class BellOptions:
    action: str  # any, none, current, other
    visual: str  # off, on, both
    monitor: bool

    @classmethod
    def parse(cls, line: str) -> BellOptions:
        action, _, rest = line.partition("|")
        visual, _, monitor = rest.partition("|")
        return cls(action or "any", visual or "off", monitor != "0")

    def applies(self, current: bool) -> bool:
        """``alerts_action_applies``."""
        if not self.monitor or self.action == "none":
            return False
        return self.action == "any" or (self.action == "current") == current


def bell_message(index: int | None) -> str:
    """The words tmux's own client shows (``status_message_set`` in alerts.c)."""
    return "Bell in current window" if index is None else f"Bell in window {index}"


class BellRinger:
    """Rings for windows that rang, asking tmux for the window's options each time (a
    bell is rare, and the user may have changed them since)."""

    def __init__(
        self,
        read: Callable[[str], Awaitable[str]],
        write: Callable[[str], None],
        show: Callable[[str], None],
    ) -> None:
        self._read = read  # window id -> OPTIONS_READ expanded for it
        self._write = write
        self._show = show
        self._flagged: set[str] | None = None  # windows whose "!" flag was seen

    def flags_seen(self, flagged: set[str]) -> list[str]:
        """Windows whose bell flag is new since the last look (none at the first look:
        those rang before tuimux attached)."""
        new = set() if self._flagged is None else flagged - self._flagged
        self._flagged = set(flagged)
        return sorted(new)

    async def ring(self, window_id: str, index: int, current: bool) -> None:
        try:
            options = BellOptions.parse(await self._read(window_id))
        except TuimuxError as error:
            log.debug("bell options not read: %s", error)
            return
        if not options.applies(current):
            return
        if options.visual in ("off", "both"):
            self._write(BELL)
        if options.visual in ("on", "both"):
            self._show(bell_message(None if current else index))
