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
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import Any

from tuimux.client import TmuxClient
from tuimux.control import events as ev
from tuimux.control.command import build
from tuimux.control.key_table import command_name
from tuimux.errors import TuimuxError

log = logging.getLogger(__name__)

MAX_COPY_BYTES = 1024 * 1024
# Newest first; the name goes last (it may hold anything but a tab-less prefix).
BUFFERS_FORMAT = "#{buffer_created}\t#{buffer_size}\t#{buffer_name}"
LIST_BUFFERS_ARGV = ("list-buffers", "-F", BUFFERS_FORMAT)
LIST_BUFFERS = build(*LIST_BUFFERS_ARGV)
# The flags of the commands that send a buffer to their client's terminal with -w, and
# which of them take a value (tmux's getopt strings: "ab:t:n:w" and "b:t:w").
WRITING_COMMANDS = {"set-buffer": "btn", "load-buffer": "bt"}


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


def writes_clipboard(argv: Sequence[str]) -> bool:
    """Whether tmux would send this command's buffer to this client's terminal:
    ``set-buffer -w`` or ``load-buffer -w`` with no other client named by ``-t``."""
    valued = WRITING_COMMANDS.get(command_name(argv[0])) if argv else None
    if valued is None:
        return False
    write = False
    words = iter(argv[1:])
    for word in words:
        if word == "--" or not word.startswith("-") or word == "-":
            break
        for at, flag in enumerate(word[1:], 1):
            if flag in valued:
                if flag == "t":
                    return False  # for that client's terminal, not ours
                if at == len(word) - 1:
                    next(words, None)  # the value is the next word
                break
            write = write or flag == "w"
    return write


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

    async def run_writing(self, argvs: Sequence[Sequence[str]]) -> list[ev.Reply]:
        """Run commands of which one writes this client's clipboard (``writes_clipboard``)
        between two listings, and pass the buffer it set on: tmux itself sends it to
        its client's terminal whatever ``set-clipboard`` says, but not to a control
        client. The commands' own replies are returned."""
        before, *replies, after = await self.client.commands(
            [LIST_BUFFERS_ARGV, *argvs, LIST_BUFFERS_ARGV]
        )
        new = newest_buffer(after)
        if new is not None and new not in buffers(before):
            await self._pass_on(*new, always=True)
        return replies

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

    async def _pass_on(self, created: str, size: int, name: str, *, always: bool = False) -> None:
        # A copy too large to pass on is not read: it would cross the link (SSH too)
        # whole, up to the parser's block cap, only to be dropped.
        large = size > MAX_COPY_BYTES
        # Read by being newest, not by name: a name may hold a newline (tmux before 3.7
        # allows one), which cuts it in the listing. The listing and ``show-buffer`` share
        # one command line, which tmux runs without anyone else's commands in between, so
        # the text read is the buffer listed first.
        reads: list[tuple[str, ...]] = [("display-message", "-p", "#{set-clipboard}")]
        if not large:
            reads += [("list-buffers", "-F", BUFFERS_FORMAT), ("show-buffer",)]
        try:
            option, *content = await self.client.commands(reads)
        except TuimuxError as error:  # deleted again already
            log.debug("copied buffer %s not read: %s", name, error)
            return
        if "".join(option.text) == "off" and not always:
            return  # tmux's own client would not set the clipboard either
        if large:
            self.copied(None)
            return
        listing, text = content
        if newest_buffer(listing) != (created, size, name):
            log.debug("copied buffer %s was not newest when read", name)
            return  # another copy came in between; it is that copy's turn
        self.copied(buffer_text(text, size).decode("utf-8", "replace"))


def buffer_text(reply: ev.Reply, size: int) -> bytes:
    """A ``show-buffer`` reply's bytes; a reply's lines cannot say whether the buffer
    ended with a newline, its size can."""
    data = b"\n".join(reply.lines)
    return data + b"\n" if size == len(data) + 1 else data


async def tmux_took_program_copy(client: TmuxClient, data: bytes) -> bool:
    """Whether tmux took a program's OSC 52, so that its own client would pass it on.

    tmux decides when it reads the pane's output: with ``set-clipboard on`` it stores
    the text as a new buffer and sends it to its clients, otherwise it drops it. tuimux
    sees the output later, so the option read now may have changed since (``external``
    then ``on`` let one through). The buffer is the lasting trace of tmux's decision:
    the newest buffer must hold exactly this text, and the option must still be on. It
    is read only when its size says it may be (a pane cannot make tuimux read a large
    buffer over and over), and read as newest in the same line as the listing (its name
    may hold a newline)."""
    reads = [("display-message", "-p", "#{set-clipboard}"), LIST_BUFFERS_ARGV]
    try:
        option, listing = await client.commands(reads)
        newest = newest_buffer(listing)
        if "".join(option.text) != "on" or newest is None or newest[1] != len(data):
            return False
        again, text = await client.commands([LIST_BUFFERS_ARGV, ("show-buffer",)])
    except TuimuxError as error:  # the buffer went meanwhile
        log.debug("program copy not confirmed: %s", error)
        return False
    return newest_buffer(again) == newest and buffer_text(text, len(data)) == data
