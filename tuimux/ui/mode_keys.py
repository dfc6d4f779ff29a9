"""Keys for a pane in copy or view mode: tmux's prompts asked in tuimux's own.

A key for a pane in copy mode goes to tmux as ``send-keys``, and tmux runs what the
mode's key table binds to it. Some bindings open a prompt *for the client* (vi ``/``
``?`` ``f`` ``t`` ``:`` and the repeat digits; emacs ``C-s`` ``C-r`` ``g`` ``f`` ``t``):
tmux 3.3+ then holds tuimux's whole command queue for an answer a control client cannot
give (DESIGN.md, Traps). So while the active pane is in a mode, each key is looked up in
the table tmux would use (``copy-mode-vi`` or ``copy-mode`` by the window's
``mode-keys``, read with ``list-keys`` once per mode change); a binding that opens a
prompt is asked here, with tmux's prompt text, and its template is sent filled with the
answer (:mod:`tuimux.control.bindings`). Every other key goes to tmux as before. Keys
wait in one queue, so they reach tmux in the order they were typed.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from tuimux.connect import tmux_version
from tuimux.control.bindings import Command, PromptSpec, aimed_at, fill, parse_list_keys, prompt_of
from tuimux.control.command import build
from tuimux.errors import TuimuxError
from tuimux.terminal.keys import KeyInput, Literal, encode_key
from tuimux.terminal.mirror import SessionMirror
from tuimux.ui.dialogs import (
    Confirm,
    KeyPrompt,
    KeyTaker,
    NumberAnswer,
    NumberPrompt,
    Prompt,
    SearchPrompt,
)
from tuimux.ui.prompt_editing import (
    CANCEL,
    ENTER,
    NOTHING,
    PromptSettings,
    completion_words,
    option_names,
    prompt_history,
)
from tuimux.ui.routing import KeyRouting

log = logging.getLogger(__name__)

# The last tmux version whose prompt completes option and layout names too (+1).
OPTIONS_COMPLETED_UNTIL = (3, 8)
# Modes whose keys tmux looks up in the copy-mode tables (window-copy.c key_table).
COPY_MODES = frozenset({"copy-mode", "view-mode"})
Table = dict[str, tuple[Command, ...]]


class ModeKeys:
    """The queue of keys for panes in a mode; ``mirror`` gives the current connection's
    mirror (it is replaced on a re-attach) and ``said`` puts a sentence in the bar."""

    def __init__(
        self,
        app: KeyRouting,
        mirror: Callable[[], SessionMirror | None],
        said: Callable[[str], None],
    ) -> None:
        self.app = app
        self.mirror = mirror
        self.said = said
        self._queue: deque[tuple[str, KeyInput]] = deque()
        self._worker: asyncio.Task[None] | None = None
        # table name → (mirror.mode_changes when read, bindings)
        self._tables: dict[str, tuple[int, Table]] = {}
        # The prompts' editing keys, history and completion words (set with the tables).
        self.prompting = PromptSettings()
        self._seeded: set[str] = set()  # prompt types whose tmux history was read

    @property
    def busy(self) -> bool:
        """Keys are still queued here: later keys must queue behind them."""
        return bool(self._queue) or (self._worker is not None and not self._worker.done())

    def press(self, pane_id: str, item: KeyInput) -> None:
        self._queue.append((pane_id, item))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.ensure_future(self._drain())

    def clear(self) -> None:
        """The connection was replaced: nothing queued is sent to the new one."""
        self._queue.clear()
        self._tables.clear()
        self.prompting.commands = None  # the new server may know other commands
        self._seeded.clear()
        if self._worker is not None:
            self._worker.cancel()

    async def _drain(self) -> None:
        while self._queue:
            pane_id, item = self._queue.popleft()
            try:
                await self._one(pane_id, item)
            except TuimuxError as error:
                self.said(str(error))

    async def _one(self, pane_id: str, item: KeyInput) -> None:
        mirror = self.mirror()
        if mirror is None:
            return
        spec = await self._prompt_for(mirror, pane_id, item)
        if spec is None:
            mirror.send_input(pane_id, [item])
            return
        await self.ask(mirror, pane_id, spec)

    async def _prompt_for(
        self, mirror: SessionMirror, pane_id: str, item: KeyInput
    ) -> PromptSpec | None:
        pane = mirror.model.panes.get(pane_id)
        if pane is None or not pane.in_mode:
            return None
        mode, mode_keys = pane.mode, pane.mode_keys
        if not mode:
            reply = await mirror.client.command(
                "display-message", "-p", "-t", pane_id, "#{pane_mode}\t#{mode-keys}"
            )
            mode, _, mode_keys = "".join(reply.text).partition("\t")
        if mode not in COPY_MODES:
            return None
        name = item.text if isinstance(item, Literal) else item.name
        table = await self._table(mirror, "copy-mode-vi" if mode_keys == "vi" else "copy-mode")
        return prompt_of(table.get(name, ()))

    async def _table(self, mirror: SessionMirror, name: str) -> Table:
        cached = self._tables.get(name)
        if cached is not None and cached[0] == mirror.mode_changes:
            return cached[1]
        generation = mirror.mode_changes
        reply = await mirror.client.command("list-keys", "-T", name)
        table = parse_list_keys(reply.text)
        self._tables[name] = (generation, table)
        return table

    # -- asking ------------------------------------------------------------------------

    async def ask(
        self,
        mirror: SessionMirror,
        pane_id: str,
        spec: PromptSpec,
        answered: Callable[[list[str]], None] | None = None,
    ) -> None:
        """Ask as tmux would, then send the filled template (nothing if cancelled), or
        give the answers to ``answered`` (a key binding's prompt runs its template the
        way the binding's other commands run).

        Keys already queued behind the one that opened the prompt belong to it, in
        order (a fast typist's ``/foo`` Enter, a pasted burst): they are typed into the
        prompt first, and an Enter among them answers it without drawing it.
        """

        def run(answers: list[str]) -> None:
            if answered is not None:
                answered(answers)
            else:
                self._run(mirror, pane_id, spec.template, answers)

        answers: list[str] = []
        for label, initial in spec.prompts:
            label, initial = await self._expand(mirror, pane_id, label, initial)
            if spec.kind == "confirm":
                if await self._confirm(pane_id, label, spec):
                    run([])
                return
            if spec.kind == "number":
                digits = await self._number(pane_id, label, initial)
                if digits:
                    run([digits])
                return
            if spec.kind in ("key", "key-name"):
                answer = await self._key(pane_id, label, names=spec.kind == "key-name")
            elif spec.kind == "incremental":
                text, end = self._typed_ahead(pane_id)
                await self._incremental(
                    label, initial, text, end, lambda t: run([t]), spec.prompt_type
                )
                return
            else:
                await self._seed_history(mirror, spec.prompt_type)
                prompt = self.prompt(label, initial, spec.prompt_type)
                outcome = await self._typed_into(pane_id, prompt)
                if outcome == ENTER:
                    answer = prompt.editor.text
                elif outcome == CANCEL:
                    answer = None
                else:
                    answer = await self._wait(prompt)
            if answer is None:
                return
            answers.append(answer)
        run(answers)

    async def _typed_into(self, pane_id: str, prompt: Prompt) -> str:
        """Keys queued for the pane after the one that opened the prompt, edited into
        it in order until one answers it (``enter``, ``cancel``); any other outcome
        leaves the rest to the prompt once drawn."""
        while self._queue and self._queue[0][0] == pane_id:
            item = self._queue.popleft()[1]
            outcome = await prompt.edit(item.text if isinstance(item, Literal) else item.name)
            if outcome in (ENTER, CANCEL):
                return outcome
        return NOTHING

    def _typed_ahead(self, pane_id: str) -> tuple[str, str | None]:
        """Queued characters for the pane (BSpace applied), and the Enter or Escape that
        ended them, if one did; any other key stays queued."""
        text = ""
        while self._queue and self._queue[0][0] == pane_id:
            item = self._queue[0][1]
            if isinstance(item, Literal):
                text += item.text
            elif item.name == "Space":  # the key table names it; in a prompt it is text
                text += " "
            elif item.name == "BSpace":
                text = text[:-1]
            elif item.name in ("Enter", "Escape"):
                self._queue.popleft()
                return text, item.name
            else:
                break
            self._queue.popleft()
        return text, None

    async def _confirm(self, pane_id: str, label: str, spec: PromptSpec) -> bool:
        if self._queue and self._queue[0][0] == pane_id:
            item = self._queue.popleft()[1]
            if isinstance(item, Literal):
                return item.text == spec.confirm_key
            return spec.enter_confirms and item.name == "Enter"
        screen = Confirm(label, exact=True, key=spec.confirm_key, enter=spec.enter_confirms)
        return bool(await self._wait(screen))

    async def _key(self, pane_id: str, label: str, *, names: bool = False) -> str | None:
        if self._queue and self._queue[0][0] == pane_id:
            item = self._queue.popleft()[1]
            if isinstance(item, Literal):
                return item.text[:1]
            return item.name if names else None
        answer: str | None = await self._wait(KeyPrompt(label, names=names))
        return answer

    async def _number(self, pane_id: str, label: str, initial: str) -> str:
        """Digits, ended by the first other key, which tmux then handles as a key (it
        stays first in the queue)."""
        digits = initial
        while self._queue and self._queue[0][0] == pane_id:
            item = self._queue[0][1]
            if not (isinstance(item, Literal) and item.text in tuple("0123456789")):
                return digits
            digits += item.text
            self._queue.popleft()
        number: NumberAnswer = await self._wait(NumberPrompt(label, digits))
        digits, key, character = number
        follow = encode_key(key, character)
        if follow is not None:
            self._queue.appendleft((pane_id, follow))
        return digits

    async def _incremental(
        self,
        label: str,
        last: str,
        text: str,
        end: str | None,
        changed: Callable[[str], None],
        prompt_type: str,
    ) -> None:
        if end is None:
            await self._wait(
                SearchPrompt(
                    label, last, changed, text, settings=self.prompting, prompt_type=prompt_type
                )
            )
            return
        changed("=")  # what tmux's prompt reports as it opens and as each key is typed
        for typed in range(1, len(text) + 1):
            changed("=" + text[:typed])

    async def _expand(
        self, mirror: SessionMirror, pane_id: str, label: str, initial: str
    ) -> tuple[str, str]:
        """tmux expands the prompt and its initial text as formats for the pane
        (``#{pane_search_string}``); so does tmux here, in one sealed read."""
        if "#" not in label + initial:
            return label, initial
        replies = await mirror.client.commands(
            [
                ["display-message", "-p", "-t", pane_id, "--", text or " "]
                for text in (label, initial)
            ]
        )
        label_text, initial_text = ("\n".join(reply.text) for reply in replies)
        return label_text if label else "", initial_text if initial else ""

    def prompt(self, label: str, initial: str, prompt_type: str = "command") -> Prompt:
        """A text prompt with the user's editing keys, history and completion."""
        return Prompt(
            label,
            initial,
            exact=True,
            settings=self.prompting,
            prompt_type=prompt_type,
            top_buffer=self._top_buffer,
            load_words=self._load_words,
        )

    async def _seed_history(self, mirror: SessionMirror, prompt_type: str) -> None:
        """The first time a prompt of this type opens on this connection, the lines
        tmux's own prompts remember (``show-prompt-history``, tmux 3.3+; typed in any
        client of the server) come first in its history, as Up shows them in tmux."""
        if prompt_type in self._seeded or mirror.client.read_only:
            return  # a watcher does not read what the owner typed
        self._seeded.add(prompt_type)
        try:
            (lines,) = await mirror.client.read_formats(
                [["show-prompt-history", "-T", prompt_type]]
            )
        except TuimuxError as error:
            log.debug("prompt history not read: %s", error)  # tmux 3.2a has none
            return
        self.prompting.seed(prompt_type, prompt_history(lines))

    async def _top_buffer(self) -> str | None:
        """tmux's top paste buffer, for ``C-y`` in a prompt (None if there is none)."""
        mirror = self.mirror()
        if mirror is None:
            return None
        try:
            reply = await mirror.client.command("show-buffer")
        except TuimuxError:
            return None  # no buffer: C-y does nothing, as in tmux
        return "\n".join(reply.text)

    async def _load_words(self) -> None:
        """The words Tab completes, read from tmux once per connection: its commands
        and their aliases, ``command-alias`` names, and its option names."""
        mirror = self.mirror()
        if mirror is None:
            return
        try:
            commands, aliases, *options = await mirror.client.read_formats(
                [
                    ["list-commands", "-F", "#{command_list_name}\t#{command_list_alias}"],
                    ["show-options", "-gqv", "command-alias"],
                    ["show-options", "-s"],
                    ["show-options", "-g"],
                    ["show-options", "-gw"],
                    ["display-message", "-p", "#{version}"],
                ]
            )
        except TuimuxError as error:
            log.debug("completion words not read: %s", error)
            self.prompting.commands = ()
            return
        *options, version = options
        self.prompting.commands = completion_words(commands, aliases)
        # tmux 3.8's rewritten prompt completes command names only.
        number = tmux_version(" ".join(version))
        self.prompting.arguments = number is None or number < OPTIONS_COMPLETED_UNTIL
        self.prompting.options = option_names(line for lines in options for line in lines)

    async def _wait(self, screen: KeyTaker[Any]) -> Any:
        """The modal's answer; it takes every key typed after it was asked for, in
        order (:mod:`tuimux.ui.routing`)."""
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def answered(result: Any) -> None:
            if not answer.done():
                answer.set_result(result)

        self.app.open_modal(screen, answered)
        return await answer

    def _run(
        self, mirror: SessionMirror, pane_id: str, template: Sequence[Command], answers: list[str]
    ) -> None:
        """Send the filled commands through the client like every other command (the
        read-only refusal and the audit log see each one)."""
        try:
            argvs = aimed_at(fill(template, answers), pane_id)
            built = [build(*argv) for argv in argvs]
        except TuimuxError as error:
            self.said(str(error))
            return
        if built:
            mirror.fire(built)
            mirror.refresh_mode_soon(pane_id)
