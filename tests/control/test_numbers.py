"""Numbers from tmux are ASCII digits only, on every path that reads one.

``"²".isdigit()`` is true and ``int("²")`` raises; ``int("٣")`` is 3. A title, a name or
a forged reply can put such a character where tmux prints a number: each parse path
below is driven through its real entry point with Unicode digits and must neither raise
nor take them for a number.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from tuimux.control.layout import format_layout, layout_checksum, parse_layout
from tuimux.control.numbers import WINDOW_MAXIMUM, clamp_int, clamp_uint, parse_uint
from tuimux.errors import LayoutError
from tuimux.model import SessionModel
from tuimux.sessions import parse_tree
from tuimux.terminal.pane import STATE_FIELDS, PaneTerminal
from tuimux.terminal.selection import mode_style, selection_in_view

# Characters Python calls digits (or numeric) that tmux never prints in a number.
UNICODE_DIGITS = "²³¹٣٠۴߁०৩੪૫୬௭౮೯൦๓໔༣၅០᠑３０９𝟘𝟙①⑽"
ASCII = re.compile(r"[0-9]+", re.ASCII)

hostile_numbers = st.one_of(
    st.text(alphabet=UNICODE_DIGITS, min_size=1, max_size=4),
    st.text(alphabet=UNICODE_DIGITS + "0123456789+-_ ", min_size=1, max_size=6),
    st.integers(0, 10**6).map(str),
)


def expected(text: str, limit: int) -> int | None:
    if ASCII.fullmatch(text) is None or len(text) > 20:
        return None
    return int(text) if int(text) <= limit else None


@given(st.text(max_size=25) | hostile_numbers, st.integers(0, 2**40))
def test_parse_uint_takes_ascii_digits_only(text: str, limit: int) -> None:
    assert parse_uint(text, limit) == expected(text, limit)


@given(hostile_numbers)
def test_clamp_uint_caps_and_refuses(text: str) -> None:
    value = expected(text, 2**70)
    assert clamp_uint(text, WINDOW_MAXIMUM) == (0 if value is None else min(value, WINDOW_MAXIMUM))


def test_known_traps() -> None:
    assert "²".isdigit() and "٣".isdigit()  # why the helper exists
    for text in ("²", "٣", "\uff13", "+5", " 5", "1_000", "-1", "", "5 "):
        assert parse_uint(text, 100) is None, text
    assert parse_uint("0", 0) == 0
    assert parse_uint("101", 100) is None


@given(hostile_numbers, hostile_numbers, hostile_numbers)
def test_model_load(index: str, width: str, pane_index: str) -> None:
    model = SessionModel()
    layout = f"{layout_checksum('80x24,0,0,1'):04x},80x24,0,0,1"
    model.load(
        "$1\ts",
        [f"@1\t{index}\t1\t*\t{layout}\t{layout}\toff\tname"],
        [f"%1\t@1\t1\t0\t0\t{pane_index}\t0\t0\t{width}\t24\t\ttitle"],
    )
    window, pane = model.windows["@1"], model.panes["%1"]
    assert window.index == (expected(index, 2**31 - 1) or 0)
    assert pane.index == (expected(pane_index, 2**31 - 1) or 0)
    assert pane.width == min(expected(width, 2**70) or 0, WINDOW_MAXIMUM)


@given(hostile_numbers, hostile_numbers, hostile_numbers)
def test_sessions_parse_tree(attached: str, index: str, panes: str) -> None:
    tree = parse_tree([f"$1\t{attached}\tname"], [f"$1\t@1\t{index}\t1\t{panes}\tw"])
    limit = 2**31 - 1
    if expected(attached, limit) is None:
        assert tree == []
        return
    (session,) = tree
    assert session.attached == expected(attached, limit)
    if expected(index, limit) is None or expected(panes, limit) is None:
        assert session.windows == []
    else:
        (window,) = session.windows
        assert (window.index, window.panes) == (expected(index, limit), expected(panes, limit))


@given(hostile_numbers)
def test_layout_parser(number: str) -> None:
    """Never a traceback; a Unicode digit is never read as a size, offset or pane id."""
    for body in (f"{number}x24,0,0,1", f"80x24,{number},0,1", f"80x24,0,0,{number}"):
        text = f"{layout_checksum(body):04x},{body}"
        try:
            layout = parse_layout(text)
        except LayoutError:
            continue
        assert ASCII.fullmatch(number.removeprefix("-"))  # offsets may be negative (3.7+)
        assert format_layout(layout) == text


@given(st.lists(hostile_numbers, min_size=len(STATE_FIELDS), max_size=len(STATE_FIELDS)))
def test_pane_state(words: list[str]) -> None:
    terminal = PaneTerminal("%1", 20, 5)
    terminal._apply((b"hello",), " ".join(w.replace(" ", "") or "x" for w in words), ())
    values = dict(zip(STATE_FIELDS, (w.replace(" ", "") or "x" for w in words), strict=True))
    width, height = (expected(values[k], 2**31 - 1) or 0 for k in ("pane_width", "pane_height"))
    if width and height:
        assert terminal.size == (min(width, 1000), min(height, 1000))
    else:
        assert terminal.size == (20, 5)


@given(st.lists(hostile_numbers, min_size=4, max_size=4))
def test_selection_fields(numbers: list[str]) -> None:
    selection = selection_in_view(["1", *numbers, "0", "vi"], 0, 0, 80, 24)
    if not all(expected(number, 2**31 - 1) is not None for number in numbers):
        assert selection is None


@given(hostile_numbers)
def test_mode_style_colour(number: str) -> None:
    number = number.replace(" ", "")  # a space splits tmux's style list
    style = mode_style(f"fg=colour{number},bg=red")
    if expected(number, 255) is None:
        assert style.fg == "default"  # tmux refuses the colour: none is set


def test_a_jump_host_port_is_ascii_digits_only() -> None:
    """``-J host:²`` killed tuimux (``"²".isdigit()`` is true, ``int("²")`` raises)."""
    from tuimux.transport.ssh_target import SSHTarget, parse_jump

    like = SSHTarget("target")
    assert [(hop.host, hop.port) for hop in parse_jump("a:2222,b:²,c:٣", like)] == [
        ("a", 2222),
        ("b:²", None),
        ("c:٣", None),
    ]


@given(st.integers(-(10**6), 10**6))
def test_clamp_int_reads_what_tmux_prints_for_an_offset(value: int) -> None:
    assert clamp_int(str(value), 1000) == max(-1000, min(value, 1000))


def test_clamp_int_refuses_what_tmux_never_prints() -> None:
    for text in ("", "-", "-0", "--1", "+1", " 1", "-²", "1-", "-٣"):
        assert clamp_int(text, 1000, default=7) == 7
