"""Keep the session model and every pane's emulator equal to tmux.

This is the glue between the client (notifications), the model (structure) and the pane
terminals (screens). It knows nothing of Textual: the UI listens through
:class:`MirrorListener` and decides when to feed pending output (once per frame).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable, Coroutine, Iterable, Sequence
from typing import Any, Protocol

from tuimux.client import TmuxClient
from tuimux.control import events as ev
from tuimux.control.command import build
from tuimux.control.escape import printable
from tuimux.control.numbers import INT_MAXIMUM, clamp_uint
from tuimux.errors import TuimuxError
from tuimux.model import (
    PANES_POLL_FORMAT,
    SUBSCRIPTIONS_PER_COMMAND,
    SessionModel,
    pane_reads,
    refresh,
    subscriptions,
)
from tuimux.terminal.cells import RULES_PROBE, TMUX_33, cell_rules
from tuimux.terminal.clipboard import CopyWatcher
from tuimux.terminal.in_flight import KeysInFlight
from tuimux.terminal.keys import KeyInput, coalesce, send_keys_args
from tuimux.terminal.mouse import send_bytes_args
from tuimux.terminal.pane import PaneTerminal
from tuimux.terminal.paste import VERBATIM_PROBE, has_verbatim_flag, usage_has_flag
from tuimux.terminal.reread import RecentOutput
from tuimux.terminal.screen import MAX_LINES, PaneScreen
from tuimux.terminal.selection import highlight, mode_style, selection_in_view, stamp_position

log = logging.getLogger(__name__)

# A pane that received more than this since the last frame is flooding: more than one
# frame can feed (the emulator does ~3.5 MB/s of text, a frame is 16 ms). Its backlog is
# dropped and tmux holds its output back while the screen is re-read instead (DESIGN
# principle 1). Short lines cost per line, not per byte (a scroll each: 64 KiB of ``yes``
# took the emulator 230 ms), so line feeds are counted too.
FRAME_BYTES = 64 * 1024
FRAME_LINES = 500
FLOOD_POLL_SECONDS = 0.1  # how often a flooding pane's screen is re-read (10 per second)
# ... at most: each read costs a capture, a restore and a repaint of the whole pane (about
# 7 ms for 80x24 of coloured text, more for a big pane). On a busy machine that CPU is
# taken from the flood itself, so reads are spaced to keep tuimux under this share of a
# core while a pane floods, up to FLOOD_POLL_MAXIMUM apart.
FLOOD_CPU_SHARE = 0.04
FLOOD_POLL_MAXIMUM = 0.5
# Output that stays under a frame's worth but never stops floods too once it has cost
# more over the last second (tuimux.terminal.rate) than reading tmux's screen instead
# would: more cells repainted than an 80x24 pane redrawn STREAM_REPAINTS times (each
# ~5 ms here; a look at tmux's screen costs about as much but comes at most 10 times a
# second), or more than STREAM_FRAMES frames' worth fed to the emulator. A pane that was
# typed into within TYPED_SECONDS is exempt: its output answers the keys (an editor
# scrolling while a key is held, a command's output) and must show at once.
STREAM_REPAINTS = 15
STREAM_CELLS = STREAM_REPAINTS * 80 * 24
STREAM_FRAMES = 8
TYPED_SECONDS = 1.0
# A flooding pane whose window tmux says still has output is continued anyway once its
# screen holds still and it has been held this long: a pane that redraws the same screen
# over and over, or the user typing right after a flood, would else keep it paused. If
# it floods again within REFLOOD_SECONDS of the continue (``yes``), the next hold is
# twice as long, up to FLOOD_HOLD_MAXIMUM: each continue lets a frame of it through.
FLOOD_HOLD_SECONDS = 1.0
FLOOD_HOLD_MAXIMUM = 8.0
REFLOOD_SECONDS = 1.0
# tmux pauses a pane whose output this client has not read for this long (seconds):
# a slow link then costs a resync, never a growing queue in tmux.
PAUSE_AFTER_SECONDS = 1
PANES_POLL_SECONDS = 1.0  # as often as tmux checks a subscription
RESYNC_EVERYTHING_SECONDS = 1.0  # full re-reads after lost notifications, at most this often
CONTINUE_TRIES = 100
# Notifications kept to apply again after a refresh's reply (a flood of more re-reads).
MAX_REPLAYED = 10_000
MAX_LEFT = 10_000  # pane ids remembered as paused in sessions this client left
MAX_UNKNOWN_PANES = 64  # panes whose output is kept before the model has them

# Tab-separated: the selection fields are empty when there is none.
MODE_FORMAT = "\t".join(
    (
        "#{pane_in_mode}",
        "#{scroll_position}",
        "#{pane_width}",
        "#{pane_height}",
        "#{copy_cursor_x}",
        "#{copy_cursor_y}",
        "#{history_size}",
        "#{selection_present}",
        "#{selection_start_x}",
        "#{selection_start_y}",
        "#{selection_end_x}",
        "#{selection_end_y}",
        "#{rectangle_toggle}",
        "#{mode-keys}",
        "#{pane_mode}",
        "#{mode-style}",
    )
)

# Whether ``capture-pane`` takes -M (tmux 3.6+): the screen a copy or view mode shows
# (copy mode's copy of the pane, view mode's command output) rather than the pane's.
CAPTURE_USAGE_PROBE = ("list-commands", "-F", "#{command_list_usage}", "capture-pane")
# The position indicator's style and format (next-3.8's options; older servers expand
# both to nothing: then tmux draws "[position/history]" in the mode style).
POSITION_FORMAT = "#{E:copy-mode-position-style}\t#{E:copy-mode-position-format}"
_STYLE_DIRECTIVE = re.compile(r"#\[[^\]]*\]")


def position_text(expanded: str, position: int, history: int) -> str:
    """What copy mode's indicator says: the server's own format's text where it has one
    (its ``#[…]`` directives left out), else tmux's ``[position/history]``."""
    text = printable(_STYLE_DIRECTIVE.sub("", expanded)).strip()
    return text or f"[{position}/{history}]"


class MirrorListener(Protocol):
    def structure_changed(self) -> None:
        """Windows, layouts, names or the active pane changed."""

    def output_ready(self) -> None:
        """Some pane has output waiting: call :meth:`SessionMirror.flush` soon."""

    def pane_replaced(self, pane_id: str) -> None:
        """A pane's screen was replaced by a snapshot from tmux."""

    def closed(self, reason: str) -> None:
        """The control connection ended (detach, kill, lost link)."""

    def stalled(self, command: str, seconds: float, after: str) -> None:
        """tmux answers none of our commands: it holds our queue (see ``ev.Stalled``)."""

    def copied(self, text: str | None) -> None:
        """The user copied text in a mode (None: too large for the clipboard)."""


class SessionMirror:
    def __init__(self, client: TmuxClient, listener: MirrorListener) -> None:
        self.client = client
        self.listener = listener
        self.model = SessionModel()
        self.terminals: dict[str, PaneTerminal] = {}
        self._refreshing: asyncio.Task[None] | None = None
        self._refresh_again = False
        # Non-stale notifications that came while a refresh waited for its reply.
        self._awaiting_reply = False
        self._since_refresh: list[ev.Notification] = []
        self._output_signalled = False
        self._tasks: set[asyncio.Task[object]] = set()
        self.keys_in_flight = KeysInFlight()
        self.copies = CopyWatcher(client, listener.copied)
        self._unsubscribe: Callable[[], None] | None = None
        # When the last full re-read (after lost notifications) started, and whether one
        # is waiting: a user's hook that fires on tuimux's own reads could ask for one
        # after every read, so they run at most once a second.
        self._last_everything = -RESYNC_EVERYTHING_SECONDS
        self._everything_waiting = False
        # The server's paste-buffer has -S (tmux 3.7+): pastes are not vis-escaped.
        self.paste_verbatim = False
        # The server's capture-pane has -M (tmux 3.6+): modes are read as they show.
        self.mode_capture = False
        # Names of the subscriptions tmux holds for this client (_subscribe).
        self._subscribed: set[str] = set()
        self._watcher: asyncio.Task[None] | None = None  # _watch_panes
        # Counts %pane-mode-changed: the UI reads a mode's key table again after one.
        self.mode_changes = 0
        # How the server puts characters into cells (tmux 3.6 changed it): every pane's
        # emulator follows it; probed once in start().
        self.cell_rules = TMUX_33
        # Panes paused when this client left their session: continued by their next
        # snapshot once the model has them again (_pause_left_panes).
        self._left: set[str] = set()
        # The session whose windows and panes the model holds: the one last read. After
        # a switch, until the new one is read, the model still holds the session left.
        self._read_session: str | None = None
        # Output of panes the model does not have yet (a new pane prints before the
        # re-read that brings it in): its first snapshot finds the pen there.
        self._unknown_output: dict[str, RecentOutput] = {}

    async def start(self) -> None:
        """Read the session, then snapshot its panes (the window in view first)."""
        assert self.client.session_id is not None
        self._unsubscribe = self.client.subscribe(self._on_event)
        self.fire(
            [
                build("refresh-client", "-f", f"pause-after={PAUSE_AFTER_SECONDS}"),
            ]
        )
        probe = None if self.client.read_only else self.client.send([build(*VERBATIM_PROBE)])[0]
        rules = self.client.send([build(*RULES_PROBE)])[0]
        capture_usage = self.client.send([build(*CAPTURE_USAGE_PROBE)])[0]
        await refresh(self.client, self.model, self.client.session_id)
        self._read_session = self.client.session_id
        if probe is not None:
            with contextlib.suppress(TuimuxError):
                self.paste_verbatim = has_verbatim_flag((await probe).text)
        with contextlib.suppress(TuimuxError):
            self.cell_rules = cell_rules("".join((await rules).text))
        with contextlib.suppress(TuimuxError):
            self.mode_capture = usage_has_flag((await capture_usage).text, "M")
        await self._reconcile(initial=True)
        self.listener.structure_changed()
        self._watcher = asyncio.ensure_future(self._watch_panes())  # for as long as it lasts

    # -- notifications -----------------------------------------------------------------

    def _on_event(self, event: ev.Notification) -> None:
        if isinstance(event, ev.Output):
            terminal = self.terminals.get(event.pane_id)
            if terminal is not None:
                terminal.receive(event.escaped)
                if over_frame(terminal):
                    # At once, not at the next frame: until tmux has the pause it sends
                    # the flood to tuimux as fast as it can, and that slows the flood.
                    self._start_flood(event.pane_id)
                elif not self._output_signalled:
                    self._output_signalled = True
                    self.listener.output_ready()
            else:
                self._keep_unknown_output(event.pane_id, event.escaped)
            return
        if isinstance(event, ev.Exit):
            self.listener.closed(event.reason)
            return
        if isinstance(event, ev.Pause):  # pause-after: we fell behind; tmux holds output
            terminal = self.terminals.get(event.pane_id)
            ours = event.pane_id in self._left or (terminal is not None and terminal.resetting)
            if not ours:  # else our own: continued at once, or when its session is back
                self._start_flood(event.pane_id, paused=True)
            return
        if isinstance(event, ev.Continue):
            return  # only ever the answer to our own continue, which resyncs
        if isinstance(event, ev.Desync):
            self._resync_everything()
            return
        if isinstance(event, ev.Stalled):
            self.listener.stalled(event.command, event.seconds, event.after)
            return
        if isinstance(event, ev.PaneModeChanged):
            self.mode_changes += 1  # a binding read for the last mode may be stale now
        if isinstance(event, ev.PaneModeChanged) and event.pane_id in self.terminals:
            self._spawn(self.refresh_mode_view(event.pane_id))
        if isinstance(event, ev.SessionChanged):
            if self.model.session_id not in (None, event.session_id):
                self._pause_left_panes()
            self.model.session_id = event.session_id
        stale = self.model.apply(event)
        if stale:
            self._schedule_refresh()
        else:
            if self._awaiting_reply:
                # The refresh in flight may have its reply already (tmux wrote it before
                # this event) and load it only after: that would put the old name or
                # layout back. Applied again, in order, once it is loaded. Re-reading
                # instead made a rename flood re-read every window without end.
                if len(self._since_refresh) < MAX_REPLAYED:
                    self._since_refresh.append(event)
                else:
                    self._refresh_again = True
            if isinstance(event, ev.LayoutChange):
                self._spawn(self._reconcile())
        self.listener.structure_changed()

    def _keep_unknown_output(self, pane_id: str, escaped: bytes) -> None:
        recent = self._unknown_output.get(pane_id)
        if recent is None:
            if len(self._unknown_output) >= MAX_UNKNOWN_PANES:
                self._unknown_output.clear()  # panes long gone; a new one starts over
            recent = self._unknown_output[pane_id] = RecentOutput()
        recent.add(escaped)

    def _pause_left_panes(self) -> None:
        """This client moved to another session: pause the panes of the one it left.

        tmux sends no %output for a pane outside the client's session but keeps the
        client's offset into its output, and so keeps all the pane prints from then on.
        Before 3.8, ``respawn-pane`` of such a pane then crashed the server (the new
        process's empty buffer was read from the old offsets; 3.2a to 3.7). A paused
        pane holds nothing; coming back, its first snapshot continues it (``reset``)."""
        if len(self._left) > MAX_LEFT:  # ids of panes long gone; a stray %pause is harmless
            self._left.clear()
        self._left.update(self.terminals)
        for terminal in self.terminals.values():
            terminal.away = True
        self.fire([build("refresh-client", "-A", f"{pane}:pause") for pane in self.terminals])

    def _resync_everything(self) -> None:
        """Notifications were lost with a reply that did not frame: re-read the session
        and every pane's screen rather than trust anything mirrored so far."""
        if self._everything_waiting:
            return
        loop = asyncio.get_running_loop()
        wait = self._last_everything + RESYNC_EVERYTHING_SECONDS - loop.time()
        if wait > 0:
            self._everything_waiting = True
            loop.call_later(wait, self._resync_everything_now)
        else:
            self._resync_everything_now()

    def _resync_everything_now(self) -> None:
        self._everything_waiting = False
        self._last_everything = asyncio.get_running_loop().time()
        for terminal in self.terminals.values():
            self._spawn(self.resync(terminal.pane_id))
        self._schedule_refresh()

    def _pane_life_changed(self, pane_id: str, value: str) -> None:
        """A pane got a new process or died: tmux reset or froze its screen silently."""
        terminal = self.terminals.get(pane_id)
        if terminal is not None and terminal.synced and terminal.life != value:
            pane = self.model.panes.get(pane_id)
            if pane is not None:
                pane.dead = value.endswith(" 1")
            # A respawn before tmux 3.8 keeps this client's offset into the old process's
            # output (spawn.c): reset it, or the new process's first output may repeat.
            self._spawn(self.resync(pane_id, reset=True))
            self.listener.structure_changed()

    def _schedule_refresh(self) -> None:
        """Re-read the model; bursts of notifications collapse into one or two reads."""
        if self._refreshing is not None and not self._refreshing.done():
            self._refresh_again = True
            return
        self._refreshing = asyncio.ensure_future(self._refresh_loop())

    async def settle(self) -> None:
        """Re-read the session and return once the model holds what tmux says now.

        Keys typed after a command that may move the user (``C-b n``, ``C-b c``) wait
        for this, so they reach the pane the command left active, as in tmux."""
        self._schedule_refresh()
        while self._refreshing is not None and not self._refreshing.done():
            await asyncio.shield(self._refreshing)

    async def _refresh_loop(self) -> None:
        while True:
            self._refresh_again = False
            session_id = self.client.session_id or self.model.session_id
            self._awaiting_reply, self._since_refresh = True, []
            try:
                await refresh(self.client, self.model, session_id)
                self._read_session = session_id
            except TuimuxError as error:
                log.debug("refresh failed: %s", error)
                return
            finally:
                self._awaiting_reply = False
            replay, self._since_refresh = self._since_refresh, []
            for event in replay:
                if self.model.apply(event):
                    self._refresh_again = True
            await self._reconcile()
            self.listener.structure_changed()
            if not self._refresh_again:
                return

    async def _watch_panes(self) -> None:
        """Once a second, each pane's process, dead flag and title (model.PANES_POLL_FORMAT):
        a respawn or a death resets or freezes a screen with no notification, and a
        title changes the user's status line. Read, not subscribed to (model.subscriptions)."""
        titles: dict[str, str] | None = None
        while not self.client.closed:
            await asyncio.sleep(PANES_POLL_SECONDS)
            session_id = self.model.session_id
            if session_id is None:
                continue
            argv = ["list-panes", "-s", "-t", session_id, "-F", PANES_POLL_FORMAT]
            try:
                (lines,) = await self.client.read_formats([argv])
            except TuimuxError as error:  # a slow moment, or the session went
                log.debug("panes not read: %s", error)
                continue
            read = {pane_id: (life, title) for pane_id, life, title in pane_reads(lines)}
            for pane_id, (life, _) in read.items():
                self._pane_life_changed(pane_id, life)
            now = {pane_id: title for pane_id, (_, title) in read.items()}
            if titles is not None and now != titles:
                self.listener.structure_changed()
            titles = now

    def _subscribe(self) -> None:
        """Subscribe to each window and pane the model holds, and drop the subscriptions
        of those it no longer holds (see model.subscriptions: never "@*" or "%*")."""
        wanted = subscriptions(self.model.windows)
        added = [wanted[name] for name in wanted.keys() - self._subscribed]
        dropped = sorted(self._subscribed - wanted.keys())
        self._subscribed = set(wanted)
        changes = [*sorted(added), *dropped]  # "name" alone drops a subscription
        commands = []
        for start in range(0, len(changes), SUBSCRIPTIONS_PER_COMMAND):
            flags = [
                word
                for one in changes[start : start + SUBSCRIPTIONS_PER_COMMAND]
                for word in ("-B", one)
            ]
            commands.append(build("refresh-client", *flags))
        if commands:
            self.fire(commands)

    async def _reconcile(self, initial: bool = False) -> None:
        """Create, resize or drop pane terminals to match the model, and resync them.

        Not while the model still holds a session this client has left (a layout change
        or a late reply before the new session is read): its panes are the ones just
        paused (_pause_left_panes), not panes coming back, and re-reading them as such
        continued them; tmux 3.2a-3.7 then died at their next respawn."""
        if self.client.session_id not in (None, self._read_session):
            return
        model = self.model
        self._subscribe()
        for pane_id in list(self.terminals):
            if pane_id not in model.panes:
                del self.terminals[pane_id]
        to_sync: list[PaneTerminal] = []
        for pane in model.panes.values():
            terminal = self.terminals.get(pane.pane_id)
            if terminal is None:
                terminal = PaneTerminal(pane.pane_id, pane.width, pane.height, self.cell_rules)
                early = self._unknown_output.pop(pane.pane_id, None)
                if early is not None:
                    terminal.adopt_output(early)
                terminal.on_replaced = self._replaced_callback(pane.pane_id)
                self.terminals[pane.pane_id] = terminal
                to_sync.append(terminal)
            elif terminal.resize(pane.width, pane.height) or pane.pane_id in self._left:
                # tmux reflows on resize; its capture is the truth, not our guess.
                to_sync.append(terminal)
        current = model.current
        visible = set(current.visible_pane_ids) if current is not None else set()
        to_sync.sort(key=lambda terminal: terminal.pane_id not in visible)
        # A pane new to the model may have been in a session this client left, where tmux
        # kept its output offset while the pane printed: reset it with the first snapshot.
        if initial:
            await asyncio.gather(*(self.resync(t.pane_id) for t in to_sync))
        else:
            for terminal in to_sync:
                reset = not terminal.synced or terminal.pane_id in self._left
                self._left.discard(terminal.pane_id)
                terminal.away = False
                self._spawn(self.resync(terminal.pane_id, reset=reset))

    def _replaced_callback(self, pane_id: str) -> Callable[[], None]:
        return lambda: self.listener.pane_replaced(pane_id)

    async def resync(self, pane_id: str, *, reset: bool = False) -> None:
        terminal = self.terminals.get(pane_id)
        if (
            terminal is not None
            and await terminal.resync(self.client, reset=reset)
            and terminal.snapshot_changed
        ):
            self.listener.pane_replaced(pane_id)

    async def refresh_mode_view(self, pane_id: str) -> None:
        """Re-read what tmux's copy/view mode shows for a pane (tmux sends none of it).

        ``scroll_position`` says how far the mode is scrolled up; the capture of exactly
        that range, with the copy cursor, the selection and the position indicator, is
        what a tmux client would draw. tmux 3.6+ captures the mode's own screen (-M):
        copy mode's copy of the pane as it was when the mode began, view mode's command
        output; before, the pane's, which view mode does not show.
        """
        terminal = self.terminals.get(pane_id)
        if terminal is None:
            return
        try:
            state = await self.client.command("display-message", "-p", "-t", pane_id, MODE_FORMAT)
            fields = "".join(state.text).split("\t")
            numbers = [clamp_uint(f, INT_MAXIMUM) for f in fields[:7]]
            in_mode, position, width, height, cursor_x, cursor_y, history = (numbers + [0] * 7)[:7]
            if not in_mode:
                terminal.mode_screen = None
            else:
                first, last = str(-position), str(min(height, MAX_LINES) - 1 - position)
                capture, indicator = await self.client.commands(
                    [
                        [
                            "capture-pane",
                            *(["-M"] if self.mode_capture else []),
                            *("-p", "-e", "-N", "-q", "-t", pane_id, "-S", first, "-E", last),
                        ],
                        ["display-message", "-p", "-t", pane_id, POSITION_FORMAT],
                    ]
                )
                screen = PaneScreen(width, height, terminal.screen.rules)
                # tmux 3.6+ captures a tab as one \t: to the pane's own stops.
                stops = terminal.screen.tabstops
                screen.restore(b"\n".join(capture.lines), cursor_x, cursor_y, tab_stops=stops)
                style = mode_style("\t".join(fields[15:]))
                selection = selection_in_view(fields[7:14], history, position, width, height)
                if selection is not None:
                    highlight(screen, selection, style)
                own_style, _, own_format = "".join(indicator.text).partition("\t")
                if fields[14:15] in (["copy-mode"], ["view-mode"]):  # tmux's own indicator
                    stamp_position(
                        screen,
                        position_text(own_format, position, history),
                        mode_style(own_style) if own_style.strip() else style,
                        keep_end=bool(own_format.strip()),
                    )
                terminal.mode_screen = screen
        except TuimuxError as error:
            log.debug("mode view of %s failed: %s", pane_id, error)
            return
        pane = self.model.panes.get(pane_id)
        if pane is not None:
            pane.in_mode = bool(in_mode)
            padded = fields + [""] * 15
            pane.mode_keys, pane.mode = padded[13], padded[14]
        self.listener.pane_replaced(pane_id)

    def flush(self) -> list[str]:
        """Feed every pane's waiting output; return the panes whose screens changed.

        A pane with more than a frame's worth waiting is not fed at all: it floods.
        """
        self._output_signalled = False
        changed = []
        held = False
        now = asyncio.get_running_loop().time()
        visible: set[str] | None = None
        for pane_id, terminal in list(self.terminals.items()):
            size, lines = terminal.backlog, terminal.backlog_lines
            if over_frame(terminal) or (terminal.pending and streaming(terminal, now)):
                self._start_flood(pane_id)
            elif terminal.feed_pending():
                changed.append(pane_id)
                if visible is None:
                    current = self.model.current
                    visible = set(current.visible_pane_ids) if current is not None else set()
                # The rows the view will repaint: all it has not repainted yet (a pane in
                # a mode shows the mode's screen instead, and nobody sees a hidden one).
                shown = pane_id in visible and terminal.mode_screen is None
                cells = len(terminal.screen.dirty) * terminal.screen.columns if shown else 0
                terminal.rate.add(now, cells, size, lines)
            elif terminal.pending:
                held = True  # output after a snapshot's %begin waits for the snapshot
        if held:
            # Nothing else would feed it once the snapshot is in if the pane then goes
            # quiet: its last output would stay unshown. Look again next frame.
            self._output_signalled = True
            self.listener.output_ready()
        return changed

    # -- floods ----------------------------------------------------------------------------

    def _in_view(self, pane_id: str) -> bool:
        current = self.model.current
        return current is not None and pane_id in current.visible_pane_ids

    def _start_flood(self, pane_id: str, *, paused: bool = False) -> None:
        """Drop the backlog, have tmux hold the pane's output, and show its screen from
        captures until it goes quiet. tmux then spends nothing on this client for the
        pane, so a ``cat`` of a huge file runs as fast as with no client at all."""
        terminal = self.terminals.get(pane_id)
        if terminal is None or terminal.flooding:
            return
        terminal.flooding = True
        terminal.drop_pending()
        terminal.rate.clear()
        now = asyncio.get_running_loop().time()
        if now - terminal.continued_at < REFLOOD_SECONDS:
            terminal.hold = min(terminal.hold * 2, FLOOD_HOLD_MAXIMUM)
        else:
            terminal.hold = FLOOD_HOLD_SECONDS
        if not paused:
            self.fire([build("refresh-client", "-A", f"{pane_id}:pause")])
        self._spawn(self._ride_flood(pane_id, terminal))

    async def _ride_flood(self, pane_id: str, terminal: PaneTerminal) -> None:
        """Re-read the paused pane until it is quiet, then continue it atomically:
        ``%N:continue`` and the snapshot on one line, so output after it follows the
        capture exactly.

        Quiet is two reads that agree *and* tmux saying the window had no output in the
        current second (or the pane held for ``terminal.hold``): ``yes`` looks the same
        on every read while it prints at full speed, and continuing it after each read
        let half its output through to tuimux (the flood then took twice as long). The
        current second may be up to a second longer than needed; the pane is shown from
        captures meanwhile."""
        loop = asyncio.get_running_loop()
        held_since = loop.time()
        interval = FLOOD_POLL_SECONDS

        def alive() -> bool:
            return not self.client.closed and self.terminals.get(pane_id) is terminal

        def left() -> bool:  # stays paused; coming back re-reads and continues it
            if terminal.away:
                terminal.flooding = False
                return True
            return False

        while alive():
            if left():
                return
            if not self._in_view(pane_id):  # nobody sees it: stay paused, read nothing
                await asyncio.sleep(FLOOD_POLL_SECONDS)
                continue
            # All of tuimux's CPU from this read to the next (the repaint comes after the
            # read returns): an upper bound of what a read costs.
            cpu = time.process_time()
            before = terminal.last_capture
            await terminal.wait_idle()
            if await terminal.resync(self.client):
                if terminal.snapshot_changed:
                    self.listener.pane_replaced(pane_id)
                if terminal.last_capture == before and (
                    terminal.output_quiet is not False or loop.time() - held_since >= terminal.hold
                ):
                    break
            await asyncio.sleep(interval)
            spent = time.process_time() - cpu
            interval = min(max(spent / FLOOD_CPU_SHARE, FLOOD_POLL_SECONDS), FLOOD_POLL_MAXIMUM)
        terminal.flooding = False
        resume = [["refresh-client", "-A", f"{pane_id}:continue"]]
        for _ in range(CONTINUE_TRIES):  # the continue must get out, or the pane stays paused
            if not alive() or left():
                return
            await terminal.wait_idle()
            if await terminal.resync(self.client, first=resume):
                terminal.continued_at = loop.time()
                if terminal.snapshot_changed:
                    self.listener.pane_replaced(pane_id)
                return
            await asyncio.sleep(FLOOD_POLL_SECONDS)
        log.warning("could not resume output of %s", pane_id)

    # -- sending -------------------------------------------------------------------------

    def send_input(self, pane_id: str, inputs: Iterable[KeyInput]) -> None:
        """Send typed keys to a pane, in order, on one command line; remembered until
        tmux answers, so a link that dies first can say which keys were lost."""
        merged = coalesce(inputs)
        argvs = [argv for item in merged for argv in send_keys_args(pane_id, item)]
        if argvs:
            self.typed(pane_id)
            futures = self._send_to(pane_id, [build(*argv) for argv in argvs])
            self.keys_in_flight.add(pane_id, merged, futures)
            self._after_mode_input(pane_id)

    def send_bytes(self, pane_id: str, data: bytes) -> None:
        """Raw bytes for the pane's application (mouse reports), as hex."""
        self.typed(pane_id)
        self._send_to(pane_id, [build(*send_bytes_args(pane_id, data))])
        self._after_mode_input(pane_id)

    def _send_to(self, pane_id: str, built: list[str]) -> list[asyncio.Future[ev.Reply]]:
        """Input for a pane; in a mode it may copy, so it is watched (terminal.clipboard)."""
        pane = self.model.panes.get(pane_id)
        if pane is not None and pane.in_mode:
            futures, passing_on = self.copies.bracket(built)
            self._spawn(passing_on)
        else:
            futures = self.client.send(built)
        for future in futures:
            future.add_done_callback(_log_failure)
        return futures

    def typed(self, pane_id: str) -> None:
        """The user sent the pane input: its output for a while answers it (``streaming``)."""
        terminal = self.terminals.get(pane_id)
        if terminal is not None:
            terminal.typed_at = asyncio.get_running_loop().time()

    def scroll(self, pane_id: str, lines: int) -> None:
        """Wheel without mouse reporting: scroll through tmux's copy mode, as tmux's own
        ``mouse on`` bindings do (``copy-mode -e`` leaves it again at the bottom)."""
        pane = self.model.panes.get(pane_id)
        if lines > 0:
            commands = (
                []
                if pane is not None and pane.in_mode
                else [build("copy-mode", "-e", "-t", pane_id)]
            )
            commands.append(build("send-keys", "-X", "-N", str(lines), "-t", pane_id, "scroll-up"))
        elif pane is not None and pane.in_mode:
            commands = [build("send-keys", "-X", "-N", str(-lines), "-t", pane_id, "scroll-down")]
        else:
            return
        if pane is not None:
            pane.in_mode = True
        self.fire(commands)
        self._spawn(self.refresh_mode_view(pane_id))

    def _after_mode_input(self, pane_id: str) -> None:
        pane = self.model.panes.get(pane_id)
        if pane is not None and pane.in_mode:
            self._spawn(self.refresh_mode_view(pane_id))

    def refresh_mode_soon(self, pane_id: str) -> None:
        """Re-read a pane's mode view after commands sent for it (a search moved it)."""
        self._spawn(self.refresh_mode_view(pane_id))

    def fire(self, built: Sequence[str]) -> None:
        """Send commands without waiting; failures are logged, never raised."""
        for future in self.client.send(built):
            future.add_done_callback(_log_failure)

    async def run(self, *argv: str) -> list[str]:
        """Run one command and return its output lines (raises TmuxError)."""
        reply = await self.client.command(*argv)
        return reply.text

    def resize(self, width: int, height: int) -> None:
        """Offer tmux the size of the pane area; tmux answers with ``%layout-change``.

        A read-only client never sizes windows (tmux ignores it, and tuimux sends
        nothing that could): it shows tmux's layout as it is."""
        if self.client.read_only:
            return
        commands = [build("refresh-client", "-C", f"{max(width, 1)}x{max(height, 1)}")]
        # window-size latest ignores a control client until it selects a window
        # (research/controlmode.md §1.9): claim the current one again. "$1:" is the
        # session's current window when tmux runs it: naming the one the model holds
        # would undo a select-window another client made that has not reached us yet.
        if self.model.session_id:
            commands.append(build("select-window", "-t", f"{self.model.session_id}:"))
        self.fire(commands)

    def _spawn(self, coroutine: Coroutine[Any, Any, object]) -> None:
        task: asyncio.Task[object] = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Stop listening first: the client may still deliver notifications while it
        closes, and the widgets they would update are already being torn down."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        tasks = [*self._tasks, *([self._watcher] if self._watcher is not None else [])]
        for task in tasks:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*tasks, return_exceptions=True)


def over_frame(terminal: PaneTerminal) -> bool:
    """More output waits than one frame can feed: the pane floods."""
    return terminal.backlog > FRAME_BYTES or terminal.backlog_lines > FRAME_LINES


def streaming(terminal: PaneTerminal, now: float) -> bool:
    """Output under a frame's worth each frame, but more over the last second than a
    look at tmux's screen costs, with no keys typed into the pane: it floods too."""
    rate = terminal.rate
    rate.forget(now)
    costly = (
        rate.cells > STREAM_CELLS
        or rate.bytes > STREAM_FRAMES * FRAME_BYTES
        or rate.lines > STREAM_FRAMES * FRAME_LINES
    )
    return costly and now - terminal.typed_at >= TYPED_SECONDS


def _log_failure(future: asyncio.Future[ev.Reply]) -> None:
    if future.cancelled():
        return
    error = future.exception()
    if error is not None:
        log.info("command failed: %s", error)
