"""Keys sent to tmux and not yet answered: if the link dies first, the user is told.

A key is written to the channel at once, but on a link that died a few seconds before
the keepalive notices, the write only fills a buffer nobody reads. tmux answers every
``send-keys`` with a reply block; the keys whose replies never came are the ones that
may not have arrived. They are never sent again (the pane may have taken them, or the
user may be elsewhere by then): they are listed, so the user can type them again.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

from tuimux.control import events as ev
from tuimux.control.escape import printable
from tuimux.terminal.keys import KeyInput, KeyName, Literal

MAX_TRACKED = 512  # sends remembered while unanswered; a dead link may hold more
SHOWN_CHARS = 60  # of the keys listed per pane


@dataclass(frozen=True)
class _Sent:
    pane_id: str
    inputs: tuple[KeyInput, ...]
    futures: tuple[asyncio.Future[ev.Reply], ...]

    def answered(self) -> bool:
        return all(
            future.done() and not future.cancelled() and future.exception() is None
            for future in self.futures
        )


class KeysInFlight:
    """The key sends of one connection whose replies have not (all) come."""

    def __init__(self) -> None:
        self._sent: deque[_Sent] = deque()

    def add(
        self, pane_id: str, inputs: list[KeyInput], futures: list[asyncio.Future[ev.Reply]]
    ) -> None:
        self._sent.append(_Sent(pane_id, tuple(inputs), tuple(futures)))
        while self._sent and (self._sent[0].answered() or len(self._sent) > MAX_TRACKED):
            self._sent.popleft()

    def unanswered(self) -> list[tuple[str, str]]:
        """``(pane_id, keys as shown)`` per run of unanswered sends to one pane, in order."""
        runs: list[tuple[str, list[KeyInput]]] = []
        for sent in self._sent:
            if sent.answered():
                continue
            if runs and runs[-1][0] == sent.pane_id:
                runs[-1][1].extend(sent.inputs)
            else:
                runs.append((sent.pane_id, list(sent.inputs)))
        return [(pane_id, describe(inputs)) for pane_id, inputs in runs]


def describe(inputs: list[KeyInput]) -> str:
    """Keys as a user can retype them without the screen showing what they were: the
    keys may have been a password typed at a prompt that does not echo, so text is
    counted (``12 characters Enter``), special keys named as tmux names them."""
    words: list[str] = []
    count = 0
    for item in inputs:
        if isinstance(item, KeyName) and item.name != "Space":
            if count:
                words.append(_characters(count))
                count = 0
            words.append(printable(item.name, SHOWN_CHARS))
            continue
        count += len(item.text) if isinstance(item, Literal) else 1
    if count:
        words.append(_characters(count))
    shown = " ".join(words)
    return shown if len(shown) <= SHOWN_CHARS else shown[: SHOWN_CHARS - 1] + "…"


def _characters(count: int) -> str:
    return "1 character" if count == 1 else f"{count} characters"
