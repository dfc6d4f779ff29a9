"""Prompts in tmux's style: one line at the bottom, answered with the keyboard."""

from __future__ import annotations

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
    """``kill-pane %3? (y/n)`` — only ``y`` confirms, like tmux's confirm-before."""

    DEFAULT_CSS = """
    Confirm { align: left bottom; background: transparent; }
    Confirm > Label { width: 100%; height: 1; background: $warning-muted; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        # Text, not markup: the question may hold a session or window name.
        yield Label(Text(f"{printable(self.question)} (y/n)"))

    def on_key(self, event: Key) -> None:
        event.stop()
        event.prevent_default()
        self.dismiss(event.character in ("y", "Y"))


class Prompt(ModalScreen[str | None]):
    """A one-line text prompt (``(rename-window) name``); Escape cancels.

    ``hidden`` shows bullets instead of what is typed (passwords, passphrases).
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

    def __init__(self, label: str, value: str = "", *, hidden: bool = False) -> None:
        super().__init__()
        self.label = label
        self.value = value
        self.hidden = hidden

    def compose(self) -> ComposeResult:
        with Horizontal():
            # Text, not markup: a prompt may come from the remote host (keyboard-interactive).
            shown = printable(self.label) if self.hidden else f"({printable(self.label)})"
            yield Label(Text(shown + " "))
            # The value is drawn too, and Input draws ESC and C1 as they are: the window
            # name offered by rename-window comes decoded from %window-renamed and may
            # hold any control character a pane or another client put there.
            yield Input(value=printable(self.value), select_on_focus=False, password=self.hidden)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
