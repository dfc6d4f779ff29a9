"""Keys sent and not answered: listed readably, inertly and within bounds."""

from __future__ import annotations

import asyncio

from tuimux.control import events as ev
from tuimux.terminal.in_flight import MAX_TRACKED, SHOWN_CHARS, KeysInFlight, describe
from tuimux.terminal.keys import KeyName, Literal


def test_keys_are_counted_never_shown_and_named_keys_named() -> None:
    """What was typed may be a password at a prompt that does not echo: never shown."""
    keys = [Literal("ls"), KeyName("Space"), Literal("-l\x1b]2;x\x07"), KeyName("Enter")]
    assert describe(keys) == "11 characters Enter"
    assert describe([Literal("s3cret"), KeyName("C-c"), Literal("y")]) == (
        "6 characters C-c 1 character"
    )
    assert len(describe([KeyName("Enter")] * 1000)) == SHOWN_CHARS


async def test_only_unanswered_sends_are_listed_and_memory_is_bounded() -> None:
    loop = asyncio.get_running_loop()
    answered: asyncio.Future[ev.Reply] = loop.create_future()
    answered.set_result(ev.Reply(0, 0, 1, False, ()))
    failed: asyncio.Future[ev.Reply] = loop.create_future()
    failed.set_exception(ConnectionError("lost"))
    failed.exception()
    waiting: asyncio.Future[ev.Reply] = loop.create_future()
    keys = KeysInFlight()
    keys.add("%1", [Literal("ok")], [answered])
    keys.add("%1", [Literal("a")], [failed])
    keys.add("%1", [KeyName("Enter")], [waiting])
    keys.add("%2", [Literal("b")], [waiting])
    assert keys.unanswered() == [("%1", "1 character Enter"), ("%2", "1 character")]
    for _ in range(MAX_TRACKED * 2):
        keys.add("%3", [Literal("c")], [waiting])
    assert keys.unanswered()[0][1] == f"{MAX_TRACKED} characters"
    assert len(keys._sent) == MAX_TRACKED
