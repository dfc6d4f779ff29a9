"""Turn control-mode lines into typed events.

The parser is a small state machine fed one line at a time (without its ``\\n``). It knows
two states: between blocks, where every line is a notification, and inside a reply block,
where every line is content until a ``%end``/``%error`` whose *three* fields equal those of
the open ``%begin`` (block content may itself start with ``%``, even ``%end 1 2 1``:
capture-pane of a pane that printed it). It never raises: the channel is untrusted, and a
line it cannot read becomes ``Unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from tuimux.control import events as ev
from tuimux.control.framing import BEGIN_GUARD, END_GUARD, Guard

_PANE = re.compile(rb"%\d{1,10}")
_WINDOW = re.compile(rb"@\d{1,10}")
_SESSION = re.compile(rb"\$\d{1,10}")
# tmux prints the age with "%llu": int() alone would also take "-1", "+5", "1_000" and
# 4000-digit numbers, and hand a consumer an age no tmux can send.
_AGE = re.compile(rb"\d{1,20}")

# A reply block larger than this is cut (its later lines dropped, the block still closes
# on its guard) so a runaway capture cannot exhaust memory.
MAX_BLOCK_BYTES = 64 * 1024 * 1024


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _id(pattern: re.Pattern[bytes], field: bytes) -> str:
    if pattern.fullmatch(field) is None:
        raise ValueError(field)
    return field.decode("ascii")


def _output(rest: bytes) -> ev.Notification:
    pane, _, data = rest.partition(b" ")
    return ev.Output(_id(_PANE, pane), data)


def _extended_output(rest: bytes) -> ev.Notification:
    # %extended-output %PANE AGE [reserved args…] : DATA
    head, sep, data = rest.partition(b" : ")
    if not sep:
        head, data = head.removesuffix(b" :"), b""
    fields = head.split(b" ")
    if _AGE.fullmatch(fields[1]) is None:
        raise ValueError(fields[1])
    return ev.Output(_id(_PANE, fields[0]), data, int(fields[1]))


def _one_pane(kind: Callable[[str], ev.Notification]) -> Callable[[bytes], ev.Notification]:
    return lambda rest: kind(_id(_PANE, rest.split(b" ")[0]))


def _one_window(kind: Callable[[str], ev.Notification]) -> Callable[[bytes], ev.Notification]:
    return lambda rest: kind(_id(_WINDOW, rest.split(b" ")[0]))


def _named(
    pattern: re.Pattern[bytes], kind: Callable[[str, str], ev.Notification]
) -> Callable[[bytes], ev.Notification]:
    """``%…-renamed ID NAME`` and friends: an id, then the name to the end of the line.

    The name is what tmux stores, as ``list-windows`` and tmux's own status line show it:
    tmux encodes a name once when it is set (``rename-window 'a\\b'`` is held as
    ``a\\\\b``) and writes it out as held. Decoding it here showed ``a\\b`` after a rename
    but ``a\\\\b`` after the next attach."""

    def parse(rest: bytes) -> ev.Notification:
        ident, _, name = rest.partition(b" ")
        return kind(_id(pattern, ident), _text(name))

    return parse


def _layout_change(rest: bytes) -> ev.Notification:
    fields = rest.split(b" ")
    window = _id(_WINDOW, fields[0])
    layout = _text(fields[1])
    visible = _text(fields[2]) if len(fields) > 2 else layout
    flags = _text(b" ".join(fields[3:]))
    return ev.LayoutChange(window, layout, visible, flags)


def _window_pane_changed(rest: bytes) -> ev.Notification:
    window, pane = rest.split(b" ")[:2]
    return ev.WindowPaneChanged(_id(_WINDOW, window), _id(_PANE, pane))


def _session_window_changed(rest: bytes) -> ev.Notification:
    session, window = rest.split(b" ")[:2]
    return ev.SessionWindowChanged(_id(_SESSION, session), _id(_WINDOW, window))


def _client_session_changed(rest: bytes) -> ev.Notification:
    client, session, name = ([*rest.split(b" ", 2), b""])[:3]
    return ev.ClientSessionChanged(_text(client), _id(_SESSION, session), _text(name))


def _subscription_changed(rest: bytes) -> ev.Notification:
    head, _, value = rest.partition(b" : ")
    name, session, window, index, pane = head.split(b" ")[:5]
    return ev.SubscriptionChanged(
        _text(name), _text(session), _text(window), _text(index), _text(pane), _text(value)
    )


_NOTIFICATIONS: dict[bytes, Callable[[bytes], ev.Notification]] = {
    b"%output": _output,
    b"%extended-output": _extended_output,
    b"%pause": _one_pane(ev.Pause),
    b"%continue": _one_pane(ev.Continue),
    b"%pane-mode-changed": _one_pane(ev.PaneModeChanged),
    b"%layout-change": _layout_change,
    b"%window-add": _one_window(ev.WindowAdd),
    b"%window-close": _one_window(ev.WindowClose),
    b"%unlinked-window-add": _one_window(ev.UnlinkedWindowAdd),
    b"%unlinked-window-close": _one_window(ev.UnlinkedWindowClose),
    b"%window-renamed": _named(_WINDOW, ev.WindowRenamed),
    b"%unlinked-window-renamed": _named(_WINDOW, ev.UnlinkedWindowRenamed),
    b"%window-pane-changed": _window_pane_changed,
    b"%session-changed": _named(_SESSION, ev.SessionChanged),
    b"%session-renamed": _named(_SESSION, ev.SessionRenamed),
    b"%sessions-changed": lambda rest: ev.SessionsChanged(),
    b"%session-window-changed": _session_window_changed,
    b"%client-session-changed": _client_session_changed,
    b"%client-detached": lambda rest: ev.ClientDetached(_text(rest)),
    b"%subscription-changed": _subscription_changed,
    b"%paste-buffer-changed": lambda rest: ev.PasteBufferChanged(_text(rest)),
    b"%paste-buffer-deleted": lambda rest: ev.PasteBufferDeleted(_text(rest)),
    b"%message": lambda rest: ev.Message(_text(rest)),
    b"%config-error": lambda rest: ev.ConfigError(_text(rest)),
    b"%exit": lambda rest: ev.Exit(_text(rest)),
}


def parse_notification(line: bytes) -> ev.Notification:
    """Parse one line that is known to be outside a reply block."""
    name, _, rest = line.partition(b" ")
    parse = _NOTIFICATIONS.get(name)
    if parse is None:
        return ev.Unknown(line)
    try:
        return parse(rest)
    except (ValueError, IndexError):
        return ev.Unknown(line)


class ControlParser:
    """Feed lines in order; get the events each line completes (usually one or none).

    After a :class:`~tuimux.control.events.Begin`, the client may :meth:`seal` the block
    it opened (:mod:`tuimux.control.framing`): its lines are then held until a sentinel
    with one of the given nonces arrives, and the line that completes the sentinel
    returns the reply, the notifications tmux wrote after it, and the sentinel's reply.
    """

    def __init__(self, max_block_bytes: int = MAX_BLOCK_BYTES) -> None:
        self._open: Guard | None = None
        self._lines: list[bytes] = []
        self._size = 0
        self._max_block_bytes = max_block_bytes
        self._nonces: frozenset[bytes] | None = None  # set while the open block is sealed
        # A sealed block: its last two lines, how many it has, and where the latest guard
        # matching its %begin stood (and whether it was %error).
        self._recent: tuple[bytes, bytes] = (b"", b"")
        self._count = 0
        self._end: tuple[int, bool] | None = None

    @property
    def in_block(self) -> bool:
        return self._open is not None

    def seal(self, nonces: Collection[bytes]) -> None:
        """Hold the block just begun until a sentinel carrying one of ``nonces``."""
        if self._open is not None:
            self._nonces = frozenset(nonces)

    def feed_line(self, line: bytes) -> list[ev.Event]:
        if self._open is not None:
            if self._nonces is not None:
                return self._sealed_line(line)
            reply = self._block_line(line)
            return [] if reply is None else [reply]
        line = line.removesuffix(b"\r")
        begin = BEGIN_GUARD.fullmatch(line)
        if begin is not None:
            self._open = (begin[1], begin[2], begin[3])
            self._lines, self._size = [], 0
            return [ev.Begin(int(begin[1]), int(begin[2]), int(begin[3]))]
        return [parse_notification(line)]

    def _block_line(self, line: bytes) -> ev.Event | None:
        assert self._open is not None
        end = END_GUARD.fullmatch(line)
        if end is not None and (end[2], end[3], end[4]) == self._open:
            time, number, flags = (int(field) for field in self._open)
            reply = ev.Reply(time, number, flags, end[1] == b"error", tuple(self._lines))
            self._open, self._lines, self._size = None, [], 0
            return reply
        self._keep(line)
        return None

    def _keep(self, line: bytes) -> None:
        self._size += len(line) + 1
        if self._size <= self._max_block_bytes:
            self._lines.append(line)

    def _sealed_line(self, line: bytes) -> list[ev.Event]:
        assert self._open is not None and self._nonces is not None
        self._count += 1
        guard = END_GUARD.fullmatch(line) if line.startswith(b"%e") else None
        if guard is not None and (guard[2], guard[3], guard[4]) == self._open:
            self._end = (self._count - 1, guard[1] == b"error")  # the latest so far
        before, nonce = self._recent
        self._recent = (nonce, line)
        self._keep(line)
        if nonce not in self._nonces:
            return []
        begin, end = BEGIN_GUARD.fullmatch(before), END_GUARD.fullmatch(line)
        if begin is None or end is None or end[1] != b"end" or begin[3] != b"1":
            return []
        if (begin[1], begin[2], begin[3]) != (end[2], end[3], end[4]):
            return []
        # The sentinel: only tmux can have written it, so the block ended before it, at
        # the last guard of its own; nothing of what stands between is believed.
        time, number, flags = (int(field) for field in self._open)
        sentinel = (int(begin[1]), int(begin[2]), int(begin[3]))
        region = self._count - 3  # lines before the sentinel's %begin
        found, lines = self._end, self._lines
        self._open, self._nonces, self._lines, self._size = None, None, [], 0
        self._recent, self._end, self._count = (b"", b""), None, 0
        events: list[ev.Event]
        if found is None:
            events = [ev.Unframed(time, number, flags, "no end guard before the sentinel")]
        else:
            index, error = found
            # Only tmux writes after the reply, but what it writes there can carry text
            # from outside too (run-shell's output after its %end on 3.2a, a block that
            # if-shell inserts): none of it is dispatched; it is shown as the command's
            # output (text, never protocol), and everything mirrored is re-read.
            after = [
                line
                for line in lines[index + 1 : region]
                if BEGIN_GUARD.fullmatch(line) is None and END_GUARD.fullmatch(line) is None
            ]
            reply = (*lines[:index], *after)
            events = [ev.Reply(time, number, flags, error, reply)]
            if index < region - 1:
                events.append(ev.Desync("text followed a sealed reply"))
        return [*events, ev.Begin(*sentinel), ev.Reply(*sentinel, False, (nonce,))]
