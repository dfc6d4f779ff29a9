"""Mouse reporting on the user's terminal follows tmux's ``mouse`` option.

tmux's own client asks its terminal for mouse reports only while ``mouse`` is on, or
while the program in the active pane asked for them (``server_client_reset_state``);
otherwise the terminal keeps its mouse, and its own selection and scrolling work.
Textual turns reporting on at start for good, so tuimux switches it as tmux would: the
option is read at attach and followed through a subscription per window (tmux checks
it once a second, 3.2+; see model.subscriptions for why never one for the session or
for all windows), and the active pane's modes are looked at on every redraw.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from tuimux.client import TmuxClient
from tuimux.control import events as ev
from tuimux.errors import TuimuxError
from tuimux.model import MOUSE_SUBSCRIPTION, subscription_kind

log = logging.getLogger(__name__)

# Textual's own set (1000, 1003 any motion, 1015 urxvt, 1006 SGR) and tmux's 1002.
_ALL = (1000, 1002, 1003, 1015, 1006)
# With ``mouse on``: what Textual asked for at start.
MOUSE_ON = frozenset({1000, 1003, 1015, 1006})


def sequence(before: frozenset[int], after: frozenset[int]) -> str:
    """The private-mode switches from one set of mouse modes to another."""
    off = "".join(f"\x1b[?{mode}l" for mode in _ALL if mode in before and mode not in after)
    on = "".join(f"\x1b[?{mode}h" for mode in _ALL if mode in after and mode not in before)
    return off + on


def wanted(mouse_on: bool, program_modes: set[int]) -> frozenset[int]:
    """The terminal's modes: tmux's with ``mouse on``; else the active pane's program's
    (with SGR, so positions past column 223 still arrive), or none."""
    if mouse_on:
        return MOUSE_ON
    tracking = program_modes & {1000, 1002, 1003}
    return frozenset(tracking | {1006}) if tracking else frozenset()


class MouseReporting:
    """Keeps the terminal's mouse modes as tmux's client would have them."""

    def __init__(self, write: Callable[[str], None], changed: Callable[[bool], None]) -> None:
        self.write = write
        self.changed = changed  # told the option's new value
        self.mouse_on = True
        self.modes = MOUSE_ON  # as Textual left them
        self._unsubscribe: Callable[[], None] | None = None

    async def attached(self, client: TmuxClient, session_id: str) -> None:
        """Read ``mouse`` for the session and follow it from now on."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._unsubscribe = client.subscribe(self._on_event)
        target = ["-t", session_id] if session_id else []
        try:
            reply = await client.command("display-message", "-p", *target, "#{mouse}")
        except TuimuxError as error:
            log.debug("mouse option not read: %s", error)
            return
        self._set("".join(reply.text))

    def _on_event(self, event: ev.Notification) -> None:
        if (
            isinstance(event, ev.SubscriptionChanged)
            and subscription_kind(event.name) == MOUSE_SUBSCRIPTION
        ):
            self._set(event.value)

    def _set(self, value: str) -> None:
        on = value in ("1", "on")
        if on != self.mouse_on:
            self.mouse_on = on
            self.changed(on)

    def sync(self, program_modes: set[int]) -> None:
        """Switch the terminal's modes if they should differ now."""
        modes = wanted(self.mouse_on, program_modes)
        if modes != self.modes:
            self.write(sequence(self.modes, modes))
            self.modes = modes

    def resumed(self) -> None:
        """Textual turned its own modes on again (back from a suspend)."""
        self.modes = MOUSE_ON
