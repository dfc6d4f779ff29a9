"""``printable``: the one sanitiser between outside text and any output.

Checked against Python's own Unicode database, so a control or invisible format
character that the sanitiser forgot is found here, not by a red team.
"""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from pyte.screens import wcwidth

from tuimux.control.escape import TEXT_LIMIT, printable

REPLACEMENT = "\ufffd"
# Format characters that stay: drawn with a width of their own (soft hyphen, the Arabic,
# Syriac and Kaithi number signs), or needed to spell (ZWNJ) and to join emoji (ZWJ).
KEPT_FORMAT = {"\u00ad", "\u200c", "\u200d"} | {
    chr(cp)
    for cp in range(sys.maxunicode + 1)
    if unicodedata.category(chr(cp)) == "Cf" and wcwidth(chr(cp)) > 0
}
# Everything else a peer could use to drive, reorder or hide what is shown.
UNSAFE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp", "Cs")
UNSAFE = [
    chr(cp)
    for cp in range(sys.maxunicode + 1)
    if unicodedata.category(chr(cp)) in UNSAFE_CATEGORIES and chr(cp) not in KEPT_FORMAT
]
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# What the red team sent as a disconnect reason: title, clipboard, clear screen, C1 CSI
# and OSC, a bidi override, and markup with a click action.
HOSTILE = (
    "\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\u009b31m\u009d0;x\u009c"
    "spoof\u202etxt.exe\u202c [bold][@click=app.quit]click[/]"
)


def unsafe_in(text: str) -> list[str]:
    return [
        f"U+{ord(c):04X}"
        for c in text
        if unicodedata.category(c) in UNSAFE_CATEGORIES and c not in KEPT_FORMAT
    ]


def test_every_control_and_invisible_format_character_is_replaced_or_dropped() -> None:
    assert len(UNSAFE) > 2000  # C0, C1, surrogates, bidi, tags…: the census is real
    for char in UNSAFE:
        shown = printable(f"a{char}b")
        assert shown in ("a\ufffdb", "ab"), f"U+{ord(char):04X} shown as {shown!r}"


def test_dropped_characters_take_no_cell_so_pane_rows_keep_their_columns() -> None:
    """A pane's cell may carry a zero-width character joined to it; dropping one must
    never change the row's width, and a replaced one only ever stood alone."""
    for char in UNSAFE:
        if printable(char) == "":
            assert wcwidth(char) == 0, f"U+{ord(char):04X} dropped but has a width"
        else:
            assert printable(char) == REPLACEMENT


def test_the_red_team_reason_becomes_inert_text() -> None:
    shown = printable(HOSTILE)
    assert unsafe_in(shown) == []
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert not set(BIDI) & set(shown)
    # What is left is visible: the sequences' bodies and the markup, as typed.
    assert "]52;c;cm0gLXJmIH4K" in shown and "[bold][@click=app.quit]click[/]" in shown
    assert "spooftxt.exe" in shown
    assert printable("a\x1b]2;x\x07b") == "a\ufffd]2;x\ufffdb"


def test_text_is_bounded() -> None:
    assert printable("x" * 10**6) == "x" * (TEXT_LIMIT - 1) + "…"
    assert printable("abcdef", 4) == "abc…"
    assert printable("abcd", 4) == "abcd"


def test_ordinary_text_is_untouched() -> None:
    for text in ("", "plain ascii ~!", "é 日本語 👨\u200d👩\u200d👧 \ue0b0 a\u00adb", "مرحبا"):
        assert printable(text) == text


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_any_text_comes_out_safe_bounded_and_stable(text: str, limit: int) -> None:
    shown = printable(text, limit)
    assert unsafe_in(shown) == []
    assert len(shown) <= limit
    assert printable(shown, limit) == shown
