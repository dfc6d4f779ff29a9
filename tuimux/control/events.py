"""Typed events for every line tmux control mode emits (tmux 3.2 and later).

Names follow the notifications (``%layout-change`` → ``LayoutChange``). Ids are kept in
tmux's own spelling (``$1``, ``@2``, ``%3``) because they are what commands take back.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuimux.control.escape import unescape_output


@dataclass(frozen=True, slots=True)
class Begin:
    """``%begin``: a command's reply block starts. ``flags`` is 1 for our own commands."""

    time: int
    number: int
    flags: int


@dataclass(frozen=True, slots=True)
class Reply:
    """A whole reply block, emitted when its matching ``%end``/``%error`` arrives."""

    time: int
    number: int
    flags: int
    error: bool
    lines: tuple[bytes, ...]

    @property
    def text(self) -> list[str]:
        return [line.decode("utf-8", "replace") for line in self.lines]


@dataclass(frozen=True, slots=True)
class Unframed:
    """A sealed reply block (see :mod:`tuimux.control.framing`) whose end could not be
    told apart from its text: the reply is lost and whatever tmux wrote around it was
    not dispatched, so the client must re-read what it mirrors."""

    time: int
    number: int
    flags: int
    reason: str


@dataclass(frozen=True, slots=True)
class Output:
    """Pane output as tmux sent it, ``\\ooo`` escapes still in: undoing them is the read
    path's biggest cost, and the output of a pane that floods is dropped unread.
    ``age_ms`` only for ``%extended-output``."""

    pane_id: str
    escaped: bytes
    age_ms: int | None = None

    @property
    def data(self) -> bytes:
        """The pane's raw bytes."""
        return unescape_output(self.escaped)


@dataclass(frozen=True, slots=True)
class Pause:
    pane_id: str


@dataclass(frozen=True, slots=True)
class Continue:
    pane_id: str


@dataclass(frozen=True, slots=True)
class LayoutChange:
    window_id: str
    layout: str
    visible_layout: str
    flags: str


@dataclass(frozen=True, slots=True)
class WindowAdd:
    window_id: str


@dataclass(frozen=True, slots=True)
class WindowClose:
    window_id: str


@dataclass(frozen=True, slots=True)
class UnlinkedWindowAdd:
    window_id: str


@dataclass(frozen=True, slots=True)
class UnlinkedWindowClose:
    window_id: str


@dataclass(frozen=True, slots=True)
class WindowRenamed:
    window_id: str
    name: str


@dataclass(frozen=True, slots=True)
class UnlinkedWindowRenamed:
    window_id: str
    name: str


@dataclass(frozen=True, slots=True)
class WindowPaneChanged:
    window_id: str
    pane_id: str


@dataclass(frozen=True, slots=True)
class SessionChanged:
    session_id: str
    name: str


@dataclass(frozen=True, slots=True)
class ClientSessionChanged:
    client: str
    session_id: str
    name: str


@dataclass(frozen=True, slots=True)
class ClientDetached:
    client: str


@dataclass(frozen=True, slots=True)
class SessionRenamed:
    session_id: str
    name: str


@dataclass(frozen=True, slots=True)
class SessionsChanged:
    pass


@dataclass(frozen=True, slots=True)
class SessionWindowChanged:
    session_id: str
    window_id: str


@dataclass(frozen=True, slots=True)
class PaneModeChanged:
    pane_id: str


@dataclass(frozen=True, slots=True)
class SubscriptionChanged:
    name: str
    session_id: str
    window_id: str
    window_index: str
    pane_id: str
    value: str


@dataclass(frozen=True, slots=True)
class PasteBufferChanged:
    name: str


@dataclass(frozen=True, slots=True)
class PasteBufferDeleted:
    name: str


@dataclass(frozen=True, slots=True)
class Message:
    text: str


@dataclass(frozen=True, slots=True)
class ConfigError:
    text: str


@dataclass(frozen=True, slots=True)
class Exit:
    """``%exit [reason]``: the control client is going away; lines may still follow."""

    reason: str


@dataclass(frozen=True, slots=True)
class Desync:
    """Not a tmux line: the client lost notifications (a reply that did not frame) and
    everything mirrored must be re-read from tmux."""

    reason: str


@dataclass(frozen=True, slots=True)
class Stalled:
    """Not a tmux line: tmux has answered none of this client's commands for a while.

    tmux 3.3+ runs ``command-prompt``, ``confirm-before``, ``display-menu`` and
    ``display-popup`` *for the client* that caused them (a binding, a hook) and holds that
    client's whole command queue until the prompt is answered; a control client has no
    status line to answer it on, so every later command waits for ever. ``command`` is
    the name of the oldest command still waiting; ``after`` the name of the last one
    tmux answered (a hook ``after-<after>`` may be what opened the prompt).
    """

    command: str
    seconds: float
    after: str = ""


@dataclass(frozen=True, slots=True)
class Unknown:
    """A line tuimux does not understand; future tmux versions add notifications."""

    line: bytes


Notification = (
    Output
    | Pause
    | Continue
    | LayoutChange
    | WindowAdd
    | WindowClose
    | UnlinkedWindowAdd
    | UnlinkedWindowClose
    | WindowRenamed
    | UnlinkedWindowRenamed
    | WindowPaneChanged
    | SessionChanged
    | ClientSessionChanged
    | ClientDetached
    | SessionRenamed
    | SessionsChanged
    | SessionWindowChanged
    | PaneModeChanged
    | SubscriptionChanged
    | PasteBufferChanged
    | PasteBufferDeleted
    | Message
    | ConfigError
    | Exit
    | Desync
    | Stalled
    | Unknown
)
Event = Begin | Reply | Unframed | Notification
