"""The user's tmux key bindings, run by tuimux as tmux's own client runs them.

The tables and options are read from tmux (``list-keys``, ``#{prefix}`` …) at attach
and again whenever tuimux ran something that can change them (``source-file``,
``bind-key``, ``unbind-key``, ``set-option``) or tmux reported a configuration error.
:class:`~tuimux.control.key_table.KeyMachine` decides what a key does; a binding's
commands are sent through the client unchanged and without a target, so tmux runs them
for this client's current pane and expands ``#{pane_current_path}`` there, exactly as
for a key pressed on its own client.

Some commands tmux would run *on the client's terminal*, and a control client has none:
tmux 3.3+ then holds the client's queue for ever (DESIGN.md, Traps). Those are done
here instead: ``command-prompt`` and ``confirm-before`` (tuimux's prompts, the template
filled as tmux fills it), ``switch-client -T`` (the table is client state),
``detach-client``, ``display-panes``, ``choose-tree`` (tuimux's tree), ``list-keys``
(the key list) and ``display-message`` (shown in tuimux's status line). A menu, a popup
or ``suspend-client`` is refused with a sentence.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence

from rich.color import Color

from tuimux.connect import tmux_version
from tuimux.control import tmux_style as ts
from tuimux.control.bindings import Block, Command, PromptSpec, fill, parse_commands, prompt_of
from tuimux.control.command import escape_format
from tuimux.control.display_panes import (
    DEFAULT_TEMPLATE,
    PanesSpec,
    display_panes_of,
)
from tuimux.control.getopt import getopt
from tuimux.control.key_table import (
    PREFIX,
    ROOT,
    Bound,
    KeyMachine,
    command_name,
    parse_tables,
    with_notes,
)
from tuimux.control.menus import SEPARATORS_MERGED_SINCE, expanded, formats_of, menu_of
from tuimux.control.numbers import parse_uint
from tuimux.control.popups import popup_of, size_of
from tuimux.errors import CommandError, TuimuxError
from tuimux.terminal.keys import Literal, encode_key
from tuimux.ui.actions import PrefixActions
from tuimux.ui.menu import Geometry, Menu, menu_look, place
from tuimux.ui.palette import KeyList, binding_commands, shown_output
from tuimux.ui.popup import Popup, PopupJob
from tuimux.ui.prompt_editing import HISTORY_LIMIT
from tuimux.ui.status_line import rich_colour

log = logging.getLogger(__name__)


def pane_colour(name: str, fallback: int) -> Color | None:
    """A display-panes colour option → Rich's (tmux's default colour if unreadable)."""
    colour = ts.colour_from_string(name)
    return rich_colour(colour) if colour is not None else Color.from_ansi(fallback)


# One read: what the key machine needs from the session's options.
# The prompt's editing keys come last: word-separators is free text (a tab in it stays).
OPTIONS_FORMAT = (
    "#{prefix}\t#{prefix2}\t#{repeat-time}\t#{key-table}\t#{mode-keys}"
    "\t#{status-keys}\t#{prompt-history-limit}\t#{word-separators}"
)
# display-panes: how long, and its colours (tmux's defaults: blue, the active pane red).
PANES_FORMAT = "#{display-panes-time}|#{display-panes-colour}|#{display-panes-active-colour}"
# The menu's look, as tmux reads it for its own client (tuimux.ui.menu.menu_look).
MENU_LOOK = (
    "#{E:menu-style}",
    "#{E:menu-selected-style}",
    "#{E:menu-border-style}",
    "#{menu-border-lines}",
    "#{E:mode-style}",
    "#{version}",
)
# How long keys typed at attach wait for the tables at most.
HOLD_FOR_TABLES_SECONDS = 1.0
# tmux says nothing when another client binds a key (a `tmux bind` from a shell): tables
# read longer ago than this are read again before a key meets them, the key waiting one
# round trip for them (tmux's own client waits one for every key). Typing costs a read
# (~30 kB with tmux's default tables) every 2 s at most; an idle session costs nothing.
TABLES_FRESH_SECONDS = 2.0
# A line's end typed into a pane may have run a shell's `tmux bind`: the next key reads
# the tables again, at most this often (a held Enter key repeats).
TABLES_AFTER_ENTER_SECONDS = 0.25
LINE_ENDS = frozenset({"Enter", "C-m", "C-j"})
# After these, the tables or the options may differ: read them again.
CHANGES_KEYS = frozenset(
    {"source-file", "bind-key", "unbind-key", "set-option", "set-window-option"}
)
# Commands that expand formats in the names they are given (tuimux.control.command).
FORMAT_EXPANDING = frozenset(
    {"rename-session", "rename-window", "new-window", "new-session", "split-window"}
)
# Commands tmux would draw on the client's own terminal and wait for: refused.
REFUSED = {
    "suspend-client": "it would stop tmux's control client, not tuimux",
}
# Until tmux has answered (or if it never does): the prefix still detaches.
FALLBACK_TABLES = parse_tables(["bind-key -T prefix d detach-client"])
# The prompt a bare ``command-prompt`` fills: the answer is a command line.
_COMMAND_LINE = parse_commands("%1")


def key_name(key: str, character: str | None) -> str | None:
    """A Textual key press → the name tmux's key tables use (``C-a``, ``M-Left``, ``|``)."""
    item = encode_key(key, character)
    if item is None:
        return None
    return item.text if isinstance(item, Literal) else item.name


class BoundKeys(PrefixActions):
    """Reading the user's key tables and running their bindings."""

    keys: KeyMachine
    mode_keys_option: str
    _keys_session: str | None
    # display-panes: what a key runs while the numbers are shown, and how often shown.
    _panes_spec: PanesSpec = PanesSpec(None, DEFAULT_TEMPLATE)
    _panes_shown = 0
    # Where the mouse was when a mouse binding ran (screen cells), for -xM/-yM menus
    # and popups: set by whoever runs mouse bindings, None for keys.
    mouse_at: tuple[int, int] | None = None
    # When the tables were last asked for (time.monotonic()), and whether a line's end
    # went to a pane since.
    _tables_asked_at = float("-inf")
    _tables_due = False
    # list-keys as last parsed into the machine's tables.
    _tables_text: list[str] | None = None

    # -- reading -------------------------------------------------------------------------

    def read_keys(self, *, held: bool = False) -> None:
        """Read the tables and options again; ``held``: typed keys wait for the answer
        (at attach, so the first keys already meet the user's prefix), and are released
        once it is there."""
        release = self._release_once() if held else None
        if release is not None:
            # tmux may hold our queue (a hook's prompt, DESIGN.md Traps): the keys then
            # go on with tmux's default prefix rather than wait for the stall guard.
            self.set_timer(HOLD_FOR_TABLES_SECONDS, release)
        self.run_worker(self._read_keys(release), group="keys")

    def _release_once(self) -> Callable[[], None]:
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self.release_keys()

        return release

    async def _read_keys(self, release: Callable[[], None] | None) -> None:
        try:
            await self.reread_keys(release)
        finally:
            if release is not None:
                release()

    def tables_stale(self) -> bool:
        """Whether a key should wait for the tables to be read again first (another
        client may have bound keys since: :data:`TABLES_FRESH_SECONDS`)."""
        age = time.monotonic() - self._tables_asked_at
        return age > TABLES_FRESH_SECONDS or (self._tables_due and age > TABLES_AFTER_ENTER_SECONDS)

    def typed_to_pane(self, name: str) -> None:
        """A key went to a pane: after a line's end, the next key reads the tables."""
        if name in LINE_ENDS:
            self._tables_due = True

    async def reread_keys(self, tables_in: Callable[[], None] | None = None) -> None:
        """Read the tables and options; ``tables_in`` is called once the tables are in,
        before the notes (which only the key list shows) are read."""
        self._tables_asked_at, self._tables_due = time.monotonic(), False
        client = self.client
        session_id = client.session_id or (self.mirror.model.session_id if self.mirror else "")
        target = ["-t", session_id] if session_id else []
        try:  # read_formats: tmux 3.4 prints "$" in a binding as "\\$"
            options, tables = await client.read_formats(
                [["display-message", "-p", *target, OPTIONS_FORMAT], ["list-keys"]]
            )
        except TuimuxError as error:
            log.debug("key tables not read: %s", error)
            return
        machine = self.keys
        if tables != self._tables_text:  # parsing takes ~13 ms: not for an unchanged list
            machine.tables = parse_tables(tables)
            self._tables_text = tables
        fields = "\n".join(options).split("\t", 7)
        if len(fields) == 8:
            prefix, prefix2, repeat, table, mode_keys, *editing = fields
            self._prompt_options(*editing)
            machine.prefix, machine.prefix2 = prefix or "None", prefix2 or "None"
            number = parse_uint(repeat, 2**31)
            machine.repeat_time_ms = number if number is not None else 500
            if table and table != machine.root:
                machine.root = table
                machine.reset()
            self.mode_keys_option = mode_keys
        if machine.table not in machine.tables and machine.table != machine.root:
            machine.reset()  # the table the client was in has gone
        self._keys_session = session_id
        if tables_in is not None:
            tables_in()
        for table in (ROOT, PREFIX):  # the notes only matter to the key list
            try:
                (notes,) = await client.read_formats([["list-keys", "-N", "-P", "", "-T", table]])
            except TuimuxError:
                continue  # no such table (the user unbound all its keys)
            with_notes(machine.tables, table, notes)

    def _prompt_options(self, status_keys: str, limit: str, separators: str) -> None:
        """The prompt's editing keys, as tmux reads them for its own prompt."""
        settings = self.mode_keys.prompting
        settings.status_keys = "vi" if status_keys == "vi" else "emacs"
        number = parse_uint(limit, 2**31)  # tmux 3.2a has no prompt-history-limit
        settings.history_limit = number if number is not None else HISTORY_LIMIT
        settings.word_separators = separators

    # -- pressing ------------------------------------------------------------------------

    def mode_table(self, pane_id: str | None) -> str | None:
        """The copy-mode table tmux looks in first for the pane, if it is in copy mode."""
        if self.mirror is None or pane_id is None:
            return None
        pane = self.mirror.model.panes.get(pane_id)
        if pane is None or not pane.in_mode or pane.mode not in ("", "copy-mode", "view-mode"):
            return None
        vi = (pane.mode_keys or self.mode_keys_option) == "vi"
        return "copy-mode-vi" if vi else "copy-mode"

    def press_key(self, name: str, pane_id: str | None) -> str | Bound:
        """Walk the key tables: ``"pane"``, ``"nothing"`` or the binding to run."""
        if self.mirror is not None and self._keys_session != self.mirror.model.session_id:
            self._keys_session = self.mirror.model.session_id
            self.read_keys()  # prefix and repeat-time are session options
        outcome = self.keys.press(name, time.monotonic(), self.mode_table(pane_id))
        if self.keys.repeat_until is not None:
            self.set_timer(self.keys.repeat_until - time.monotonic(), self._repeat_over)
        return outcome.bound if outcome.bound is not None else outcome.kind

    def _repeat_over(self) -> None:
        if self.keys.expire(time.monotonic()):
            self.structure_changed()  # the status line's prefix mark goes

    # -- the key list ----------------------------------------------------------------------

    def action_list_keys(self) -> None:
        self.hold_keys()  # what follows C-b ? searches the list
        self.run_worker(self._list_keys(), group="commands")

    async def _list_keys(self) -> None:
        try:
            commands = binding_commands(self.keys, self._chosen_binding)
            await self.push_screen(KeyList(self.screen, commands, "Key bindings…"))
        finally:
            self.release_keys()

    async def _chosen_binding(self, bound: Bound) -> None:
        """A binding chosen from the key list runs as if its keys were pressed."""
        self.window_view.focus()
        self.run_bound(bound)  # not awaited here: the palette closes first

    # -- running -------------------------------------------------------------------------

    def run_bound(self, bound: Bound) -> None:
        """Run a binding's commands; keys typed meanwhile wait for their effect."""
        self.hold_keys()
        self.run_worker(self._run_bound(bound.commands), group="commands")

    async def _run_bound(self, commands: Sequence[Command]) -> None:
        try:
            await self.run_commands(commands)
        finally:
            self.release_keys()

    async def run_commands(self, commands: Sequence[Command]) -> None:
        """Run commands in order: runs of plain ones as one group through the client,
        the ones tuimux does itself in between; stop at the first failure, as tmux
        stops a command list."""
        batch: list[Command] = []
        changed = False
        for command in commands:
            name = command_name(command[0]) if command and isinstance(command[0], str) else ""
            changed = changed or name in CHANGES_KEYS
            if not self._done_here(name, command):
                batch.append(command)
                continue
            if batch and not await self._send(batch):
                break
            batch = []
            if not await self._do_here(name, command):
                break
        else:
            if batch:
                await self._send(batch)
        if changed:
            await self.reread_keys()
        self.structure_changed()

    def _done_here(self, name: str, command: Command) -> bool:
        args = [arg for arg in command[1:] if isinstance(arg, str)]
        if name == "display-message":
            return "-p" not in args and not any(arg.startswith("-") and "p" in arg for arg in args)
        if name == "switch-client":
            return "-T" in args
        if name == "detach-client":
            return not {"-a", "-s", "-t"} & set(args)
        return name in REFUSED or name in (
            "display-menu",
            "display-popup",
            "command-prompt",
            "confirm-before",
            "display-panes",
            "choose-tree",
            "list-keys",
        )

    async def _send(self, commands: Sequence[Command]) -> bool:
        """Plain commands through the client (read-only, audit log); their output, if
        any, shown as tmux shows it in view mode. False if tmux refused one."""
        if self.mirror is None:
            return False
        try:
            argvs = fill(commands, [])
            if not argvs:
                return True  # an empty binding (bind x '')
            replies = await self.tmux_commands(argvs)
        except TuimuxError as error:
            self.status_bar.message = str(error)
            self.bell()
            return False
        finally:
            await self.mirror.settle()
        self.status_bar.message = ""
        self._after_copy_mode(argvs)
        lines = [text for reply in replies for text in reply.text]
        if lines:
            self.notify(shown_output("", lines), markup=False)
        return True

    def _after_copy_mode(self, argvs: list[list[str]]) -> None:
        """Keys typed next are for copy mode (a ``/`` must open tuimux's prompt, not
        tmux's): which mode and table is read with the first of them."""
        if self.mirror is None:
            return
        for argv in argvs:
            if argv and command_name(argv[0]) == "copy-mode" and "-t" not in argv:
                pane = self.mirror.model.panes.get(self._target()[2])
                if pane is not None and not pane.in_mode:
                    pane.in_mode, pane.mode = True, ""

    async def _do_here(self, name: str, command: Command) -> bool:
        """What tuimux does in tmux's place; False stops the rest of the list."""
        args = [arg for arg in command[1:] if isinstance(arg, str)]
        if name in REFUSED:
            self.status_bar.message = f"{name} was not sent: {REFUSED[name]}"
            self.bell()
            return False
        if name == "switch-client":
            table = args[args.index("-T") + 1] if args.index("-T") + 1 < len(args) else ""
            if not self.keys.enter(table):
                self.status_bar.message = f"table {table} doesn't exist"
                self.bell()
                return False
            return True
        if name == "detach-client":
            await self.action_detach()
            return False
        if name == "display-panes":
            return await self._display_panes(command)
        if name == "display-message":
            return await self._message(command)
        if name == "choose-tree":
            return self._choose_tree_command(command)
        if name == "list-keys" and any(arg.startswith("-") and "1" in arg for arg in args):
            return await self._message(command, one_line=True)
        if name == "list-keys":
            self.action_list_keys()
            return True
        if name == "display-menu":
            return await self._menu(command)
        if name == "display-popup":
            return await self._popup(command)
        return await self._prompt(command)

    async def _menu(self, command: Command) -> bool:
        """``display-menu``: its names, title and commands expanded by tmux for the
        target pane, shown by tuimux; the chosen item's commands then run like the
        binding's own (the audit log and read-only rules see each)."""
        if self.mirror is None:
            return False
        try:
            spec = menu_of(command[1:])
        except CommandError as error:
            self.status_bar.message = str(error)
            self.bell()
            return False
        pane_id = self._target()[2]
        target = spec.target if spec.target not in ("", "=", "{mouse}") else pane_id
        texts = formats_of(spec)
        wanted = [index for index, text in enumerate(texts) if "#" in text]
        values = list(texts)
        try:
            (
                *replies,
                menu_style,
                selected,
                border,
                border_lines,
                mode_style,
                version,
            ) = await self.client.read_formats(
                [
                    *(["display-message", "-p", "-t", target, "--", texts[i]] for i in wanted),
                    *(["display-message", "-p", "-t", target, text] for text in MENU_LOOK),
                ]
            )
        except TuimuxError as error:
            self.status_bar.message = str(error)
            self.bell()
            return False
        server = tmux_version("".join(version))
        look = menu_look(
            "".join(menu_style),
            "".join(selected),
            "".join(border),
            "".join(border_lines),
            "".join(mode_style),
            server,
        )
        for index, lines in zip(wanted, replies, strict=True):
            values[index] = "\n".join(lines)
        merge = server is None or server >= SEPARATORS_MERGED_SINCE
        title, items = expanded(spec, values, merge_separators=merge)
        where = await self._laid_out_geometry(pane_id)
        menu = Menu(
            title,
            items,
            where,
            spec.x,
            spec.y,
            stay_open=spec.stay_open,
            starting_choice=spec.starting_choice,
            look=look,
        )
        if not items or menu.box[0] > where.width or menu.box[1] > where.height:
            return True  # tmux shows nothing (no item, or too big for the terminal)
        answer: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()

        def answered(index: int | None) -> None:
            if not answer.done():
                answer.set_result(index)

        self._hand_over += 1  # keys typed after the binding go to the menu, in order
        try:
            self.open_modal(menu, answered)
            chosen = await answer
        finally:
            self._hand_over = max(self._hand_over - 1, 0)
        self.window_view.focus()
        if chosen is not None:
            await self.run_commands(items[chosen].commands)
        return True

    async def _popup(self, command: Command) -> bool:
        """``display-popup``: the command runs in a hidden session of tuimux's, shown
        in a box over the session until it ends (``-E``) or Escape closes it; the
        session is killed then (:mod:`tuimux.ui.popup`)."""
        if self.mirror is None:
            return False
        if self.client.read_only:
            self._refuse_read_only("display-popup")
            return False
        try:
            spec = popup_of(command[1:])
            if spec.close_only:
                return True
            width, height = self.size
            box_w, box_h = size_of(spec.width, width), size_of(spec.height, height)
        except CommandError as error:
            self.status_bar.message = str(error)
            self.bell()
            return False
        pane_id = self._target()[2]
        formats = [spec.title, spec.directory]
        try:
            replies = await self.client.read_formats(
                [["display-message", "-p", "-t", pane_id, "--", text or " "] for text in formats]
            )
        except TuimuxError as error:
            self.status_bar.message = str(error)
            self.bell()
            return False
        title, directory = (
            "\n".join(lines).strip() if text else ""
            for text, lines in zip(formats, replies, strict=True)
        )
        where = await self._laid_out_geometry(pane_id)
        x, y = place(spec.x, spec.y, box_w, box_h, where)
        job = PopupJob(self.client)
        inner = (box_w - 2, box_h - 2) if spec.border else (box_w, box_h)
        try:
            await job.start(spec, max(inner[0], 1), max(inner[1], 1), directory)
        except TuimuxError as error:
            self.status_bar.message = str(error)
            self.bell()
            await job.stop()
            return False
        answer: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def closed(_: None) -> None:
            if not answer.done():
                answer.set_result(None)

        self._hand_over += 1  # keys typed after the binding go to the popup, in order
        try:
            self.open_modal(Popup(job, spec, title, (x, y, box_w, box_h)), closed)
            await answer
        finally:
            self._hand_over = max(self._hand_over - 1, 0)
            await job.stop()
        self.window_view.focus()
        return True

    def _refuse_read_only(self, what: str) -> None:
        raise NotImplementedError  # the app's

    def _choose_tree_command(self, command: Command) -> bool:
        """``choose-tree``: tuimux's tree (``-s`` sessions folded, ``-w`` windows
        unfolded); a template runs for the chosen item with ``%%`` as its id (``$1``,
        ``@2``) where tmux's default switches to it. -F, -f, -K, -O are not followed."""
        flags, rest = getopt(command[1:], "FfKO")
        template: tuple[Command, ...] | None = None
        try:
            if rest and isinstance(rest[0], Block):
                template = rest[0].commands
            elif rest and isinstance(rest[0], str):
                template = parse_commands(rest[0])
        except CommandError as error:
            self.status_bar.message = str(error)
            self.bell()
            return False
        self.action_choose_tree(("s", "") not in flags, template)
        return True

    def run_template(self, template: Sequence[Command], answer: str) -> None:
        commands = [
            tuple(argv)
            for command in template
            for argv in fill([command], _literal_for(command, [answer]))
        ]
        self.hold_keys()
        self.run_worker(self._run_bound(commands), group="commands")

    async def _display_panes(self, command: Command) -> bool:
        """``display-panes``: each pane's index over it for ``-d`` or the session's
        ``display-panes-time``; a digit (or a letter from ``a`` = 10) runs the template
        for that pane."""
        try:
            spec = display_panes_of(command[1:])
        except CommandError as error:
            self.status_bar.message = str(error)
            self.bell()
            return False
        delay = spec.delay_ms
        try:
            reply = await self.client.command("display-message", "-p", PANES_FORMAT)
            time_ms, colour, active = [*"".join(reply.text).split("|"), "", ""][:3]
            if delay is None:
                delay = parse_uint(time_ms, 2**32 - 1)
            self.panes_colours = (pane_colour(colour, 4), pane_colour(active, 1))
        except TuimuxError as error:
            log.debug("display-panes options not read: %s", error)
        self._panes_spec = spec
        self._panes_shown += 1
        shown = self._panes_shown
        self.action_display_panes()
        if delay != 0:  # 0: until a key is pressed, as in tmux
            seconds = (delay if delay is not None else 1000) / 1000
            self.set_timer(seconds, lambda: self._panes_over(shown))
        return True

    def _panes_over(self, shown: int) -> None:
        if shown == self._panes_shown:  # not shown again since
            self._hide_numbers()

    def _select_pane_by_index(self, index: int) -> None:
        """A key picked a pane while the numbers were shown: the template runs for it."""
        spec = self._panes_spec
        if self.mirror is None or not spec.keys:
            return
        for pane_id in self.window_view.panes:
            pane = self.mirror.model.panes.get(pane_id)
            if pane is not None and pane.index == index:
                try:
                    commands = [tuple(argv) for argv in fill(spec.template, [pane_id])]
                except CommandError as error:
                    self.status_bar.message = str(error)
                    return
                self.hold_keys()
                self.run_worker(self._run_bound(commands), group="commands")
                return

    async def _laid_out_geometry(self, pane_id: str) -> Geometry:
        """:meth:`_menu_geometry` once the screen's pending layout is done: a status line
        just read (moved to the top, its windows placed) takes its place only at the next
        refresh, and a menu placed before would open where the line was (on tmux 3.2a,
        a key pressed just after attach met that moment about one time in five)."""
        refreshed = asyncio.Event()  # a worker's wait: the app's own task never waits here
        self.call_after_refresh(refreshed.set)
        await refreshed.wait()
        return self._menu_geometry(pane_id)

    def _menu_geometry(self, pane_id: str) -> Geometry:
        """Where the menu's position letters point on tuimux's screen."""
        width, height = self.size
        view = self.window_view.panes.get(pane_id)
        region = view.region if view is not None else self.window_view.region
        bar = self.status_bar.region
        status_y = bar.y if self.status_bar.display and bar.height else None
        window_x = None
        window = self.mirror.model.current if self.mirror is not None else None
        window_at = getattr(self.status_bar, "window_at", None)
        if window is not None and callable(window_at):
            window_x = next((x for x in range(bar.width) if window_at(x) == window.window_id), None)
        return Geometry(
            width,
            height,
            (region.x, region.y, region.width, region.height),
            status_y,
            window_x,
            self.mouse_at,
            bar.height if status_y is not None and self.status_bar.styles.dock == "top" else 0,
        )

    async def _message(self, command: Command, *, one_line: bool = False) -> bool:
        """``display-message`` in a binding: tmux before 3.4 would set the message of a
        status line a control client does not have. Printed with ``-p`` instead, it is
        shown in tuimux's status line for ``display-time``, as tmux shows it. Likewise
        ``list-keys -1`` (``one_line``), whose first line tmux would show there."""
        try:
            name, *args = fill([command], [])[0]
            if one_line:  # printed in full without -1: the first line is the message
                args = [arg.replace("1", "") if arg.startswith("-") else arg for arg in args]
                argv = [name, *(arg for arg in args if arg != "-")]
            else:
                argv = [name, "-p", *args]
            reply = await self.client.command(*argv)
            lines = reply.text
            key = next((arg for arg in argv[1:] if not arg.startswith("-")), None)
            if one_line and not lines and key is not None:
                # tmux 3.7+ sets the only match as the client's message instead of
                # printing it, and a control client has none: find it among all.
                listing = await self.client.command(*(arg for arg in argv if arg != key))
                lines = [one_key_line(listing.text, key)]
        except TuimuxError as error:
            self.status_bar.message = str(error)
            self.bell()
            return False
        self.show_message("\n".join(lines[:1] if one_line else lines))
        return True

    def show_message(self, text: str) -> None:
        raise NotImplementedError  # the app's status line

    async def _prompt(self, command: Command) -> bool:
        spec = prompt_of([command])
        if spec is None or self.mirror is None:
            self.status_bar.message = (
                f"{command[0]} was not sent: tuimux cannot ask this prompt, and tmux would "
                "wait for tuimux to answer it"
            )
            self.bell()
            return False
        self._hand_over += 1  # keys typed after the binding go to the prompt, in order
        try:
            await self.mode_keys.ask(
                self.mirror, self._target()[2], spec, lambda answers: self._answered(spec, answers)
            )
        finally:
            # Held again (no prompt opened, or the last one handed them back): the
            # binding's hold, released when its commands are done.
            self._hand_over = max(self._hand_over - 1, 0)
        return True

    def _answered(self, spec: PromptSpec, answers: list[str]) -> None:
        """Run a prompt's template filled with its answers, as tmux would: a bare
        ``command-prompt`` runs the line typed (``C-b :``)."""
        self.window_view.focus()
        self.hold_keys()
        if spec.template == _COMMAND_LINE:
            self.run_worker(self._run_typed(answers[0] if answers else ""), group="commands")
            return
        try:
            commands: list[Command] = [
                tuple(argv)
                for command in spec.template
                for argv in fill([command], _literal_for(command, answers))
            ]
        except CommandError as error:
            self.status_bar.message = str(error)
            self.release_keys()
            return
        self.run_worker(self._run_bound(commands), group="commands")

    async def _run_typed(self, line: str, environ: Mapping[str, str] | None = None) -> None:
        """``C-b :``: the line runs as tmux's prompt would run it, ``~`` and ``$VAR``
        expanded from tmux's global environment; a line that binds keys or sets options
        has the tables read again before the next key is looked up."""
        shown_here = _shown_here(line)
        if shown_here is not None:  # a menu typed at the prompt: as from a binding
            try:
                await self.run_commands(shown_here)
            finally:
                self.release_keys()
            return
        if environ is None and ("~" in line or "$" in line):
            environ = await self._global_environment()
        if not _changes_keys(line):
            await super()._run_typed(line, environ)
            return
        self.hold_keys()
        try:
            await super()._run_typed(line, environ)
            await self.reread_keys()
        finally:
            self.release_keys()

    async def _global_environment(self) -> dict[str, str]:
        """tmux's global environment (``show-environment -g``), which its parser
        expands ``~`` and ``$VAR`` from; empty if tmux would not say."""
        try:
            (lines,) = await self.client.read_formats([["show-environment", "-g"]])
        except TuimuxError as error:
            log.debug("environment not read: %s", error)
            return {}
        environ = {}
        for line in lines:
            name, equals, value = line.partition("=")
            if equals and not name.startswith("-"):
                environ[name] = value
        return environ


def _literal_for(command: Command, answers: list[str]) -> list[str]:
    """Answers as they fill one command: literal where it expands formats.

    A prompt's initial text is often a name (``-I "#W"``), which a pane can set
    (``ESC k``, its process name); accepted into ``rename-window``, which expands
    ``#(cmd)``, it would run a command the pane chose. So ``#`` is doubled there and
    the name stays the text shown (docs/security.md, B2).
    """
    name = command_name(command[0]) if command and isinstance(command[0], str) else ""
    if name in FORMAT_EXPANDING:
        return [escape_format(answer) for answer in answers]
    return answers


def one_key_line(lines: list[str], key: str) -> str:
    """The line of ``list-keys`` output for ``key``, as tmux shows a single match: its
    prefix (if any), the key and the rest, one space apart ("" if not there)."""
    for line in lines:
        words = line.split()
        for at in (0, 1):
            if len(words) > at and words[at] == key:
                return " ".join([*words[: at + 1], " ".join(words[at + 1 :])]).strip()
    return ""


# Commands typed at the prompt that tuimux shows itself, as it does from a binding.
SHOWN_HERE = frozenset({"display-menu", "display-popup", "display-panes"})


def _shown_here(line: str) -> tuple[Command, ...] | None:
    """The line's commands if one of them is a menu (or the pane numbers) tuimux draws."""
    try:
        commands = parse_commands(line)
    except CommandError:
        return None
    names = {
        command_name(command[0]) for command in commands if command and isinstance(command[0], str)
    }
    return commands if names & SHOWN_HERE else None


def _changes_keys(line: str) -> bool:
    try:
        commands = parse_commands(line)
    except CommandError:
        return False
    return any(
        command and isinstance(command[0], str) and command_name(command[0]) in CHANGES_KEYS
        for command in commands
    )
