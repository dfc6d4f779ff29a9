"""When tmux holds tuimux's command queue: what to say, and when to attach afresh.

tmux 3.3+ runs a prompt, confirmation, menu or popup *for the client* whose command or
binding opened it and holds that client's queue until it is answered; a control client
has no terminal to answer on (DESIGN.md, Traps). The client's watchdog reports it
(``Stalled``); the app then attaches afresh, and tmux drops the prompt with the old
client. A hook on something every attach sends (``after-select-window``: tuimux claims
the window size with select-window) would stall each new client too, so while nothing
is typed re-attaches happen at most once per ``RETRY_SECONDS``.
"""

from __future__ import annotations

import time

from tuimux.control.escape import printable

RETRY_SECONDS = 30.0


def stall_reason(command: str, seconds: float) -> str:
    """One sentence (without its full stop) for the banner and the status bar."""
    return (
        f"tmux has answered nothing for {seconds:.0f} s ({printable(command)} waits): "
        "a hook or binding opened a prompt or menu for tuimux, which tmux shows only "
        "on a terminal"
    )


class StallGuard:
    """Counts what the user typed and when tuimux last re-attached for a held queue."""

    def __init__(self) -> None:
        self._recovered_at = -RETRY_SECONDS
        self._inputs = 0
        self._inputs_then = 0

    def typed(self) -> None:
        """A key or click from the user (the last re-attach then did its job)."""
        self._inputs += 1

    def wait(self) -> float:
        """Seconds to wait before attaching afresh again (0: now)."""
        left = self._recovered_at + RETRY_SECONDS - time.monotonic()
        return left if left > 0 and self._inputs == self._inputs_then else 0.0

    def recovering(self) -> None:
        self._recovered_at = time.monotonic()
        self._inputs_then = self._inputs
