"""A mirror of the attached tmux session: its windows, their layouts, and their panes.

tmux owns this state; the model only copies it. It is filled from ``list-windows`` /
``list-panes`` queries with ``-F`` formats (never by scraping human output) and kept
current from notifications. Notifications whose meaning tmux 3.3a judges at delivery time
(window add/close, linked or unlinked) only mark the model stale: the caller re-reads it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tuimux.client import TmuxClient
from tuimux.control import events as ev
from tuimux.control.layout import MAX_NUMBER, Layout, parse_layout
from tuimux.control.numbers import INT_MAXIMUM, WINDOW_MAXIMUM, clamp_int, clamp_uint
from tuimux.errors import LayoutError

log = logging.getLogger(__name__)

# Names and titles go last in each format: they may hold tabs, so they take the rest.
WINDOW_FORMAT = "\t".join(
    (
        "#{window_id}",
        "#{window_index}",
        "#{window_active}",
        "#{window_raw_flags}",
        "#{window_layout}",
        "#{window_visible_layout}",
        "#{pane-border-status}",
        "#{window_name}",
    )
)
PANE_FORMAT = "\t".join(
    (
        "#{pane_id}",
        "#{window_id}",
        "#{pane_active}",
        "#{pane_in_mode}",
        "#{pane_dead}",
        "#{pane_index}",
        "#{pane_left}",
        "#{pane_top}",
        "#{pane_width}",
        "#{pane_height}",
        "#{pane_mode}",
        "#{pane_title}",
    )
)
MAX_CACHED_LAYOUTS = 50_000
# What one session may hold in the mirror: far beyond real use (each live pane needs a
# pty), while a reply of up to 64 MB could otherwise claim a million windows.
MAX_WINDOWS = 50_000
MAX_PANES = 50_000
SESSION_FORMAT = "#{session_id}\t#{session_name}"
# tmux 3.3a sends no %bell: window flags (bell, activity, silence) are followed through a
# subscription that tmux checks once a second (refresh-client -B, tmux 3.2+).
FLAGS_SUBSCRIPTION = "tuimux-flags"
FLAGS_FORMAT = "#{window_raw_flags}"
# respawn-pane and remain-on-exit reset or freeze a pane's screen without any output or
# notification: a new pid or a dead flag is the only sign. Titles change without one
# too (tmux's status line shows them). Both are read once a second (terminal.mirror),
# not subscribed to: see SUBSCRIPTIONS_PER_COMMAND.
PANES_POLL_FORMAT = "#{pane_id} #{pane_pid} #{pane_dead} #{pane_title}"
BORDERS_SUBSCRIPTION = "tuimux-borders"
BORDERS_FORMAT = "#{pane-border-status}"
# The session's ``mouse`` option, as each window of it sees it (ui.mouse_mode).
MOUSE_SUBSCRIPTION = "tuimux-mouse"
MOUSE_FORMAT = "#{mouse}"
# Subscriptions name one window each, never all windows or panes ("@*", "%*") nor the
# session: tmux (3.2a to next-3.8) walks the windows of the client's session for those
# (or writes its id) without checking that it still has one, and a control client
# loses its session before it is gone (its session killed, or its last pane exited,
# while output for it is still queued): the next check crashes the server, with every
# other session on it. A window's subscription skips windows outside the client's
# session, so a lost one is never walked. (One per pane, "%N", stops reporting after
# the pane is respawned on tmux 3.3a, and a window's cannot loop over its panes: panes
# are read instead.)
SUBSCRIPTIONS_PER_COMMAND = 200


def subscription_name(kind: str, target: str) -> str:
    """A subscription's name: its kind and the window or pane id it watches."""
    return f"{kind}{target}"


def subscription_kind(name: str) -> str:
    """The kind of a subscription, from its name (:func:`subscription_name`)."""
    return name.rstrip("0123456789").removesuffix("@").removesuffix("%")


def subscriptions(window_ids: Iterable[str]) -> dict[str, str]:
    """name → ``name:target:format`` for every window the model holds."""
    wanted = {}
    for window_id in window_ids:
        for kind, form in (
            (FLAGS_SUBSCRIPTION, FLAGS_FORMAT),
            (BORDERS_SUBSCRIPTION, BORDERS_FORMAT),
            (MOUSE_SUBSCRIPTION, MOUSE_FORMAT),
        ):
            name = subscription_name(kind, window_id)
            wanted[name] = f"{name}:{window_id}:{form}"
    return wanted


def pane_reads(lines: Iterable[str]) -> Iterator[tuple[str, str, str]]:
    """(pane id, "pid dead", title) for each line read with PANES_POLL_FORMAT."""
    for line in lines:
        pane_id, pid, dead, title = [*line.split(" ", 3), "", "", ""][:4]
        if pane_id[:1] == "%" and pane_id[1:].isascii() and pane_id[1:].isdigit():
            yield pane_id, f"{pid} {dead}", title


@dataclass
class Pane:
    pane_id: str
    window_id: str
    width: int = 0
    height: int = 0
    left: int = 0
    top: int = 0
    in_mode: bool = False
    dead: bool = False
    index: int = 0
    title: str = ""
    # tmux's pane_mode (copy-mode, view-mode, tree-mode…) and the window's mode-keys,
    # as last read for the mode view; empty until read.
    mode: str = ""
    mode_keys: str = ""


@dataclass
class Window:
    window_id: str
    index: int = 0
    name: str = ""
    flags: str = ""
    layout: Layout | None = None
    visible_layout: Layout | None = None
    active_pane: str | None = None
    # tmux's pane-border-status: with "top" or "bottom" panes are a row shorter than
    # their layout cells say, and tmux sends no %layout-change when it is switched.
    border_status: str = "off"

    @property
    def zoomed(self) -> bool:
        return "Z" in self.flags

    @property
    def bell(self) -> bool:
        return "!" in self.flags

    @property
    def activity(self) -> bool:
        return "#" in self.flags

    @property
    def pane_ids(self) -> list[str]:
        """Panes in layout order (all of them, even those hidden by zoom)."""
        return self.layout.pane_ids() if self.layout is not None else []

    @property
    def visible_pane_ids(self) -> list[str]:
        return self.visible_layout.pane_ids() if self.visible_layout is not None else []


@dataclass
class SessionModel:
    """The one session this client is attached to."""

    session_id: str = ""
    name: str = ""
    active_window: str | None = None
    windows: dict[str, Window] = field(default_factory=dict)
    panes: dict[str, Pane] = field(default_factory=dict)
    _layouts: dict[str, Layout] = field(default_factory=dict, repr=False, compare=False)

    def windows_in_order(self) -> list[Window]:
        return sorted(self.windows.values(), key=lambda window: window.index)

    @property
    def current(self) -> Window | None:
        return self.windows.get(self.active_window or "")

    # -- reading tmux's answers --------------------------------------------------------

    def load(self, session_line: str, window_lines: list[str], pane_lines: list[str]) -> None:
        """Replace the whole mirror with the answers to :func:`refresh_commands`."""
        session_id, _, name = session_line.partition("\t")
        self.session_id, self.name = session_id, name
        old_flags = {wid: window.flags for wid, window in self.windows.items()}
        self.windows = {}
        self.active_window = None
        if len(window_lines) > MAX_WINDOWS or len(pane_lines) > MAX_PANES:
            log.warning(
                "tmux listed %d windows, %d panes: only the first are shown",
                len(window_lines),
                len(pane_lines),
            )
        for line in window_lines[:MAX_WINDOWS]:
            fields = line.split("\t", 7)
            if len(fields) != 8:
                continue
            window_id, index, active, flags, layout, visible, border_status, name = fields
            window = Window(
                window_id,
                clamp_uint(index, INT_MAXIMUM),
                name,
                flags or old_flags.get(window_id, ""),
            )
            window.border_status = border_status or "off"
            self._set_layout(window, layout, visible)
            self.windows[window_id] = window
            if active == "1":
                self.active_window = window_id
        before, self.panes = self.panes, {}
        for line in pane_lines[:MAX_PANES]:
            fields = line.split("\t", 11)
            if len(fields) != 12:
                continue
            pane_id, window_id, active, in_mode, dead, index, *geometry, mode, title = fields
            # tmux never makes a window (so a pane) larger than WINDOW_MAXIMUM: a larger
            # claim is shown at the limit, never allocated for.
            left, top = (clamp_int(value, MAX_NUMBER) for value in geometry[:2])
            width, height = (clamp_uint(value, WINDOW_MAXIMUM) for value in geometry[2:])
            old = before.get(pane_id)
            pane = Pane(
                pane_id,
                window_id,
                width,
                height,
                left,
                top,
                in_mode=in_mode == "1",
                dead=dead == "1",
                index=clamp_uint(index, INT_MAXIMUM),
                title=title,
                mode=mode[:64] if in_mode == "1" else "",
                mode_keys=old.mode_keys if old is not None else "",
            )
            self.panes[pane_id] = pane
            owner = self.windows.get(window_id)
            if owner is not None and active == "1":
                owner.active_pane = pane_id

    def _set_layout(self, window: Window, layout: str, visible: str) -> bool:
        try:
            window.layout = self._parse(layout)
            window.visible_layout = self._parse(visible) if visible else window.layout
        except LayoutError:
            return False
        return True

    def _parse(self, text: str) -> Layout:
        """Layouts are immutable: a re-read of 20000 windows re-parses only those that
        changed (the cache holds what the last read and notifications used)."""
        layout = self._layouts.get(text)
        if layout is None:
            layout = parse_layout(text)
            if len(self._layouts) >= MAX_CACHED_LAYOUTS:
                self._layouts.clear()
            self._layouts[text] = layout
        return layout

    def _place_panes(self, window: Window) -> None:
        if window.visible_layout is None:
            return
        for cell in window.visible_layout.panes():
            pane = self.panes.get(cell.pane_id or "")
            if pane is not None:
                pane.width, pane.height, pane.left, pane.top = (
                    cell.width,
                    cell.height,
                    cell.x,
                    cell.y,
                )

    # -- notifications ------------------------------------------------------------------

    def apply(self, event: ev.Notification) -> bool:
        """Update from a notification; return True when the mirror must be re-read."""
        if isinstance(event, ev.LayoutChange):
            window = self.windows.get(event.window_id)
            if window is None:
                return True
            known = set(window.pane_ids)
            if not self._set_layout(window, event.layout, event.visible_layout):
                return True
            if event.flags:
                window.flags = event.flags
            if window.border_status != "off":
                return True  # the layout cells are not the panes: ask tmux
            self._place_panes(window)
            # A new pane (split) or a pane moved here: its title and state are unknown.
            return set(window.pane_ids) != known or any(
                pane_id not in self.panes for pane_id in window.pane_ids
            )
        if isinstance(event, ev.WindowRenamed):
            if event.window_id in self.windows:
                self.windows[event.window_id].name = event.name
            return False
        if isinstance(event, ev.WindowPaneChanged):
            window = self.windows.get(event.window_id)
            if window is not None:
                window.active_pane = event.pane_id
                # Selecting a floating pane (tmux 3.7+) brings it to the front, and tmux
                # sends no %layout-change for the new stacking order: re-read it.
                floats = window.layout.floating if window.layout is not None else ()
                return event.pane_id not in self.panes or bool(floats)
            return False
        if isinstance(event, ev.SessionWindowChanged):
            if event.session_id == self.session_id:
                self.active_window = event.window_id
                return event.window_id not in self.windows
            return False
        if isinstance(event, ev.SessionRenamed):
            if event.session_id == self.session_id:
                self.name = event.name
            return False
        if isinstance(event, ev.SubscriptionChanged):
            flagged = self.windows.get(event.window_id)
            if flagged is None:
                return False
            kind = subscription_kind(event.name)
            if kind == FLAGS_SUBSCRIPTION:
                flagged.flags = event.value
            elif kind == BORDERS_SUBSCRIPTION:
                return (event.value or "off") != flagged.border_status
            return False
        if isinstance(event, ev.SessionChanged):
            return True
        if isinstance(event, ev.PaneModeChanged):
            return event.pane_id in self.panes
        # Judged against our session at delivery time on tmux 3.3a: re-read, never infer.
        return isinstance(
            event,
            ev.WindowAdd | ev.WindowClose | ev.UnlinkedWindowAdd | ev.UnlinkedWindowClose,
        )


def refresh_commands(session_id: str) -> list[list[str]]:
    """The queries that fill a :class:`SessionModel`, to run as one group."""
    return [
        ["display-message", "-p", "-t", session_id, SESSION_FORMAT],
        ["list-windows", "-t", session_id, "-F", WINDOW_FORMAT],
        ["list-panes", "-s", "-t", session_id, "-F", PANE_FORMAT],
    ]


async def refresh(client: TmuxClient, model: SessionModel, session_id: str) -> None:
    """Re-read the whole session from tmux in one round trip."""
    session, windows, panes = await client.read_formats(refresh_commands(session_id))
    model.load(" ".join(session), windows, panes)
