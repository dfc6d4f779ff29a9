"""Every session on the server with its windows: what the session tree chooses from.

The model mirrors only the attached session; choosing another one needs the whole server,
read on demand in one round trip (two ``list-*`` reads, so a read-only client may too).
Names go last in each format because they may hold tabs; tmux 3.3a stores names in
vis(3) form, so a newline cannot split a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tuimux.client import TmuxClient
from tuimux.control.numbers import INT_MAXIMUM, parse_uint
from tuimux.model import MAX_WINDOWS

SESSIONS_FORMAT = "\t".join(("#{session_id}", "#{session_attached}", "#{session_name}"))
WINDOWS_FORMAT = "\t".join(
    (
        "#{session_id}",
        "#{window_id}",
        "#{window_index}",
        "#{window_active}",
        "#{window_panes}",
        "#{window_name}",
    )
)
TREE_COMMANDS = (
    ("list-sessions", "-F", SESSIONS_FORMAT),
    ("list-windows", "-a", "-F", WINDOWS_FORMAT),
)


@dataclass(frozen=True)
class WindowEntry:
    window_id: str
    index: int
    name: str
    active: bool
    panes: int


@dataclass
class SessionEntry:
    session_id: str
    name: str
    attached: int
    windows: list[WindowEntry] = field(default_factory=list)

    @property
    def active_window(self) -> WindowEntry | None:
        return next((window for window in self.windows if window.active), None)


def parse_tree(session_lines: list[str], window_lines: list[str]) -> list[SessionEntry]:
    """Sessions in tmux's order (by name), each with its windows by index; a line that
    does not have every field is skipped rather than guessed at."""
    sessions: dict[str, SessionEntry] = {}
    for line in session_lines[:MAX_WINDOWS]:
        fields = line.split("\t", 2)
        attached = parse_uint(fields[1], INT_MAXIMUM) if len(fields) == 3 else None
        if attached is not None:
            session_id, _, name = fields
            sessions[session_id] = SessionEntry(session_id, name, attached)
    for line in window_lines[:MAX_WINDOWS]:
        fields = line.split("\t", 5)
        if len(fields) != 6:
            continue
        session_id, window_id, index_text, active, panes_text, name = fields
        index = parse_uint(index_text, INT_MAXIMUM)
        panes = parse_uint(panes_text, INT_MAXIMUM)
        owner = sessions.get(session_id)
        if owner is not None and index is not None and panes is not None:
            owner.windows.append(WindowEntry(window_id, index, name, active == "1", panes))
    for session in sessions.values():
        session.windows.sort(key=lambda window: window.index)
    return list(sessions.values())


async def read_tree(client: TmuxClient) -> list[SessionEntry]:
    sessions, windows = await client.read_formats(TREE_COMMANDS)
    return parse_tree(sessions, windows)
