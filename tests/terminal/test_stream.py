"""The pane parser: each pyte 0.8.2 defect shown on stock pyte, then fixed as tmux does."""

from __future__ import annotations

import contextlib
import logging
import time
import tracemalloc
from collections.abc import Iterator

import pyte
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyte.graphics import FG_BG_256
from pyte.screens import Char

from tuimux.terminal.attributes import BLANK, UNDERSCORE_STYLE, as_cell
from tuimux.terminal.cells import TMUX_32, TMUX_33, CellRules
from tuimux.terminal.screen import PaneScreen
from tuimux.terminal.stream import MAX_STRING, PaneStream, parse_params, sgr_arguments


def stock(data: bytes, columns: int = 30, lines: int = 3) -> pyte.Screen:
    screen = pyte.Screen(columns, lines)
    with contextlib.suppress(Exception):  # stock pyte raises on some of these
        pyte.ByteStream(screen).feed(data)
    return screen


def ours(
    *chunks: bytes | str, columns: int = 30, lines: int = 3, rules: CellRules = TMUX_33
) -> PaneScreen:
    screen = PaneScreen(columns, lines, rules)
    stream = PaneStream(screen)
    for chunk in chunks:
        stream.feed(chunk.encode() if isinstance(chunk, str) else chunk)
    return screen


def row(screen: pyte.Screen, y: int = 0) -> str:
    return "".join(screen.buffer[y][x].data for x in range(screen.columns)).rstrip()


@contextlib.contextmanager
def no_recovery() -> Iterator[None]:
    """Fail if ``feed`` had to restart its parser (it never raises, so look at the log)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("tuimux.terminal.stream")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    assert not records, records[0].getMessage()


def test_colon_underline_style() -> None:
    data = b"\x1b[4:3mX\x1b[4:0mY"
    assert row(stock(data)).startswith("3mX")  # stock pyte prints the sub-parameter
    screen = ours(data)
    assert row(screen) == "XY"
    assert screen.buffer[0][0].underscore and not screen.buffer[0][1].underscore


def test_colon_colours() -> None:
    data = (
        "\x1b[38:2::255:0:10mR\x1b[48:2:0:1:2:3mB\x1b[38:5:196mI\x1b[38:2:4:5:6mJ\x1b[58:2::1:2:3mU"
    )
    assert row(stock(data.encode())) != "RBIJU"
    screen = ours(data)
    assert row(screen) == "RBIJU"
    cells = [screen.buffer[0][x] for x in range(5)]
    assert [cells[0].fg, cells[1].bg, cells[2].fg, cells[3].fg] == [
        "ff000a",
        "010203",
        "colour196",  # an index stays an index
        "040506",
    ]
    assert cells[4] == cells[3]._replace(data="U", underscore_colour="010203")


def test_sgr_keeps_every_attribute_tmux_keeps() -> None:
    """tmux's input_csi_dispatch_sgr: dim 2, hidden 8, overline 53, underline styles
    (``4:n``, 21 double) and colour 58, each turned off as tmux does (22, 28, 55, 24, 59);
    pyte has none of them. ``capture-pane`` reads back through this same parser, so the
    oracle tests alone could not see it drop one."""
    screen = ours(b"\x1b[2;8;53;4:3;58:5:9mA\x1b[22;28;55;24;59mB\x1b[21;58;2;1;2;3mC\x1b[0mD")
    a, b, c, d = (as_cell(screen.buffer[0][x]) for x in range(4))
    assert (a.dim, a.hidden, a.overline, a.underscore, a.underscore_colour) == (
        True,
        True,
        True,
        3,
        "brightred",
    )
    assert b == BLANK._replace(data="B")
    assert (c.underscore, c.underscore_colour) == (2, "010203")
    assert d == BLANK._replace(data="D")
    assert ours(b"\x1b[1;2mx\x1b[22my").buffer[0][1] == BLANK._replace(data="y")


def test_underline_colour_is_not_blink_and_italics() -> None:
    data = b"\x1b[58;5;3mw"  # tmux's own capture-pane -e writes this form
    assert stock(data).buffer[0][0].blink and stock(data).buffer[0][0].italics
    cell = ours(data).buffer[0][0]
    assert not cell.blink and not cell.italics


def test_colours_out_of_range_do_as_tmux() -> None:
    assert stock(b"\x1b[38;2;300;0;0mw").buffer[0][0].fg == "12c0000"  # not a colour
    assert ours(b"\x1b[31m\x1b[38;2;300;0;0mw").buffer[0][0].fg == "default"  # 0;0 reset
    assert ours(b"\x1b[31m\x1b[38;5;999mw").buffer[0][0].fg == "default"
    assert ours(b"\x1b[31m\x1b[38;5mw").buffer[0][0].fg == "default"
    # Nothing left to apply is not SGR 0 (pyte resets on an empty argument list).
    assert ours(b"\x1b[31m\x1b[38m\x1b[4:7m\x1b[58;5;1mw").buffer[0][0].fg == "red"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", []),
        ("0;1;31", [0, 1, 31]),
        ("4:3", [UNDERSCORE_STYLE + 3]),
        ("4:0", [UNDERSCORE_STYLE]),
        ("4:", []),
        ("21;6", [UNDERSCORE_STYLE + 2, 5]),
        ("38:2::1:2:3", [38, 2, 1, 2, 3]),
        ("38:2:1:2:3", [38, 2, 1, 2, 3]),
        ("38:2:0:1:2:3:4", [38, 2, 1, 2, 3]),
        ("38:2::1:2:3:4:5", []),
        ("48:5:17", [48, 5, 17]),
        ("38;2;1;2;3;1", [38, 2, 1, 2, 3, 1]),
        ("38;5;300;1", [39, 1]),
        ("58;2;1;2;3;7", [58, 2, 1, 2, 3, 7]),
        ("58;5;300;7", [7]),
        ("38;4;1", [1]),
        ("38", []),
    ],
)
def test_sgr_arguments_follow_tmux(raw: str, expected: list[int]) -> None:
    params = parse_params(raw)
    assert params is not None and sgr_arguments(params) == expected


@pytest.mark.parametrize(
    "data", [b"a\x1b[?6nb", b"a\x1b[?ub", b"a\x1b[?1$pb", b"a\x1b[>cb", b"a\x1b[=5ub"]
)
def test_private_and_prefixed_sequences_are_ignored(data: bytes) -> None:
    with pytest.raises(TypeError):
        pyte.ByteStream(pyte.Screen(10, 1)).feed(b"a\x1b[?6nb")
    assert row(ours(data)) == "ab"


def test_unicode_digit_in_parameters() -> None:
    with pytest.raises(ValueError):
        pyte.Stream(pyte.Screen(10, 1)).feed("a\x1b[\u00b2mb")
    screen = ours("\x1b[31ma\x1b[\u0663mb")  # tmux skips the bytes: this is CSI m
    assert row(screen) == "ab" and screen.buffer[0][1].fg == "default"


def test_more_parameters_than_the_method_takes() -> None:
    with pytest.raises(TypeError):
        pyte.ByteStream(pyte.Screen(10, 3)).feed(b"\x1b[2;3;4H")
    assert (ours(b"\x1b[2;3;4H").cursor.x, ours(b"\x1b[2;3;4H").cursor.y) == (2, 1)


def test_parameters_are_bounded_as_in_tmux() -> None:
    assert ours(b"\x1b[" + b";".join([b"1"] * 23) + b"mX").buffer[0][0].bold
    assert not ours(b"\x1b[" + b";".join([b"1"] * 24) + b"mX").buffer[0][0].bold
    assert ours(b"\x1b[" + b"0" * 62 + b"1mX").buffer[0][0].bold
    assert not ours(b"\x1b[" + b"0" * 63 + b"1mX").buffer[0][0].bold
    assert row(ours(b"ab\x1b[2D\x1b[2147483648@|")) == "|b"  # above INT_MAX: ignored
    started = time.perf_counter()
    screen = ours(b"\x1b[" + b"1;" * 200_000 + b"mX\x1b" + b" " * 100_000 + b"0Y")
    assert row(screen) == "XY" and not screen.buffer[0][0].bold
    assert time.perf_counter() - started < 5


HUGE = [b"\x1b[99999999b", b"x\x1b[99999999b", b"x\x1b[2147483647@", b"\x1b[99999;99999H"]
HUGE.append(b"\x1b[99999L\x1b[99999M\x1b[99999S\x1b[99999T\x1b[99999Z\x1b[99999P\x1b[99999X")


@pytest.mark.parametrize("data", HUGE)
def test_huge_counts_are_clamped_and_fast(data: bytes) -> None:
    started = time.perf_counter()
    screen = ours(data, columns=80, lines=24)
    assert time.perf_counter() - started < 1
    assert 0 <= screen.cursor.x <= 80 and 0 <= screen.cursor.y < 24


def test_osc_payload_is_bounded() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    screen = ours(b"\x1b]2;" + b"A" * 10_000_000, b"\x07ok", columns=10, lines=1)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert row(screen) == "ok" and screen.title == "A" * (MAX_STRING - 2)
    assert peak < 64 * 1024 * 1024 and elapsed < 10


def test_osc_ends_as_in_tmux() -> None:
    assert stock(b"\x1b]2;t\x1b[31mR").title != "t"
    screen = ours(b"\x1b]2;t\x1b[31mR\x1b]2;a\x01b", b"c\x07S")
    assert screen.title == "abc" and row(screen) == "RS" and screen.buffer[0][0].fg == "red"
    assert ours("\x1b]2;x\u009cy\x07").title == "xy"  # C1 ST is not a terminator in tmux


def test_strings_are_not_drawn() -> None:
    data = b"a\x1bP$qm\x1b\\b\x1b_apc\x07c\x1b\\c\x1b^pm\x1b\\d\x1bXsos\x1b\\e\x1bkname\x1b\\f"
    assert "$qm" in row(stock(data))
    assert row(ours(data)) == "abcdef"
    passthrough = b"\x1bPtmux;\x1b\x1b]2;x\x07\x1b\\g"  # ESC ESC inside a DCS is data
    assert row(ours(passthrough[:9], passthrough[9:])) == "g"
    assert row(ours(b"\x1bP1;2|" + b"x" * 5_000_000, b"\x1b\\h")) == "h"


def test_line_drawing_in_utf8() -> None:
    assert row(stock(b"\x1b(0lqk\x1b(Bq")) == "lqkq"
    assert row(ours(b"\x1b(0lqk\x1b(Bq")) == "\u250c\u2500\u2510q"
    assert row(ours(b"\x1b)0a\x0eqx\x0fq")) == "a\u2500\u2502q"  # SO/SI, as in captures


def test_decoder_stays_utf8_and_c1_is_not_control() -> None:
    assert row(stock(b"\x1b%@") and ours(b"")) == ""
    latin = pyte.Screen(10, 1)
    stream = pyte.ByteStream(latin)
    stream.feed(b"\x1b%@")
    stream.feed("\u00e9".encode())
    assert row(latin) == "\u00c3\u00a9"  # pyte switched to Latin-1
    assert row(ours(b"\x1b%@", "\u00e9")) == "\u00e9"
    assert row(stock(b"a\xc2\x9b31mb")) == "ab"  # pyte reads U+009B as CSI
    assert row(ours(b"a\xc2\x9b31mb")) == "a31mb"  # tmux prints the rest


def test_c1_takes_a_blank_column_on_tmux_32() -> None:
    """tmux 3.2a prints U+0080-U+009F as width 1 (glibc's wcwidth -1 taken for 1): a blank
    cell in the pen's colours here, never the control itself; other servers drop it."""
    screen = ours("\x1b[44ma\u009b31m\u0090b\x1b[0m", rules=TMUX_32)
    assert row(screen) == "a 31m b" and screen.cursor.x == 7
    assert screen.buffer[0][1].bg == "blue"
    assert row(ours("a\u009b31m\u0090b")) == "a31mb"


def test_utf8_split_across_feeds() -> None:
    data = "é中😀".encode()
    assert row(ours(*(data[i : i + 1] for i in range(len(data))))) == "é中😀"


def test_one_megabyte_line_without_newline() -> None:
    started = time.perf_counter()
    screen = ours(b"y" * 1_000_000, columns=80, lines=24)
    assert row(screen, 23) == "y" * 80 and time.perf_counter() - started < 10


def test_a_failing_screen_method_does_not_stop_the_stream(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    screen = PaneScreen(10, 1)
    monkeypatch.setattr(screen, "erase_in_line", lambda *args: 1 / 0)
    stream = PaneStream(screen)
    stream.feed(b"a\x1b[Kb")
    stream.feed(b"c\x1b[")
    stream.feed(b"Kd")
    assert row(screen) == "abcd" and "ZeroDivisionError" in caplog.text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=80), max_size=10))
def test_arbitrary_bytes_never_raise(chunks: list[bytes]) -> None:
    with no_recovery():
        screen = ours(*chunks, columns=12, lines=4)
    assert 0 <= screen.cursor.y < 4 and 0 <= screen.cursor.x <= 12


# Pieces that reach every state of the parser and the screen.
# fmt: off
ESCAPES = [
    "\x1b", "\x1b[", "\x1b]", "\x1bP", "\x1b_", "\x1b\\", "\x07", "\x18", ";", ":", "?",
    "\x1b[?1049h", "\x1b[?1049l", "\x1b[?47h", "\x1b[4h", "\x1b(0", "\x0e", "\x0f", "\x1bc",
    "\x1b[2;5r", "\x1b7", "\x1b8", "\x1b[3b", "\x1b[S", "\x1b[T", "\x1b[Z", "\x1b[?6h",
    "\u200d", "\ufe0f", "\u0301", "\u4e2d", "\U0001f468", "\u0902", "\u009b",
]
# fmt: on


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(ESCAPES), st.text(max_size=6)), max_size=40))
def test_terminal_like_text_never_raises(pieces: list[str]) -> None:
    with no_recovery():
        screen = ours("".join(pieces), columns=7, lines=4)
    assert 0 <= screen.cursor.y < 4 and 0 <= screen.cursor.x <= 7


# Streams of what pyte already handled the way tmux does must give pyte's screen (not IL
# and DL, after which pyte returns the carriage, nor ICH, which keeps a cell past the
# margin for DCH to bring back; test_screen compares those with tmux).
# fmt: off
PLAIN = [
    "\r\n", "\n", "\r", "\x1b[1m", "\x1b[0m", "\x1b[31m", "\x1b[42m", "\x1b[1;4;35m",
    "\x1b[38;5;123m", "\x1b[48;2;1;2;3m", "\x1b[7m", "\x1b[27m", "\x1b[H", "\x1b[3;5H",
    "\x1b[2J", "\x1b[K", "\x1b[1K", "\x1b[2A", "\x1b[3C", "\x1b[B", "\x1bM", "\x1bD",
    "\x1b[P", "\x1b[X", "\x1b[?25l", "\x1b[?25h",
    "\x1b[?7l", "\x1b[?7h", "\x1b[4h", "\x1b[4l", "\x1b]2;t\x07", "\x1b[10G", "\x1b[5d",
]
# fmt: on
plain_pieces = st.one_of(
    st.text(alphabet="abc XYZ019.-\u00e9", min_size=1, max_size=12), st.sampled_from(PLAIN)
)


def as_pyte(cell: Char) -> Char:
    """A cell as pyte keeps it: a 256-colour index as pyte's RGB, none of tmux's other
    attributes (the streams set none)."""
    assert as_cell(cell)[len(Char._fields) :] == BLANK[len(Char._fields) :]
    fg, bg = (FG_BG_256[int(c[6:])] if c.startswith("colour") else c for c in cell[1:3])
    return Char(*cell[: len(Char._fields)])._replace(fg=fg, bg=bg)


@settings(max_examples=300, deadline=None)
@given(st.lists(plain_pieces, max_size=40), st.integers(min_value=1, max_value=7))
def test_same_screen_as_stock_pyte_where_pyte_was_right(pieces: list[str], split: int) -> None:
    data = "".join(pieces).encode()
    expected = pyte.Screen(15, 5)
    pyte.ByteStream(expected).feed(data)
    got = ours(*(data[i : i + split] for i in range(0, len(data), split)), columns=15, lines=5)
    for y in range(5):
        for x in range(15):
            want, have = expected.buffer[y][x], as_pyte(got.buffer[y][x])
            # Erasing differs on purpose: tmux keeps only the background in blanks.
            assert have == want if want.data != " " else have.data == " ", (x, y)
    assert (got.cursor.x, got.cursor.y, got.title) == (
        expected.cursor.x,
        expected.cursor.y,
        expected.title,
    )
    assert got.cursor_visible == (not expected.cursor.hidden)


def test_osc_52_is_taken_whole_or_not_at_all() -> None:
    import base64

    from tuimux.terminal.stream import MAX_SELECTION

    data = base64.b64encode(b"copied \xc3\xa9").decode()
    screen = ours(f"\x1b]52;c;{data}\x07ok", columns=10, lines=1)
    assert screen.take_selection() == "copied é".encode() and row(screen) == "ok"
    assert screen.take_selection() is None  # taken once
    # Split across reads, ended by ST: still whole.
    assert ours("\x1b]5", f"2;;{data[:4]}", f"{data[4:]}\x1b\\").take_selection() is not None
    big = base64.b64encode(b"x" * (MAX_SELECTION // 4 * 3 + 3)).decode()
    assert ours(f"\x1b]52;c;{big}\x07").take_selection() is None  # cut: dropped
    assert ours("\x1b]52;c;?\x07").take_selection() is None  # a query is never answered
    assert ours("\x1b]52;c;not base64!\x07").take_selection() is None
