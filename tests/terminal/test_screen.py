"""The pane emulator: restored from tmux's capture, never answering queries, never raising."""

from __future__ import annotations

import subprocess

import pyte
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import TmuxServer
from tuimux.terminal.screen import PaneScreen
from tuimux.terminal.stream import PaneStream


def text_lines(screen: PaneScreen) -> list[str]:
    return [
        "".join(screen.buffer[y][x].data for x in range(screen.columns)).rstrip()
        for y in range(screen.lines)
    ]


def test_queries_are_never_answered() -> None:
    answers: list[str] = []
    stock = pyte.Screen(20, 5)
    stock.write_process_input = answers.append  # type: ignore[method-assign]
    pyte.ByteStream(stock).feed(b"\x1b[c\x1b[6n\x1b[5n")
    assert answers, "stock pyte answers DA/DSR: the trap this test guards against"
    # The pane emulator's hook is a no-op; the mirror test proves nothing goes upstream.
    assert PaneScreen.write_process_input is not pyte.Screen.write_process_input
    screen = PaneScreen(20, 5)
    PaneStream(screen).feed(b"x\x1b[c\x1b[6n\x1b[5n\x1b[>cy")
    assert text_lines(screen)[0] == "xy"


def test_alternate_screen_restores_primary_and_cursor() -> None:
    stock = pyte.Screen(20, 3)
    pyte.ByteStream(stock).feed(b"primary\x1b[?1049hALT\x1b[?1049l")
    assert stock.display[0].startswith("primaryALT")  # pyte 0.8.2 has no alternate screen
    screen = PaneScreen(20, 3)
    PaneStream(screen).feed(b"primary\x1b[?1049h")
    assert screen.alternate and text_lines(screen) == ["", "", ""]
    PaneStream(screen).feed(b"ALT")
    PaneStream(screen).feed(b"\x1b[?1049l")
    assert not screen.alternate
    assert text_lines(screen)[0] == "primary"
    assert (screen.cursor.x, screen.cursor.y) == (7, 0)


def test_private_query_does_not_crash_and_parsing_continues() -> None:
    screen = PaneScreen(20, 2)
    stream = PaneStream(screen)
    stream.feed("a\x1b[?6nb\x1b[\u0663mc".encode())
    stream.feed(b"d")
    assert "".join(text_lines(screen)).endswith("d")
    assert "a" in text_lines(screen)[0]


@given(st.lists(st.binary(max_size=64), max_size=20))
def test_any_bytes_never_raise(chunks: list[bytes]) -> None:
    screen = PaneScreen(10, 4)
    stream = PaneStream(screen)
    for chunk in chunks:
        stream.feed(chunk)
    assert 0 <= screen.cursor.y < 4


def capture_bytes(server: TmuxServer, target: str, *flags: str) -> bytes:
    return subprocess.run(
        [*server.argv, "capture-pane", "-p", *flags, "-t", target],
        capture_output=True,
        env=server.env,
        check=True,
    ).stdout


def test_restore_from_capture_equals_tmux(tmux_server: TmuxServer) -> None:
    script = (
        "printf '\\033[1;31mbold red\\033[0m plain \\033[38;5;200mc256\\033[0m "
        "\\033[48;2;1;2;3mtrue\\033[0m \\033[4munder\\033[24m \\033[7mrev\\033[0m\\n'; "
        "printf 'wide 中文 e\\314\\201 tab\\there\\n'; seq 1 30; sleep 30"
    )
    tmux_server.new_session("s", width=60, height=20, command=script)
    tmux_server.wait_for(lambda: "30" in tmux_server.capture("s:"))
    capture = capture_bytes(tmux_server, "s:", "-e", "-N")
    cursor_x, cursor_y = (
        int(v) for v in tmux_server.display("s:", "#{cursor_x} #{cursor_y}").split()
    )
    screen = PaneScreen(60, 20)
    screen.restore(capture, cursor_x, cursor_y)
    plain = capture_bytes(tmux_server, "s:").decode().split("\n")[:20]
    assert text_lines(screen) == [line.rstrip() for line in plain]
    assert (screen.cursor.x, screen.cursor.y) == (cursor_x, cursor_y)


def test_restore_of_a_full_screen_does_not_scroll() -> None:
    screen = PaneScreen(5, 3)
    screen.restore(b"aaaaa\nbbbbb\nccccc\n", 4, 2)
    assert text_lines(screen) == ["aaaaa", "bbbbb", "ccccc"]
    screen.restore(b"\x1b[31mred\n\x1b[0mx\n", 0, 0)
    assert screen.buffer[0][0].fg == "red" and screen.buffer[1][0].fg == "default"
