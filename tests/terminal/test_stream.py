"""Each pyte 0.8.2 defect a tmux client meets, shown on stock pyte and fixed in PaneStream."""

from __future__ import annotations

import contextlib
import time
import tracemalloc

import pyte
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuimux.terminal.screen import PaneScreen
from tuimux.terminal.stream import MAX_STRING, PaneStream, sgr_arguments


def stock(data: bytes, columns: int = 30, lines: int = 3) -> pyte.Screen:
    screen = pyte.Screen(columns, lines)
    stream = pyte.ByteStream(screen)
    with contextlib.suppress(Exception):  # stock pyte raises on some of these
        stream.feed(data)
    return screen


def ours(data: bytes, columns: int = 30, lines: int = 3) -> PaneScreen:
    screen = PaneScreen(columns, lines)
    PaneStream(screen).feed(data)
    return screen


def row(screen: pyte.Screen, y: int = 0) -> str:
    return "".join(screen.buffer[y][x].data for x in range(screen.columns)).rstrip()


def test_colon_underline_style() -> None:
    data = b"\x1b[4:3mX\x1b[4:0mY"
    assert row(stock(data)).startswith("3mX")  # stock pyte prints the sub-parameter
    screen = ours(data)
    assert row(screen) == "XY"
    assert screen.buffer[0][0].underscore and not screen.buffer[0][1].underscore


def test_colon_truecolor_with_and_without_colour_space() -> None:
    screen = ours(b"\x1b[38:2::255:0:10mR\x1b[48:2:0:1:2:3mB\x1b[38:5:196mI\x1b[58:2::1:2:3mU")
    assert row(screen) == "RBIU"
    assert screen.buffer[0][0].fg == "ff000a"
    assert screen.buffer[0][1].bg == "010203"
    assert screen.buffer[0][2].fg == "ff0000"  # 256-colour 196
    assert sgr_arguments([[4, 0]]) == [24]


@pytest.mark.parametrize("data", [b"a\x1b[?6nb", b"a\x1b[?ub", b"a\x1b[?1$pb"])
def test_private_queries_do_not_crash_or_print(data: bytes) -> None:
    screen = ours(data)
    assert row(screen) == "ab"


def test_unicode_digit_in_parameters() -> None:
    data = "a\x1b[\u00b2mb".encode()
    with pytest.raises(ValueError):
        pyte.Stream(pyte.Screen(10, 1)).feed("a\x1b[\u00b2mb")
    assert row(ours(data)) == "ab"


def test_dcs_and_apc_strings_are_not_drawn() -> None:
    data = b"a\x1bP$qm\x1b\\b\x1b_apc\x1b\\c\x1bPtmux;\x1b\x1b]2;x\x07\x1b\\d"
    assert "$qm" in row(stock(data))
    assert row(ours(data)) == "abcd"


def test_secondary_da_and_other_prefixed_queries_are_ignored() -> None:
    assert row(ours(b"a\x1b[>cb\x1b[=cc\x1b[>4;2md")) == "abcd"


def test_osc_payload_is_bounded() -> None:
    screen = PaneScreen(10, 1)
    stream = PaneStream(screen)
    tracemalloc.start()
    stream.feed(b"\x1b]2;" + b"A" * 10_000_000 + b"\x07ok")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(screen.title) <= MAX_STRING
    assert row(screen) == "ok"
    assert peak < 64 * 1024 * 1024


def test_title_control_characters_are_removed() -> None:
    screen = ours("\x1b]2;a\x05b\u009bc\x1b[31md\x07".encode())
    assert screen.title.startswith("ab")
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in screen.title)


@pytest.mark.parametrize(
    "data",
    [b"\x1b[99999999b", b"x\x1b[2147483648@", b"\x1b[99999;99999H", b"\x1b[99999L\x1b[99999M"],
)
def test_huge_parameters_are_clamped_and_fast(data: bytes) -> None:
    started = time.perf_counter()
    screen = ours(data, 80, 24)
    assert time.perf_counter() - started < 2  # generous: unclamped this takes minutes
    assert 0 <= screen.cursor.x <= 80 and 0 <= screen.cursor.y < 24


def test_endless_parameters_stay_bounded() -> None:
    screen = ours(b"\x1b[" + b"1;" * 200_000 + b"mX")
    assert row(screen) == "X"


def test_ten_megabyte_line_without_newline() -> None:
    screen = ours(b"y" * 10_000_000, 80, 24)
    assert row(screen, 23) == "y" * 80


def test_zero_width_characters_keep_the_rest_of_the_text() -> None:
    data = "A\u2764\ufe0f BCD x\u200dyz".encode()
    assert row(stock(data)) == "A\u2764"  # stock pyte drops everything after VS16
    screen = ours(data)
    assert row(screen) == "A\u2764\ufe0f BCD x\u200dyz"
    assert screen.buffer[0][1].data == "\u2764\ufe0f"


def test_cursor_shape() -> None:
    assert ours(b"\x1b[6 q").cursor_shape == 6


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    screen = ours(data, 12, 4)
    assert 0 <= screen.cursor.y < 4


# Streams of what pyte already handled right must give exactly pyte's screen.
plain_pieces = st.one_of(
    st.text(alphabet="abc XYZ019.-é中", min_size=1, max_size=12),
    st.sampled_from(
        [
            "\r\n",
            "\n",
            "\r",
            "\t",
            "\x08",
            "\x1b[1m",
            "\x1b[0m",
            "\x1b[31m",
            "\x1b[42m",
            "\x1b[1;4;35m",
            "\x1b[38;5;123m",
            "\x1b[48;2;1;2;3m",
            "\x1b[7m",
            "\x1b[27m",
            "\x1b[H",
            "\x1b[3;5H",
            "\x1b[2J",
            "\x1b[K",
            "\x1b[1K",
            "\x1b[2A",
            "\x1b[3C",
            "\x1b[B",
            "\x1b[D",
            "\x1b[2;3r",
            "\x1b[r",
            "\x1bM",
            "\x1bD",
            "\x1bE",
            "\x1b[L",
            "\x1b[2M",
            "\x1b[3@",
            "\x1b[P",
            "\x1b[X",
            "\x1b7",
            "\x1b8",
            "\x1b[?25l",
            "\x1b[?25h",
            "\x1b[?7l",
            "\x1b[?7h",
            "\x1b[4h",
            "\x1b[4l",
            "\x1b]2;t\x07",
            "\x1b[10G",
            "\x1b[5d",
            "\x1b[S",
            "\x1b[T",
        ]
    ),
)


@settings(max_examples=300)
@given(st.lists(plain_pieces, max_size=40), st.integers(min_value=1, max_value=7))
def test_same_screen_as_stock_pyte_where_pyte_was_right(pieces: list[str], split: int) -> None:
    data = "".join(pieces).encode()
    expected = pyte.Screen(15, 5)
    pyte.ByteStream(expected).feed(data)
    got = PaneScreen(15, 5)
    stream = PaneStream(got)
    for start in range(0, len(data), split):
        stream.feed(data[start : start + split])
    for y in range(5):
        for x in range(15):
            assert got.buffer[y][x] == expected.buffer[y][x], (x, y)
    assert (got.cursor.x, got.cursor.y, got.cursor.hidden) == (
        expected.cursor.x,
        expected.cursor.y,
        expected.cursor.hidden,
    )
