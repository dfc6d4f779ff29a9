"""A copy in tmux reaches the user's clipboard, as with tmux's own client.

With ``set-clipboard`` on or external (the default), tmux passes a copy made in copy
mode (keys or a mouse drag) to the terminal of its client as OSC 52; it does not do that
for control clients, so tuimux does it for its own terminal. Which buffer is the user's
copy is never inferred from "a buffer changed": tmux 3.2a/3.3a send no notification for
it, and anyone may set a buffer (``tmux set-buffer`` from a program in a pane), which
tmux's own client would not pass on. Instead a key or mouse event tuimux sends to a pane
in a mode goes out between two ``list-buffers`` on the same command line: tmux runs one
client's line without interleaving anyone else's commands and runs the key's binding
(``copy-selection…``) right after the key, so a newest buffer that differs between the
two listings is that key's copy and nothing else's.

The buffer is read sealed (:mod:`tuimux.control.framing`): its text is a pane's. A copy
larger than ``MAX_COPY_BYTES`` is not sent (terminals cap OSC 52: xterm at about 100 KB
by default, others at a few MB); the user is told instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from tuimux.client import TmuxClient
from tuimux.control import events as ev
from tuimux.control.command import build
from tuimux.errors import TuimuxError

log = logging.getLogger(__name__)

MAX_COPY_BYTES = 1024 * 1024
# Newest first; the name goes last (it may hold anything but a tab-less prefix).
BUFFERS_FORMAT = "#{buffer_created}\t#{buffer_size}\t#{buffer_name}"
LIST_BUFFERS = build("list-buffers", "-F", BUFFERS_FORMAT)


def buffers(reply: ev.Reply) -> Iterator[tuple[str, int, str]]:
    """(created, size, name) of each buffer listed, newest first (lazily: a hostile
    server's listing may be as large as a reply can be)."""
    for line in reply.text:
        created, _, rest = line.partition("\t")
        size, _, name = rest.partition("\t")
        if len(size) <= 20 and size.isascii() and size.isdigit() and name:
            yield created, int(size), name


def newest_buffer(reply: ev.Reply) -> tuple[str, int, str] | None:
    """(created, size, name) of the newest buffer, or None when there is none."""
    return next(buffers(reply), None)


class CopyWatcher:
    """Brackets a pane's mode input with buffer listings and passes on what it copied."""

    def __init__(self, client: TmuxClient, copied: Callable[[str | None], None]) -> None:
        self.client = client
        self.copied = copied  # with the text, or None when too large to pass on

    def bracket(
        self, built: list[str]
    ) -> tuple[list[asyncio.Future[ev.Reply]], Coroutine[Any, Any, None]]:
        """Send ``built`` (input for a pane in a mode) between two listings; return the
        input's own futures and what passes a copy on (for the caller to run)."""
        futures = self.client.send([LIST_BUFFERS, *built, LIST_BUFFERS])
        return futures[1:-1], self._after(futures[0], futures[-1])

    async def _after(
        self, before: asyncio.Future[ev.Reply], after: asyncio.Future[ev.Reply]
    ) -> None:
        try:
            listed, new = await before, newest_buffer(await after)
        except TuimuxError as error:  # the pane went, or the link did
            log.debug("buffers around mode input not read: %s", error)
            return
        # A new buffer, not one that was there before: deleting the newest in
        # choose-buffer (``d``) leaves an older one newest, and it was not copied.
        if new is not None and new not in buffers(listed):
            await self._pass_on(*new)

    async def _pass_on(self, created: str, size: int, name: str) -> None:
        # A copy too large to pass on is not read: it would cross the link (SSH too)
        # whole, up to the parser's block cap, only to be dropped.
        large = size > MAX_COPY_BYTES
        reads: list[tuple[str, ...]] = [("display-message", "-p", "#{set-clipboard}")]
        try:
            option, *content = await self.client.commands(
                reads if large else [*reads, ("show-buffer", "-b", name)]
            )
        except TuimuxError as error:  # deleted again already
            log.debug("copied buffer %s not read: %s", name, error)
            return
        if "".join(option.text) == "off":
            return  # tmux's own client would not set the clipboard either
        if large:
            self.copied(None)
            return
        data = b"\n".join(content[0].lines)
        if size == len(data) + 1:
            data += b"\n"  # a reply's lines cannot say the buffer ended with one
        self.copied(data.decode("utf-8", "replace"))
