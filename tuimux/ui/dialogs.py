"""Prompts in tmux's style: one line at the bottom, answered with the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tuimux.control.escape import printable


class Confirm(ModalScreen[bool]):
    """``kill-pane %3? (y/n)`` — only ``y`` confirms, like tmux's confirm-before.

    ``exact`` draws the question as given (tmux's own prompt text, which carries its
    ``(y/n)``) and confirms only with ``key`` (confirm-before ``-c``), or Enter with ``-y``.
    """

    DEFAULT_CSS = """
    Confirm { align: left bottom; background: transparent; }
    Confirm > Label { width: 100%; height: 1; background: $warning-muted; }
    """

    def __init__(
        self, question: str, *, exact: bool = False, key: str = "y", enter: bool = False
    ) -> None:
        super().__init__()
        self.question = question
        self.exact = exact
        self.keys = (key,) if exact else ("y", "Y")
        self.enter = enter

    def compose(self) -> ComposeResult:
        # Text, not markup: the question may hold a session or window name.
        shown = printable(self.question)
        yield Label(Text(shown if self.exact else f"{shown} (y/n)"))

    def on_key(self, event: Key) -> None:
        event.stop()
        event.prevent_default()
        self.dismiss(event.character in self.keys or (self.enter and event.key == "enter"))


class Prompt(ModalScreen[str | None]):
    """A one-line text prompt (``(rename-window) name``); Escape cancels.

    ``hidden`` shows bullets instead of what is typed (passwords, passphrases);
    ``exact`` draws the label as given (tmux's own prompt text, ``(search down) ``).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", show=False, id="prompt.cancel")
    ]
    DEFAULT_CSS = """
    Prompt { align: left bottom; background: transparent; }
    Prompt > Horizontal { height: 1; background: $warning-muted; }
    Prompt Label { width: auto; height: 1; }
    Prompt Input, Prompt Input:focus {
        height: 1; border: none; padding: 0; width: 1fr; background: $warning-muted;
    }
    """

    def __init__(
        self, label: str, value: str = "", *, hidden: bool = False, exact: bool = False
    ) -> None:
        super().__init__()
        self.label = label
        self.value = value
        self.hidden = hidden
        self.exact = exact

    def compose(self) -> ComposeResult:
        with Horizontal():
            # Text, not markup: a prompt may come from the remote host (keyboard-interactive).
            if self.exact:
                shown = printable(self.label)
            else:
                label = printable(self.label)
                shown = (label if self.hidden else f"({label})") + " "
            yield Label(Text(shown))
            # The value is drawn too, and Input draws ESC and C1 as they are: the window
            # name offered by rename-window comes decoded from %window-renamed and may
            # hold any control character a pane or another client put there.
            yield Input(value=printable(self.value), select_on_focus=False, password=self.hidden)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SearchPrompt(Prompt):
    """tmux's incremental prompt (``command-prompt -i``): ``changed`` gets the text on
    every edit, after ``=`` (search again from where it started); Ctrl+S / Ctrl+R give
    ``+`` / ``-`` (next, previous match), or on an empty prompt bring back ``last``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "again('+')", show=False, priority=True, id="prompt.search-next"),
        Binding("ctrl+r", "again('-')", show=False, priority=True, id="prompt.search-previous"),
    ]

    def __init__(
        self, label: str, last: str, changed: Callable[[str], None], typed: str = ""
    ) -> None:
        super().__init__(label, exact=True)
        self.last = last
        self.changed = changed
        self.typed = typed

    def on_mount(self) -> None:
        self.changed("=")  # tmux reports the empty prompt at once: the search starts here
        if self.typed:  # typed before the prompt was drawn: as if typed into it
            self.query_one(Input).value = printable(self.typed)

    @on(Input.Changed)
    def edited(self, event: Input.Changed) -> None:
        if event.value != self.value:
            self.value = event.value
            self.changed("=" + event.value)

    def action_again(self, prefix: str) -> None:
        field = self.query_one(Input)
        if not field.value:
            field.value = printable(self.last)  # reported by edited() with "="
        else:
            self.changed(prefix + field.value)


class KeyPrompt(ModalScreen[str | None]):
    """``command-prompt -1`` (copy mode's jump keys): the first character answers."""

    DEFAULT_CSS = """
    KeyPrompt { align: left bottom; background: transparent; }
    KeyPrompt > Label { width: 100%; height: 1; background: $warning-muted; }
    """

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def compose(self) -> ComposeResult:
        yield Label(Text(printable(self.label)))

    def on_key(self, event: Key) -> None:
        event.stop()
        event.prevent_default()
        if event.key == "escape":
            self.dismiss(None)
        elif event.character is not None and event.character.isprintable():
            self.dismiss(event.character)


NumberAnswer = tuple[str, str, str | None]


class NumberPrompt(ModalScreen[NumberAnswer]):
    """``command-prompt -N`` (vi copy mode's repeat count): digits collect; any other
    key answers with them and is then handled as a key (tmux's PROMPT_NUMERIC). The
    answer is (digits, key, character)."""

    DEFAULT_CSS = """
    NumberPrompt { align: left bottom; background: transparent; }
    NumberPrompt > Label { width: 100%; height: 1; background: $warning-muted; }
    """

    def __init__(self, label: str, digits: str) -> None:
        super().__init__()
        self.label = label
        self.digits = "".join(char for char in digits if char in "0123456789")

    def compose(self) -> ComposeResult:
        yield Label(self._text())

    def _text(self) -> Text:
        return Text(printable(self.label) + self.digits)

    def on_key(self, event: Key) -> None:
        event.stop()
        event.prevent_default()
        if event.character and event.character in "0123456789":
            self.digits += event.character
            self.query_one(Label).update(self._text())
        else:
            self.dismiss((self.digits, event.key, event.character))
