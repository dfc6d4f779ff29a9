"""The pieces of a re-read that need no tmux: the tab-stop word, the output kept since
the last snapshot, and where a respawn began (the app-level oracle tests are in
tests/ui/test_reread_state.py)."""

from __future__ import annotations

from tuimux.terminal.reread import (
    RECENT_BYTES,
    UNFED_BYTES,
    RecentOutput,
    parse_cursor_shape,
    parse_tab_stops,
    respawned_state,
)
from tuimux.terminal.screen import MAX_COLUMNS, PaneScreen
from tuimux.terminal.stream import PaneStream


def test_tab_stop_word_is_bounded_and_strict() -> None:
    assert parse_tab_stops("T5,14") == [5, 14]
    # No stops and a server without pane_tabs look the same: not known.
    assert parse_tab_stops("T") is None
    assert parse_tab_stops("") is None
    assert parse_tab_stops("T5,x") is None
    assert parse_tab_stops("T²") is None  # ASCII digits only
    assert parse_tab_stops(f"T{MAX_COLUMNS + 1}") is None
    many = parse_tab_stops("T" + ",".join(["7"] * (MAX_COLUMNS * 3)))
    assert many is not None and len(many) == MAX_COLUMNS


def test_cursor_shape_word() -> None:
    assert parse_cursor_shape("S") is None  # a server without cursor_shape
    assert parse_cursor_shape("Sdefault0") == 0
    assert parse_cursor_shape("Sblock1") == 1
    assert parse_cursor_shape("Sunderline0") == 4
    assert parse_cursor_shape("Sbar0") == 6
    assert parse_cursor_shape("Sbar") is None
    assert parse_cursor_shape("Tbar0") is None


def test_unfed_output_is_what_was_never_fed_unless_some_was_dropped() -> None:
    recent = RecentOutput()
    recent.add(b"fed")
    recent.fed = recent.received
    recent.add(b"\\033[31m")
    assert recent.take().unfed() == b"\x1b[31m"
    assert recent.take().unfed() == b""  # taken: starts empty, all of it fed or taken
    recent.add(b"x" * (RECENT_BYTES + 1))  # more than is kept: the start is gone
    recent.add(b"\\033[31m")
    assert recent.take().unfed() is None
    recent.fed = recent.received
    recent.add(b"y" * (UNFED_BYTES + 1))  # kept, but a flood's worth: not fed
    assert recent.take().unfed() is None


def restored(data: bytes, columns: int = 20, lines: int = 4) -> PaneScreen:
    """tmux's screen after ``data``, as a snapshot restores it."""
    fed = PaneScreen(columns, lines)
    PaneStream(fed).feed(data)
    lines_out = [
        "".join(fed.buffer[y][x].data for x in range(columns)).encode() for y in range(lines)
    ]
    screen = PaneScreen(columns, lines)
    screen.restore(b"\n".join(lines_out), fed.cursor.x, fed.cursor.y)
    return screen


def test_a_respawn_is_found_where_the_new_output_alone_gives_the_screen() -> None:
    recent = RecentOutput()
    recent.add(b"old text\\015\\012")
    recent.add(b"\\033[4m")  # the old process's last words: underline, nothing drawn
    recent.add(b"new\\033[1;44m\\033)0\\016")
    found = respawned_state(recent, restored(b"new"))
    assert found is not None
    assert found.pen.bold and found.pen.bg == "blue" and found.shift == 1
    assert not found.pen.underscore  # the old process's pen stays behind
    # No start gives tmux's screen (output was lost): nothing is guessed.
    recent = RecentOutput()
    recent.add(b"partial")
    assert respawned_state(recent, restored(b"something else")) is None
