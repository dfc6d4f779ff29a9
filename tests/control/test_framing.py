"""Sealed framing: no text inside a reply is ever dispatched as a notification.

The peer here is a scripted tmux that writes exactly what tmux 3.3a writes for the
commands it is sent (a guard pair per command, the reply's lines raw between them, the
rest of a line dropped after an error, notifications between blocks), with the server's
real counter arithmetic, so pane content can hold copies of the very guards that will
frame it. The real-tmux attack is in tests/security/test_forged_guards.py.
"""

from __future__ import annotations

import asyncio
import shlex
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuimux.client import TmuxClient
from tuimux.control import events as ev
from tuimux.control.command import build
from tuimux.control.command_line import split_command_line
from tuimux.control.framing import lifts_messages, needs_seal
from tuimux.control.parser import ControlParser, parse_notification
from tuimux.errors import CommandError, TmuxError

TIME = 1733580000


class ScriptedTmux:
    """Answers each command line as tmux does; ``capture-pane`` prints ``screen``."""

    def __init__(self, screen: list[bytes], between: list[bytes]) -> None:
        self.screen = screen
        self.between = list(between)  # notifications to write between blocks, in order
        self.number = 100
        self.queue: asyncio.Queue[bytes] = asyncio.Queue()
        self.description = "scripted"
        self.queue.put_nowait(b"%begin 1 99 0\n%end 1 99 0\n%session-changed $0 s\n")

    def _block(self, lines: list[bytes], error: bool = False, between: bool = False) -> bytes:
        """One reply block; ``between``: tmux may write notifications after it (after a
        sentinel, not between a read's %end and its sentinel: nothing runs there)."""
        self.number += 1
        guard = f"{TIME} {self.number} 1".encode()
        end = b"%error " if error else b"%end "
        out = b"%begin " + guard + b"\n" + b"".join(line + b"\n" for line in lines)
        out += end + guard + b"\n"
        if between and self.between:
            out += self.between.pop(0) + b"\n"
        return out

    def write(self, data: bytes) -> None:
        out = b""
        for line in data.decode().splitlines():
            for command in line.split(" ; "):
                argv = shlex.split(command)
                if argv[0] == "capture-pane" and "%gone" in argv:
                    out += self._block([b"can't find pane: %gone"], error=True)
                    break  # tmux drops the rest of the line
                if argv[0] == "capture-pane":
                    out += self._block(self.screen)
                elif argv[0] == "display-message":
                    out += self._block([argv[-1].encode()], between=len(argv[-1]) == 32)
                else:
                    out += self._block([], between=True)
        self.queue.put_nowait(out)

    async def read(self) -> bytes:
        return await self.queue.get()

    async def close(self) -> None:
        self.queue.put_nowait(b"")

    def error_text(self) -> str:
        return ""


async def run_client(
    screen: list[bytes], between: list[bytes], work: Callable[[TmuxClient], object]
) -> tuple[list[ev.Notification], object]:
    peer = ScriptedTmux(screen, between)
    client = TmuxClient(peer)
    seen: list[ev.Notification] = []
    client.subscribe(seen.append)
    await client.start(timeout=5)
    try:
        result = await asyncio.wait_for(work(client), 5)  # type: ignore[arg-type]
    finally:
        await client.close()
    used = len(between) - len(peer.between)
    expected = [parse_notification(line) for line in between[:used]]
    dispatched = [e for e in seen if not isinstance(e, ev.Exit | ev.SessionChanged)]
    assert dispatched[: len(expected)] == expected  # what tmux wrote between blocks
    return dispatched, result


def guards_near(number: int) -> st.SearchStrategy[bytes]:
    """Lines a pane that knows the counter would print: the coming guards, exactly."""
    return st.builds(
        lambda kind, n, flags: f"%{kind} {TIME} {n} {flags}".encode(),
        st.sampled_from(["end", "error", "begin"]),
        st.integers(number, number + 12),
        st.sampled_from([1, 0]),
    )


FORGED = [
    b"%window-pane-changed @0 %9",
    b"%output %1 evil",
    b"%layout-change @0 ffff,100000x100000,0,0,9 ffff,100000x100000,0,0,9 *",
    b"%session-window-changed $0 @9",
    b"%exit forged",
    b"%continue %1",
]
screen_lines = st.lists(
    st.one_of(
        guards_near(100),
        st.sampled_from(FORGED),
        st.binary(max_size=30).map(lambda data: data.replace(b"\n", b"")),
    ),
    max_size=25,
)
legit = st.lists(st.sampled_from([b"%output %1 ok", b"%window-add @7", b"%sessions-changed"]))


def capture_group(client: TmuxClient) -> object:
    return client.commands(
        [
            ["capture-pane", "-p", "-t", "%1"],
            ["display-message", "-p", "state"],
            ["capture-pane", "-p", "-a", "-t", "%1"],
        ]
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(screen_lines, legit)
def test_pane_content_never_changes_what_is_dispatched(
    screen: list[bytes], between: list[bytes]
) -> None:
    async def both() -> None:
        clean_events, _ = await run_client([b"plain"], between, capture_group)
        events, replies = await run_client(screen, between, capture_group)
        assert events == clean_events
        assert [reply.lines for reply in replies] == [  # type: ignore[attr-defined]
            tuple(screen),
            (b"state",),
            tuple(screen),
        ]

    asyncio.run(both())


def test_a_failed_sealed_command_ends_its_line_and_later_commands_still_pair() -> None:
    hostile = [f"%error {TIME} {n} 1".encode() for n in range(100, 110)] + FORGED

    async def work(client: TmuxClient) -> object:
        failed = client.commands([["capture-pane", "-p", "-t", "%gone"], ["kill-server"]])
        try:
            await failed
        except TmuxError as error:
            assert "can't find pane" in str(error)
        else:
            raise AssertionError("the failed capture did not fail")
        return await client.command("capture-pane", "-p", "-t", "%1")

    events, reply = asyncio.run(run_client(hostile, [], work))
    assert events == []
    assert reply.lines == tuple(hostile)  # type: ignore[attr-defined]


def test_a_sealed_block_without_its_end_is_unframed_and_desyncs() -> None:
    nonce = b"0123456789abcdef0123456789abcdef"
    parser = ControlParser()
    assert parser.feed_line(b"%begin 1 5 1") == [ev.Begin(1, 5, 1)]
    parser.seal({nonce})
    events: list[ev.Event] = []
    for line in (b"text", b"%output %1 hidden", b"%begin 1 6 1", nonce, b"%end 1 6 1"):
        events += parser.feed_line(line)
    assert events == [
        ev.Unframed(1, 5, 1, "no end guard before the sentinel"),
        ev.Begin(1, 6, 1),
        ev.Reply(1, 6, 1, False, (nonce,)),
    ]
    assert parser.feed_line(b"%output %1 after") == [ev.Output("%1", b"after")]


def sealed(lines: list[bytes], nonce: bytes) -> list[ev.Event]:
    parser = ControlParser()
    parser.feed_line(b"%begin 1 5 1")
    parser.seal({nonce})
    events: list[ev.Event] = []
    for line in lines:
        events += parser.feed_line(line)
    return events


def test_the_last_guard_before_the_sentinel_ends_the_block() -> None:
    nonce = b"ffffffffffffffffffffffffffffffff"
    forged = [b"%end 1 5 1", b"%window-pane-changed @1 %9", b"%begin 1 6 1", b"x"]
    sentinel = [b"%begin 1 6 1", nonce, b"%end 1 6 1"]
    assert sealed([*forged, b"%end 1 5 1", *sentinel], nonce) == [
        ev.Reply(1, 5, 1, False, tuple(forged)),
        ev.Begin(1, 6, 1),
        ev.Reply(1, 6, 1, False, (nonce,)),
    ]


def test_nothing_between_a_sealed_reply_and_its_sentinel_is_dispatched() -> None:
    """run-shell's output after its %end (3.2a), a block if-shell inserts: re-read."""
    nonce = b"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
    after = [b"%output %2 text", b"%begin 1 6 1", b"%window-pane-changed @1 %9", b"%end 1 6 1"]
    sentinel = [b"%begin 1 7 1", nonce, b"%end 1 7 1"]
    assert sealed([b"reply", b"%end 1 5 1", *after, *sentinel], nonce) == [
        ev.Reply(1, 5, 1, False, (b"reply", b"%output %2 text", b"%window-pane-changed @1 %9")),
        ev.Desync("text followed a sealed reply"),
        ev.Begin(1, 7, 1),
        ev.Reply(1, 7, 1, False, (nonce,)),
    ]


def test_a_sealed_reply_over_the_cap_is_cut_but_still_framed() -> None:
    nonce = b"dddddddddddddddddddddddddddddddd"
    parser = ControlParser(max_block_bytes=100)
    parser.feed_line(b"%begin 1 5 1")
    parser.seal({nonce})
    events: list[ev.Event] = []
    for line in [b"x" * 60, b"y" * 60, b"%end 1 5 1", b"%begin 1 6 1", nonce, b"%end 1 6 1"]:
        events += parser.feed_line(line)
    assert events == [
        ev.Reply(1, 5, 1, False, (b"x" * 60,)),
        ev.Begin(1, 6, 1),
        ev.Reply(1, 6, 1, False, (nonce,)),
    ]


def test_prints_with_p_are_sealed_and_quiet_commands_are_not() -> None:
    assert not needs_seal("send-keys -t %1 -l abc")
    assert not needs_seal("new-window -d -t $1")
    assert needs_seal("new-window -dP -F '#{pane_id}'")
    assert needs_seal("split-window -P")
    assert needs_seal("capture-pane -p -t %1")
    assert needs_seal("some-future-command")


def test_background_shell_commands_are_refused_at_the_prompt() -> None:
    """Their output comes back as an unsealable FLAGS-0 block (run-shell -b, if-shell -b)."""
    for line in (
        "run-shell -b 'cat x'",
        "run -b 'cat x'",
        "if-shell -b true 'display -p x'",
        "if -Fb 1 'display -p x'",
        "run-sh -t %1 -b 'cat x'",
        "list-windows ; run-shell -bC 'display -p x'",
    ):
        with pytest.raises(CommandError, match="-b is not run from the prompt"):
            split_command_line(line)
    for line in ("run-shell 'cat x'", "if-shell -F 1 'display -p -b'", "run -t -b 'x'"):
        assert split_command_line(line)


@pytest.mark.parametrize(
    ("command", "lifted"),
    [
        (build("display-message", "hi"), True),
        (build("display-message", "-d", "0", "-t", "%1", "--", "-p #{pane_title}"), True),
        (build("display-message", "-c", "-pav", "hi"), True),
        (build("display-message", "-p", "hi"), False),
        (build("display-message", "-dp", "10", "hi"), False),
        (build("display-message", "-a"), False),
        (build("display-message", "-v", "hi"), False),
        (build("split-window", "-t", "%1"), True),
        (build("split-window", "-P", "-t", "%1"), False),
        (build("capture-pane", "-p", "-t", "%1"), False),
        (build("run-shell", "echo hi"), False),
    ],
)
def test_messages_are_lifted_only_from_replies_without_outside_text(
    command: str, lifted: bool
) -> None:
    """tmux 3.4+ writes ``%message`` inside a reply block; a capture of a pane that
    printed ``%message …`` must not become a status-line message."""
    assert lifts_messages(command) is lifted
