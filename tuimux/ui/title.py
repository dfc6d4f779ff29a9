"""The terminal's title from the user's ``set-titles`` and ``set-titles-string``.

tmux's own client sets its terminal's title when ``set-titles`` is on, from
``set-titles-string`` expanded for the client's current pane, and again whenever it
redraws; a control client gets none of it. tuimux asks tmux for the same expansion
(``#{E:set-titles-string}``: tmux expands it, ``#()`` commands of the user's own
configuration included, exactly as for its own client) when what it shows changed and
every ``status-interval``, and writes the title only when it changed; while
``set-titles`` is off (the default) it only looks every ``status-interval``. The text holds
names and pane titles, which a pane sets: it is read sealed and made printable, and cut
to a bound, before it reaches the terminal. The title the terminal had is pushed first
and given back at the end (XTWINOPS 22/23, ignored where unsupported).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

from tuimux.control.escape import printable
from tuimux.errors import TuimuxError

log = logging.getLogger(__name__)

TITLE_READ = "#{set-titles}|#{status-interval}|#{E:set-titles-string}"
MAX_TITLE = 512  # characters; a title is one line of a window manager's bar
PUSH_TITLE = "\x1b[22;0t"
POP_TITLE = "\x1b[23;0t"
SETTLE_SECONDS = 0.1  # changes come in bursts (a window switch renames and re-lays out)
OFF_LOOK_SECONDS = 15.0  # with set-titles off and status-interval 0


class FormatReader(Protocol):
    async def read_formats(self, argvs: list[tuple[str, ...]]) -> list[list[str]]: ...


def title_sequence(title: str) -> str:
    """OSC 2 with ``title`` made printable (no control can end it early) and bounded."""
    return f"\x1b]2;{printable(title)[:MAX_TITLE]}\x07"


def parse_title_read(lines: list[str]) -> tuple[bool, float, str]:
    """``TITLE_READ``'s answer → (set-titles on, status-interval seconds, title)."""
    on, _, rest = "\n".join(lines).partition("|")
    interval, _, title = rest.partition("|")
    # ASCII digits only: "²" is a digit to str.isdigit but not a number to float().
    seconds = float(interval) if interval.isascii() and interval.isdigit() else 15.0
    return on == "1", seconds, title


class TerminalTitle:
    """Writes the title only when it changed; gives the old one back on release."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write
        self._shown: str | None = None

    @property
    def shown(self) -> str | None:
        return self._shown

    def show(self, title: str) -> None:
        if title == self._shown:
            return
        if self._shown is None:
            self._write(PUSH_TITLE)
        self._shown = title
        self._write(title_sequence(title))

    def release(self) -> None:
        if self._shown is not None:
            self._write(POP_TITLE)
            self._shown = None


async def keep_title(client: FormatReader, title: TerminalTitle, changed: asyncio.Event) -> None:
    """Follow tmux's title for as long as the attach lasts (cancelled at its end)."""
    while True:
        changed.clear()
        try:
            (reply,) = await client.read_formats([("display-message", "-p", TITLE_READ)])
        except TuimuxError as error:  # a slow moment or a dying link: look again later
            log.debug("title not read: %s", error)
            await asyncio.sleep(OFF_LOOK_SECONDS)
            continue
        on, interval, text = parse_title_read(reply)
        if on:
            title.show(text)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(interval or None):
                    await changed.wait()
            await asyncio.sleep(SETTLE_SECONDS)
        else:  # the default: only a look now and then for the option being set
            await asyncio.sleep(interval or OFF_LOOK_SECONDS)
