"""The pane emulator: each pyte 0.8.2 defect shown on stock pyte, then fixed, then tmux.

The oracle tests at the end run a real tmux: what a pane prints, fed to PaneStream, must
give tmux's own screen, and ``restore`` from ``capture-pane -e -N`` must give it too.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

import pyte
import pytest
from pyte.screens import Char

from tests.conftest import TmuxServer
from tests.helpers import as_drawn
from tuimux.terminal.attributes import as_cell
from tuimux.terminal.cells import (
    MAX_CELL_BYTES,
    RULES_PROBE,
    TMUX_32,
    TMUX_33,
    TMUX_34,
    TMUX_35,
    TMUX_36,
    TMUX_37,
    TMUX_38,
    CellRules,
    cell_rules,
)
from tuimux.terminal.screen import PaneScreen
from tuimux.terminal.stream import PaneStream


def stock(data: bytes, columns: int = 10, lines: int = 3) -> pyte.Screen:
    screen = pyte.Screen(columns, lines)
    with contextlib.suppress(Exception):  # stock pyte raises on some of these
        pyte.ByteStream(screen).feed(data)
    return screen


def ours(
    data: bytes | str, columns: int = 10, lines: int = 3, rules: CellRules = TMUX_33
) -> PaneScreen:
    screen = PaneScreen(columns, lines, rules)
    PaneStream(screen).feed(data.encode() if isinstance(data, str) else data)
    return screen


def rows(screen: pyte.Screen) -> list[str]:
    return [
        "".join(screen.buffer[y][x].data for x in range(screen.columns)).rstrip()
        for y in range(screen.lines)
    ]


def test_alternate_screen_restores_primary_and_cursor() -> None:
    data = b"primary\x1b[?1049hALT\x1b[?1049l"
    assert rows(stock(data, 20))[0] == "primaryALT"  # pyte: 1049 is only a mode bit
    screen = ours(b"\x1b[31mprimary\x1b[?1049h", 20)
    assert screen.alternate and rows(screen) == ["", "", ""]
    PaneStream(screen).feed(b"\x1b[0;1HALT")
    PaneStream(screen).feed(b"\x1b[?1049l")
    assert not screen.alternate and rows(screen)[0] == "primary"
    assert (screen.cursor.x, screen.cursor.y, screen.cursor.attrs.fg) == (7, 0, "red")


@pytest.mark.parametrize("mode", [47, 1047])
def test_other_alternate_modes_switch_buffers_without_the_cursor(mode: int) -> None:
    screen = ours(f"one\x1b[?{mode}hxy\x1b[?{mode}l".encode())
    assert rows(screen) == ["one", "", ""] and screen.cursor.x == 5
    PaneStream(screen).feed(f"\x1b[?{mode}h".encode())
    assert rows(screen) == ["", "", ""]  # the alternate screen is cleared on entry


def test_zero_width_characters_keep_the_rest_of_the_run() -> None:
    vs16 = "A\u2764\ufe0f BCD"
    assert rows(stock(vs16.encode()))[0] == "A\u2764"  # pyte drops everything after VS16
    screen = ours(vs16)
    assert rows(screen)[0] == vs16 and screen.buffer[0][1].data == "\u2764\ufe0f"
    indic = "\u0939\u093f\u0902\u0926\u0940 ok"  # U+0902 is zero width but not combining
    assert rows(stock(indic.encode()))[0] == "\u0939"
    assert rows(ours(indic))[0].endswith(" ok")
    assert rows(stock(b"a\xc2\x85bc"))[0] == "a"  # a C1 control ends pyte's run too
    assert rows(ours(b"a\xc2\x85bc"))[0] == "abc"


def test_zero_width_joiner_is_read_as_tmux_does() -> None:
    assert rows(stock("x\u200dyz".encode()))[0] == "x"
    assert rows(ours("x\u200dyz"))[0] == "xyz"  # tmux 3.3a drops a ZWJ before ASCII
    joined = ours("x\u200dy\u4e2dz")  # the flag outlives ASCII: the next non-ASCII joins
    assert [joined.buffer[0][x].data for x in range(3)] == ["x", "y\u200d\u4e2d", "z"]
    family = ours("\U0001f468\u200d\U0001f469|")
    assert family.buffer[0][0].data == "\U0001f468\u200d\U0001f469"  # one wide cell
    assert family.buffer[0][2].data == "|"


def test_combining_marks_stop_at_a_cell_size() -> None:
    screen = ours("\re\u0301" + "\u0301" * 10_000 + "x")
    assert screen.buffer[0][0].data.startswith("e\u0301")
    assert len(screen.buffer[0][0].data.encode()) <= MAX_CELL_BYTES
    assert rows(screen)[0].endswith("x")
    assert rows(ours("\u0301abc"))[0] == "abc"  # nothing to combine with at column 0


def test_wide_character_at_the_margin_wraps_first() -> None:
    data = "123456789\u4e2dZ".encode()
    assert rows(stock(data)) == ["123456789\u4e2d", "Z", ""]  # half a character
    assert rows(ours(data)) == ["123456789", "\u4e2dZ", ""]


def test_overwriting_half_a_wide_character_blanks_the_other_half() -> None:
    data = "\u4e2dx\rA".encode()
    assert [c.data for c in stock(data).buffer[0].values()][:3] == ["A", "", "x"]
    assert [ours(data).buffer[0][x].data for x in range(3)] == ["A", " ", "x"]
    assert [ours("ab\u4e2d\ra\u4e2d").buffer[0][x].data for x in range(4)] == [
        "a",
        "\u4e2d",
        "",
        " ",
    ]


def test_queries_are_never_answered() -> None:
    queries = b"\x1b[c\x1b[6n\x1b[5n\x1b[?6n\x1b[>c"
    answers: list[str] = []
    screen = pyte.Screen(20, 5)
    screen.write_process_input = answers.append  # type: ignore[method-assign]
    with contextlib.suppress(TypeError):
        pyte.ByteStream(screen).feed(queries)
    assert answers == ["\x1b[?6c", "\x1b[1;1R", "\x1b[0n"]  # the trap
    ours_screen = PaneScreen(20, 5)
    asked: list[object] = []
    for name in ("report_device_attributes", "report_device_status", "write_process_input"):
        setattr(ours_screen, name, lambda *args, **kwargs: asked.append(args))
    PaneStream(ours_screen).feed(b"x" + queries + b"y")
    assert asked == [] and rows(ours_screen)[0] == "xy"  # not even asked
    assert PaneScreen.write_process_input is not pyte.Screen.write_process_input


def test_mouse_paste_cursor_modes() -> None:
    screen = ours(b"\x1b[?1000h\x1b[?1006h\x1b[?1002h\x1b[?2004h\x1b[?25l\x1b[5 q")
    assert screen.mouse_modes == {1002, 1006}  # tmux keeps one tracking mode
    assert screen.bracketed_paste and not screen.cursor_visible and screen.cursor_shape == 5
    PaneStream(screen).feed(b"\x1b[?1001l\x1b[?2004l\x1b[?25h\x1b[9 q")
    assert screen.mouse_modes == {1006} and not screen.bracketed_paste
    assert screen.cursor_visible and screen.cursor_shape == 5


def test_pane_size_and_colours_are_not_the_panes_to_change() -> None:
    assert stock(b"\x1b[?3h").columns == 132
    assert ours(b"abc\x1b[?3hd").columns == 10
    assert rows(ours(b"abc\x1b[?3hd"))[0] == "d"  # tmux homes and clears
    assert stock(b"\x1b[?5hx").buffer[0][0].reverse
    assert not ours(b"\x1b[?5hx").buffer[0][0].reverse  # DECSCNM: tmux ignores it
    assert rows(ours(b"\x1b[20ha\nb"))[1] == " b"  # and LNM


def test_saved_cursor_is_one_slot() -> None:
    assert len(stock(b"\x1b7" * 1000).savepoints) == 1000
    screen = ours(b"ab" + b"\x1b7" * 1000 + b"\x1b[?25l\x1b[?7l\x1b[3;3H\x1b8X\x1b[3;3H\x1b8Y")
    assert len(screen.savepoints) == 1 and rows(screen)[0] == "abY"
    assert not screen.cursor_visible and screen.cursor.hidden  # DECRC keeps visibility
    assert pyte.modes.DECAWM not in screen.mode  # and autowrap


def test_erasing() -> None:
    assert rows(stock(b"abc\x1b[3Jd"))[0] == "   d"
    assert rows(ours(b"abc\x1b[3Jd"))[0] == "abcd"  # ED 3 is tmux's history only
    assert stock(b"\x1b[4;44mab\x1b[2J").buffer[0][0].underscore
    cell = ours(b"\x1b[4;44mab\x1b[2J").buffer[1][0]
    assert (cell.data, cell.bg, cell.underscore) == (" ", "blue", False)
    cell = ours(b"\x1b[1;7;41mab\x1b[1K\x1b[3X").buffer[0][0]
    assert (cell.bg, cell.bold, cell.reverse) == ("red", False, False)
    assert rows(stock(b"ab\x1b[5Kc"))[0] == "ab"  # UnboundLocalError ends the feed
    assert rows(ours(b"ab\x1b[5Kc\x1b[7Jd"))[0] == "abcd"


def test_cursor_movement_as_tmux() -> None:
    assert rows(stock(b"0123456789\x08X"))[0] == "01234567X9"
    assert rows(ours(b"0123456789\x08X"))[0] == "012345678X"
    assert rows(ours(b"0123456789\tZ"))[1] == "Z"  # no tab from the pending-wrap column
    assert rows(ours(b"ab\x1b[rX"))[0] == "Xb"  # DECSTBM homes the cursor
    assert ours(b"\n\n\n\n\x1b[4;5r\x1b[2;1H\x1b[3AX", lines=6).cursor.y == 0
    assert rows(ours(b"ab\x1bEc"))[1] == "c"  # NEL is CR LF
    assert ours(b"\x1b[?6h\x1b[5d").cursor.y == 2  # pyte asserts here
    assert ours(b"\x1b[99999;99999H").cursor.x == 9


def test_sequences_pyte_lacks() -> None:
    assert rows(stock(b"ab\x1b[3bc"))[0] == "abc"
    assert rows(ours(b"ab\x1b[3bc\x1b[1m\x1b[2b"))[0] == "abbbbc"  # REP, not after SGR
    assert rows(ours(b"a\x1b[99999999b"))[0] == "a" * 10
    assert rows(ours(b"1\r\n2\r\n3\x1b[S")) == ["2", "3", ""]
    assert rows(ours(b"1\r\n2\r\n3\x1b[2T")) == ["", "", "1"]
    assert rows(ours(b"\t\tab\x1b[2Zc", 20))[0] == " " * 8 + "c" + " " * 7 + "ab"
    assert rows(ours(b"ab\x1b[s\x1b[2;5Hxy\x1b[uZ"))[0] == "abZ"


def test_title_is_clean_and_survives_a_reset() -> None:
    screen = ours("\x1b]2;a\x05b\u009bc\x1b]0;\x1b\\\x1b]2;x\x7fy\x07\x1bc".encode())
    assert screen.title == "xy"


def test_resize_keeps_the_cursor_on_screen() -> None:
    screen = ours(b"\x1b7\x1b[3;4r\x1b[20;20H", 30, 20)
    screen.resize(5, 8)
    assert (screen.cursor.x, screen.cursor.y) == (7, 4) and len(screen.savepoints) == 1
    assert all(y < 5 for y in screen.buffer) and screen.margins is None


# -- restore() from capture-pane ---------------------------------------------------------


def test_ascii_over_a_wide_character_in_column_0() -> None:
    """tmux 3.4 and 3.5a keep a wide character in column 0 when a run of ASCII overwrites
    its right half (``screen_write_collect_end`` reads the padding, not the character);
    3.6 blanks it. No fed-screen case: ``capture-pane`` of that grid cannot be read back."""
    data = "\u4e2d\x1b[D|"
    assert [ours(data, rules=TMUX_35).buffer[0][x].data for x in range(3)] == ["\u4e2d", "|", " "]
    assert [ours(data, rules=TMUX_36).buffer[0][x].data for x in range(3)] == [" ", "|", " "]
    assert [ours("\u4e2d\x1b[D\u00e9", rules=TMUX_35).buffer[0][x].data for x in range(2)] == [
        " ",
        "\u00e9",
    ]  # one character at a time (screen_write_overwrite) blanks it


def test_restore_of_a_full_screen_does_not_scroll() -> None:
    screen = PaneScreen(5, 3)
    screen.restore(b"aaaaa\nbbbbb\nccccc\n", 5, 2)
    assert rows(screen) == ["aaaaa", "bbbbb", "ccccc"]
    assert (screen.cursor.x, screen.cursor.y) == (5, 2)  # tmux's pending wrap is kept
    PaneStream(screen).feed(b"d")
    assert rows(screen) == ["bbbbb", "ccccc", "d"]


def test_restore_carries_attributes_across_lines_and_sets_modes() -> None:
    screen = PaneScreen(10, 3)
    screen.restore(
        b"\x1b[31m\x1b[4:3mred\n\x1b[38:2::1:2:3mrgb\x0eqq\n\x0fz",
        1,
        1,
        alternate=True,
        cursor_visible=False,
        private_modes={1002, 1006, 6},
        insert=True,
        scroll_region=(1, 2),
    )
    assert rows(screen) == ["red", "rgb\u2500\u2500", "z"]
    assert screen.buffer[1][0].fg == "010203" and screen.buffer[1][0].underscore
    assert screen.buffer[0][0].fg == "red" and screen.buffer[2][0].fg == "010203"
    assert screen.alternate and not screen.cursor_visible and screen.mouse_modes == {1002, 1006}
    assert pyte.modes.DECAWM not in screen.mode and pyte.modes.IRM in screen.mode
    assert screen.margins == (1, 2) and screen.cursor.attrs == PaneScreen(1, 1).cursor.attrs


# -- tmux as the oracle --------------------------------------------------------------------


def capture_bytes(server: TmuxServer, target: str, *flags: str) -> bytes:
    return server.capture_bytes(target, *flags)


def server_rules(server: TmuxServer, target: str) -> CellRules:
    """The cell rules tuimux chooses for this server, asked as the mirror asks."""
    return cell_rules(server.display(target, RULES_PROBE[-1]))


def restored(server: TmuxServer, target: str, width: int, height: int) -> PaneScreen:
    x, y = (int(v) for v in server.display(target, "#{cursor_x} #{cursor_y}").split())
    screen = PaneScreen(width, height, server_rules(server, target))
    screen.restore(capture_bytes(server, target, "-e", "-N"), x, y)
    return screen


def test_restore_from_capture_equals_tmux(tmux_server: TmuxServer) -> None:
    script = (
        "printf '\\033[1;31mbold red\\033[0m plain \\033[38;5;200mc256\\033[0m "
        "\\033[48;2;1;2;3mtrue\\033[0m \\033[4munder\\033[24m \\033[7mrev\\033[0m\\n'; "
        "printf '\\033[4:3mcurly\\033[0m \\033[58;5;3m\\033[21mdouble\\033[0m "
        "\\033(0lqqk\\033(B wide \\344\\270\\255\\346\\226\\207 e\\314\\201|\\n'; "
        "printf '\\033[44m\\033[Kblue to the end\\033[0m\\n'; seq 1 10; exec sleep 30"
    )
    tmux_server.new_session("s", width=60, height=20, command=script)
    tmux_server.wait_for(lambda: "sleep" in tmux_server.display("s:", "#{pane_current_command}"))
    screen = restored(tmux_server, "s:", 60, 20)
    plain = capture_bytes(tmux_server, "s:", "-N").decode().split("\n")[:20]
    assert rows(screen)[2:] == [line.rstrip() for line in plain][2:]
    assert rows(screen)[1].replace("\u250c\u2500\u2500\u2510", "lqqk") == plain[1].rstrip()
    first, second, third = screen.buffer[0], screen.buffer[1], screen.buffer[2]
    assert first[0].bold and first[0].fg == "red" and not first[8].bold
    assert first[15].fg == "colour200"  # an index stays an index, never RGB
    assert first[20].bg == "010203" and first[25].underscore and first[31].reverse
    assert second[0].underscore and second[6].underscore and not second[6].blink
    # tmux 3.3a's capture leaves out the blank cells EL coloured, so only "blue …" is.
    assert third[0].bg == "blue" and third[14].bg == "blue"


def test_restore_keeps_a_cell_that_ends_in_a_joiner(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """tmux 3.3a-3.5a keep a four-person family that wraps at the margin as one cell
    ending in a joiner; restored from the capture (an attach, a flood's look) the joiner
    stays in it rather than waiting for the next line's first character."""
    path = tmp_path / "family"
    path.write_bytes(
        b"\x1b[999G" + "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466".encode()
    )
    tmux_server.new_session(
        "s", width=20, height=4, command=f"stty -opost; cat {path}; exec sleep 60"
    )
    tmux_server.wait_for(lambda: "sleep" in tmux_server.display("s:", "#{pane_current_command}"))
    rules = server_rules(tmux_server, "s:")
    plain = capture_bytes(tmux_server, "s:", "-N").decode().split("\n")[:4]
    drawn = [as_drawn(line, c1_column=rules.c1_column).rstrip() for line in plain]
    assert rows(restored(tmux_server, "s:", 20, 4)) == drawn


CASES = {
    "wide-at-margin": "123456789\u4e2dZ",
    "combining": "\r\u0301abc e\u0301\u0301 \u4e2d\u0301x",
    "vs16-zwj": "A\u2764\ufe0f B\r\nx\u200dy|\r\n\U0001f468\u200d\U0001f469|",
    # A full cell: 21 bytes before tmux 3.6, 32 since (3.6 and 3.7 keep a mark that does
    # not fit in the next cell, which X overwrites: capture-pane cannot tell it apart).
    "marks-overflow": "e" + "\u0301" * 40 + "X\r\nab" + "\u0301" * 40 + "c",
    # ... and one nothing overwrites stays in its column, which a capture shows as a mark.
    "marks-overflow-kept": "e" + "\u0301" * 40 + "\r\nab" + "\u0301" * 40 + "\x1b[5Gc",
    "zwj-after-letter": "a\u200d\u00e9|\u200d\r\n\U0001f600",
    "tone-and-flags": "\U0001f44d\U0001f3fd|\U0001f1eb\U0001f1f7|\u3164|",
    "c1-and-latin1": "a\u009b31mb\x1b%@\u00e9",
    # tmux 3.4 and 3.5a: VS16 widens a narrow cell (3.4 pads it two columns on and keeps
    # the cell between, which a joiner then joins), at the last column the cursor goes
    # back to it (3.4 to 3.6; 3.7 leaves it); a skin tone or flag letter joins any
    # non-ASCII cell; a table of emoji is wide (3.4+); U+3164 is printed (3.6+ drops it).
    "vs16-narrow": "\u2764\ufe0f|\u2764\ufe0f\u0301|\u4e2d\ufe0f|\r\n\u00e9\ufe0f\u200d\u00e9|"
    "\r\na\u2764\ufe0f\x1b[D\u0301\x1b[C|",
    "vs16-rainbow": "\U0001f3f3\ufe0f\u200d\U0001f308|\u00e9\ufe0f\U0001f3fd|\u00e9\ufe0f\u4e2d|",
    "vs16-margin": "x" * 19 + "\u2764\ufe0fX" + "y" * 18 + "\u2764\ufe0fY",
    "blinking-wide": "\x1b[5m\u4e2d\u0301|\x1b[0m",  # its padding is no late padding
    "modifier-any": "\u00e9\U0001f3fd\x1b[3GX\r\n\u4e2d\U0001f1eb\x1b[3GX\r\n"
    "\U0001f3fd\U0001f44d\x1b[3GX\r\na\U0001f3fd\x1b[3GX",  # X at column 2 shows the widths
    "force-wide": "\u261d|\u270c|\U0001f574|\U0001f590\ufe0f|\u3164|\U0001f1eb|",
    "rep-and-int-max": "ab\x1b[99999999bc\x1b[2147483648@|\x1b[2147483647@|",
    "too-many-params": "ab\x1b[3Dc\x1b[" + ";".join(["1"] * 24) + "mZ\x1b[" + "1" * 64 + "CQ",
    "pending-wrap": "0123456789\bX\r\n0123456789\x1b[DY\r\n0123456789\tZ",
    "margins": "ab\x1b[rX\n\n\n\n\x1b[4;5r\x1b[2;1H\x1b[3AY\x1b[r",
    "nel-irm-lnm": "ab\x1bE\x1b[2@X\x1b[4hQ\x1b[4l\r\n\x1b[20ha\nb",
    "erase": "abc\x1b[3Jd\x1b[2;1H\x1b[4;44mxy\x1b[1K\x1b[0m\x1b[5Ke",
    "deccolm-decscnm": "abc\x1b[?3hd\x1b[?5he",
    "su-sd-cbt": "1\r\n2\r\n3\x1b[S\x1b[2;1Hx\x1b[T\t\tab\x1b[2Zc",
    "save-restore": "ab\x1b[s\x1b[2;5Hxy\x1b[uZ\x1b7\x1b[4;4Hq\x1b8W\x1b8V",
    "strings": "a\x1bPq#0\x1b\x1b\\b\x1b_x\x07y\x1b\\c\x1b^y\x1b\\d\x1bXz\x1b\\e\x1bkt\x1b\\f",
    "osc-ended-by-esc": "\x1b]2;t\x1b[31mR\x1b]0;u\x07S",
    "csi-odd-bytes": "\x1b[3\r1mX\x1b[\u0663mY\x1b[1\x7f;4mZ\x1b[?1;2$pW",
    "colon-sgr": "\x1b[4:3mU\x1b[38:2::255:0:0mR\x1b[38:2:1:2:3mG\x1b[58:5:3m\x1b[0;4:0mN",
    "semicolon-sgr": "\x1b[58;5;3mw\x1b[38;2;300;0;0mx\x1b[38;5;999my\x1b[21;6mz",
    "alternate": "primary\x1b[?1049hALT\x1b[?1049l\r\n\x1b[?47hother",
    # Every attribute tmux keeps: dim, hidden, overline, underline styles and colours,
    # and what turns each off; colours by index (38;5;1 is tmux's 31 on any terminal).
    "sgr-attributes": "\x1b[2mD\x1b[8mH\x1b[53mO\x1b[22;28mo\x1b[55mx\x1b[1;2mb\x1b[22m"
    "\x1b[4:2m2\x1b[4:3m3\x1b[4:4m4\x1b[4:5m5\x1b[4m1\x1b[21m2\x1b[24mn\r\n"
    "\x1b[4;58;5;9mu\x1b[58:2::1:2:3mr\x1b[0m\x1b[38;5;1ma\x1b[31mb\x1b[38;5;9mc"
    "\x1b[48;5;200md\x1b[38:5:255me\x1b[0m",
    # IL and DL leave the cursor's column; outside the region they act to the bottom.
    "il-dl": "1\r\n2\r\n3\r\n4\r\n5\r\n6\x1b[2;3r\x1b[5;2H\x1b[Lx\x1b[1;1H\x1b[My\x1b[r"
    "\x1b[2;2H\x1b[2Lz\x1b[3;4H\x1b[M",
    # ICH pushes characters past the margin, where they are lost: DCH brings none back.
    "ich-dch-margin": "0123456789" * 2 + "\x1b[1;3H\x1b[2@\x1b[2P\x1b[2;1Hab\x1b[99@\x1b[P|",
}


def seen(cell: Char, rules: CellRules) -> Char:
    """A cell as ``capture-pane -e`` can show it: tmux 3.2a leaves the underline colour
    out."""
    return as_cell(cell)._replace(underscore_colour="default") if rules == TMUX_32 else cell


def test_fed_screen_equals_tmux(tmux_server: TmuxServer, tmp_path: Path) -> None:
    """What a pane prints, fed to PaneStream, gives tmux's screen: text, cursor, cells."""
    width, height = 20, 6
    tmux_server.new_session("o", width=width, height=height, command="exec sleep 60")
    for name, text in CASES.items():
        path = tmp_path / name
        path.write_bytes(text.encode())
        # -echo: tmux 3.6+ answers queries (DECRQM) to the pane; no echo of it is printed.
        command = f"stty -opost -echo; cat {path}; exec sleep 60"
        tmux_server.run("new-window", "-d", "-n", name, "-t", "o:", command)

    def settled() -> bool:
        commands = tmux_server.run("list-panes", "-s", "-t", "o", "-F", "#{pane_current_command}")
        return all(line == "sleep" for line in commands.split())

    tmux_server.wait_for(settled)
    problems: list[str] = []
    rules = server_rules(tmux_server, "o:")
    for name, text in CASES.items():
        target = f"o:{name}"
        screen = ours(text, width, height, rules)
        plain = capture_bytes(tmux_server, target, "-N").decode().split("\n")[:height]
        drawn = [as_drawn(line, c1_column=rules.c1_column).rstrip() for line in plain]
        if rows(screen) != drawn:
            problems.append(f"{name}: text {rows(screen)} != tmux {plain}")
        state = tmux_server.display(target, "#{cursor_x} #{cursor_y} #{alternate_on}")
        mine = f"{screen.cursor.x} {screen.cursor.y} {int(screen.alternate)}"
        if mine != state:
            problems.append(f"{name}: cursor and alternate {mine} != tmux {state}")
        reference = restored(tmux_server, target, width, height)
        for row in range(height):
            got = [seen(screen.buffer[row][col], rules) for col in range(width)]
            want = [reference.buffer[row][col] for col in range(width)]
            if got != want:
                problems.append(f"{name}: row {row} cells {got} != tmux {want}")
    assert not problems, "\n".join(problems)


def test_modes_equal_tmux(tmux_server: TmuxServer, tmp_path: Path) -> None:
    text = "\x1b[?1000h\x1b[?1006h\x1b[?1002h\x1b[?25l\x1b7\x1b[?25h\x1b[?25l\x1b8\x1b[?7l"
    (tmp_path / "modes").write_bytes(text.encode())
    tmux_server.new_session("m", 20, 5, f"stty -opost; cat {tmp_path / 'modes'}; exec sleep 60")
    tmux_server.wait_for(lambda: "sleep" in tmux_server.display("m:", "#{pane_current_command}"))
    flags = "#{mouse_standard_flag}#{mouse_button_flag}#{mouse_sgr_flag}#{cursor_flag}#{wrap_flag}"
    screen = ours(text)
    mine = f"{int(1000 in screen.mouse_modes)}{int(1002 in screen.mouse_modes)}"
    mine += f"{int(1006 in screen.mouse_modes)}{int(screen.cursor_visible)}"
    mine += str(int(pyte.modes.DECAWM in screen.mode))
    assert mine == tmux_server.display("m:", flags)


@pytest.mark.parametrize(
    ("answer", "rules"),
    [
        ("||||", TMUX_32),  # 3.2a: none of the options exists
        ("", TMUX_32),
        ("0||||", TMUX_33),  # 3.3a: allow-passthrough is a flag
        ("1||||", TMUX_33),
        ("off||||", TMUX_34),  # 3.4: a choice
        ("all||||", TMUX_34),
        ("off|||0|", TMUX_35),  # 3.5a: prefix-timeout
        ("on|||500|", TMUX_35),
        ("off|1||0|", TMUX_36),  # 3.6
        ("off|0||0|", replace(TMUX_36, vs16_wide=False)),  # variation-selector-always-wide off
        ("off|1||0|buffer", TMUX_37),  # 3.7: get-clipboard
        ("off|1|detect|0|buffer", TMUX_38),  # next-3.8
        ("on|0|dark|0|off", replace(TMUX_38, vs16_wide=False)),
        ("off|on|||", TMUX_34),  # anything else: the rules before 3.6
    ],
)
def test_cell_rules_from_the_probe(answer: str, rules: CellRules) -> None:
    assert cell_rules(answer) == rules
