"""One pane's emulated screen, kept equal to tmux's without replaying what can be re-read.

A pane starts from tmux's own state: on one command line, ``capture-pane`` (the screen
with attributes), ``display -p`` (cursor and modes) and ``capture-pane -P`` (a partial
escape sequence tmux is still holding). Everything the pane printed before that line's
first ``%begin`` is already in the capture, so that output is dropped; output after it is
held and applied once the snapshot is in (DESIGN.md, principle 1; verified on 3.3a).
Every command in the group is non-failing (``-q``) because an error drops the rest.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Sequence

from tuimux.client import TmuxClient
from tuimux.control.escape import unescape_output
from tuimux.control.numbers import INT_MAXIMUM, clamp_uint, parse_uint
from tuimux.errors import TuimuxError
from tuimux.terminal.cells import TMUX_33, CellRules
from tuimux.terminal.rate import OutputRate
from tuimux.terminal.reread import (
    SHAPE_FORMAT,
    TABS_FORMAT,
    RecentOutput,
    parse_cursor_shape,
    parse_tab_stops,
    respawned_state,
)
from tuimux.terminal.screen import MAX_LINES, HeldState, PaneScreen, capped
from tuimux.terminal.stream import PaneStream

log = logging.getLogger(__name__)

# The pane state tmux keeps beside the grid (formats that exist in tmux 3.2+; 3.3a has
# no bracket_paste_flag). Modes are restored so the emulator behaves as tmux's does from
# the first byte on: the mouse modes decide what a click sends.
STATE_FIELDS = (
    "cursor_x",
    "cursor_y",
    "alternate_on",
    "alternate_saved_x",
    "alternate_saved_y",
    "cursor_flag",
    "pane_width",
    "pane_height",
    "scroll_region_upper",
    "scroll_region_lower",
    "insert_flag",
    "wrap_flag",
    "origin_flag",
    "keypad_cursor_flag",
    "mouse_standard_flag",
    "mouse_button_flag",
    "mouse_all_flag",
    "mouse_utf8_flag",
    "mouse_sgr_flag",
    # In the same form as the model's pane subscription, so a respawn after this
    # snapshot is noticed however the two race.
    "pane_pid",
    "pane_dead",
)
# Then when the pane's window last had output (tmux's activity time, whole seconds) and
# tmux's clock now (display-message expands strftime after the format): a pane whose
# screen looks the same may still be printing the same lines (``yes``), and only this
# says so. Not in STATE_FIELDS: whole epoch seconds are not bounded like the fields.
ACTIVITY_FORMAT = "#{window_activity} %s"
# The tab stops and the cursor's shape come between the two, as one word each (formats
# some servers lack: a word is never empty, so the rest stays in place).
STATE_FORMAT = (
    " ".join(f"#{{{name}}}" for name in STATE_FIELDS)
    + f" {TABS_FORMAT} {SHAPE_FORMAT} {ACTIVITY_FORMAT}"
)
STATE_WORDS = len(STATE_FIELDS) + 2  # the words a snapshot compares
# state field → the private mode it stands for
PRIVATE_MODE_FLAGS = {
    "wrap_flag": 7,
    "origin_flag": 6,
    "keypad_cursor_flag": 1,
    "mouse_standard_flag": 1000,
    "mouse_button_flag": 1002,
    # mouse_any_flag means "some mouse mode is on"; 1003 is mouse_all_flag (tmux 2.5+).
    "mouse_all_flag": 1003,
    "mouse_utf8_flag": 1005,
    "mouse_sgr_flag": 1006,
}


def snapshot_commands(pane_id: str) -> list[list[str]]:
    # -E: no more rows than the emulator keeps (tmux stops at the pane's last row).
    last = str(MAX_LINES - 1)
    return [
        ["capture-pane", "-p", "-e", "-N", "-q", "-E", last, "-t", pane_id],
        ["display-message", "-p", "-t", pane_id, STATE_FORMAT],
        ["capture-pane", "-p", "-P", "-C", "-q", "-t", pane_id],
        # The primary screen tmux set aside while the alternate one is on (else unused).
        ["capture-pane", "-p", "-e", "-N", "-a", "-q", "-E", last, "-t", pane_id],
    ]


def reset_commands(pane_id: str) -> list[list[str]]:
    """Pause then continue: tmux drops the output it has queued for the pane and sets
    this client's offset to the pane's own (tmux 3.2+; a no-op for a gone pane)."""
    return [
        ["refresh-client", "-A", f"{pane_id}:pause"],
        ["refresh-client", "-A", f"{pane_id}:continue"],
    ]


def unescape_pending(lines: tuple[bytes, ...]) -> bytes:
    """``capture-pane -P -C`` escapes controls as ``\\ooo`` but a backslash as ``\\\\``."""
    raw = b"\n".join(lines)
    return unescape_output(raw.replace(b"\\\\", b"\\134"))


def output_quiet(words: Sequence[str]) -> bool | None:
    """Whether tmux's activity time is older than its clock (``ACTIVITY_FORMAT``)."""
    if len(words) != 2:
        return None
    activity, now = (parse_uint(word, 2**63 - 1) for word in words)
    if activity is None or now is None:
        return None
    return activity < now


class PaneTerminal:
    """The emulator for one pane plus the bytes waiting to be fed to it."""

    def __init__(self, pane_id: str, width: int, height: int, rules: CellRules = TMUX_33) -> None:
        self.pane_id = pane_id
        self.screen = PaneScreen(width, height, rules)
        self.stream = PaneStream(self.screen)
        self.pending: list[bytes] = []  # %output payloads, still escaped
        # Every payload since the last snapshot's %begin, fed or not (reread.py): what
        # a snapshot's capture already shows but whose state it does not carry.
        self.recent = RecentOutput()
        self._before_capture = RecentOutput()
        self.backlog = 0  # bytes in pending
        # Line feeds in pending: each one scrolls, and a screen of short lines (``yes``)
        # costs the emulator far more per byte than long ones.
        self.backlog_lines = 0
        self.fed = 0  # bytes fed to the emulator so far (benchmarks and tests count them)
        self.snapshots = 0  # snapshots applied so far (tests wait for one)
        # SessionMirror's: what the pane's live output cost over the last second, and
        # when keys were last sent to it (output that answers them is never held back).
        self.rate = OutputRate()
        self.typed_at = -math.inf
        # True while tmux holds this pane's output back (%pause) and the screen is
        # re-read from captures instead (SessionMirror's flood handling).
        self.flooding = False
        # SessionMirror's: when the last flood was continued, and how long a pane that
        # looks still while tmux says it prints is held (longer each time it floods
        # again at once).
        self.continued_at = -math.inf
        self.hold = 0.0
        self.last_capture: tuple[bytes, ...] = ()
        # From the last snapshot: True when tmux had no output for the pane's window in
        # the current second, False when it had, None when the server did not say.
        self.output_quiet: bool | None = None
        # False when the last snapshot found the screen exactly as the one before it
        # showed it, with nothing fed since: nothing to repaint (a paused ``yes``).
        self.snapshot_changed = True
        self._snapshot: tuple[object, ...] | None = None  # what the last one applied
        self.synced = False
        self.life = ""  # "pid dead" when last captured
        # tmux draws copy and view mode itself and sends none of it to control clients;
        # while the pane is in a mode this holds tmux's view of it, re-read after each
        # key or wheel step (see SessionMirror.refresh_mode_view).
        self.mode_screen: PaneScreen | None = None
        self._syncing = False
        # True while a resync that resets tmux's output offsets is in flight: the
        # %pause it makes tmux print is tuimux's own, not a pane falling behind.
        self.resetting = False
        # True while this client is in another session and tmux holds the pane paused
        # for it (SessionMirror._pause_left_panes): nothing re-reads it then, since the
        # reset's continue would end that pause. Coming back clears it.
        self.away = False
        self._idle = asyncio.Event()
        self._idle.set()
        self._begun = False
        self._resync_again = False
        self._reset_again = False
        self._again_task: asyncio.Future[None] | None = None
        # Called when a resync asked for while another was in flight (and so run after
        # it, with no caller waiting) changed the screen: the view must repaint it.
        self.on_replaced: Callable[[], None] | None = None

    @property
    def shown(self) -> PaneScreen:
        """The screen to draw: the mode view while in a mode, else the live screen."""
        return self.mode_screen if self.mode_screen is not None else self.screen

    @property
    def size(self) -> tuple[int, int]:
        return self.screen.columns, self.screen.lines

    def receive(self, escaped: bytes) -> None:
        """Take a ``%output`` payload; it is decoded and fed on the next UI tick, if ever."""
        self.recent.add(escaped)
        if self.flooding or (self._syncing and not self._begun):
            return  # the snapshot on its way (or the next one) already shows it
        self.pending.append(escaped)
        self.backlog += len(escaped)
        self.backlog_lines += escaped.count(b"\\012")

    def adopt_output(self, recent: RecentOutput) -> None:
        """Output of the pane that came before this terminal existed (a new pane prints
        before tuimux has read the layout it is in): its first snapshot looks there for
        the pen and character sets."""
        self.recent = recent

    def drop_pending(self) -> None:
        self.pending.clear()
        self.backlog = 0
        self.backlog_lines = 0

    def feed_pending(self) -> bool:
        """Feed what arrived since the last tick; True when the screen may have changed."""
        if self._syncing or not self.pending:
            return False
        data = unescape_output(b"".join(self.pending))  # escapes never span two lines
        self.drop_pending()
        self.recent.fed = self.recent.received
        self._snapshot = None  # the screen is no longer the last snapshot's
        self.fed += len(data)
        self.stream.feed(data)
        return True

    async def wait_idle(self) -> None:
        """Until no snapshot is in flight (a resync asked for meanwhile would be merged)."""
        await self._idle.wait()

    def resize(self, width: int, height: int) -> bool:
        """Resize to tmux's size as emulated (capped); False when that changes nothing."""
        if width < 1 or height < 1 or capped(width, height) == self.size:
            return False
        self.screen.resize(height, width)
        self._snapshot = None
        return True

    async def resync(
        self, client: TmuxClient, first: Sequence[Sequence[str]] = (), *, reset: bool = False
    ) -> bool:
        """Re-read the pane from tmux; True when the snapshot came (``snapshot_changed``
        says whether it changed the screen).

        ``first`` are commands to run on the same line before the snapshot (the
        ``%N:continue`` that ends a flood: output after it is then exactly what follows
        the capture). A resync asked for while one is in flight runs again afterwards,
        so the screen always ends up at least as new as the latest request.

        ``reset`` also sets this client's place in the pane's output to the pane's own
        (a pause and a continue, before the capture on the same line): tmux keeps that
        place where it was while the pane's window is not in the client's session, and
        before 3.8 across a respawn, so the %output after the snapshot would repeat what
        the capture already shows (a prompt printed twice). The pause drops the output
        tmux still has queued for the pane, all of it older than the capture. Not for a
        pane that floods: the continue would end tmux's hold on it.
        """
        if self.away:  # also a re-read asked for before the switch and run after it
            return False
        if self._syncing:
            self._resync_again = True
            self._reset_again = self._reset_again or reset
            return False
        self._syncing, self._begun = True, False
        self._idle.clear()
        self.drop_pending()
        if reset and not self.flooding:
            self.resetting = True
            first = [*first, *reset_commands(self.pane_id)]

        def begun() -> None:
            self._begun = True
            self.drop_pending()
            self._before_capture = self.recent.take()

        try:
            replies = await client.commands(
                [*first, *snapshot_commands(self.pane_id)], on_begin=begun
            )
            capture, state, partial, primary = replies[len(first) :]
            text = state.text[0] if state.text else ""
            words = text.split()
            self.output_quiet = output_quiet(words[STATE_WORDS:])
            snapshot = (capture.lines, words[:STATE_WORDS], partial.lines, primary.lines)
            # Output never fed may have changed the pen and nothing on the screen.
            unfed = self._before_capture.unfed()
            self.snapshot_changed = snapshot != self._snapshot or unfed != b""
            if self.snapshot_changed:
                self._apply(capture.lines, text, partial.lines, primary.lines)
                self._snapshot = snapshot
            self._before_capture = RecentOutput()
            return True
        except TuimuxError as error:
            log.debug("resync of %s failed: %s", self.pane_id, error)
            return False
        finally:
            self._syncing = False
            self.resetting = False
            self._idle.set()
            if self._resync_again:
                reset, self._resync_again, self._reset_again = self._reset_again, False, False
                self._again_task = asyncio.ensure_future(self._resync_again_now(client, reset))

    async def _resync_again_now(self, client: TmuxClient, reset: bool) -> None:
        changed = await self.resync(client, reset=reset) and self.snapshot_changed
        if changed and self.on_replaced is not None:
            self.on_replaced()

    def _held_state(self) -> HeldState:
        """The emulator's state, once it has also seen the output the capture includes
        but that was never fed (dropped while the snapshot was on its way)."""
        unfed = self._before_capture.unfed()
        if unfed:
            self.stream.feed(unfed)
        return self.screen.held_state()

    def _apply(
        self,
        capture: tuple[bytes, ...],
        state: str,
        partial: tuple[bytes, ...],
        primary: tuple[bytes, ...] = (),
    ) -> None:
        words = state.split()
        values = {
            name: clamp_uint(word, INT_MAXIMUM)
            for name, word in zip(STATE_FIELDS, words, strict=False)
        }
        self.snapshots += 1
        life = f"{values.get('pane_pid', 0)} {values.get('pane_dead', 0)}"
        # The first snapshot, or a new process since the last one (tmux reset the
        # pane's state for it): the state is found in the output, if at all.
        fresh = not self.synced or life.split()[0] != self.life.split(" ", 1)[0]
        held = None if fresh else self._held_state()
        # tmux's tab stops are the truth where it gave them (it resets them when the
        # width changes, as the emulator does); else the emulator's.
        tab_word = words[len(STATE_FIELDS)] if len(words) > len(STATE_FIELDS) else ""
        stops = parse_tab_stops(tab_word)
        if stops is None and held is not None:
            stops = sorted(held.tab_stops)
        self.life = life
        self.last_capture = capture
        width, height = values.get("pane_width", 0), values.get("pane_height", 0)
        if width and height:
            self.resize(width, height)
        self.screen.restore(
            b"\n".join(capture),
            values.get("cursor_x", 0),
            values.get("cursor_y", 0),
            alternate=bool(values.get("alternate_on")),
            cursor_visible=bool(values.get("cursor_flag", 1)),
            private_modes=(
                {mode for name, mode in PRIVATE_MODE_FLAGS.items() if values.get(name)}
                if values
                else None
            ),
            insert=bool(values.get("insert_flag")),
            scroll_region=(
                values.get("scroll_region_upper", 0),
                values.get("scroll_region_lower", self.screen.lines - 1),
            ),
            tab_stops=stops,
        )
        if values.get("alternate_on"):
            self.screen.restore_primary(
                b"\n".join(primary),
                values.get("alternate_saved_x", 0),
                values.get("alternate_saved_y", 0),
            )
        if fresh:
            held = respawned_state(self._before_capture, self.screen)
        if held is not None:
            self.screen.keep_state(held)
        if stops is not None:
            self.screen.set_tab_stops(stops)
        shape = parse_cursor_shape(words[STATE_WORDS - 1] if len(words) >= STATE_WORDS else "")
        if shape is not None:
            self.screen.cursor_shape = shape
        # A new stream: the old one may be in the middle of a sequence the capture ended.
        # tmux's held partial sequence (-P) then starts it again, and later %output
        # continues it.
        self.stream = PaneStream(self.screen)
        pending = unescape_pending(partial)
        if pending:
            self.stream.feed(pending)
        self.synced = True
