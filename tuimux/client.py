"""One control-mode connection: commands in, replies and notifications out.

Replies come back in the order commands were sent, one block per command, so pending
commands wait in a FIFO. Three tmux 3.3a facts shape it (``research/controlmode.md`` §1.2):

* blocks with FLAGS 0 are not ours (the attach command given on tmux's argv, hooks run
  in this client's context) and must never be paired with a request;
* commands joined on one line form a group, and when one fails tmux silently drops the
  rest of the group (no blocks at all) — a parse error even gives one block for the line;
* commands written before attach completes run *before* it, so nothing is written until
  ``%session-changed`` has arrived.

Notifications go to subscribers synchronously from the read loop, which never stops
draining the channel (a control client that stops reading can hang a tmux server).

A watchdog reports :class:`~tuimux.control.events.Stalled` when commands wait and tmux
answers none of them for ``stall_after`` seconds: tmux 3.3+ holds a client's whole queue
while a prompt or menu it opened *for that client* waits for an answer (a hook, a
binding), and a control client can never give one (DESIGN.md, Traps).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import UnionType

from tuimux.control import events as ev
from tuimux.control.command import build, join
from tuimux.control.escape import REPLY_PROBE, escapes_dollars, printable, unescape_reply
from tuimux.control.framing import lifts_messages, needs_seal, new_sentinel
from tuimux.control.lines import LineSplitter
from tuimux.control.parser import ControlParser, parse_notification
from tuimux.control.policy import read_only_allows
from tuimux.errors import ConnectError, ReadOnlyError, SessionClosed, TmuxError, user_message
from tuimux.transport.base import Transport

log = logging.getLogger(__name__)

Subscriber = Callable[[ev.Notification], None]
DEFAULT_TIMEOUT = 30.0
# A status-line message or a configuration error is one line: more is cut.
MESSAGE_LIMIT = 512
MAX_CONFIG_ERRORS = 20  # kept for the app; a config with thousands of errors says so once
# No reply at all for this long while commands wait: tmux holds our queue (a prompt).
STALL_SECONDS = 5.0
# Commands that rightly keep the queue busy for a while (typed at ``C-b :``): the
# watchdog gives them DEFAULT_TIMEOUT.
SLOW_COMMANDS = frozenset(
    {"run-shell", "run", "if-shell", "if", "wait-for", "wait", "source-file", "source"}
)


@dataclass
class _Pending:
    """A command line in flight: one future per command in its group.

    Sealed commands are each followed by a sentinel (``nonces`` holds the line its reply
    must be); the parser holds a sealed block until it sees one of ``seals`` (this
    command's sentinel, or the one on the next line if tmux dropped the rest of this
    line after an error). See :mod:`tuimux.control.framing`.
    """

    commands: list[str]
    futures: list[asyncio.Future[ev.Reply]]
    on_begin: Callable[[], None] | None = None
    answered: int = 0
    # refresh-client -A prints %pause/%continue *inside* its own reply block (tmux 3.3a).
    carries_notifications: list[bool] = field(default_factory=list)
    seals: list[frozenset[bytes] | None] = field(default_factory=list)
    nonces: list[bytes | None] = field(default_factory=list)
    # tmux 3.4+ prints %message inside the block of the command that caused it.
    lifts_messages: list[bool] = field(default_factory=list)


class TmuxClient:
    """Send commands to one ``tmux -C`` and receive its events.

    Use :meth:`start` to wait for the attach, then :meth:`command` / :meth:`commands`.
    """

    def __init__(self, transport: Transport, *, read_only: bool = False) -> None:
        self.transport = transport
        # Enforced here, where every command passes: tmux runs send-keys and the like
        # even from a control client attached with -r.
        self.read_only = read_only
        # Called with each command as it leaves (the audit log); never with a refused one.
        self.audit: Callable[[str], None] | None = None
        self.session_id: str | None = None
        self.exit_reason: str | None = None
        self._parser = ControlParser()
        self._splitter = LineSplitter()
        self._pending: deque[_Pending] = deque()
        self._unsent: list[bytes] = []
        self._subscribers: list[Subscriber] = []
        self._attached = asyncio.get_running_loop().create_future()
        self._closed = asyncio.Event()
        self._startup_error: str | None = None
        self._reader: asyncio.Task[None] | None = None
        self._closing = False
        self._lost = False
        self.on_send: Callable[[str], None] | None = None
        # tmux's own %config-error lines (3.4+), printable, to be shown after the attach.
        self.config_errors: list[str] = []
        # The watchdog: when tmux last answered (or we started waiting), and whether a
        # Stalled was reported since.
        self.stall_after = STALL_SECONDS
        self.stalled = False
        self._last_answered = ""
        self._block_ours = False  # the block being read is a reply of ours
        self._progress_at = 0.0
        # When the read loop last found nothing to read, and whether it waits now: a
        # stall is only a stall once we have read everything tmux sent (a loaded CPU or
        # a flood can keep our reply unread in the pipe for seconds).
        self._drained_at = 0.0
        self._in_read = False
        # A block of flags 0 (a hook or binding running in our context) since tmux last
        # answered us: what opens a prompt for us. Without one, a slow answer (tmux
        # loaded, a huge session) gets DEFAULT_TIMEOUT before it counts as a stall.
        self._foreign_since_answer = False
        self._watchdog: asyncio.TimerHandle | None = None
        # Whether this server's printed replies escape "$" (tmux 3.4): asked with the first
        # read_formats, None until then.
        self.replies_escape_dollars: bool | None = None

    # -- lifecycle -------------------------------------------------------------------

    async def start(self, timeout: float = 15.0) -> ev.SessionChanged:
        """Start reading and wait until tmux says which session we are attached to."""
        self._reader = asyncio.ensure_future(self._read_loop())
        try:
            async with asyncio.timeout(timeout):
                return await asyncio.shield(self._attached)
        except TimeoutError:
            await self.close()
            raise ConnectError(f"tmux did not attach within {timeout:g} seconds.") from None

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    @property
    def link_lost(self) -> bool:
        """The channel ended with no ``%exit`` and not by our hand: the network or the
        process carrying it died, so tmux may well still hold the session."""
        return self._lost

    async def wait_closed(self) -> None:
        await self._closed.wait()

    async def detach(self, timeout: float = 5.0) -> None:
        """Detach cleanly: ask tmux to detach, then drain the channel to its end."""
        if not self.closed:
            for future in self.send(["detach-client"]):
                future.add_done_callback(lambda f: f.cancelled() or f.exception())
            with contextlib.suppress(asyncio.TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._closed.wait()
        await self.close()

    async def close(self) -> None:
        self._closing = True
        await self.transport.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                async with asyncio.timeout(5):
                    await self._reader
        self._finish("closed")

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    # -- commands --------------------------------------------------------------------

    async def command(self, *argv: str, timeout: float | None = DEFAULT_TIMEOUT) -> ev.Reply:
        """Run one command; return its reply or raise :class:`TmuxError`."""
        (reply,) = await self.commands([argv], timeout=timeout)
        return reply

    async def commands(
        self,
        argvs: Sequence[Sequence[str]],
        *,
        on_begin: Callable[[], None] | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> list[ev.Reply]:
        """Run several commands on one line, as one tmux group.

        ``on_begin`` is called from the read loop when the group's first reply block
        begins: everything a pane printed before that moment is already part of any
        capture in the group (the snapshot rule of DESIGN.md, principle 1).
        """
        built = [build(*argv) for argv in argvs]
        futures = self.send(built, on_begin=on_begin)
        done = asyncio.gather(*futures)
        # Whoever awaited it may be gone (a worker cancelled while tmux held the queue):
        # its failure must not be logged as never retrieved.
        done.add_done_callback(lambda gathered: gathered.cancelled() or gathered.exception())
        try:
            async with asyncio.timeout(timeout):
                return list(await done)
        except TimeoutError:
            raise TmuxError(built[0], f"tmux did not answer {built[0]!r} in time") from None

    async def read_formats(
        self, argvs: Sequence[Sequence[str]], *, timeout: float | None = DEFAULT_TIMEOUT
    ) -> list[list[str]]:
        """Run reads whose lines carry names or titles (``list-* -F``, ``display -p``) as
        one group: each reply's lines, with the values as tmux stores them.

        tmux 3.4 escapes "$" once more in printed replies than in notifications and
        in what it stores (see :data:`~tuimux.control.escape.REPLY_PROBE`). The first call
        asks the server how it prints a known literal, on the same line (no extra round
        trip), and every call undoes exactly what that answer showed.
        """
        probing = self.replies_escape_dollars is None
        replies = await self.commands(
            [("display-message", "-p", REPLY_PROBE), *argvs] if probing else argvs,
            timeout=timeout,
        )
        if probing:
            probe, *replies = replies
            self.replies_escape_dollars = escapes_dollars(probe.text)
        if self.replies_escape_dollars:
            return [[unescape_reply(line) for line in reply.text] for reply in replies]
        return [reply.text for reply in replies]

    def send(
        self, built: Sequence[str], *, on_begin: Callable[[], None] | None = None
    ) -> list[asyncio.Future[ev.Reply]]:
        """Queue already-built commands as one line; futures resolve in order.

        Commands whose reply may carry outside text are sealed (each followed by a
        sentinel on the same line, and the line by one more sentinel), so no text in a
        reply can end it early and be read as notifications.
        """
        join(*built)  # refuses an empty group: a blank line would detach us
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[ev.Reply]] = [loop.create_future() for _ in built]
        refused = [c for c in built if self.read_only and not read_only_allows(c)]
        if refused:
            name = refused[0].split(" ", 1)[0]
            error = ReadOnlyError(f"tuimux is attached read-only: {name} was not sent.")
            for future in futures:
                future.set_exception(error)
                future.exception()
            return futures
        if self.closed:
            for future in futures:
                future.set_exception(SessionClosed("The tmux connection is closed."))
                future.exception()  # mark retrieved: the caller may not await every one
            return futures
        if self.audit is not None:
            for command in built:
                self.audit(command)
        if not self._pending:
            self._progress_at = loop.time()  # the wait starts now
        group = _Pending([], [], on_begin)
        last_command, last_nonce = new_sentinel()
        sealed = False
        for command, future in zip(built, futures, strict=True):
            group.commands.append(command)
            group.futures.append(future)
            group.carries_notifications.append(
                command.startswith("refresh-client ") and " -A " in f" {command} "
            )
            group.nonces.append(None)
            group.lifts_messages.append(lifts_messages(command))
            if not needs_seal(command):
                group.seals.append(None)
                continue
            sealed = True
            sentinel, nonce = new_sentinel()
            group.seals.append(frozenset({nonce, last_nonce}))
            group.commands.append(sentinel)
            group.futures.append(_internal(loop))
            group.carries_notifications.append(False)
            group.seals.append(None)
            group.nonces.append(nonce)
            group.lifts_messages.append(False)
        self._pending.append(group)
        self._write_line(join(*group.commands))
        if sealed:
            future = _internal(loop)
            self._pending.append(
                _Pending([last_command], [future], None, 0, [False], [None], [last_nonce], [False])
            )
            self._write_line(last_command)
        self._arm_watchdog()
        return futures

    # -- the watchdog ------------------------------------------------------------------

    def _arm_watchdog(self) -> None:
        if self._watchdog is None and self._pending and not self.stalled and not self.closed:
            loop = asyncio.get_running_loop()
            due = self._progress_at + self._stall_limit() - loop.time()
            # Past due but busy reading (see _check_stall): look again a little later.
            self._watchdog = loop.call_later(max(due, 0.25), self._check_stall)

    def _stall_limit(self) -> float:
        head = self._pending[0]
        command = head.commands[min(head.answered, len(head.commands) - 1)]
        if command.split(" ", 1)[0] in SLOW_COMMANDS:
            return max(self.stall_after, DEFAULT_TIMEOUT)
        return self.stall_after

    def _check_stall(self) -> None:
        self._watchdog = None
        if self.closed or not self._pending:
            return
        now = asyncio.get_running_loop().time()
        waited = now - self._progress_at
        # A timer runs only while the read loop is suspended; in its read, it has read
        # everything there was.
        drained = now if self._in_read else self._drained_at
        unanswered = drained - self._progress_at
        limit = self._stall_limit() if self._foreign_since_answer else DEFAULT_TIMEOUT
        if unanswered < limit and waited < max(limit, DEFAULT_TIMEOUT):
            self._arm_watchdog()
            return
        self.stalled = True
        head = self._pending[0]
        name = head.commands[min(head.answered, len(head.commands) - 1)].split(" ", 1)[0]
        log.warning("tmux answered nothing for %.1f s; %s is waiting", waited, name)
        self._notify(ev.Stalled(name, waited, self._last_answered))

    def _progressed(self) -> None:
        """tmux answered one of our commands: its queue is moving."""
        self._progress_at = asyncio.get_running_loop().time()
        self._foreign_since_answer = False
        self.stalled = False
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        self._arm_watchdog()

    def _write_line(self, line: str) -> None:
        data = line.encode("utf-8") + b"\n"
        if self.on_send is not None:
            self.on_send(line)
        if self._attached.done():
            self.transport.write(data)
        else:
            self._unsent.append(data)

    # -- reading ---------------------------------------------------------------------

    async def _read_loop(self) -> None:
        reason = "the tmux connection ended"
        loop = asyncio.get_running_loop()
        try:
            while True:
                suspended: list[bool] = []
                marker = loop.call_soon(suspended.append, True)  # runs only if read waits
                started = loop.time()
                self._in_read = True
                try:
                    chunk = await self.transport.read()
                finally:
                    self._in_read = False
                    marker.cancel()
                if suspended:
                    self._drained_at = started
                if not chunk:
                    break
                for line in self._splitter.feed(chunk):
                    for event in self._parser.feed_line(line):
                        self._handle(event)
                if self._block_ours and self._parser.in_block:
                    # A long reply still arriving (a big capture over a slow link) is
                    # tmux answering, not tmux waiting.
                    self._progress_at = asyncio.get_running_loop().time()
        except (OSError, ConnectionError) as error:
            reason = f"the connection to tmux failed: {user_message(error)}"
        finally:
            self._lost = self.exit_reason is None and not self._closing
            self._finish(self.exit_reason or reason)

    def _handle(self, event: ev.Event) -> None:
        if isinstance(event, ev.Begin):
            self._block_ours = event.flags == 1
            if event.flags != 1:
                self._foreign_since_answer = True
            if event.flags == 1 and self._pending:
                self._progressed()
                head = self._pending[0]
                if head.answered == 0 and head.on_begin is not None:
                    head.on_begin()
                seal = head.seals[head.answered] if head.answered < len(head.seals) else None
                if seal is not None:
                    self._parser.seal(seal)
        elif isinstance(event, ev.Reply):
            self._reply(event)
        elif isinstance(event, ev.Unframed):
            self._unframed(event)
        else:
            self._notify(event)

    def _reply(self, reply: ev.Reply) -> None:
        if reply.flags != 1:
            # Not ours: the argv attach command, or a hook running in our context (whose
            # display-message is a %message in its block on tmux 3.4+).
            self._split_inline_notifications(reply, ev.Message)
            if reply.error and not self._attached.done():
                self._startup_error = " ".join(reply.text).strip()
            return
        if not self._pending:
            log.warning("reply block %d with no command waiting", reply.number)
            return
        self._progressed()
        head = self._pending[0]
        index = head.answered
        command, future = head.commands[index], head.futures[index]
        expected = head.nonces[index]
        if expected is not None and reply.lines != (expected,):
            self._stray_sentinel(reply)
            return
        if head.carries_notifications[index]:
            reply = self._split_inline_notifications(reply, ev.Pause | ev.Continue)
        if head.lifts_messages[index]:
            reply = self._split_inline_notifications(reply, ev.Message)
        if expected is None:
            self._last_answered = command.split(" ", 1)[0]
        head.answered += 1
        if reply.error:
            _settle(future, exception=TmuxError(command, " ".join(reply.text).strip()))
            # tmux dropped the rest of this group without a block each.
            for skipped, later in zip(
                head.commands[index + 1 :], head.futures[index + 1 :], strict=True
            ):
                _settle(later, exception=TmuxError(skipped, "not run: an earlier command failed"))
            self._pending.popleft()
            return
        _settle(future, result=reply)
        if head.answered == len(head.futures):
            self._pending.popleft()

    def _stray_sentinel(self, reply: ev.Reply) -> None:
        """A sentinel other than the one awaited: the command before it failed and tmux
        dropped the rest of its line, so this is the next line's sentinel."""
        head = self._pending.popleft()
        for skipped, later in zip(
            head.commands[head.answered :], head.futures[head.answered :], strict=True
        ):
            _settle(later, exception=TmuxError(skipped, "not run: an earlier command failed"))
        if self._pending and self._pending[0].nonces[0] == (reply.lines or (b"",))[0]:
            self._reply(reply)
            return
        # Not what tmux writes: replies can no longer be paired with commands.
        self._notify(ev.Desync("a reply arrived out of order"))

    def _unframed(self, event: ev.Unframed) -> None:
        """A sealed reply that could not be framed: it and what surrounded it are lost."""
        if event.flags == 1 and self._pending:
            head = self._pending[0]
            command, future = head.commands[head.answered], head.futures[head.answered]
            head.answered += 1
            message = f"tmux's reply to {command.split(' ', 1)[0]} could not be framed safely"
            _settle(future, exception=TmuxError(command, message))
        log.info("reply %d could not be framed (%s); re-reading", event.number, event.reason)
        self._notify(ev.Desync(f"a reply could not be framed ({event.reason})"))

    def _split_inline_notifications(self, reply: ev.Reply, kinds: type | UnionType) -> ev.Reply:
        """Pass on the notifications of ``kinds`` that tmux wrote inside a reply block."""
        kept: list[bytes] = []
        for line in reply.lines:
            event = parse_notification(line) if line.startswith(b"%") else None
            if event is not None and isinstance(event, kinds):
                self._notify(event)
            else:
                kept.append(line)
        return ev.Reply(reply.time, reply.number, reply.flags, reply.error, tuple(kept))

    def _notify(self, event: ev.Notification) -> None:
        if isinstance(event, ev.SessionChanged):
            self.session_id = event.session_id
            if not self._attached.done():
                self._attached.set_result(event)
                for data in self._unsent:
                    self.transport.write(data)
                self._unsent.clear()
        elif isinstance(event, ev.Exit):
            # The reason ends up in front of the user (the app's error, the CLI's stderr):
            # from a hostile or broken server it must not drive the terminal (ESC, CR).
            event = ev.Exit(printable(event.reason))
            self.exit_reason = event.reason or "detached"
        elif isinstance(event, ev.Message):
            event = ev.Message(printable(event.text, MESSAGE_LIMIT))
        elif isinstance(event, ev.ConfigError):
            # tmux 3.4+ sends these before %session-changed, before anyone subscribed.
            event = ev.ConfigError(printable(event.text, MESSAGE_LIMIT))
            if len(self.config_errors) < MAX_CONFIG_ERRORS:
                self.config_errors.append(event.text)
        elif isinstance(event, ev.Unknown):
            log.debug("ignored control line %r", event.line[:200])
            return
        for subscriber in list(self._subscribers):
            subscriber(event)

    def _finish(self, reason: str) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        if not self._attached.done():
            message = (
                self._startup_error
                or self.transport.error_text()
                or self.exit_reason
                or "tmux exited before attaching (is it tmux 3.2 or later?)"
            )
            self._attached.set_exception(ConnectError(_sentence(message)))
            self._attached.exception()
        while self._pending:
            for future in self._pending.popleft().futures:
                _settle(future, exception=SessionClosed(_sentence(reason)))
        if self.exit_reason is None:
            self.exit_reason = reason
            for subscriber in list(self._subscribers):
                subscriber(ev.Exit(reason))


def _internal(loop: asyncio.AbstractEventLoop) -> asyncio.Future[ev.Reply]:
    """A future for a sentinel: nobody awaits it, so its failure is marked retrieved."""
    future: asyncio.Future[ev.Reply] = loop.create_future()
    future.add_done_callback(lambda done: done.cancelled() or done.exception())
    return future


def _settle(
    future: asyncio.Future[ev.Reply],
    *,
    result: ev.Reply | None = None,
    exception: BaseException | None = None,
) -> None:
    """Resolve a future unless its waiter already gave up (timeout or cancellation)."""
    if future.done():
        return
    if exception is not None:
        future.set_exception(exception)
        future.exception()  # a dropped follower may never be awaited
    else:
        assert result is not None
        future.set_result(result)


def _sentence(message: str) -> str:
    """One printable line for an error: the text comes from tmux's stderr and replies,
    which a remote host controls, and is printed to the user's terminal."""
    message = message.strip().splitlines()[-1] if message.strip() else "tmux exited"
    message = printable(message)
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."
