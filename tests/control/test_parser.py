"""The control-mode parser fed recorded tmux 3.3a lines (and hypothesis-made garbage)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tuimux.control import events as ev
from tuimux.control.escape import printable, unescape_output
from tuimux.control.lines import LineSplitter
from tuimux.control.parser import ControlParser, parse_notification

# Recorded from `tmux -C new-session -s main -x 80 -y 24` (research/controlmode.md ).
STARTUP = b"""%begin 1700000000 268 0
%end 1700000000 268 0
%window-add @0
%sessions-changed
%session-changed $0 main
%output %0 $ \\033[?2004h
%begin 1700000001 270 1
%2
%end 1700000001 270 1
%layout-change @0 b7dd,80x24,0,0{40x24,0,0,0,39x24,41,0,2} b7dd,80x24,0,0{40x24,0,0,0,39x24,41,0,2} *
%window-pane-changed @0 %2
%unlinked-window-close @1
%exit
"""


def feed(data: bytes) -> list[ev.Event]:
    parser = ControlParser()
    events = []
    for line in LineSplitter().feed(data):
        events += parser.feed_line(line)
    return events


def test_recorded_startup_transcript() -> None:
    events = feed(STARTUP)
    assert events[0] == ev.Begin(1700000000, 268, 0)
    assert events[1] == ev.Reply(1700000000, 268, 0, False, ())
    assert events[2:5] == [
        ev.WindowAdd("@0"),
        ev.SessionsChanged(),
        ev.SessionChanged("$0", "main"),
    ]
    assert events[5] == ev.Output("%0", b"$ \\033[?2004h")
    assert events[5].data == b"$ \x1b[?2004h"
    assert events[7] == ev.Reply(1700000001, 270, 1, False, (b"%2",))
    layout = events[8]
    assert isinstance(layout, ev.LayoutChange) and layout.window_id == "@0" and layout.flags == "*"
    assert events[9:] == [
        ev.WindowPaneChanged("@0", "%2"),
        ev.UnlinkedWindowClose("@1"),
        ev.Exit(""),
    ]


def test_block_ends_only_on_its_own_guard() -> None:
    events = feed(
        b"%begin 5 10 1\n%end 5 10 0\n%end 5 11 1\n%error 4 10 1\n%end 5 10 1 \n%end 5 10 1\n"
    )
    assert events[-1] == ev.Reply(
        5, 10, 1, False, (b"%end 5 10 0", b"%end 5 11 1", b"%error 4 10 1", b"%end 5 10 1 ")
    )


def test_error_block() -> None:
    events = feed(b"%begin 1 2 1\nunknown command: x\n%error 1 2 1\n")
    assert events[-1] == ev.Reply(1, 2, 1, True, (b"unknown command: x",))


def test_blank_lines_inside_a_block_are_content() -> None:
    events = feed(b"%begin 1 2 1\n\nx\n\n%end 1 2 1\n")
    assert events[-1].lines == (b"", b"x", b"")  # type: ignore[union-attr]


def test_every_notification_of_tmux_3_2_and_later() -> None:
    cases = {
        b"%extended-output %3 120 : a\\134b": ev.Output("%3", b"a\\134b", 120),
        b"%extended-output %3 0 future fields : x": ev.Output("%3", b"x", 0),
        b"%pause %3": ev.Pause("%3"),
        b"%continue %3": ev.Continue("%3"),
        b"%window-close @4": ev.WindowClose("@4"),
        b"%unlinked-window-add @4": ev.UnlinkedWindowAdd("@4"),
        b"%window-renamed @4 tab\\there": ev.WindowRenamed("@4", "tab\\there"),
        b"%unlinked-window-renamed @4 x y": ev.UnlinkedWindowRenamed("@4", "x y"),
        b"%session-renamed $1 new name": ev.SessionRenamed("$1", "new name"),
        b"%session-window-changed $1 @4": ev.SessionWindowChanged("$1", "@4"),
        b"%client-session-changed client-12 $1 s": ev.ClientSessionChanged("client-12", "$1", "s"),
        b"%client-detached client-12": ev.ClientDetached("client-12"),
        b"%pane-mode-changed %9": ev.PaneModeChanged("%9"),
        b"%subscription-changed f $1 @2 0 - : *Z": ev.SubscriptionChanged(
            "f", "$1", "@2", "0", "-", "*Z"
        ),
        b"%paste-buffer-changed buffer0": ev.PasteBufferChanged("buffer0"),
        b"%paste-buffer-deleted buffer0": ev.PasteBufferDeleted("buffer0"),
        b"%message hello": ev.Message("hello"),
        b"%config-error /x:1: bad": ev.ConfigError("/x:1: bad"),
        b"%exit too far behind": ev.Exit("too far behind"),
    }
    for line, expected in cases.items():
        assert parse_notification(line) == expected, line


def test_unknown_and_malformed_lines_are_ignored_not_fatal() -> None:
    for line in [b"%future-thing 1 2", b"garbage", b"%output", b"%pause 3", b"%window-add 4", b""]:
        assert isinstance(parse_notification(line), ev.Unknown), line


def test_octal_unescaping_is_bytewise() -> None:
    assert unescape_output(b"\\303\\251") == "é".encode()
    assert unescape_output(b"\\033[1m\\134\\015\\012") == b"\x1b[1m\\\r\n"
    assert unescape_output("é".encode()) == "é".encode()  # raw UTF-8 stays raw


def test_names_are_kept_as_tmux_stores_them_and_printable() -> None:
    renamed = parse_notification(b"%window-renamed @1 a\\tb\\\\c\\033")
    assert renamed == ev.WindowRenamed("@1", "a\\tb\\\\c\\033")
    assert printable("a\x1b]2;x\x07b") == "a\ufffd]2;x\ufffdb"


@given(st.lists(st.binary(max_size=80), max_size=40))
def test_parser_never_raises_and_blocks_stay_consistent(lines: list[bytes]) -> None:
    parser = ControlParser()
    for line in lines:
        events = parser.feed_line(line.replace(b"\n", b""))
        assert len(events) <= 1 and all(isinstance(event, ev.Event) for event in events)


@given(
    st.lists(st.sampled_from([b"%end 1 1 1", b"%begin 1 1 1", b"x", b"%output %1 a"]), max_size=30)
)
def test_reply_only_after_matching_begin(lines: list[bytes]) -> None:
    parser = ControlParser()
    open_block = False
    for line in lines:
        (event,) = parser.feed_line(line) or (None,)
        if isinstance(event, ev.Begin):
            assert not open_block
            open_block = True
        elif isinstance(event, ev.Reply):
            assert open_block
            open_block = False
        elif open_block:
            assert event is None


@given(st.binary(max_size=300), st.integers(min_value=1, max_value=50))
def test_line_splitter_any_chunking(data: bytes, step: int) -> None:
    splitter = LineSplitter()
    lines: list[bytes] = []
    for i in range(0, len(data), step):
        lines += splitter.feed(data[i : i + step])
    assert b"\n".join([*lines, splitter.pending]) == data


def test_an_endless_line_is_dropped_and_the_next_ones_kept() -> None:
    splitter = LineSplitter(max_line=1000)
    assert splitter.feed(b"%output %1 ok\n" + b"x" * 600) == [b"%output %1 ok"]
    assert splitter.feed(b"y" * 600) == []  # past the limit: dropped, memory released
    assert len(splitter.pending) == 0
    assert splitter.feed(b"z" * 5000) == []
    assert splitter.feed(b"tail\n%exit\npart") == [b"%exit"]
    assert splitter.pending == b"part" and splitter.dropped == 1
    assert splitter.feed(b"x" * 996 + b"\n") == [b"part" + b"x" * 996]  # at the limit: kept
