"""The control channel ends or misbehaves under a live client: every case ends in a clear
state (the client closed, one sentence saying why, pending commands failed with a
``TuimuxError``), never a hang or a traceback (security.md §5.2 R7/R10, issue 6).

Real tmux 3.3a wherever tmux can be made to do it: ``kill -9`` of the server (which makes
the ``tmux -C`` process print ``%exit server exited unexpectedly``, a real ``%exit`` with
a reason), ``kill-server`` and ``kill-session`` (a bare ``%exit``). What tmux cannot be
made to send on demand (a stream cut inside a reply block; ``%exit too far behind``, which
takes 300 s; a hostile reason) is replayed from recorded bytes by a real subprocess behind
the real ``LocalTransport``. Garbage between blocks is spliced into a real tmux's stream at
line boundaries, and a real command afterwards must still get its own reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator, Sequence

import pytest

from tests.conftest import TmuxServer
from tests.helpers import Recorder, eventually, open_client
from tests.ui.test_app import make_app
from tuimux.client import TmuxClient
from tuimux.control import events as ev
from tuimux.control.escape import printable
from tuimux.control.layout import Layout, format_layout
from tuimux.errors import SessionClosed, TuimuxError
from tuimux.transport.local import LocalTransport, tmux_argv
from tuimux.ui.app import TuimuxApp


def assert_one_sentence(text: str | None) -> None:
    """What a user is told: one printable line ending in a full stop, no traceback."""
    assert text, "no reason given"
    assert printable(text) == text and "\n" not in text, repr(text)
    assert text.endswith(".") and "Traceback" not in text, repr(text)
    assert re.search(r"[.!?]\s+\S", text) is None, f"more than one sentence: {text!r}"
    assert len(text) < 200, repr(text)


def assert_no_traceback(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    assert "Traceback" not in caplog.text
    assert not [record for record in caplog.records if record.exc_info], caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def failures(futures: Sequence[asyncio.Future[ev.Reply]]) -> list[BaseException]:
    """Every future must fail, promptly, with a TuimuxError (never hang, never a raw one)."""
    results = await asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), 10)
    for result in results:
        assert isinstance(result, SessionClosed), repr(result)
        assert isinstance(result, TuimuxError)
        assert_one_sentence(str(result))
    return [result for result in results if isinstance(result, BaseException)]


async def assert_cleanly_closed(client: TmuxClient) -> None:
    await asyncio.wait_for(client.wait_closed(), 10)
    assert client.closed
    assert_one_sentence(str(await asyncio.wait_for(late_failure(client), 5)))
    await client.close()  # closing a dead client is quiet, and idempotent
    await client.close()


async def late_failure(client: TmuxClient) -> BaseException:
    """A command sent after the end fails at once with SessionClosed."""
    with pytest.raises(SessionClosed) as caught:
        await client.command("display-message", "-p", "late")
    return caught.value


class OutputCounter:
    """Counts output without keeping it: a flooding pane would fill memory otherwise."""

    def __init__(self, client: TmuxClient) -> None:
        self.outputs = 0
        self.exits: list[ev.Exit] = []
        client.subscribe(self._on_event)

    def _on_event(self, event: ev.Notification) -> None:
        if isinstance(event, ev.Output):
            self.outputs += 1
        elif isinstance(event, ev.Exit):
            self.exits.append(event)


@contextlib.contextmanager
def frozen_server(server: TmuxServer) -> Iterator[Callable[[], None]]:
    """Stop the server (SIGSTOP), so commands written now stay unanswered, and give the
    test its ``kill -9``. tmux 3.3a answers even ``wait-for`` and ``run-shell`` from a
    control client at once, so a stopped server is the sure way to have them in flight."""
    pid = int(server.display("s:", "#{pid}"))
    os.kill(pid, signal.SIGSTOP)

    def kill() -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    try:
        yield kill
    finally:
        kill()  # never leave a stopped server behind, whatever failed


# --- (a) the server is killed with SIGKILL ----------------------------------------------------


async def test_sigkill_with_a_command_pending_gives_tmuxs_reason(
    tmux_server: TmuxServer, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """A quiet pane: the tmux -C process prints ``%exit server exited unexpectedly``."""
    caplog.set_level(logging.DEBUG)
    tmux_server.new_session("s")
    client = await open_client(tmux_server)
    counter = OutputCounter(client)
    with frozen_server(tmux_server) as kill:
        pending = client.send(["display-message -p never-answered", "list-windows"])
        queued = client.send(["display-message -p never-reached"])
        kill()
        errors = await failures([*pending, *queued])
    assert str(errors[0]) == "Server exited unexpectedly."
    await assert_cleanly_closed(client)
    assert client.exit_reason == "server exited unexpectedly"
    assert not client.link_lost  # tmux said why: not a broken link to reconnect
    assert counter.exits == [ev.Exit("server exited unexpectedly")]  # told once, not twice
    assert_no_traceback(capsys, caplog)


async def test_sigkill_while_a_pane_floods(
    tmux_server: TmuxServer, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Killed mid-flood the server leaves half an ``%output`` line in the pipe, and the
    ``tmux -C`` process's ``%exit server exited unexpectedly`` is glued onto it (seen on
    every run with 3.3a): the reason is lost and the end looks like a broken link. Either
    way the end is clear, and which one it was is told consistently."""
    caplog.set_level(logging.DEBUG)
    tmux_server.new_session("s", command="yes")
    client = await open_client(tmux_server)
    counter = OutputCounter(client)
    await eventually(lambda: counter.outputs > 200)  # the flood is on
    before = counter.outputs
    await eventually(lambda: counter.outputs > before + 50)  # and still on
    with frozen_server(tmux_server) as kill:
        pending = client.send(["display-message -p never-answered"])
        kill()
        await failures(pending)
    await assert_cleanly_closed(client)
    assert client.exit_reason in ("server exited unexpectedly", "the tmux connection ended")
    assert client.link_lost == (client.exit_reason == "the tmux connection ended")
    assert len(counter.exits) == 1 and counter.exits[0].reason == client.exit_reason
    assert_no_traceback(capsys, caplog)


async def _until_exit(app: TuimuxApp) -> None:
    while app.is_running:
        await asyncio.sleep(0.02)


async def test_app_sigkill_while_flooding_exits_1_with_one_sentence(
    tmux_server: TmuxServer, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """The whole app: a flooding pane, a command in flight, then ``kill -9`` of the server.
    ``run_test`` re-raises any exception the app did not handle, so passing shows none."""
    caplog.set_level(logging.DEBUG)
    tmux_server.new_session("s", width=100, height=30, command="yes")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        with frozen_server(tmux_server) as kill:
            pending = app.client.send(["display-message -p never-answered"])
            kill()
            await asyncio.wait_for(_until_exit(app), 10)
            await failures(pending)
    assert app.return_code == 1
    assert_one_sentence(app.error)
    assert app.error is not None and app.error.startswith("tmux ended the attach")
    assert app.client.closed
    assert_no_traceback(capsys, caplog)


# --- (b) %exit: bare from kill-server/kill-session, or with a reason ---------------------------


@pytest.mark.parametrize("kill", [["kill-server"], ["kill-session", "-t", "s"]])
async def test_kill_server_or_session_with_a_command_pending(
    tmux_server: TmuxServer,
    kill: list[str],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """tmux 3.3a prints a bare ``%exit`` for both (checked): the client calls it detached.
    The command is written after tmux finished the kill (``run`` waits for it) and before
    the client has read a byte of the ending: tmux closes the pipe with it unanswered."""
    caplog.set_level(logging.DEBUG)
    tmux_server.new_session("s")
    tmux_server.new_session("other")  # kill-session must not end the server itself
    client = await open_client(tmux_server)
    counter = OutputCounter(client)
    tmux_server.run(*kill)
    pending = client.send(["display-message -p too-late"])
    errors = await failures(pending)
    assert str(errors[0]) == "Detached."
    await assert_cleanly_closed(client)
    assert counter.exits == [ev.Exit("")] and client.exit_reason == "detached"
    assert not client.link_lost
    assert_no_traceback(capsys, caplog)


# Recorded from tmux 3.3a (`tmux -u -C attach -t main`): the attach block and notifications.
STARTUP = b"%begin 1795413723 265 0\n%end 1795413723 265 0\n%session-changed $0 main\n"

# Replays a recording, one step at a time: write bytes, wait for one command line, or
# answer the sentinels of the last line read as tmux does (their nonces are fresh).
REPLAYER = r"""
import json, re, sys
last, number = b"", 900
for kind, text in json.loads(sys.argv[1]):
    if kind == "write":
        sys.stdout.buffer.write(text.encode("latin-1"))
        sys.stdout.buffer.flush()
    elif kind == "seal":
        for nonce in re.findall(rb"display-message -p ([0-9a-f]{32})", last):
            number += 1
            sys.stdout.buffer.write(b"%%begin 1 %d 1\n%s\n%%end 1 %d 1\n" % (number, nonce, number))
        sys.stdout.buffer.flush()
    else:
        last = sys.stdin.buffer.readline()
        if not last:
            break
"""


async def replay(steps: list[tuple[str, bytes]]) -> TmuxClient:
    """A started client reading recorded bytes from a real subprocess, through the real
    ``LocalTransport``: the write steps wait until the client has sent a command."""
    script = json.dumps([(kind, data.decode("latin-1")) for kind, data in steps])
    transport = await LocalTransport.start([sys.executable, "-c", REPLAYER, script])
    client = TmuxClient(transport)
    await client.start()
    return client


READ = ("read", b"")
SEAL = ("seal", b"")


@pytest.mark.parametrize(
    ("exit_line", "reason", "sentence"),
    [
        # control.c CONTROL_MAXIMUM_AGE: a client 300 s behind is cut off with this reason.
        (b"%exit too far behind\n", "too far behind", "Too far behind."),
        (b"%exit detached (from session main)\n", "detached (from session main)", None),
        # A hostile or broken server: the reason is shown to the user, so it must be inert.
        (b"%exit \x1b]0;owned\x07\x1b[2Jevil\r\x9b31m\n", None, None),
    ],
)
async def test_replayed_exit_with_a_reason_reaches_the_user_as_one_sentence(
    exit_line: bytes,
    reason: str | None,
    sentence: str | None,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = await replay([("write", STARTUP), READ, ("write", exit_line + b"%sessions-changed\n")])
    counter = OutputCounter(client)
    pending = client.send(["display-message -p never-answered"])
    errors = await failures(pending)
    if sentence is not None:
        assert str(errors[0]) == sentence
    await assert_cleanly_closed(client)
    if reason is not None:
        assert client.exit_reason == reason
    assert client.exit_reason is not None and printable(client.exit_reason) == client.exit_reason
    assert len(counter.exits) == 1
    assert printable(counter.exits[0].reason) == counter.exits[0].reason
    assert not client.link_lost
    assert_no_traceback(capsys, caplog)


# --- (c) the stream ends inside a reply block --------------------------------------------------

REPLY = b"%begin 1795413724 270 1\nhello main\n%end 1795413724 270 1\n"


@pytest.mark.parametrize(
    "tail",
    [
        b"%begin 1795413724 270 1\n",  # begun, nothing more
        b"%begin 1795413724 270 1\nhello ma",  # cut inside a content line
        b"%begin 1795413724 270 1\nhello main\n%end 1795413724 27",  # cut inside the guard
        b"%begin 1795413724 270 1\nhello main\n%end 1795413724 270 0\n",  # a guard not its own
        b"%begin 1795413724 270 1\n%exit\n",  # %exit inside a block is content, not an exit
        b"%begin 17954137",  # cut inside the %begin
    ],
)
async def test_truncated_reply_block_fails_the_command_clearly(
    tail: bytes, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = await replay([("write", STARTUP), READ, ("write", tail)])
    pending = client.send(["display-message -p 'hello #{session_name}'"])
    errors = await failures(pending)
    assert str(errors[0]) == "The tmux connection ended."
    await assert_cleanly_closed(client)
    assert client.exit_reason == "the tmux connection ended"
    assert client.link_lost  # no %exit: the process carrying tmux died (a reconnect's cue)
    assert_no_traceback(capsys, caplog)


async def test_the_same_recording_complete_is_answered() -> None:
    """The truncation tests' control: the whole reply pairs with the command."""
    client = await replay([("write", STARTUP), READ, ("write", REPLY), SEAL, READ, SEAL, READ])
    try:
        reply = await client.command("display-message", "-p", "hello #{session_name}")
        assert reply.text == ["hello main"]
    finally:
        await client.close()


# --- (d) garbage and unknown notifications around real blocks --------------------------------


class SplicingTransport:
    """A real tmux transport with extra lines spliced in, only at line boundaries and only
    while no reply block is open (the client has nothing pending): what a hostile relay
    or a future tmux could add between tmux's own lines."""

    def __init__(self, inner: LocalTransport) -> None:
        self.inner = inner
        self._extra: list[bytes] = []
        self._at_line_start = True
        self._wake = asyncio.Event()
        self._reading: asyncio.Task[bytes] | None = None

    @property
    def description(self) -> str:
        return self.inner.description

    def splice(self, data: bytes) -> None:
        self._extra.append(data)
        self._wake.set()

    async def read(self) -> bytes:
        while True:
            if self._extra and self._at_line_start:
                return self._extra.pop(0)
            if self._reading is None:
                self._reading = asyncio.ensure_future(self.inner.read())
            woken = asyncio.ensure_future(self._wake.wait())
            await asyncio.wait({self._reading, woken}, return_when=asyncio.FIRST_COMPLETED)
            woken.cancel()
            self._wake.clear()
            if self._reading.done():
                chunk = self._reading.result()
                self._reading = None
                if chunk:
                    self._at_line_start = chunk.endswith(b"\n")
                return chunk

    def write(self, data: bytes) -> None:
        self.inner.write(data)

    async def close(self) -> None:
        if self._reading is not None:
            self._reading.cancel()
        await self.inner.close()

    def error_text(self) -> str:
        return self.inner.error_text()


GARBAGE = [
    b"%bogus 1 2\n",
    b"%future-notification-of-tmux-9 @1 %2 $3 : whatever\n",
    b"\x00\xff\xfe\x1b[31m\x9b\r\n",
    b"%output %99999999999 too many digits\n",
    b"%output\n",
    b"%layout-change @0 ffff,10000x10000,0,0,0 ffff,10000x10000,0,0,0 *\n",
    b"%layout-change @0 " + b"{" * 5000 + b"\n",
    b"%extended-output %0 -1 : bad age\n",
    b"%window-pane-changed @0\n",
    b"%session-window-changed $0\n",
    b"%subscription-changed x\n",
    b"%end 1 2 1\n",  # a guard with no block open
    b"%error 1795413724 999 1\n",
    b"\n",  # an empty line between blocks
    b"%output %0 " + b"x" * (1 << 20) + b"\n",  # one line of 1 MB
    b"\xef\xbb\xbf%exit\n",  # not %exit: a BOM in front
]


async def test_garbage_between_blocks_leaves_the_client_working(
    tmux_server: TmuxServer, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tmux_server.new_session("s")
    argv = tmux_argv("tmux", socket_name=tmux_server.socket_name, socket_path=None, command=[])
    argv += ["attach-session", "-t", "s"]
    splicer = SplicingTransport(await LocalTransport.start(argv, env=tmux_server.env))
    client = TmuxClient(splicer)
    await client.start()
    recorder = Recorder(client)
    try:
        for index, garbage in enumerate(GARBAGE):
            splicer.splice(garbage)
            reply = await client.command("display-message", "-p", f"still here {index}")
            assert reply.text == [f"still here {index}"], garbage[:60]
        # Around blocks too: garbage queued right behind a command, before its reply.
        futures = client.send(["display-message -p around"])
        splicer.splice(b"%bogus before the reply\n%output %0 ok\n")
        assert (await asyncio.wait_for(futures[0], 10)).text == ["around"]
        await recorder.wait_for(lambda event: event == ev.Output("%0", b"ok"))
        # Nothing malformed was passed on as if it meant something.
        assert not any(isinstance(event, ev.Exit | ev.Unknown) for event in recorder.events)
        assert not client.closed
    finally:
        await client.detach()
    assert client.closed and client.exit_reason == "detached"
    assert_no_traceback(capsys, caplog)


def lies_about(pane_id: str) -> list[bytes]:
    """Well-formed notifications about things that do not exist (a pane, a window), and a
    subscription value that is not what tuimux asked for."""
    layout = format_layout(Layout(80, 24, 0, 0, "%999", "leaf")).encode()
    return [
        b"%layout-change @0 " + layout + b" " + layout + b" *\n",
        b"%window-pane-changed @0 %999\n",
        b"%subscription-changed tuimux-panes $0 @0 0 %999 : garbage\n",
        f"%subscription-changed tuimux-panes $0 @0 0 {pane_id} : \n".encode(),
        b"%pause %999\n",
        b"%continue " + pane_id.encode() + b"\n",
        b"%pane-mode-changed %999\n",
        b"%session-window-changed $0 @999\n",
        b"%window-add @999\n",
        b"%unlinked-window-close @999\n",
        b"%extended-output %999 5 : nobody\n",
        b"%sessions-changed\n",
    ]


async def test_app_keeps_working_through_garbage_and_lies(
    tmux_server: TmuxServer, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """The same garbage, and notifications about panes and windows that do not exist, fed
    to the whole app between real blocks: it stays up and typing still reaches the pane."""
    caplog.set_level(logging.DEBUG)
    tmux_server.new_session("s", width=100, height=30)
    argv = tmux_argv("tmux", socket_name=tmux_server.socket_name, socket_path=None, command=[])
    argv += ["attach-session", "-t", "s"]
    splicer = SplicingTransport(await LocalTransport.start(argv, env=tmux_server.env))
    client = TmuxClient(splicer)
    await client.start()
    app = TuimuxApp(client)
    pane_id = tmux_server.display("s:", "#{pane_id}")
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        for garbage in [*GARBAGE, *lies_about(pane_id)]:
            splicer.splice(garbage)
            assert (await client.command("display-message", "-p", "ok")).text == ["ok"]
            await pilot.pause()
        await pilot.press(*"echo alive-$((6*7))", "enter")
        await eventually(lambda: "alive-42" in tmux_server.capture(pane_id))
        assert app.is_running and app.error is None
        await pilot.press("ctrl+b", "d")
        await asyncio.wait_for(_until_exit(app), 10)
    assert app.return_code == 0 and app.error is None
    assert_no_traceback(capsys, caplog)
