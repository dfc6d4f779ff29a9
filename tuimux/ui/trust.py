"""Ask, like OpenSSH, whether to trust a host key seen for the first time.

Only the exact answer ``yes`` accepts; anything else (``no``, ``y``, Escape, Ctrl+C)
refuses, and then nothing is written.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from tuimux.control.escape import printable


class TrustHostApp(App[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "refuse", show=False, id="trust.refuse"),
        Binding("ctrl+c", "refuse", show=False, priority=True, id="trust.interrupt"),
    ]
    CSS = """
    Screen { align: left top; }
    Static { width: 100%; }
    Input { width: 100%; }
    """
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, host: str, fingerprint: str) -> None:
        super().__init__()
        self.host = printable(host)
        self.fingerprint = printable(fingerprint)

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                f"The authenticity of host '{self.host}' can't be established.\n"
                f"Its {self.fingerprint}.\n"
                "Are you sure you want to continue connecting (yes/no)?"
            )
        )
        yield Input(placeholder="yes or no", id="answer")

    @on(Input.Submitted)
    def answered(self, event: Input.Submitted) -> None:
        self.exit(event.value.strip() == "yes")

    def action_refuse(self) -> None:
        self.exit(False)


class SecretApp(App[str | None]):
    """A password or keyboard-interactive prompt: hidden input, Escape gives up.

    The answer is handed straight to the SSH login and kept nowhere else.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "give_up", show=False, id="secret.give-up"),
        Binding("ctrl+c", "give_up", show=False, priority=True, id="secret.interrupt"),
    ]
    CSS = TrustHostApp.CSS
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, prompt: str, hidden: bool = True) -> None:
        super().__init__()
        self.prompt = printable(prompt)
        self.hidden = hidden

    def compose(self) -> ComposeResult:
        yield Static(Text(self.prompt))  # not markup: keyboard-interactive prompts are remote
        yield Input(password=self.hidden, id="secret")

    @on(Input.Submitted)
    def answered(self, event: Input.Submitted) -> None:
        self.exit(event.value)

    def action_give_up(self) -> None:
        self.exit(None)
