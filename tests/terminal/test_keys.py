"""The key table, checked by the bytes a program in a real tmux pane receives.

Every command goes through ``source-file``, which parses lines with the same parser as a
control-mode client's stdin, so quoting of key names like ``M-;`` is exercised too. The
pane runs :data:`RECORDER`, which appends every byte it reads in raw mode to a file; each
input is followed by ``send-keys -H ff``, a byte no UTF-8 text and no key produces, so one
batch can be split back into per-key recordings.
"""

from __future__ import annotations

import itertools
import re
import shlex
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import TmuxServer, clean_env
from tuimux.control.command import build
from tuimux.terminal.keys import (
    LITERAL_CHUNK,
    KeyInput,
    KeyName,
    Literal,
    coalesce,
    encode_key,
    send_keys_args,
)

RECORDER = """
import os, sys, tty
tty.setraw(0)
out = open(sys.argv[1], "ab", buffering=0)
open(sys.argv[1] + ".ready", "w").close()
while True:
    data = os.read(0, 4096)
    if not data:
        break
    out.write(data)
"""

SEPARATOR = b"\xff"

# (Textual key, character) → the bytes xterm would give the program for that key press.
# Where tmux's own encoding differs from xterm's (Home/End are tmux's \e[1~ and \e[4~),
# the pane gets tmux's, as it would from any tmux client.
TABLE: list[tuple[str, str | None, bytes]] = [
    # text, as legacy terminals and the kitty protocol report it
    ("a", "a", b"a"),
    ("A", "A", b"A"),
    ("1", "1", b"1"),
    ("percent_sign", "%", b"%"),
    ("percent_sign", None, b"%"),  # pilot.press("percent_sign") has no character
    ("quotation_mark", '"', b'"'),
    ("apostrophe", "'", b"'"),
    ("semicolon", ";", b";"),
    ("number_sign", "#", b"#"),
    ("dollar_sign", "$", b"$"),
    ("tilde", "~", b"~"),
    ("backslash", "\\", b"\\"),
    ("left_curly_bracket", "{", b"{"),
    ("minus", "-", b"-"),
    ("plus", "+", b"+"),
    ("circumflex_accent", "^", b"^"),
    ("space", " ", b" "),
    ("é", "é", "é".encode()),
    ("Ω", "Ω", "Ω".encode()),
    ("中", "中", "中".encode()),
    ("grinning_face", "😀", "😀".encode()),
    ("grinning_face", None, "😀".encode()),
    ("decimal", ".", b"."),  # kitty keypad key with its text
    # named keys
    ("enter", "\r", b"\r"),
    ("enter", None, b"\r"),
    ("tab", "\t", b"\t"),
    ("shift+tab", None, b"\x1b[Z"),
    ("escape", "\x1b", b"\x1b"),
    ("escape", None, b"\x1b"),
    ("backspace", "\x7f", b"\x7f"),
    ("backspace", "\x08", b"\x7f"),  # a ^H terminal's Backspace, as tmux itself does
    ("delete", "\x7f", b"\x1b[3~"),  # pilot.press("delete") sets character DEL
    ("insert", None, b"\x1b[2~"),
    ("home", None, b"\x1b[1~"),
    ("end", None, b"\x1b[4~"),
    ("pageup", None, b"\x1b[5~"),
    ("pagedown", None, b"\x1b[6~"),
    ("up", None, b"\x1b[A"),
    ("down", None, b"\x1b[B"),
    ("right", None, b"\x1b[C"),
    ("left", None, b"\x1b[D"),
    ("f1", None, b"\x1bOP"),
    ("f4", None, b"\x1bOS"),
    ("f5", None, b"\x1b[15~"),
    ("f12", None, b"\x1b[24~"),
    ("f13", None, b"\x1b[1;2P"),
    ("f24", None, b"\x1b[24;2~"),
    # modified cursor, editing and function keys
    ("shift+up", None, b"\x1b[1;2A"),
    ("alt+up", None, b"\x1b[1;3A"),
    ("alt+shift+up", None, b"\x1b[1;4A"),
    ("ctrl+left", None, b"\x1b[1;5D"),
    ("ctrl+shift+right", None, b"\x1b[1;6C"),
    ("alt+ctrl+up", None, b"\x1b[1;7A"),
    ("alt+ctrl+shift+down", None, b"\x1b[1;8B"),
    ("meta+left", None, b"\x1b[1;3D"),
    ("shift+home", None, b"\x1b[1;2H"),
    ("ctrl+end", None, b"\x1b[1;5F"),
    ("ctrl+delete", None, b"\x1b[3;5~"),
    ("shift+delete", None, b"\x1b[3;2~"),
    ("ctrl+insert", None, b"\x1b[2;5~"),
    ("shift+pageup", None, b"\x1b[5;2~"),
    ("alt+pagedown", None, b"\x1b[6;3~"),
    ("shift+f1", None, b"\x1b[1;2P"),
    ("ctrl+f5", None, b"\x1b[15;5~"),
    ("alt+f12", None, b"\x1b[24;3~"),
    ("ctrl+shift+f3", None, b"\x1b[1;6R"),
    # Ctrl: legacy terminals give the byte as character, the kitty protocol gives None
    ("ctrl+a", "\x01", b"\x01"),
    ("ctrl+a", None, b"\x01"),
    ("ctrl+b", None, b"\x02"),
    ("ctrl+c", "\x03", b"\x03"),
    ("ctrl+z", "\x1a", b"\x1a"),
    ("ctrl+j", "\n", b"\n"),
    ("ctrl+h", None, b"\x08"),
    ("ctrl+i", None, b"\t"),
    ("ctrl+m", None, b"\r"),
    ("ctrl+shift+a", None, b"\x01"),
    ("ctrl+@", "\x00", b"\x00"),
    ("ctrl+at", None, b"\x00"),
    ("ctrl+space", None, b"\x00"),
    ("ctrl+backslash", "\x1c", b"\x1c"),
    ("ctrl+right_square_bracket", "\x1d", b"\x1d"),
    ("ctrl+circumflex_accent", "\x1e", b"\x1e"),
    ("ctrl+underscore", "\x1f", b"\x1f"),
    ("ctrl+left_square_bracket", None, b"\x1b"),
    ("ctrl+slash", None, b"\x1f"),
    ("ctrl+grave_accent", None, b"\x00"),
    ("ctrl+2", None, b"\x00"),
    ("ctrl+3", None, b"\x1b"),
    ("ctrl+7", None, b"\x1f"),
    ("ctrl+8", None, b"\x7f"),
    ("ctrl+1", None, b"1"),  # xterm sends the key unchanged when Ctrl has no byte
    ("ctrl+semicolon", None, b";"),
    ("ctrl+minus", None, b"-"),
    ("ctrl+é", None, "é".encode()),
    ("ctrl+enter", None, b"\r"),
    ("ctrl+tab", None, b"\t"),
    ("ctrl+shift+tab", None, b"\x1b[Z"),
    ("ctrl+backspace", None, b"\x08"),
    ("ctrl+escape", None, b"\x1b"),
    ("shift+enter", None, b"\r"),
    ("shift+space", " ", b" "),
    ("shift+backspace", None, b"\x7f"),
    ("shift+escape", None, b"\x1b"),
    # Alt: ESC prefix, as xterm's metaSendsEscape
    ("alt+x", "x", b"\x1bx"),
    ("alt+x", None, b"\x1bx"),
    ("alt+shift+x", "X", b"\x1bX"),
    ("alt+shift+x", None, b"\x1bX"),
    ("meta+a", None, b"\x1ba"),
    ("alt+percent_sign", None, b"\x1b%"),
    ("alt+semicolon", None, b"\x1b;"),
    ("alt+apostrophe", None, b"\x1b'"),
    ("alt+quotation_mark", None, b'\x1b"'),
    ("alt+number_sign", None, b"\x1b#"),
    ("alt+dollar_sign", None, b"\x1b$"),
    ("alt+backslash", None, b"\x1b\\"),
    ("alt+left_curly_bracket", None, b"\x1b{"),
    ("alt+1", None, b"\x1b1"),
    ("alt+é", None, "\x1bé".encode()),
    ("alt+grinning_face", None, "\x1b😀".encode()),
    ("alt+line_separator", None, "\u2028".encode()),  # tmux has no M- form for it
    ("alt+\u0378", None, "\u0378".encode()),  # unassigned, so named by itself
    ("alt+space", None, b"\x1b "),
    ("alt+enter", None, b"\x1b\r"),
    ("alt+tab", None, b"\x1b\t"),
    ("alt+shift+tab", None, b"\x1b\x1b[Z"),
    ("alt+backspace", None, b"\x1b\x7f"),
    ("alt+escape", None, b"\x1b\x1b"),
    ("alt+ctrl+a", None, b"\x1b\x01"),
    ("alt+ctrl+space", None, b"\x1b\x00"),
    ("alt+ctrl+backslash", None, b"\x1b\x1c"),
    ("alt+ctrl+backspace", None, b"\x1b\x08"),
    ("alt+ctrl+shift+x", None, b"\x1b\x18"),
]

# ESC + a key from a legacy terminal (xterm's metaSendsEscape, mosh): the pane gets the
# same bytes, as with tmux's own client (checked against it below).
ROOT = Path(__file__).resolve().parents[2]

LEGACY_ALT: list[tuple[str, bytes]] = [
    (f"\x1b{key}", f"\x1b{key}".encode())
    for key in [*"bf.<>%1-=_;'\"#$/\\{}", "\r", "\x7f", "\x01", "\x05", "\t", " ", "B", "é"]
]

# What a terminal sends → what the program in the pane gets, through tuimux's parser
# (Textual's own, but for legacy Alt keys).
# Legacy sequences where Textual drops or rewrites Alt are kept to record the fact: if a
# Textual upgrade fixes one, this table says so.
ROUND_TRIP: list[tuple[str, bytes]] = [
    ("a", b"a"),
    ("A", b"A"),
    ("é", "é".encode()),
    ("😀", "😀".encode()),
    ("\r", b"\r"),
    ("\t", b"\t"),
    ("\x7f", b"\x7f"),
    # ^H is Ctrl+H where the terminal's Backspace sends ^? (tmux: termios VERASE)
    ("\x08", b"\x08"),
    ("\x1b\x08", b"\x1b\x08"),
    ("\x00", b"\x00"),
    ("\x01", b"\x01"),
    ("\x1c", b"\x1c"),
    ("\x1b", b"\x1b"),
    ("\x1b[Z", b"\x1b[Z"),
    ("\x1bx", b"\x1bx"),
    ("\x1bX", b"\x1bX"),
    ("\x1b[A", b"\x1b[A"),
    ("\x1bOA", b"\x1b[A"),  # tmux re-encodes for the pane's cursor-key mode
    ("\x1b[1;3A", b"\x1b[1;3A"),
    ("\x1b[1;5D", b"\x1b[1;5D"),
    ("\x1b[1;8B", b"\x1b[1;8B"),
    ("\x1b[3~", b"\x1b[3~"),
    ("\x1b[5;3~", b"\x1b[5;3~"),
    ("\x1b[15~", b"\x1b[15~"),
    ("\x1b[1;2P", b"\x1b[1;2P"),
    # Legacy Alt: ESC and the key, read as tmux's client reads it (Textual alone loses or
    # rewrites Alt on most of these: ESC b was Ctrl+Left, ESC . a bare ".")
    *LEGACY_ALT,
    # kitty keyboard protocol (flags 1|8|16, which Textual 8 requests)
    ("\x1b[97;;97u", b"a"),
    ("\x1b[97;2;65u", b"A"),
    ("\x1b[97;5u", b"\x01"),
    ("\x1b[97;6u", b"\x01"),
    ("\x1b[97;7u", b"\x1b\x01"),
    ("\x1b[120;3u", b"\x1bx"),
    ("\x1b[120;4u", b"\x1bX"),
    ("\x1b[37;3u", b"\x1b%"),
    ("\x1b[59;5u", b";"),
    ("\x1b[64;5u", b"\x00"),
    ("\x1b[104;5u", b"\x08"),
    ("\x1b[105;5u", b"\t"),
    ("\x1b[27u", b"\x1b"),
    ("\x1b[27;3u", b"\x1b\x1b"),
    ("\x1b[13u", b"\r"),
    ("\x1b[13;2u", b"\r"),
    ("\x1b[13;3u", b"\x1b\r"),
    ("\x1b[9;5u", b"\t"),
    ("\x1b[127;5u", b"\x08"),
    ("\x1b[32;5u", b"\x00"),
    ("\x1b[32;2;32u", b" "),
    ("\x1b[233;5u", "é".encode()),
    ("\x1b[57399;;48u", b"0"),  # keypad 0
    ("\x1b[57376u", b"\x1b[1;2P"),  # F13
    ("\x1b[57441;2u", b""),  # left Shift alone
    ("\x1b[97;9u", b""),  # Super+a
]


@pytest.fixture
def recorder(tmux_server: TmuxServer, tmp_path: Path) -> tuple[TmuxServer, str, Path]:
    program = tmp_path / "recorder.py"
    program.write_text(RECORDER)
    output = tmp_path / "received"
    output.write_bytes(b"")
    command = f"exec {sys.executable} {program} {output}"
    tmux_server.new_session("k", command=command)
    pane = tmux_server.display("k:", "#{pane_id}")
    ready = output.with_name(output.name + ".ready")
    tmux_server.wait_for(ready.exists)  # raw mode is on: no line buffering, no echo
    return tmux_server, pane, output


def deliver(
    recorder: tuple[TmuxServer, str, Path], inputs: list[KeyInput | None], tmp_path: Path
) -> list[bytes]:
    """Send each input (None sends nothing) and return the bytes each one produced."""
    server, pane, output = recorder
    lines: list[str] = []
    for item in inputs:
        if item is not None:
            lines += [build(*argv) for argv in send_keys_args(pane, item)]
        lines.append(build("send-keys", "-t", pane, "-H", SEPARATOR.hex()))
    script = tmp_path / "keys.conf"
    script.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    server.run("source-file", str(script))
    server.wait_for(lambda: output.read_bytes().count(SEPARATOR) >= len(inputs))
    received = output.read_bytes().split(SEPARATOR)
    assert received[-1] == b""
    return received[:-1]


def from_tmux_client(recorder: tuple[TmuxServer, str, Path], typed: list[bytes]) -> list[bytes]:
    """What tmux's own client gives the pane when its terminal sends each of ``typed``
    (the oracle where tmux re-encodes a key: 3.7+ drops Meta from BTab, for one)."""
    server = recorder[0]
    return from_client(recorder, typed, [*server.argv, "attach", "-t", "k"], each_prints=False)


def test_every_key_reaches_the_program_as_xterm_sends_it(
    recorder: tuple[TmuxServer, str, Path], tmp_path: Path
) -> None:
    received = deliver(recorder, [encode_key(key, char) for key, char, _ in TABLE], tmp_path)
    differ = [
        (key, char, want, got)
        for (key, char, want), got in zip(TABLE, received, strict=True)
        if got != want
    ]
    # Where the pane did not get xterm's bytes, it must get what tmux's own client
    # gives it for them (3.3a: nowhere in this table).
    oracle = from_tmux_client(recorder, [want for _, _, want, _ in differ]) if differ else []
    wrong = [
        f"{key!r}/{char!r} → {encode_key(key, char)}: got {got!r}, want {want!r}"
        f" (tmux's own client: {tmux!r})"
        for (key, char, want, got), tmux in zip(differ, oracle, strict=True)
        if got != tmux
    ]
    assert not wrong, "\n".join(wrong)


def test_terminal_bytes_survive_textual_and_tmux(
    recorder: tuple[TmuxServer, str, Path], tmp_path: Path
) -> None:
    """Raw terminal input → tuimux's parser → the key table → tmux → the program."""
    from textual import events

    from tuimux.ui.legacy_keys import AltKeyParser  # Textual's parser: pinned exactly

    def press(sequence: str) -> list[KeyInput | None]:
        parser = AltKeyParser()
        messages = [*parser.feed(sequence), *parser.feed("")]  # "" ends a lone ESC
        keys = [m for m in messages if isinstance(m, events.Key)]
        return [encode_key(key.key, key.character) for key in keys]

    pressed = [press(sequence) for sequence, _ in ROUND_TRIP]
    received = deliver(recorder, [item for items in pressed for item in items], tmp_path)
    got_by_sequence: list[bytes] = []
    position = 0
    for items in pressed:
        got_by_sequence.append(b"".join(received[position : position + len(items)]))
        position += len(items)
    wrong = [
        f"{sequence!r} → {items}: got {got!r}, want {want!r}"
        for (sequence, want), items, got in zip(ROUND_TRIP, pressed, got_by_sequence, strict=True)
        if got != want
    ]
    assert not wrong, "\n".join(wrong)


def test_a_terminal_whose_backspace_sends_ctrl_h_keeps_it_backspace() -> None:
    """tmux's client reads the terminal's erase character as Backspace, whichever byte
    it is; the other of ^H and ^? is what it is."""
    from textual import events

    from tuimux.ui.legacy_keys import AltKeyParser

    class CtrlHErase(AltKeyParser):
        erase = "\x08"

    def keys(parser: AltKeyParser, sequence: str) -> list[str]:
        messages = [*parser.feed(sequence), *parser.feed("")]
        return [m.key for m in messages if isinstance(m, events.Key)]

    assert keys(CtrlHErase(), "\x08") == ["backspace"]
    assert keys(AltKeyParser(), "\x08") == ["ctrl+h"]
    assert keys(AltKeyParser(), "\x7f") == ["backspace"]


BASES = [
    *["up", "down", "left", "right", "home", "end", "pageup", "pagedown", "insert", "delete"],
    *(f"f{n}" for n in range(1, 25)),
    *["tab", "enter", "escape", "backspace", "space", "at"],
    *(chr(code) for code in range(0x21, 0x7F)),
    *["percent_sign", "semicolon", "apostrophe", "quotation_mark", "number_sign"],
    *["slash", "backslash", "minus", "plus", "underscore", "less_than_sign", "tilde"],
    *["é", "ß", "Ω", "中", "grinning_face", "euro_sign", "non_breaking_hyphen"],
    *["zero_width_joiner", "combining_acute_accent", "line_separator", "\x01"],
]


def all_presses() -> Iterator[tuple[str, str | None]]:
    """Every base key with every modifier set, as Textual spells them (sorted)."""
    modifiers = ["alt", "ctrl", "meta", "shift"]
    for count in range(len(modifiers) + 1):
        for chosen in itertools.combinations(modifiers, count):
            for base in BASES:
                key = "+".join([*chosen, base])
                yield key, None
                if len(base) == 1:
                    yield key, base


def test_every_name_the_table_emits_is_a_key_tmux_knows(
    recorder: tuple[TmuxServer, str, Path], tmp_path: Path
) -> None:
    """An unknown name is typed out as text by send-keys, and some known ones (C-3,
    C-Enter) send nothing on tmux 3.3a: either shows up in the recording."""
    names = sorted(
        {
            item.name
            for key, char in all_presses()
            if isinstance(item := encode_key(key, char), KeyName)
        }
    )
    assert len(names) > 300
    received = deliver(recorder, [KeyName(name) for name in names], tmp_path)
    bad = [
        f"{name!r} → {got!r}"
        for name, got in zip(names, received, strict=True)
        if not got or got == name.encode()
    ]
    assert not bad, "\n".join(bad)


NASTY_TEXT = (
    "ab\tc\x1bd\x7fé\r\n\x00\x85"
    + "x" * (LITERAL_CHUNK + 10)
    + "#{pane_id} #(false) ; \\; \\ ' \" $HOME ~ -l -- "
    + "👨\u200d👩\u200d👧 e\u0301 ❤\ufe0f 中文 \u2028 \ue000\ufeff\u00a0\u0378\U0010ffff"
)


def test_text_with_control_characters_arrives_byte_for_byte(
    recorder: tuple[TmuxServer, str, Path], tmp_path: Path
) -> None:
    (got,) = deliver(recorder, [Literal(NASTY_TEXT)], tmp_path)
    assert got == NASTY_TEXT.encode()


def test_control_characters_never_go_inside_a_command_line() -> None:
    argvs = send_keys_args("%3", Literal(NASTY_TEXT))
    for argv in argvs:
        assert argv[:3] == ["send-keys", "-t", "%3"]
        build(*argv)  # refuses CR, LF and NUL
        if "-l" in argv:
            assert argv[3:5] == ["-l", "--"]
            assert all(ord(ch) >= 0x20 and not 0x7F <= ord(ch) < 0xA0 for ch in argv[5])
    rebuilt = b"".join(
        argv[5].encode() if "-l" in argv else bytes.fromhex("".join(argv[4:])) for argv in argvs
    )
    assert rebuilt == NASTY_TEXT.encode()


def test_long_text_is_chunked_on_character_boundaries() -> None:
    text = "😀" * (LITERAL_CHUNK * 2 + 1)
    argvs = send_keys_args("%1", Literal(text))
    assert [len(argv[-1]) for argv in argvs] == [LITERAL_CHUNK, LITERAL_CHUNK, 1]
    assert "".join(argv[-1] for argv in argvs) == text
    controls = "\x01" * (LITERAL_CHUNK + 1)
    argvs = send_keys_args("%1", Literal(controls))
    assert [len(argv) - 4 for argv in argvs] == [LITERAL_CHUNK, 1]
    assert argvs[0][:4] == ["send-keys", "-t", "%1", "-H"]


def test_surrogates_are_joined_or_replaced() -> None:
    (argv,) = send_keys_args("%1", Literal("a\ud83d\ude00b\udc80"))
    assert argv[-1] == "a😀b\ufffd"


def test_key_names_and_short_text_are_one_command_each() -> None:
    assert send_keys_args("%3", KeyName("Enter")) == [["send-keys", "-t", "%3", "Enter"]]
    assert send_keys_args("%3", Literal("-abc")) == [["send-keys", "-t", "%3", "-l", "--", "-abc"]]
    assert send_keys_args("%3", Literal("")) == []


def test_coalesce_merges_adjacent_text_only() -> None:
    items: list[KeyInput] = [
        Literal("a"),
        Literal("b"),
        KeyName("Enter"),
        Literal("c"),
        KeyName("C-a"),
        KeyName("C-a"),
        Literal("d"),
        Literal("e"),
        Literal("f"),
    ]
    assert coalesce(items) == [
        Literal("ab"),
        KeyName("Enter"),
        Literal("c"),
        KeyName("C-a"),
        KeyName("C-a"),
        Literal("def"),
    ]
    assert coalesce([]) == []
    assert coalesce(iter([Literal("x")])) == [Literal("x")]


@pytest.mark.parametrize(
    ("key", "character"),
    [
        ("shift", None),
        ("ctrl+shift", None),
        ("left_shift", None),
        ("right_control", None),
        ("caps_lock", None),
        ("num_lock", None),
        ("media_play_pause", None),
        ("kp_begin", None),
        ("f25", None),
        ("super+a", None),
        ("hyper+up", None),
        ("ctrl+super+c", None),
        ("<scroll-up>", None),
        ("ctrl+decimal", None),
        ("ctrl+", None),
        ("nonsense+a", "a"),
        ("\x85", "\x85"),
        ("", None),
    ],
)
def test_keys_without_bytes_send_nothing(key: str, character: str | None) -> None:
    assert encode_key(key, character) is None


def test_plus_key_and_its_modified_forms() -> None:
    assert encode_key("plus", "+") == Literal("+")
    assert encode_key("+", None) == Literal("+")
    assert encode_key("alt++", None) == KeyName("M-+")
    assert encode_key("alt+plus", None) == KeyName("M-+")


def test_prefix_key_with_no_character_is_ctrl_b() -> None:
    assert encode_key("ctrl+b", None) == KeyName("C-b")


def test_textual_names_of_characters_are_inverted() -> None:
    """Names the table turns back into characters agree with Textual's own naming."""
    from textual.keys import _character_to_key

    chars = [chr(code) for code in range(0x21, 0x7F)] + list("éßΩ中😀€«»¿÷\u2011\u2013\u2014")
    for char in chars:
        name = _character_to_key(char)
        assert encode_key(f"alt+{name}", None) == KeyName(f"M-{char}"), (char, name)


_NAMED = "Up|Down|Left|Right|Home|End|PPage|NPage|IC|DC|F[1-9]|F1[0-2]"
KEY_NAME = re.compile(
    rf"(C-)?(M-)?(S-)?({_NAMED})|(M-)?(Tab|BTab|Enter|Escape|BSpace|Space)"
    r"|(C-)(M-)?([a-z@\[\\\]^_?]|Space)|M-.",
    re.DOTALL,
)


@given(
    modifiers=st.lists(st.sampled_from(["alt", "ctrl", "meta", "shift", "super", "x"])),
    base=st.one_of(st.sampled_from(BASES), st.text(max_size=6)),
    character=st.one_of(st.none(), st.text(max_size=3)),
)
def test_any_event_gives_a_valid_name_or_clean_text(
    modifiers: list[str], base: str, character: str | None
) -> None:
    item = encode_key("+".join([*modifiers, base]), character)
    if isinstance(item, KeyName):
        assert KEY_NAME.fullmatch(item.name), item
        assert not "\ud800" <= item.name[-1] <= "\udfff"
    elif isinstance(item, Literal):
        assert item.text
        assert all(ord(ch) >= 0x20 and not 0x7F <= ord(ch) < 0xA0 for ch in item.text)
    if item is not None:
        for argv in send_keys_args("%0", item):
            build(*argv)


def from_client(
    recorder: tuple[TmuxServer, str, Path],
    typed: list[bytes],
    command: list[str],
    *,
    each_prints: bool = True,
) -> list[bytes]:
    """What the pane gets when the terminal of ``command`` (a client attached to the
    recorder's session, in an outer tmux's pane) sends each of ``typed``. With
    ``each_prints``, each is awaited before the separator follows: a lone ESC x is a key
    only after the terminal's escape delay."""
    server, pane, output = recorder
    outer = TmuxServer(f"tuimux-test-outer-{uuid.uuid4().hex[:8]}", clean_env())
    outer.env["PYTHONPATH"] = str(ROOT)
    received = []
    try:
        outer.new_session("o", command=f"cd {ROOT} && {shlex.join(command)}")
        server.wait_for(lambda: server.run("list-clients", "-t", "k").strip() != "", timeout=30)
        outer.wait_for(lambda: "[k]" in outer.capture("o:"), timeout=30)  # drawn: ready
        for data in typed:
            start = len(output.read_bytes())
            outer.run("send-keys", "-t", "o:", "-H", *(f"{byte:02x}" for byte in data))
            if each_prints:
                server.wait_for(lambda s=start: len(output.read_bytes()) > s)
            server.run("send-keys", "-t", pane, "-H", SEPARATOR.hex())
            server.wait_for(lambda s=start: SEPARATOR in output.read_bytes()[s:])
            received.append(output.read_bytes()[start:].split(SEPARATOR)[0])
    finally:
        outer.kill()
    return received


def test_legacy_alt_keys_reach_the_program_as_with_tmux_own_client(
    recorder: tuple[TmuxServer, str, Path],
) -> None:
    """The real program in a terminal, tmux's own client in another: the same bytes."""
    server = recorder[0]
    typed = [want for _, want in LEGACY_ALT]
    tuimux = [sys.executable, "-m", "tuimux", "-L", server.socket_name, "-t", "k"]
    assert from_client(recorder, typed, tuimux) == from_tmux_client(recorder, typed) == typed
