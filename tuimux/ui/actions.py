"""What the prefix keys do: each action turns into tmux commands sent through the client.

Split from the app so that it holds input routing and connection life while this holds
tmux's vocabulary. Every command goes through :meth:`TmuxClient.send`, so read-only,
quoting and the audit log apply to all of them alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.color import Color

from tuimux.client import TmuxClient
from tuimux.control import events as ev
from tuimux.control.bindings import (
    Command,
    PromptSpec,
    parse_commands,
    prompt_of,
    waits_for_client,
)
from tuimux.control.command import escape_format
from tuimux.control.command_line import split_command_line
from tuimux.errors import CommandError, TuimuxError
from tuimux.sessions import read_tree
from tuimux.terminal.clipboard import writes_clipboard
from tuimux.terminal.mirror import SessionMirror
from tuimux.ui.dialogs import Confirm, Prompt
from tuimux.ui.mode_keys import ModeKeys
from tuimux.ui.palette import shown_output
from tuimux.ui.routing import KeyRouting
from tuimux.ui.session_tree import SessionTree, TreeChoice
from tuimux.ui.status_bar import StatusBar
from tuimux.ui.window_view import WindowView


class PrefixActions(KeyRouting):
    """What tuimux does itself for a key binding's command (detach, display-panes, the
    session tree, the command line) and for clicks on the status line; most bindings'
    commands go to tmux as written (:mod:`tuimux.ui.bound_keys`)."""

    client: TmuxClient
    mirror: SessionMirror | None
    window_view: WindowView
    status_bar: StatusBar
    mode_keys: ModeKeys
    _detaching: bool
    _numbers_shown: bool
    # display-panes-colour and -active-colour (read when display-panes runs).
    panes_colours: tuple[Color | None, Color | None] = (Color.from_ansi(4), Color.from_ansi(1))

    def structure_changed(self) -> None:
        raise NotImplementedError  # the app redraws the window and the status bar

    def run_template(self, template: Sequence[Command], answer: str) -> None:
        """Run a command template with ``%%`` as ``answer``, as a binding runs."""
        raise NotImplementedError

    def _tmux(self, *argv: str) -> None:
        """Run a command for an action; tmux's complaint, if any, goes to the status bar.

        Keys typed after it wait until the session is re-read: after ``C-b c`` they
        belong to the new window's pane, which the model does not know yet."""
        self.hold_keys()
        self.run_worker(self._run(argv), group="commands")

    async def _run(self, argv: tuple[str, ...]) -> None:
        try:
            if self.mirror is None:
                return
            try:
                await self.mirror.run(*argv)
                self.status_bar.message = ""
            except TuimuxError as error:
                self.status_bar.message = str(error)
            await self.mirror.settle()
            self.structure_changed()
        finally:
            self.release_keys()

    def _target(self) -> tuple[str, str, str]:
        """The session, current window and active pane, by id.

        The mirror can briefly know a current window it has not read yet (a new window's
        ``%session-window-changed`` arrives before ``list-windows`` answers, and while
        tmux holds our queue that answer never comes): then ``$1:`` names tmux's own
        current window and its active pane, resolved when the command runs."""
        assert self.mirror is not None
        model = self.mirror.model
        window = model.current
        current = f"{model.session_id}:"
        if window is None:
            return model.session_id, current, current
        return model.session_id, window.window_id, window.active_pane or current

    async def action_detach(self) -> None:
        if self.mirror is None:
            return
        self._detaching = True
        await self.mirror.client.detach()
        self.exit(return_code=0)

    def action_next_window(self) -> None:
        self._tmux("next-window", "-t", self._target()[0])

    def action_previous_window(self) -> None:
        self._tmux("previous-window", "-t", self._target()[0])

    def action_display_panes(self) -> None:
        """Number the panes (until :meth:`_hide_numbers`); a digit picks one."""
        if self.mirror is None:
            return
        panes = self.mirror.model.panes
        window = self.mirror.model.current
        active = window.active_pane if window is not None else None
        colour, active_colour = self.panes_colours
        for pane_id, view in self.window_view.panes.items():
            view.show_number(
                panes[pane_id].index if pane_id in panes else None,
                active_colour if pane_id == active else colour,
            )
        self._numbers_shown = True

    def _hide_numbers(self) -> None:
        self._numbers_shown = False
        for view in self.window_view.panes.values():
            view.show_number(None)

    def _select_pane_by_index(self, index: int) -> None:
        assert self.mirror is not None
        for pane_id in self.window_view.panes:
            pane = self.mirror.model.panes.get(pane_id)
            if pane is not None and pane.index == index:
                self._tmux("select-pane", "-t", pane_id)

    def action_rename_window(self) -> None:
        assert self.mirror is not None
        window = self.mirror.model.current
        if window is None:
            return

        def answered(name: str | None) -> None:
            if name is not None:
                self._tmux("rename-window", "-t", window.window_id, "--", escape_format(name))
            self.window_view.focus()

        self.open_modal(Prompt("rename-window", window.name), answered)

    async def tmux_commands(self, argvs: Sequence[Sequence[str]]) -> list[ev.Reply]:
        """The user's own commands (typed, bound) as one group; one that sends a buffer
        to this client's terminal (``set-buffer -w``) is watched for it."""
        if self.mirror is not None and any(writes_clipboard(argv) for argv in argvs):
            return await self.mirror.copies.run_writing(argvs)
        return await self.client.commands(argvs)

    async def _run_typed(self, line: str, environ: Mapping[str, str] | None = None) -> None:
        """Run what was typed at ``C-b :``; its output is shown, its error said in the bar.
        ``environ`` (tmux's global environment) expands ``~`` and ``$VAR`` as tmux would.

        A prompt (``command-prompt``, ``confirm-before``) is asked here instead; a menu or
        popup is refused: tmux would hold every later command for an answer tuimux can
        never give (DESIGN.md, Traps)."""
        asked = self._asked_here(line)
        if asked is not None:
            self.release_keys()  # keys typed after the line go to the prompt, in order
            if isinstance(asked, PromptSpec) and self.mirror is not None:
                await self.mode_keys.ask(self.mirror, self._target()[2], asked)
            return
        try:
            argvs = split_command_line(line, environ)
            if not argvs:
                return
            replies = await self.tmux_commands(argvs)
        except TuimuxError as error:
            self.status_bar.message = str(error)
            self.bell()
        else:
            self.status_bar.message = ""
            lines = [text for reply in replies for text in reply.text]
            self.notify(shown_output(line, lines), markup=False)
        finally:
            if self.mirror is not None:
                await self.mirror.settle()
            self.release_keys()
        self.structure_changed()

    def _asked_here(self, line: str) -> PromptSpec | bool | None:
        """A prompt the line opens (asked here), ``False`` for a menu or popup (refused
        with a sentence), ``None`` for a line tmux runs."""
        try:
            commands = parse_commands(line)
        except CommandError:
            return None  # split_command_line says what is wrong
        names = [waits_for_client(c[0]) for c in commands if c and isinstance(c[0], str)]
        waiting = next((name for name in names if name is not None), None)
        if waiting is None or self.mirror is None:
            return None
        spec = prompt_of(commands) if len(commands) == 1 else None
        if spec is None:
            self.status_bar.message = (
                f"{waiting} was not sent: tmux shows it only on a terminal and would wait "
                "for tuimux to answer it"
            )
            self.bell()
            self.structure_changed()
            return False
        return spec

    # -- sessions ------------------------------------------------------------------------

    def action_choose_tree(self, windows: bool, template: Sequence[Command] | None = None) -> None:
        """``C-b s`` / ``C-b w``: the server's sessions (and windows) to switch to, or to
        run ``template`` for (choose-tree's ``%%``); keys typed while the server is asked
        wait for the tree."""
        self.hold_keys()
        self.run_worker(self._choose_tree(windows, template), group="commands")

    async def _choose_tree(self, windows: bool, template: Sequence[Command] | None) -> None:
        try:
            if self.mirror is None:
                return
            try:
                sessions = await read_tree(self.client)
            except TuimuxError as error:
                self.status_bar.message = str(error)
                self.structure_changed()
                return
            model = self.mirror.model
            tree = SessionTree(sessions, model.session_id, model.active_window, windows=windows)
            # open_modal holds the keys on until the tree is up.
            self.open_modal(tree, lambda choice: self._tree_chosen(choice, template))
        finally:
            self.release_keys()

    def _tree_chosen(
        self, choice: TreeChoice | None, template: Sequence[Command] | None = None
    ) -> None:
        self.window_view.focus()
        if choice is None:
            return
        if choice.verb == "switch" and template is not None:
            self.run_template(template, choice.target)
            return
        if choice.verb == "switch":
            self._tmux("switch-client", "-t", choice.target)
            return
        command = "kill-session" if choice.target.startswith("$") else "kill-window"

        def answered(yes: bool | None) -> None:
            if yes:
                self._tmux(command, "-t", choice.target)

        self.open_modal(Confirm(f"{command} {choice.label}?"), answered)
