"""Every key and paste goes where the user meant it, in the order it was typed.

Textual forwards each key of a read to whatever has focus when the app dequeues it,
before any of them is handled: after ``C-b :`` the rest of the same read
(``new-window -n x Enter``) reached the pane, because the prompt was only opened
later. Here the app takes keys one at a time instead: each is handled before the next
is routed, keys typed while a modal is opening are held and handed to it once it is
up, and a modal that answers (Enter, ``y``) gives the keys after it back to the panes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rich.style import Style
from textual import events
from textual.app import App

from tuimux.ui.dialogs import KeyTaker
from tuimux.ui.host_cursor import PromptCursor

T = TypeVar("T")
Typed = events.Key | events.Paste


class KeyRouting(App[int]):
    """The app's key routing; the app itself says what a key does on the panes."""

    # Keys typed since a modal was asked for and before it can take them.
    _held: list[Typed] | None = None
    # The modal that takes keys now.
    _modal: KeyTaker[object] | None = None
    # How many things keys wait for (a modal opening, a command and the re-read after it).
    _holders = 0
    # Holds that end when the next modal is up: a key binding's command waits for its
    # prompt, and the keys typed after the binding belong to that prompt.
    _hand_over = 0

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self.key_arrived()
            await self.route(event)
            return
        await super().on_event(event)

    async def route(self, event: Typed, *, from_view: bool = False) -> None:
        """Hand one key or paste to where it belongs now; ``from_view`` is for keys the
        window view queued itself (a test may post to it directly)."""
        if not self.screen_stack:
            return  # the app is closing: a key held until now has nowhere to go
        if self._held is not None:
            self._held.append(event)
        elif self._modal is not None:
            if isinstance(event, events.Key):
                await self._modal.take_key(event)
            else:
                self._modal.take_paste(event.text)
        elif len(self.screen_stack) > 1 or (self.view_busy() and not from_view):
            await super().on_event(event)  # Textual's own screens; or behind the view's queue
        elif isinstance(event, events.Key):
            await self.pane_key(event.key, event.character)
        else:
            self.pane_paste(event.text)

    def taking_keys(self) -> bool:
        """Whether a key would go straight to the panes now."""
        return self._held is None and self._modal is None and len(self.screen_stack) == 1

    def view_busy(self) -> bool:
        return False

    def modal_look(self) -> tuple[Style | None, bool]:
        """The style a prompt is drawn in and whether at the top (None: tuimux's own)."""
        return None, False

    def modal_cursor(self) -> PromptCursor | None:
        """The prompt's cursor when it is the terminal's own (tmux 3.6+)."""
        return None

    def key_arrived(self) -> None:
        """The user typed or pasted just now (a key may be handled only later)."""

    async def pane_key(self, key: str, character: str | None) -> None:
        raise NotImplementedError

    def pane_paste(self, text: str) -> None:
        raise NotImplementedError

    # -- modals --------------------------------------------------------------------------

    def hold_keys(self) -> None:
        """Keys typed from now wait (for a modal on its way, or for a command's effect
        to be known) until every holder has called :meth:`release_keys`."""
        self._holders += 1
        if self._held is None:
            self._held = []

    def release_keys(self) -> None:
        """What the keys waited for is there (or failed): they go on, in order."""
        self._holders = max(self._holders - 1, 0)
        if self._holders == 0:
            self.call_next(self._release)

    def open_modal(self, screen: KeyTaker[T], answered: Callable[[T | None], None]) -> None:
        """Show a modal; every key typed after the one that opened it goes to it."""
        screen.look, screen.at_top = self.modal_look()
        screen.real_cursor = self.modal_cursor()
        self.hold_keys()

        under: list[KeyTaker[object] | None] = []
        handed: list[int] = []

        def ready() -> None:
            under.append(self._modal)  # a password asked over the command prompt
            self._modal = screen  # type: ignore[assignment]
            handed.append(self._hand_over)
            self._hand_over = 0
            for _ in range(handed[0] + 1):
                self.release_keys()

        def finished(result: T | None) -> None:
            if self._modal is screen:
                self._modal = under[0] if under else None
            if self.screen_stack and self.screen is screen:
                self.pop_screen()
            for _ in range(handed[0] if handed else 0):
                self.hold_keys()  # handed back: the answer is acted on after an await
                self._hand_over += 1
            answered(result)  # now, before the next key is routed

        screen.ready = ready
        screen.finished = finished
        self.push_screen(screen)

    async def _release(self) -> None:
        if self._holders:
            return  # held again since: a later release hands them on
        held, self._held = self._held or [], None
        for event in held:
            await self.route(event, from_view=True)
