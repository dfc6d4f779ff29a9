"""Shared test helpers that need tuimux itself (conftest stays free of product imports)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from tests.conftest import TmuxServer
from tuimux.client import TmuxClient
from tuimux.control import events as ev
from tuimux.transport.local import LocalTransport, tmux_argv

if TYPE_CHECKING:
    from tuimux.ui.app import TuimuxApp


async def open_client(
    server: TmuxServer, command: list[str] | None = None, *, start: bool = True
) -> TmuxClient:
    """A control client on the test server (the server must already run)."""
    argv = tmux_argv(
        "tmux",
        socket_name=server.socket_name,
        socket_path=None,
        command=command or ["attach-session", "-t", "s"],
    )
    client = TmuxClient(await LocalTransport.start(argv, env=server.env))
    if start:
        await client.start()
    return client


_SENTINEL = re.compile(r"(?:^| ; )display-message -p [0-9a-f]{32}(?=$| ; )")


def without_sentinels(lines: list[str]) -> list[str]:
    """Command lines as sent, without the client's framing sentinels
    (:mod:`tuimux.control.framing`): what the test itself asked for."""
    kept = [_SENTINEL.sub("", line) for line in lines]
    return [line for line in kept if line]


class Recorder:
    """Collects notifications and lets a test await one that matches."""

    def __init__(self, client: TmuxClient) -> None:
        self.events: list[ev.Notification] = []
        self._waiters: list[
            tuple[Callable[[ev.Notification], bool], asyncio.Future[ev.Notification]]
        ] = []
        client.subscribe(self._on_event)

    def _on_event(self, event: ev.Notification) -> None:
        self.events.append(event)
        for predicate, future in list(self._waiters):
            if not future.done() and predicate(event):
                future.set_result(event)

    async def wait_for(
        self, predicate: Callable[[ev.Notification], bool], timeout: float = 10.0
    ) -> ev.Notification:
        for event in self.events:
            if predicate(event):
                return event
        future: asyncio.Future[ev.Notification] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        return await asyncio.wait_for(future, timeout)


async def eventually(
    condition: Callable[[], bool],
    timeout: float = 10.0,
    detail: Callable[[], object] | None = None,
) -> None:
    """Wait for a condition of tuimux's own state that notifications will make true.

    ``detail`` is called on failure to say what the state was (for CI logs).
    """
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            extra = f": {detail()!r}" if detail is not None else ""
            raise AssertionError(f"condition not reached in time{extra}")
        await asyncio.sleep(0.02)


def pane_geometry(
    server: TmuxServer, target: str, *, session: bool = False
) -> dict[str, tuple[int, int, int, int]]:
    """tmux's own (left, top, width, height) for every pane of a window (or session)."""
    scope = ["-s"] if session else []
    out = server.run(
        "list-panes",
        *scope,
        "-t",
        target,
        "-F",
        "#{pane_id} #{pane_left} #{pane_top} #{pane_width} #{pane_height}",
    )
    result = {}
    for line in out.splitlines():
        pane_id, *numbers = line.split()
        left, top, width, height = (int(n) for n in numbers)
        result[pane_id] = (left, top, width, height)
    return result


_CELL_CONTROLS = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)])


def as_drawn(line: str, tab_stop: int = 8, c1_column: bool = False) -> str:
    """A ``capture-pane -p`` line as a terminal shows it (tuimux's oracle, any tmux).

    tmux 3.6+ keeps a tab in the grid and captures it as one ``\\t`` (3.3a captured its
    spaces), and keeps a C1 control such as U+009B as a zero-width part of the cell
    before it (3.3a dropped it). A screen has no tab characters and tuimux never draws
    a control character, so both are turned into what is seen: the tab's spaces up to
    the next default tab stop, and nothing. tmux 3.2a gives a C1 control a column of its
    own (``c1_column``, from the server's cell rules): tuimux shows that column blank.
    """
    from pyte.screens import wcwidth  # what the emulator measures with

    drawn, column = [], 0
    for char in line:
        if char == "\t":
            spaces = tab_stop - column % tab_stop
            drawn.append(" " * spaces)
            column += spaces
        elif c1_column and "\x80" <= char <= "\x9f":
            drawn.append(" ")
            column += 1
        elif ord(char) not in _CELL_CONTROLS:
            drawn.append(char)
            column += max(wcwidth(char), 0)
    return "".join(drawn)


_TEXTUAL_NAMES = {
    "Up": "up",
    "Down": "down",
    "Left": "left",
    "Right": "right",
    "Space": "space",
    "PPage": "pageup",
    "NPage": "pagedown",
    "DC": "delete",
    "IC": "insert",
    "Home": "home",
    "End": "end",
    "Enter": "enter",
    "Tab": "tab",
    "BSpace": "backspace",
    "Escape": "escape",
    **{f"F{n}": f"f{n}" for n in range(1, 13)},
}
_TEXTUAL_MODIFIERS = {"C": "ctrl", "M": "alt", "S": "shift"}


def textual_key(tmux_name: str) -> str:
    """The key a test presses (Textual's name) for a key as tmux's tables name it
    (``C-o`` → ``ctrl+o``, ``M-Up`` → ``alt+up``, ``%`` → ``percent_sign``)."""
    from textual.keys import _character_to_key

    modifiers = []
    base = tmux_name
    while len(base) > 2 and base[1] == "-" and base[0] in _TEXTUAL_MODIFIERS:
        modifiers.append(_TEXTUAL_MODIFIERS[base[0]])
        base = base[2:]
    base = _TEXTUAL_NAMES.get(base, base)
    if len(base) == 1:
        base = _character_to_key(base)
    return "+".join([*sorted(modifiers), base])


async def model_status_line(app: TuimuxApp) -> None:
    """Stop reading the user's status line from tmux, so the bar draws the line tuimux
    makes from its model (shown before the first read and for lines too long to lay
    out): for tests that feed the model names tmux never had."""
    await eventually(lambda: app._status_task is not None)
    assert app._status_task is not None
    app._status_task.cancel()
    app.status_bar.status = None


async def status_read_now(app: TuimuxApp) -> None:
    """The user's status line as tmux expands it now (tuimux reads it again after each
    change; this waits for no timer)."""
    from tuimux.ui.status_line import STATUS_READ, parse_status_read

    replies = await app.client.read_formats(list(STATUS_READ))
    app.status_bar.show_status(parse_status_read(replies))
