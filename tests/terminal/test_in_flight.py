"""Keys sent and not answered: listed readably, inertly and within bounds."""

from __future__ import annotations

import asyncio

from tuimux.control import events as ev
from tuimux.terminal.in_flight import MAX_TRACKED, SHOWN_CHARS, KeysInFlight, describe
from tuimux.terminal.keys import KeyName, Literal


def test_keys_are_described_as_typed_and_made_inert() -> None:
    keys = [Literal("ls"), KeyName("Space"), Literal("-l\x1b]2;x\x07"), KeyName("Enter")]
    shown = describe(keys)
    assert shown.startswith("'ls -l") and shown.endswith("' Enter")
    assert "\x1b" not in shown and "\x07" not in shown
    assert len(describe([Literal("x" * 1000)])) == SHOWN_CHARS


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
    assert keys.unanswered() == [("%1", "'a' Enter"), ("%2", "'b'")]
    for _ in range(MAX_TRACKED * 2):
        keys.add("%3", [Literal("c")], [waiting])
    assert len(keys.unanswered()[0][1]) == SHOWN_CHARS and len(keys._sent) == MAX_TRACKED
