"""tmux's popup (``display-popup``), run in a hidden session and drawn by tuimux.

tmux runs a popup's command on a pty it draws over its client's terminal; a control
client has none, and tmux 3.3+ would hold tuimux's queue until the popup closed. tuimux
runs the command in a session of its own instead (``new-session -d``, named
``tuimux-popup-<random>``, sized to the popup's inside, ``remain-on-exit`` so the exit
status can be read, ``destroy-unattached`` off) and shows that pane in a box over the
session: its screen is read with ``capture-pane`` ten times a second and after each key,
keys go to it with ``send-keys``. The session is killed when the popup closes; it is
listed by ``list-sessions`` for as long as the popup is open, nowhere else.

Keys as in tmux's ``popup_key_cb``: Escape and ``C-c`` close the popup unless ``-E``
or ``-EE`` was given and the command still runs; every other key goes to the command.
With ``-E`` the popup closes when the command exits, with ``-EE`` only when it exits
with status 0; otherwise it stays, showing what the command left, until Escape or C-c.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.events import Key
from textual.widgets import Static

from tuimux.client import TmuxClient
from tuimux.control.escape import printable
from tuimux.control.popups import PopupSpec
from tuimux.errors import TuimuxError
from tuimux.terminal.keys import KeyInput, Literal, encode_key, send_keys_args
from tuimux.ui.dialogs import KeyTaker
from tuimux.ui.menu import plain

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")
STATE = "#{cursor_x} #{cursor_y} #{pane_dead} #{pane_dead_status} #{pane_height}"
SCROLLED_BACK = 8  # history lines read back: what tmux 3.2a's "Pane is dead" scrolled away
_IDS = re.compile(r"(\$[0-9]+) (%[0-9]+)")
_SGR = re.compile(r"\x1b\[[0-9;:]*m")


@dataclass(slots=True)
class PopupJob:
    """The hidden session running a popup's command."""

    client: TmuxClient
    session_id: str = ""
    pane_id: str = ""

    async def start(self, spec: PopupSpec, width: int, height: int, directory: str) -> None:
        name = f"tuimux-popup-{secrets.token_hex(4)}"
        argv = ["new-session", "-d", "-P", "-F", "#{session_id} #{pane_id}", "-s", name]
        argv += ["-x", str(width), "-y", str(height)]
        if directory:
            argv += ["-c", directory]
        for variable in spec.environment:
            argv += ["-e", variable]
        if spec.command:
            argv += ["--", *spec.command]
        # One line: the options are set before tmux can notice the command exit.
        replies = await self.client.commands(
            [
                argv,
                ["set-option", "-t", f"{name}:", "destroy-unattached", "off"],
                ["set-option", "-w", "-t", f"{name}:", "remain-on-exit", "on"],
                # No "Pane is dead" line (3.3+; -q: 3.2a has no such option and always
                # draws one, which read() takes back out).
                ["set-option", "-q", "-w", "-t", f"{name}:", "remain-on-exit-format", ""],
                # Its own size, whatever clients come and go (a private window: the
                # trap about resize-window pinning the size is what is wanted here).
                ["set-option", "-w", "-t", f"{name}:", "window-size", "manual"],
                ["resize-window", "-t", f"{name}:", "-x", str(width), "-y", str(height)],
            ]
        )
        # Only the ids: tmux-next (3.8) may end the line with notifications.
        self.session_id = f"={name}"  # killed by name if tmux's answer is unreadable
        ids = _IDS.match("".join(replies[0].text))
        if ids is None:
            raise TuimuxError("display-popup: tmux did not say which session it made.")
        self.session_id, self.pane_id = ids[1], ids[2]

    async def read(self) -> tuple[list[str], tuple[int, int], bool, int | None]:
        """The pane's lines (with SGR), the cursor, whether the command exited and with
        what status. tmux 3.2a marks a dead pane with a last line that scrolls the
        screen by one: that line goes and the one scrolled away comes back."""
        capture, state = await self.client.commands(
            [
                ["capture-pane", "-p", "-e", "-S", f"-{SCROLLED_BACK}", "-t", self.pane_id],
                ["display-message", "-p", "-t", self.pane_id, STATE],
            ]
        )
        fields = "".join(state.text).split(" ")
        numbers = [int(f) if f.isascii() and f.isdecimal() else None for f in fields]
        numbers += [None] * (5 - len(numbers))
        x, y, dead_flag, status, height = numbers[:5]
        lines = capture.text
        rows = max(height or 0, 0)
        history, screen = lines[: len(lines) - rows], lines[len(lines) - rows :]
        if dead_flag == 1:
            plain_rows = [_SGR.sub("", row) for row in screen]
            marks = [i for i, row in enumerate(plain_rows) if row.startswith("Pane is dead")]
            if marks:
                scrolled = len(screen) - marks[-1]
                missing = max(scrolled - len(history), 0)
                back = [""] * missing + history[len(history) - (scrolled - missing) :]
                screen = [*back, *screen[: marks[-1]]]
        return screen, (x or 0, y or 0), dead_flag == 1, status

    def send(self, key: str, character: str | None) -> None:
        item = encode_key(key, character)
        if item is not None:
            self.send_input(item)

    def send_input(self, item: KeyInput) -> None:
        if not self.pane_id:
            return
        for argv in send_keys_args(self.pane_id, item):
            future = self.client.commands([argv])
            asyncio.ensure_future(future).add_done_callback(_logged)

    async def stop(self) -> None:
        if self.session_id:
            try:
                await self.client.command("kill-session", "-t", self.session_id)
            except TuimuxError as error:
                log.debug("popup session not killed: %s", error)


def _logged(future: asyncio.Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.debug("popup key not sent: %s", future.exception())


def shown_line(line: str, width: int) -> Text:
    """A captured line as drawn: its SGR colours kept, links and other escapes dropped,
    anything else unprintable made visible, cut or padded to ``width``."""
    text = Text.from_ansi(_OSC.sub("", line))
    if not text.plain.isprintable():
        text = Text(printable(text.plain))
    text.truncate(width, pad=True)
    return text


class Popup(KeyTaker[None]):
    """The popup over the session, until the command ends (``-E``) or Escape."""

    DEFAULT_CSS = """
    Popup { align: left top; background: transparent; }
    Popup > Static { width: auto; height: auto; }
    """

    def __init__(
        self, job: PopupJob, spec: PopupSpec, title: str, box: tuple[int, int, int, int]
    ) -> None:
        super().__init__()
        self.job = job
        self.spec = spec
        self.popup_title = title
        self.x, self.y, self.width, self.height = box
        self.inner = (self.width - 2, self.height - 2) if spec.border else (self.width, self.height)
        self.lines: list[str] = []
        self.cursor = (0, 0)
        self.dead = False
        self._reading = False

    def compose(self) -> ComposeResult:
        view = Static(self.render_box())
        view.styles.offset = (self.x, self.y)
        yield view

    def on_mount(self) -> None:
        self.set_interval(POLL_SECONDS, self.poll)
        self.call_after_refresh(self.poll)

    def render_box(self) -> Text:
        width, height = self.inner
        rows = [shown_line(line, width) for line in self.lines[:height]]
        rows += [Text(" " * width) for _ in range(height - len(rows))]
        x, y = self.cursor
        if not self.dead and 0 <= y < len(rows) and 0 <= x < width:
            rows[y].stylize("reverse", x, x + 1)
        if not self.spec.border:
            return Text("\n").join(rows)
        title = plain(self.popup_title)[:width]
        top = Text("┌" + title + "─" * (width - len(title)) + "┐")
        body = [Text("│") + row + Text("│") for row in rows]
        return Text("\n").join([top, *body, Text("└" + "─" * width + "┘")])

    async def poll(self) -> None:
        if self._reading or self.done:
            return
        self._reading = True
        try:
            self.lines, self.cursor, dead, status = await self.job.read()
        except TuimuxError as error:
            log.debug("popup not read: %s", error)
            self.finish(None)  # the session is gone (killed from elsewhere)
            return
        finally:
            self._reading = False
        self.dead = dead
        closes = self.spec.close_on_exit
        if dead and (closes == 1 or (closes == 2 and status == 0)):
            self.finish(None)
            return
        if self.is_mounted:
            self.query_one(Static).update(self.render_box())

    # -- keys ----------------------------------------------------------------------------

    def on_key(self, event: Key) -> None:
        event.stop()
        event.prevent_default()
        self._key(event)

    async def take_key(self, event: Key) -> None:
        self._key(event)

    def _key(self, event: Key) -> None:
        closing = event.key in ("escape", "ctrl+c")
        if closing and (not self.spec.close_on_exit or self.dead):
            self.finish(None)
            return
        if not self.dead:
            self.job.send(event.key, event.character)
            self.call_after_refresh(self.poll)

    def take_paste(self, text: str) -> None:
        if not self.dead and text:
            self.job.send_input(Literal(text))
