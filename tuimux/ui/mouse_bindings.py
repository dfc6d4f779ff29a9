"""The user's mouse bindings, run by tuimux as tmux's own client runs them.

With ``mouse on``, tmux's client turns each mouse report into a key (``MouseDown1Pane``,
``MouseDrag1Border``, ``WheelUpPane`` …) and runs its binding from the root table, or
from the copy-mode table of the pane under the pointer, with that pane as the target.
A control client has no pointer, so tuimux does this itself (names and click counting in
:mod:`tuimux.control.mouse_keys`), and does in tmux's place what needs the pointer:

- ``send-keys -M``: the report is encoded for the pane's program, if it asked for one;
- ``copy-mode -M`` and ``begin-selection`` from a mouse key: a drag selection, the copy
  cursor moved to the pointer cell by copy-mode commands (tmux moves it there itself
  before every ``send -X`` of a mouse key, ``window_copy_move_mouse``);
- ``resize-pane -M``: the border follows the pointer (:mod:`tuimux.control.border_drag`);
- ``if-shell -F``: the format is expanded for the pane under the pointer, and the
  branch run here, so the ``-M`` commands in it are done too.

Everything else in a binding is sent as written, aimed at that pane. Events are handled
one at a time, in order: a drag's later reports depend on what its start set up.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from tuimux.client import TmuxClient
from tuimux.control.bindings import Block, Command, fill, parse_commands
from tuimux.control.border_drag import borders_at, on_border, resize_command
from tuimux.control.command import build
from tuimux.control.key_table import Bound, KeyMachine, command_name, lookup
from tuimux.control.mouse_keys import (
    CLICK_SECONDS,
    Clicks,
    aim,
    flags,
    key_name,
    positional,
    without_flag,
)
from tuimux.errors import CommandError, TuimuxError
from tuimux.model import Pane
from tuimux.terminal.mirror import SessionMirror
from tuimux.terminal.mouse import MouseInput, encode_mouse
from tuimux.ui.copy_cursor import place_copy_cursor

log = logging.getLogger(__name__)

# Copy-mode commands whose effect depends on the cursor: tmux puts it at the pointer first.
_AT_POINTER = frozenset({"select-word", "select-line", "copy-line", "copy-end-of-line", "set-mark"})
# Events waiting beyond this are motion the user has moved on from: the newest is kept.
_QUEUE_LIMIT = 256


class Host(Protocol):
    mirror: SessionMirror | None
    client: TmuxClient
    keys: KeyMachine

    def mode_table(self, pane_id: str | None) -> str | None: ...
    def _done_here(self, name: str, command: Command) -> bool: ...
    async def run_commands(self, commands: Sequence[Command]) -> None: ...
    def _refuse_read_only(self, what: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Pointer:
    """One mouse event in window cells, with what tmux would call where it is."""

    mouse: MouseInput
    x: int
    y: int
    where: str  # Pane, Border or "" (nowhere tmux knows)
    pane_id: str | None
    at: float = 0.0  # when it happened (monotonic): clicks are counted by it
    # The key table the client was in when it happened (a prefix typed before it), or
    # "" for the root one: events are handled later, after keys typed since.
    table: str = ""
    # Where the press that began this drag was (tmux's m->lx, m->ly).
    press_x: int = 0
    press_y: int = 0


class MouseBindings:
    """Mouse events of the window view → tmux mouse keys → the user's bindings."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.mouse_on = True  # tmux's ``mouse`` option for the session
        self.clicks = Clicks()
        self._queue: asyncio.Queue[Pointer | str] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._press: Pointer | None = None  # the last press, for drags and double clicks
        self._last = (-1, -1)
        self._drag_button = 0  # tmux's mouse_drag_flag - 1, when non-zero
        self._drag_update: Callable[[Pointer], Awaitable[None]] | None = None
        self._double: asyncio.TimerHandle | None = None
        # The copy cursor as tuimux last placed it (pane, x, y): a drag that stays on one
        # cell sends nothing more.
        self._placed: tuple[str, int, int] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.handled = 0  # events handled so far (for tests waiting on their effect)
        # Window cell of the mouse key whose binding runs now: where tmux's ``-xM -yM``
        # (a menu at the pointer) would put things.
        self.position: tuple[int, int] | None = None

    # -- events in -----------------------------------------------------------------------

    def event(self, mouse: MouseInput, x: int, y: int) -> None:
        """A Textual mouse event at window cell (x, y)."""
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._work())
        machine = self.host.keys
        table = machine.table if machine.pending else ""
        pointer = replace(self._locate(mouse, x, y), at=time.monotonic(), table=table)
        if mouse.action == "motion" and self._queue.qsize() > _QUEUE_LIMIT:
            return  # the reports outran tmux: later ones still come
        self._queue.put_nowait(pointer)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
        if self._double is not None:
            self._double.cancel()

    async def _work(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                if isinstance(item, str):
                    await self._double_click()
                else:
                    await self._handle(item)
            except TuimuxError as error:
                log.debug("mouse binding failed: %s", error)
            except Exception:  # one bad event must not end mouse handling for good
                log.exception("mouse event failed")
            finally:
                self.handled += 1

    def _locate(self, mouse: MouseInput, x: int, y: int) -> Pointer:
        mirror = self.host.mirror
        window = mirror.model.current if mirror is not None else None
        layout = window.visible_layout if window is not None else None
        if mirror is None or window is None or layout is None:
            return Pointer(mouse, x, y, "", None)
        panes = mirror.model.panes
        floats = [cell.pane_id for cell in layout.floating if cell.pane_id]
        order = [*floats, *(pane_id for pane_id in layout.pane_ids() if pane_id not in floats)]
        if not window.zoomed and on_border(layout, x, y):
            return Pointer(mouse, x, y, "Border", None)
        for pane_id in order:
            pane = panes.get(pane_id)
            if pane is not None and _inside(pane, x, y):
                return Pointer(mouse, x, y, "Pane", pane_id)
        return Pointer(mouse, x, y, "", None)

    # -- tmux's server_client_check_mouse ------------------------------------------------

    async def _handle(self, pointer: Pointer) -> None:
        mirror, mouse = self.host.mirror, pointer.mouse
        if mirror is None:
            return
        if self.host.client.read_only:
            if mouse.action in ("press", "wheel-up", "wheel-down"):
                self.host._refuse_read_only("mouse")
            return
        if not self.mouse_on:  # tmux forwards every report to the pane, if it asked
            self._forward(pointer)
            return
        mods = {"shift": mouse.shift, "meta": mouse.meta, "ctrl": mouse.ctrl}
        if mouse.action == "press":
            kind = self.clicks.press(mouse.button, pointer.at)
            self._schedule_double()
            self._press = pointer
            self._last = (pointer.x, pointer.y)
            if kind is not None and pointer.where:
                await self._key(key_name(kind, mouse.button, pointer.where, **mods), pointer)
        elif mouse.action == "motion" and mouse.button:
            await self._dragged(pointer, mods)
        elif mouse.action == "motion":  # tmux binds no MouseMove by default: to the program
            self._forward(pointer)
        elif mouse.action == "release":
            self._last = (pointer.x, pointer.y)
            button = self._press.mouse.button if self._press is not None else 1
            if self._drag_button:
                button, self._drag_button = self._drag_button, 0
                self._drag_update = None
                kind = "MouseDragEnd"
            else:
                kind = "MouseUp"
            if pointer.where:
                await self._key(key_name(kind, button, pointer.where, **mods), pointer)
        else:
            kind = "WheelUp" if mouse.action == "wheel-up" else "WheelDown"
            if pointer.where:
                await self._key(key_name(kind, 0, pointer.where, **mods), pointer)

    async def _dragged(self, pointer: Pointer, mods: dict[str, bool]) -> None:
        press = self._press
        if press is None:
            return
        at = replace(pointer, press_x=press.x, press_y=press.y)
        if self._drag_button:
            if (pointer.x, pointer.y) == self._last:
                return
            self._last = (pointer.x, pointer.y)
            if self._drag_update is not None:
                await self._drag_update(at)
            elif pointer.where:
                key = key_name("MouseDrag", self._drag_button, pointer.where, **mods)
                await self._key(key, at)
            return
        # The drag starts where the button went down (tmux uses m->lx, m->ly).
        self._drag_button = press.mouse.button
        self._last = (pointer.x, pointer.y)
        start = replace(at, where=press.where, pane_id=press.pane_id)
        if press.where:
            await self._key(key_name("MouseDrag", press.mouse.button, press.where, **mods), start)

    def _schedule_double(self) -> None:
        if self._double is not None:
            self._double.cancel()
        loop = asyncio.get_running_loop()
        self._double = loop.call_later(CLICK_SECONDS, self._queue.put_nowait, "double")

    async def _double_click(self) -> None:
        press = self._press
        if not self.clicks.expire(time.monotonic()) or press is None or not press.where:
            return
        mouse = press.mouse
        key = key_name(
            "DoubleClick",
            mouse.button,
            press.where,
            shift=mouse.shift,
            meta=mouse.meta,
            ctrl=mouse.ctrl,
        )
        await self._key(key, replace(press, press_x=press.x, press_y=press.y))

    # -- the key tables --------------------------------------------------------------------

    async def _key(self, key: str, pointer: Pointer) -> None:
        """Look the key up as tmux does (the pane's copy-mode table first) and run it."""
        machine = self.host.keys
        bound: Bound | None = None
        if pointer.table:
            bound = lookup(machine.tables.get(pointer.table, {}), key)
            if machine.table == pointer.table:
                machine.reset()  # tmux leaves the table after any key in it
            if bound is None:
                return
        else:
            mode = self.host.mode_table(pointer.pane_id)
            if mode is not None:
                bound = lookup(machine.tables.get(mode, {}), key)
            if bound is None:
                bound = lookup(machine.tables.get(machine.root, {}), key)
        if bound is None or bound.key == "Any":
            self._forward(pointer)
            return
        self.position = (pointer.x, pointer.y)
        await self._run(bound.commands, pointer)

    def _forward(self, pointer: Pointer) -> None:
        """tmux's ``send -M`` and an unbound mouse key: to the program, if it asked."""
        mirror = self.host.mirror
        pane_id = pointer.pane_id
        if mirror is None or pane_id is None:
            return
        pane, terminal = mirror.model.panes.get(pane_id), mirror.terminals.get(pane_id)
        if pane is None or terminal is None or pane.in_mode:
            return
        mouse = replace(pointer.mouse, x=pointer.x - pane.left, y=pointer.y - pane.top)
        data = encode_mouse(mouse, terminal.screen.mouse_modes)
        if data is not None:
            mirror.send_bytes(pane_id, data)

    # -- running a binding -------------------------------------------------------------------

    async def _run(self, commands: Sequence[Command], pointer: Pointer) -> bool:
        """Run a binding's commands for the pointer; False once one failed (tmux stops)."""
        target = pointer.pane_id or self._window_id() or ""
        batch: list[Command] = []
        wheel = pointer.mouse.action.startswith("wheel")
        for command in commands:
            name = command_name(command[0]) if command and isinstance(command[0], str) else ""
            seen = flags(command)
            args = positional(command)
            if name == "if-shell" and "F" in seen and args and isinstance(args[0], str):
                if not await self._send(batch, pointer):
                    return False
                batch = []
                if not await self._if_format(args, pointer):
                    return False
            elif name == "send-keys" and "M" in seen:
                if not await self._send(batch, pointer):
                    return False
                batch = []
                self._forward(pointer)
            elif name == "copy-mode" and "M" in seen:
                batch.append(aim(without_flag(command, "M"), target))
                if not await self._send(batch, pointer):
                    return False
                batch = []
                await self._start_selection(pointer)
            elif name == "resize-pane" and "M" in seen:
                if not await self._send(batch, pointer):
                    return False
                batch = []
                await self._start_resize(pointer)
            elif name == "send-keys" and "X" in seen and args and not wheel:
                if args[0] == "begin-selection":
                    if not await self._send(batch, pointer):
                        return False
                    batch = []
                    await self._start_selection(pointer)
                    continue
                if args[0] in _AT_POINTER:
                    if not await self._send(batch, pointer):
                        return False
                    batch = []
                    await self._place(pointer, pointer.x, pointer.y)
                batch.append(aim(command, target))
            elif self.host._done_here(name, command):
                if not await self._send(batch, pointer):
                    return False
                batch = []
                await self.host.run_commands([aim(command, target)])
            else:
                batch.append(aim(command, target))
        return await self._send(batch, pointer)

    def _window_id(self) -> str | None:
        mirror = self.host.mirror
        window = mirror.model.current if mirror is not None else None
        return window.window_id if window is not None else None

    async def _if_format(self, args: Sequence[object], pointer: Pointer) -> bool:
        """``if-shell -F``: tmux expands the format for the pane under the pointer."""
        target = pointer.pane_id or self._window_id() or ""
        text = str(args[0])
        try:
            (value,) = await self.host.client.read_formats(
                [("display-message", "-p", "-t", target, text)]
            )
        except TuimuxError as error:
            log.debug("if-shell -F not expanded: %s", error)
            return False
        result = "".join(value)
        branch = args[1] if (result and result != "0") else (args[2] if len(args) > 2 else None)
        if branch is None:
            return True
        try:
            commands = branch.commands if isinstance(branch, Block) else parse_commands(str(branch))
        except CommandError:
            return False
        return await self._run(commands, pointer)

    async def _send(self, batch: list[Command], pointer: Pointer) -> bool:
        """Plain commands, on one line; bracketed by buffer listings when they may copy,
        so a copy reaches the terminal's clipboard (tuimux.terminal.clipboard)."""
        mirror = self.host.mirror
        if not batch or mirror is None:
            return True
        try:
            built = [build(*argv) for argv in fill(batch, [])]  # blocks as tmux text
        except CommandError as error:
            log.debug("mouse binding not sent: %s", error)
            return False
        copies = any(
            command_name(str(command[0])) == "send-keys" and "X" in flags(command)
            for command in batch
        )
        if copies:
            futures, passing_on = mirror.copies.bracket(built)
            task = asyncio.get_running_loop().create_task(passing_on)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            futures = self.host.client.send(built)
        ok = True
        for future in futures:
            try:
                await future
            except TuimuxError as error:
                log.debug("mouse binding command failed: %s", error)
                ok = False
        self._placed = None
        for command in batch:
            if command_name(str(command[0])) == "copy-mode" and pointer.pane_id is not None:
                pane = mirror.model.panes.get(pointer.pane_id)
                if pane is not None and not pane.in_mode:
                    pane.in_mode, pane.mode = True, ""  # %pane-mode-changed may come later
        if pointer.pane_id is not None:
            mirror.refresh_mode_soon(pointer.pane_id)
        return ok

    # -- drags -------------------------------------------------------------------------------

    async def _start_selection(self, pointer: Pointer) -> None:
        """``window_copy_start_drag``: the selection starts where the button went down,
        and its end follows the pointer until the button is released."""
        pane_id = pointer.pane_id
        if pane_id is None:
            return
        self._placed = None
        await self._place(pointer, pointer.press_x, pointer.press_y)
        await self._send_plain([build("send-keys", "-t", pane_id, "-X", "begin-selection")])

        before = [pointer.press_x, pointer.press_y]

        async def update(now: Pointer) -> None:
            await self._place(replace(now, pane_id=pane_id), now.x, now.y)
            scrolls = now.y != before[1] or now.x == before[0]
            before[:] = [now.x, now.y]
            # At the top or bottom row the view scrolls a line (window_copy_drag_update;
            # tmux repeats it on a timer, tuimux on each move there), and the cursor is put
            # back at the pointer (tmux's scroll leaves it at a remembered column).
            mirror = self.host.mirror
            pane = mirror.model.panes.get(pane_id) if mirror is not None else None
            if pane is None or not _inside(pane, now.x, now.y):
                return
            edge = {pane.top: "scroll-up", pane.top + pane.height - 1: "scroll-down"}
            if now.y in edge and pane.height > 1 and scrolls:
                await self._send_plain([build("send-keys", "-t", pane_id, "-X", edge[now.y])])
                self._placed = None
                await self._place(replace(now, pane_id=pane_id), now.x, now.y)

        self._drag_update = update
        await update(pointer)

    async def _start_resize(self, pointer: Pointer) -> None:
        mirror = self.host.mirror
        window = mirror.model.current if mirror is not None else None
        layout = window.layout if window is not None else None
        if mirror is None or window is None or layout is None:
            return
        borders = borders_at(layout, pointer.press_x, pointer.press_y)
        status = window.border_status not in ("", "off")

        async def update(now: Pointer) -> None:
            argvs = [resize_command(border, now.x, now.y, status) for border in borders]
            built = [build(*argv) for argv in argvs if argv is not None]
            if built and self.host.mirror is not None:
                self.host.mirror.fire(built)

        self._drag_update = update
        await update(pointer)

    async def _send_plain(self, built: list[str]) -> None:
        for future in self.host.client.send(built):
            try:
                await future
            except TuimuxError as error:
                log.debug("copy-mode command failed: %s", error)

    async def _place(self, pointer: Pointer, x: int, y: int) -> None:
        """Put the copy cursor on window cell (x, y) of the pointer's pane, as tmux's
        mouse does; nothing when (x, y) is outside it (tmux's ``cmd_mouse_at``)."""
        mirror, pane_id = self.host.mirror, pointer.pane_id
        pane = mirror.model.panes.get(pane_id) if mirror is not None and pane_id else None
        if pane is None or pane_id is None or not _inside(pane, x, y):
            return
        col, row = x - pane.left, y - pane.top
        if self._placed == (pane_id, col, row):
            return
        if await place_copy_cursor(self.host.client, pane_id, col, row):
            self._placed = (pane_id, col, row)


def _inside(pane: Pane, x: int, y: int) -> bool:
    return pane.left <= x < pane.left + pane.width and pane.top <= y < pane.top + pane.height
