"""The Textual app: composes the window view and status bar and routes the user's intent.

Connecting, mirroring and emulation live in lower layers; the app only wires them to
widgets, keeps the prefix-key state and turns prefix bindings into tmux commands.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.widgets import Static

from tuimux.client import TmuxClient
from tuimux.connect import Reattach
from tuimux.control import events as ev
from tuimux.control.command import build
from tuimux.control.display_panes import pane_index_of
from tuimux.control.escape import printable
from tuimux.control.key_table import PREFIX, ROOT, KeyMachine, lookup
from tuimux.control.numbers import parse_uint
from tuimux.errors import TuimuxError, UnreachableError, one_line, user_message
from tuimux.terminal.clipboard import tmux_took_program_copy
from tuimux.terminal.keys import KeyInput, encode_key
from tuimux.terminal.mirror import SessionMirror
from tuimux.terminal.paste import paste_commands
from tuimux.ui.bell import OPTIONS_READ, BellRinger
from tuimux.ui.bound_keys import FALLBACK_TABLES, BoundKeys, key_name
from tuimux.ui.dialogs import Prompt
from tuimux.ui.hook_prompt import ask_hook_prompt
from tuimux.ui.host_cursor import PromptCursor
from tuimux.ui.job_control import guard_resume
from tuimux.ui.mode_keys import ModeKeys
from tuimux.ui.mouse_bindings import MouseBindings
from tuimux.ui.mouse_mode import MouseReporting
from tuimux.ui.pane_view import PaneView, mode_badge
from tuimux.ui.stall import StallGuard, stall_reason
from tuimux.ui.status_bar import StatusBar
from tuimux.ui.status_line import StatusRead, keep_status, rich_style
from tuimux.ui.theme import DEFAULT_THEME, bundled_themes
from tuimux.ui.title import TerminalTitle, keep_title
from tuimux.ui.window_view import WindowView

log = logging.getLogger(__name__)

FRAME_SECONDS = 1 / 60
DISPLAY_TIME_MS = 750  # tmux's display-time default, until the session's is read
# Seconds between reconnect attempts; the last repeats until the host answers.
RECONNECT_DELAYS = (1, 2, 4, 8, 15, 30)
NOTE_SECONDS = 10.0  # "reconnected" and such stay this long in the status line
DISPLAY_TIME = "#{display-time}"
LOST_FOR_GOOD = "The connection to tmux was lost and not restored"


class TuimuxApp(BoundKeys, inherit_bindings=False):
    """Every key belongs to tmux: no Textual default binding (Ctrl+Q, Ctrl+P, Tab) stays."""

    TITLE = "tuimux"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    Screen { layout: vertical; overflow: hidden; layers: panes offline; }
    /* Over the panes, not beside them: going offline must not resize anything. */
    #offline {
        display: none; layer: offline; dock: top; height: auto; background: $error-muted;
    }
    /* C-b : output and notes: as wide as their lines, up to the whole screen (Textual's
       60 columns, at most half the screen, wrapped every line on a phone). */
    Toast { width: auto; max-width: 100%; }
    """

    def __init__(
        self,
        client: TmuxClient,
        reattach: Reattach | None = None,
        *,
        theme: str | None = None,
        notes: Sequence[str] = (),
        recover: Reattach | None = None,
    ) -> None:
        # ANSI colours stay ANSI: a pane's red is the user's terminal red, as in tmux,
        # not Textual's theme colour.
        super().__init__(ansi_color=True)
        self.client = client
        # Given for SSH: a lost link is then reconnected instead of ending tuimux.
        self.reattach = reattach
        # How to attach afresh when tmux holds our queue (a prompt it opened for us):
        # given for local attaches too, where a lost link still ends tuimux.
        self.recover = recover or reattach
        self.offline = False
        self.mirror: SessionMirror | None = None
        self.error: str | None = None
        self.window_view = WindowView()
        self.window_view.direct = self.type_directly
        self.status_bar = StatusBar()
        self.offline_banner = Static(id="offline")
        # The user's key tables, read from tmux once attached (tmux's defaults until).
        self.keys = KeyMachine(FALLBACK_TABLES)
        self.mode_keys_option = "emacs"
        self._keys_session: str | None = None
        self._frame_at = 0.0
        self._structure_at = 0.0
        self._structure_due = False
        self._detaching = False
        self._typed: list[tuple[str, KeyInput]] = []
        self._window_waits = 0
        # Keys for a pane in copy mode: tmux's prompts are asked here (never by tmux).
        self.mode_keys = ModeKeys(self, lambda: self.mirror, self._say)
        self._numbers_shown = False
        self._lead = "The connection to tmux was lost"
        self._stall = StallGuard()
        self._wanted_theme = theme
        # Said on stderr before the screen was taken, and again here where it is seen.
        self._notes = tuple(notes)
        # tmux's messages (%message, 3.4+): shown for the session's display-time, or
        # until a key is pressed when it is 0, as tmux's own client does.
        self._display_time_ms = DISPLAY_TIME_MS
        self._message_timer: asyncio.TimerHandle | None = None
        # The terminal's title, as tmux's set-titles would set it (re-read on changes).
        self.title_keeper = TerminalTitle(self.window_view.write_terminal)
        self._title_changed = asyncio.Event()
        self._title_task: asyncio.Task[None] | None = None
        # The user's status line, read again on changes and every status-interval.
        self._status_changed = asyncio.Event()
        # The key table tmux was last told this client is in (see _tell_table).
        self._told_table = ROOT
        self.status_bar.table_told = not self.client.read_only
        self._status_task: asyncio.Task[None] | None = None
        # Bells in panes ring the terminal as the user's bell-action/visual-bell say.
        self.bells = BellRinger(
            self._bell_options, self.window_view.write_terminal, self.show_message
        )
        # The user's mouse bindings, and the terminal's mouse reporting as tmux's client
        # would have it (off with ``mouse off``: the terminal's own selection works).
        self.mouse_keys = MouseBindings(self)
        self.mouse_reporting = MouseReporting(self.window_view.write_terminal, self._mouse_option)

    def compose(self) -> ComposeResult:
        yield self.offline_banner
        yield self.window_view
        yield self.status_bar

    def on_mount(self) -> None:
        themes, problems = bundled_themes()
        for theme in themes:
            self.register_theme(theme)
        if any(theme.name == DEFAULT_THEME for theme in themes):
            self.theme = DEFAULT_THEME
        wanted = self._wanted_theme
        if wanted is not None and wanted in self.available_themes:
            self.theme = wanted
        elif wanted is not None:
            problems.append(f"there is no theme {printable(wanted)!r}; using {self.theme}")
        for problem in [*problems, *self._notes]:
            self.notify(printable(problem), severity="warning", markup=False)
        self.window_view.focus()
        self.app_resume_signal.subscribe(self, lambda _app: self.mouse_reporting.resumed())
        guard_resume(lambda: self.refresh(repaint=True))
        self.status_bar.message = "attaching…"
        self.attach()

    @work(exclusive=True, group="attach")
    async def attach(self) -> None:
        # Keys typed while attaching wait for the user's key tables (a C-a prefix),
        # asked for first so they are answered before the session is read.
        self.hold_keys()
        self.read_keys(held=True)
        try:
            self.mirror = SessionMirror(self.client, self)
            await self.mirror.start()
        except TuimuxError as error:
            self.fail(user_message(error))
            return
        self.status_bar.message = "read-only" if self.client.read_only else ""
        self.mirror.resize(*self._area_size())
        self.structure_changed()
        self._keep_title()
        self._follow_mouse()
        await self._watch_messages()

    def _keep_title(self) -> None:
        """Follow tmux's title and status line for this attach (tasks, not workers: they
        never end, and
        waiting for the app's workers must not wait for it)."""
        if self._title_task is not None:
            self._title_task.cancel()
        self._title_task = asyncio.create_task(
            keep_title(self.client, self.title_keeper, self._title_changed)
        )
        if self._status_task is not None:
            self._status_task.cancel()
        self._status_task = asyncio.create_task(
            keep_status(self.client, self._show_status, self._status_changed)
        )

    def _show_status(self, status: StatusRead) -> None:
        self.status_bar.show_status(status)
        self.window_view.borders.set_look(
            status.border_lines,
            rich_style(status.border),
            rich_style(status.active_border),
            status.border_indicators,
        )

    def _follow_mouse(self) -> None:
        session_id = self.client.session_id or ""
        self.run_worker(self.mouse_reporting.attached(self.client, session_id), group="mouse")

    def _mouse_option(self, on: bool) -> None:
        self.mouse_keys.mouse_on = on
        self._sync_mouse()

    def _sync_mouse(self) -> None:
        """The terminal reports the mouse as tmux's client would have it report now."""
        pane_id = self._active_pane()
        terminal = self.mirror.terminals.get(pane_id) if self.mirror and pane_id else None
        self.mouse_reporting.sync(terminal.screen.mouse_modes if terminal is not None else set())

    async def on_unmount(self) -> None:
        self.mouse_keys.close()
        for task in (self._title_task, self._status_task):
            if task is not None:
                task.cancel()
        self.title_keeper.release()
        if self.mirror is not None:
            await self.mirror.close()
        await self.client.close()

    def _area_size(self) -> tuple[int, int]:
        return self.window_view.size.width, self.window_view.size.height

    def fail(self, message: str) -> None:
        """End with one sentence for the CLI to print; it may quote tmux's ``%exit``
        reason or an SSH server's, so it is made printable here."""
        self.error = one_line(message)
        self.exit(return_code=1)

    # -- MirrorListener ------------------------------------------------------------------

    def structure_changed(self) -> None:
        """Redraw the window and the status line, at most once per frame: a pane can make
        tmux send thousands of renames a second (``ESC k`` in a loop), and a redraw for
        each one starved the keys the user typed."""
        self._title_changed.set()
        self._status_changed.set()
        if self._structure_due:
            return
        self._structure_due = True
        delay = max(0.0, self._structure_at + FRAME_SECONDS - time.monotonic())
        asyncio.get_running_loop().call_later(delay, self._draw_structure)

    def _draw_structure(self) -> None:
        self._structure_due = False
        self._structure_at = time.monotonic()
        if self.mirror is None:
            return
        model = self.mirror.model
        capture = self.mirror.mode_capture
        in_mode = {
            pane.pane_id: mode_badge(pane.mode, capture)
            for pane in model.panes.values()
            if pane.in_mode
        }
        self.window_view.show(model.current, self.mirror.terminals, model.panes, in_mode)
        self._tell_table()
        self.status_bar.update(model, prefix=self.keys.pending)
        self._sync_mouse()
        flagged = {window.window_id for window in model.windows.values() if window.bell}
        for window_id in self.bells.flags_seen(flagged):
            window = model.windows[window_id]
            self._ring(window_id, window.index, window_id == model.active_window)

    def modal_look(self) -> tuple[Style | None, bool]:
        """tmux draws its prompts on the status line in the user's ``message-style``."""
        status = self.status_bar.status
        if status is None:
            return None, False
        return rich_style(status.message), status.top and status.lines > 0

    def modal_cursor(self) -> PromptCursor | None:
        status = self.status_bar.status
        return status.prompt_cursor if status is not None else None

    def _tell_table(self) -> None:
        """tuimux walks the key tables itself, so tmux would take this client to be in
        its root table for ever and the user's status line (``client_prefix``, a
        ``key-table`` test) would never show the prefix. Tell tmux the table the keys
        reached, as its own client's are, and read the line again after it."""
        table = self.keys.table
        if table == self._told_table or self.client.read_only or self.client.closed:
            return
        if self._detaching:
            return
        self._told_table = table
        self.run_worker(self._send_quietly([build("switch-client", "-T", table)]))
        self._status_changed.set()

    async def _send_quietly(self, built: list[str]) -> None:
        for future in self.client.send(built):
            try:
                await future
            except TuimuxError as error:  # the table went meanwhile: tmux says so
                log.debug("key table not told: %s", error)

    def output_ready(self) -> None:
        delay = max(0.0, self._frame_at + FRAME_SECONDS - time.monotonic())
        asyncio.get_running_loop().call_later(delay, self._frame)

    def _frame(self) -> None:
        self._frame_at = time.monotonic()
        if self.mirror is None:
            return
        current = self.mirror.model.current
        in_view = set(current.pane_ids) if current is not None else set()
        rang = False
        for pane_id in self.mirror.flush():
            view = self.window_view.panes.get(pane_id)
            if view is not None:
                view.screen_changed()
            screen = self.mirror.terminals[pane_id].screen
            # Taken from every pane, every frame: one left counted (behind an "or") rang
            # again, as "current", when its window was shown later.
            bells = screen.take_bells()
            rang = rang or (bells > 0 and pane_id in in_view)
            selection = screen.take_selection()
            if selection is not None and pane_id in in_view:
                self.run_worker(self._program_copied(selection), group="clipboard")
        if rang and current is not None:  # other windows ring through their "!" flag
            self._ring(current.window_id, current.index, True)
        self._sync_mouse()

    async def _program_copied(self, data: bytes) -> None:
        """A program's OSC 52: to the terminal's clipboard only where tmux's own client
        passed it on (``set-clipboard on``; ``external``, the default, refuses it)."""
        if await tmux_took_program_copy(self.client, data):
            self.copy_to_clipboard(data.decode("utf-8", "replace"))

    def _ring(self, window_id: str, index: int, current: bool) -> None:
        self.run_worker(self.bells.ring(window_id, index, current), group="bell")

    async def _bell_options(self, window_id: str) -> str:
        reply = await self.client.command("display-message", "-p", "-t", window_id, OPTIONS_READ)
        return "".join(reply.text)

    def copied(self, text: str | None) -> None:
        """A copy in tmux: to the terminal's clipboard (OSC 52 with the ``c`` selection,
        which mosh passes on), as tmux's own client does with ``set-clipboard``."""
        if text is None:
            self.show_message("copied in tmux; too large for the clipboard")
        else:
            self.copy_to_clipboard(text)
            self.show_message(f"copied {len(text)} characters to the clipboard")

    def pane_replaced(self, pane_id: str) -> None:
        view = self.window_view.panes.get(pane_id)
        if view is not None:
            pane = self.mirror.model.panes.get(pane_id) if self.mirror is not None else None
            if pane is not None:  # a mode's name is known once its screen was read
                capture = self.mirror is not None and self.mirror.mode_capture
                view.set_mode(mode_badge(pane.mode, capture) if pane.in_mode else "")
            view.screen_changed(everything=True)
        else:
            self.structure_changed()

    def closed(self, reason: str) -> None:
        """tmux 3.3a prints a bare ``%exit`` for our detach, a detach from another client,
        a killed session and a killed server alike, so only our own detach is status 0.
        A link that died without ``%exit`` is reconnected when that is possible."""
        if self._detaching:
            self.exit(return_code=0)
        elif self.reattach is not None and self.client.link_lost:
            if not self.offline:  # a new attach dying mid-reconnect is the loop's to handle
                self.reconnect(reason)
        elif reason in ("", "detached"):
            self.fail("tmux ended the attach: the session was closed or detached from elsewhere.")
        else:
            self.fail(f"tmux ended the attach: {reason}.")

    # -- tmux's messages (tmux 3.4+) ------------------------------------------------------

    async def _watch_messages(self) -> None:
        """Show what tmux says to this client: ``%message`` in the status line and each
        ``%config-error`` (sent before the attach completed) as one sentence."""
        client = self.client
        for error in client.config_errors:
            self._config_error(error)
        client.subscribe(self._on_tmux_note)
        session_id = client.session_id or ""
        try:
            reply = await client.command("display-message", "-p", "-t", session_id, DISPLAY_TIME)
        except TuimuxError as error:
            log.debug("display-time not read: %s", error)
            return
        number = parse_uint("".join(reply.text), 2**31)
        if number is not None:
            self._display_time_ms = number

    def _on_tmux_note(self, event: ev.Notification) -> None:
        if isinstance(event, ev.Message):
            self.show_message(event.text)
        elif isinstance(event, ev.ConfigError):
            self._config_error(event.text)
            self.read_keys()  # a source-file that failed half-way may have bound keys

    def _config_error(self, text: str) -> None:
        self.notify(
            printable(f"tmux's configuration has an error: {text.rstrip('.')}."),
            severity="warning",
            markup=False,
        )

    def show_message(self, text: str) -> None:
        """A tmux message in the status line, as tmux shows one for display-time."""
        if self._message_timer is not None:
            self._message_timer.cancel()
            self._message_timer = None
        self.status_bar.tmux_message = printable(text)
        if self._display_time_ms:
            self._message_timer = asyncio.get_running_loop().call_later(
                self._display_time_ms / 1000, self._message_over
            )
        self.structure_changed()

    def _message_over(self) -> None:
        self._message_timer = None
        self.status_bar.tmux_message = ""
        self.structure_changed()

    def stalled(self, command: str, seconds: float, after: str) -> None:
        """tmux holds our queue for a prompt or menu it opened for tuimux: attach afresh
        (:mod:`tuimux.ui.stall`); commands still queued there, keys included, are lost."""
        if self.offline:
            return
        reason = stall_reason(command, seconds)
        if self.recover is None:
            self._say(f"{reason}; {self.keys.prefix} d quits")
            self.bell()
            return
        wait = self._stall.wait()
        if wait > 0:
            self._say(
                "tmux waits again for a prompt tuimux cannot show (a hook on what every "
                f"attach sends?): re-attaching in {wait:.0f} s; {self.keys.prefix} d quits"
            )
            self.bell()
            client = self.client
            self.set_timer(wait, lambda: self._recover_stall(client, reason, after))
            return
        self._recover_stall(self.client, reason, after)

    def _recover_stall(self, client: TmuxClient, reason: str, after: str) -> None:
        if self.recover is None or client is not self.client or not client.stalled:
            return  # replaced meanwhile, or tmux answered after all
        self._stall.recovering()
        self.reconnect(reason, self.recover, stalled=True, after=after)

    # -- reconnecting --------------------------------------------------------------------

    @work(exclusive=True, group="reconnect")
    async def reconnect(
        self,
        reason: str,
        via: Reattach | None = None,
        *,
        stalled: bool = False,
        after: str = "",
    ) -> None:
        """Attach again with backoff, then resync every pane from a fresh snapshot.

        ``stalled``: re-attaching because tmux held our queue; ``after`` names the
        command tmux answered last, whose ``after-`` hook may have opened the prompt: it
        is asked here once attached.

        While offline nothing typed is kept: keys sent after the link comes back could
        land in a pane the user no longer sees, so they are refused and the bar says so.
        """
        reattach = via or self.reattach
        assert reattach is not None
        self._lead = "tmux stopped answering" if stalled else "The connection to tmux was lost"
        self._flush_typed()  # typed before the loss was noticed: sent, or listed below
        self.offline = True
        session_id = self.client.session_id or (self.mirror.model.session_id if self.mirror else "")
        lost_mirror = self.mirror
        self.mode_keys.clear()
        if self.mirror is not None:
            await self.mirror.close()
        await self.client.close()  # every reply still awaited has failed now
        lost_keys = self._lost_keys(lost_mirror)
        if lost_keys:
            self.notify(lost_keys, severity="warning", timeout=60, markup=False)
        attempt = 0
        while True:
            attempt += 1
            self._offline_note(reason, f"Reconnecting (try {attempt})…")
            try:
                client = await reattach(session_id, *self._area_size())
            except UnreachableError as error:
                reason = user_message(error).rstrip(".")
            except TuimuxError as error:  # the host answered: the session or tmux is gone
                self.fail(f"{LOST_FOR_GOOD}: {user_message(error)}")
                return
            else:
                self.client, self.mirror = client, SessionMirror(client, self)
                try:
                    await self.mirror.start()
                    break
                except TuimuxError as error:
                    if not client.link_lost:
                        self.fail(f"{LOST_FOR_GOOD}: {user_message(error)}")
                        return
                    reason = user_message(error).rstrip(".")
            delay = RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS)) - 1]
            for left in range(delay, 0, -1):
                self._offline_note(reason, f"Trying again in {left} s (try {attempt + 1}).")
                await asyncio.sleep(1)
        self.offline = False
        self.status_bar.set_class(False, "-offline")
        self.offline_banner.display = False
        self._note(
            ("re-attached: tmux's prompt for tuimux was dropped" if stalled else "reconnected")
            + (": keys were lost (see note)" if lost_keys else "")
        )
        self.mirror.resize(*self._area_size())
        self.read_keys()
        self.structure_changed()
        self._keep_title()
        self._follow_mouse()
        await self._watch_messages()
        if stalled and await ask_hook_prompt(self.mode_keys, self.mirror, after):
            self.window_view.focus()

    def _note(self, text: str) -> None:
        """A note in the status line that goes away by itself (it stayed for good)."""
        self.status_bar.message = text
        self.set_timer(NOTE_SECONDS, lambda: self._note_over(text))

    def _note_over(self, text: str) -> None:
        if self.status_bar.message == text:
            self.status_bar.message = ""
            self.structure_changed()

    def _lost_keys(self, mirror: SessionMirror | None) -> str:
        """Which keys tmux never confirmed before the link died, per pane (``0.1`` is
        window 0, pane 1, as tmux names them): they are not sent again, since the pane
        may have had them, so the user is told what to type again."""
        if mirror is None:
            return ""
        runs = []
        for pane_id, keys in mirror.keys_in_flight.unanswered():
            pane = mirror.model.panes.get(pane_id)
            window = mirror.model.windows.get(pane.window_id) if pane is not None else None
            where = f"{window.index}.{pane.index}" if pane and window else pane_id
            runs.append(f"pane {where}: {keys}")
        if not runs:
            return ""
        return "Keys typed before the link was lost may not have arrived: " + "; ".join(runs)

    def _offline_note(self, reason: str, next_step: str) -> None:
        """The banner says what happened in full (it wraps on a narrow screen); the
        status bar keeps its one line. The reason may be an SSH server's, sent before its
        host key was checked: printable, and drawn as Text (never markup)."""
        reason = one_line(reason).rstrip(".")
        self.offline_banner.update(
            Text(
                f"{self._lead}: {reason}. {next_step} "
                f"Keys typed now are not sent; {self.keys.prefix} d quits (the session "
                "keeps running)."
            )
        )
        self.offline_banner.display = True
        self.status_bar.set_class(True, "-offline")
        self.status_bar.message = "offline"
        self.structure_changed()

    async def ask_secret(self, prompt: str, hidden: bool) -> str | None:
        """A password or passphrase a reconnect needs, asked over the session's screen."""
        answer: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self.open_modal(Prompt(prompt, hidden=hidden), answer.set_result)
        try:
            return await answer
        finally:
            self.window_view.focus()

    def _refuse_read_only(self, what: str) -> None:
        # The prefix is the user's (C-a …): the hint names the key they press.
        self.status_bar.message = f"read-only: {what} not sent ({self.keys.prefix} d detaches)"
        self.bell()
        self.structure_changed()

    def _offline_key(self, name: str | None) -> None:
        """Offline, only the prefix and ``d`` (quit; tmux keeps the session) do anything."""
        machine = self.keys
        if machine.pending:
            machine.reset()
            if name == "d":
                self._detaching = True
                self.exit(return_code=0)
                return
        elif name is not None and name in (machine.prefix, machine.prefix2):
            machine.table = PREFIX
        self.bell()
        self.structure_changed()

    # -- input ---------------------------------------------------------------------------

    async def on_window_view_key_pressed(self, message: WindowView.KeyPressed) -> None:
        self.window_view.in_flight -= 1
        self.key_arrived()
        await self.route(events.Key(message.key, message.character), from_view=True)

    def key_arrived(self) -> None:
        self._stall.typed()  # counted when typed: keys held at attach are handled later

    def view_busy(self) -> bool:
        return self.window_view.in_flight > 0

    async def pane_key(self, key: str, character: str | None) -> None:
        """A key with no modal open: display-panes, the user's key tables, or the pane."""
        if self.status_bar.tmux_message and not self._display_time_ms:
            self._message_over()  # display-time 0: until a key is pressed
        name = key_name(key, character)
        if self.offline:
            self._offline_key(name)
            return
        if self.mirror is None or self._wait_for_window(key, character):
            return
        if self._numbers_shown and not self.keys.pending:
            self._hide_numbers()
            number = pane_index_of(character)  # "²".isdigit() is true: ASCII only
            if number is not None:
                self._select_pane_by_index(number)
                return
        if name is None:
            return  # nothing a terminal could send
        if self.tables_stale() and not self.keys.pending:
            self.hold_keys()  # the key meets the tables as tmux has them now
            assert self._held is not None
            self._held.insert(0, events.Key(key, character))
            self.read_keys(held=True)
            return
        outcome = self.press_key(name, self._active_pane())
        self._tell_table()  # before the binding runs (a detach-client is the last word)
        if outcome == "pane":
            if self.client.read_only:
                self._refuse_read_only("keys")
            else:
                self._queue_key(key, character)
                self.typed_to_pane(name)
            return
        if outcome != "nothing":
            assert not isinstance(outcome, str)
            self._flush_typed()  # keys typed before the binding go first
            self.run_bound(outcome)
        self.structure_changed()

    def _wait_for_window(self, key: str, character: str | None) -> bool:
        """tmux made a window current that tuimux has not read yet (another client's
        ``new-window``, a killed window): the key waits for the re-read, then goes where
        it would in tmux. If the re-read shows no window either, it is refused aloud.
        True when the key was taken care of here."""
        if self.mirror is None or self._active_pane() is not None:
            self._window_waits = 0
            return False
        if self._window_waits:
            self.status_bar.message = "no current window: key not sent"
            self.bell()
            self.structure_changed()
            return True
        self._window_waits += 1
        self.hold_keys()
        assert self._held is not None
        self._held.insert(0, events.Key(key, character))
        self.run_worker(self._settle_then_release(self.mirror), group="commands")
        return True

    async def _settle_then_release(self, mirror: SessionMirror) -> None:
        try:
            await mirror.settle()
        finally:
            self.release_keys()

    def type_directly(self, key: str, character: str | None) -> bool:
        """A key for the pane, taken straight from the view's key event: a message hop
        costs ~0.5 ms of a ~3.5 ms echo. Anything else (prefix, prompts, offline) goes
        the message way; the view only asks when no message of its is still queued, so
        order is kept."""
        if (
            self.offline
            or not self.taking_keys()
            or self.client.read_only
            or self.mirror is None
            or self.keys.pending
            or self._numbers_shown
            or (self.status_bar.tmux_message != "" and not self._display_time_ms)
            or self.tables_stale()
        ):
            return False
        name = key_name(key, character)
        machine = self.keys
        if (
            name is None
            or name in (machine.prefix, machine.prefix2)
            or lookup(machine.tables.get(machine.root, {}), name) is not None
        ):
            return False  # the key tables decide (pane_key)
        self._stall.typed()
        self._queue_key(key, character)
        self.typed_to_pane(name)
        return True

    def _say(self, message: str) -> None:
        self.status_bar.message = message
        self.structure_changed()

    def _queue_key(self, key: str, character: str | None) -> None:
        pane_id = self._active_pane()
        item = encode_key(key, character)
        if pane_id is None or item is None or self.mirror is None:
            return
        pane = self.mirror.model.panes.get(pane_id)
        if self.mode_keys.busy or (pane is not None and pane.in_mode):
            self._flush_typed()  # keys typed before go first
            self.mode_keys.press(pane_id, item)
            return
        # Keys that arrive in one burst (fast typing, a slow link) leave as one command
        # line: they are flushed once the loop has handled what is already queued.
        if not self._typed:
            asyncio.get_running_loop().call_soon(self._flush_typed)
        self._typed.append((pane_id, item))

    def _flush_typed(self) -> None:
        typed, self._typed = self._typed, []
        if self.mirror is None:
            return
        start = 0
        for index in range(1, len(typed) + 1):
            if index == len(typed) or typed[index][0] != typed[start][0]:
                self.mirror.send_input(typed[start][0], [item for _, item in typed[start:index]])
                start = index

    async def on_window_view_pasted(self, message: WindowView.Pasted) -> None:
        self.window_view.in_flight -= 1
        await self.route(events.Paste(message.text), from_view=True)

    def pane_paste(self, text: str) -> None:
        pane_id = self._active_pane()
        if self.mirror is None or self.offline or pane_id is None or not text:
            return
        if self.client.read_only:
            self._refuse_read_only("paste")
            return
        self._flush_typed()  # keys typed before the paste go first
        self.mirror.typed(pane_id)
        self.mirror.fire(paste_commands(pane_id, text, self.mirror.paste_verbatim))

    def on_window_view_resized(self, message: WindowView.Resized) -> None:
        if self.mirror is not None and not self.offline:
            self.mirror.resize(message.width, message.height)

    def on_pane_view_mouse(self, message: PaneView.Mouse) -> None:
        """The user's mouse bindings (tuimux.ui.mouse_bindings), in window cells."""
        pane = self.mirror.model.panes.get(message.pane_id) if self.mirror else None
        if pane is not None and not self.offline:
            mouse = message.mouse
            self.mouse_keys.event(mouse, pane.left + mouse.x, pane.top + mouse.y)

    def on_window_view_mouse(self, message: WindowView.Mouse) -> None:
        if self.mirror is not None and not self.offline:
            self.mouse_keys.event(message.mouse, message.mouse.x, message.mouse.y)

    def on_status_bar_window_clicked(self, message: StatusBar.WindowClicked) -> None:
        if self.mirror is None or self.offline or self.mirror.model.current is None:
            return
        if self.client.read_only:
            self._refuse_read_only("mouse")
        elif message.window_id is not None:
            self._tmux("select-window", "-t", message.window_id)
        elif message.step < 0:
            self.action_previous_window()
        else:
            self.action_next_window()

    def _active_pane(self) -> str | None:
        if self.mirror is None or self.mirror.model.current is None:
            return None
        return self.mirror.model.current.active_pane
