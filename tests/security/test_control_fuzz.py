"""Property tests of the control channel's read path against hostile and broken input.

The channel is untrusted (security.md §5.1 S2a/S7, §5.2 R7/R10): a remote host, a server
that is not tmux, or a pane's bytes that reach a reply block. Whatever arrives, in whatever
chunks, ``LineSplitter`` → ``ControlParser`` must never raise, never let block content out
as a notification, close a block only on its own guard, and keep memory bounded. The
generators and validators are shared with the long run (``fuzz_long.py``), which is the
same check at a million lines; these tests are sized to finish in seconds.
"""

from __future__ import annotations

import io
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security import fuzz_long
from tests.security.fuzz_long import (
    BAD_LAYOUTS,
    GUARD_NAMES,
    HOSTILE_FIELDS,
    ID_PREFIXES,
    NOTIFICATION_NAMES,
    NUMBERS,
    ODD_NAMES,
    TEXTS,
    VALID_KINDS,
    block,
    check_layout,
    forged_guards,
    near_valid_line,
    random_layout_text,
    run_stream,
    signed,
    valid_line,
)
from tuimux.control import events as ev
from tuimux.control.layout import MAX_DEPTH
from tuimux.control.parser import ControlParser, parse_notification

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
QUICK = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def no_newline(data: bytes) -> bytes:
    return data.replace(b"\n", b"")


# --- strategies built from the long run's dictionary -----------------------------------------

ids = st.builds(
    bytes.__add__,
    st.sampled_from(ID_PREFIXES),
    st.sampled_from(NUMBERS) | st.integers(0, 10**25).map(lambda n: str(n).encode()),
)
octal_escapes = st.builds(
    lambda digits: b"\\" + digits,
    st.binary(max_size=4).map(lambda b: bytes(48 + x % 10 for x in b)),
)
layouts = st.randoms(use_true_random=False).map(random_layout_text) | st.sampled_from(BAD_LAYOUTS)
tokens = st.one_of(
    ids,
    st.sampled_from(NUMBERS),
    st.sampled_from(TEXTS),
    octal_escapes,
    layouts,
    st.binary(max_size=16).map(no_newline),
    st.just(b":"),
)
names = st.one_of(
    st.sampled_from(NOTIFICATION_NAMES), st.sampled_from(GUARD_NAMES), st.sampled_from(ODD_NAMES)
)
grammar_lines = st.builds(
    lambda name, separator, fields, cr: separator.join([name, *fields]) + cr,
    names,
    st.sampled_from([b" ", b" ", b"  ", b"\t"]),
    st.lists(tokens, max_size=6),
    st.sampled_from([b"", b"", b"", b"\r"]),
)
# The kind is drawn by hypothesis itself: its Random leans to the first choice.
kinds = st.integers(0, VALID_KINDS - 1)
valid_lines = st.builds(valid_line, st.randoms(use_true_random=False), kinds)
near_valid_lines = st.builds(near_valid_line, st.randoms(use_true_random=False), kinds)
blocks = st.randoms(use_true_random=False).map(lambda rng: b"\n".join(block(rng)))
streams = st.lists(
    st.one_of(
        grammar_lines,
        valid_lines,
        near_valid_lines,
        blocks,
        st.binary(max_size=40).map(no_newline),
    ),
    max_size=25,
).map(lambda lines: b"\n".join(lines) + b"\n")

# Pieces that, shaken together, now and then spell a guard or a notification by accident.
FRAGMENTS = [
    b"%begin ",
    b"%end ",
    b"%error ",
    b"%output %1 ",
    b"%exit",
    b"%layout-change @0 ",
    b"1",
    b"2 ",
    b"1 ",
    b" ",
    b"\n",
    b"\r",
    b"\\0",
    b"\\",
    b"\x00",
    b"\xff",
]
soups = st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=12), max_size=80).map(b"".join)


def cuts_for(data: bytes, raw: list[int]) -> list[int]:
    return sorted({position % (len(data) + 1) for position in raw})


cut_lists = st.lists(st.integers(min_value=0, max_value=1 << 20), max_size=12)


# --- (a) nothing raises; every event is valid ------------------------------------------------


@FUZZ
@given(st.binary(max_size=3000) | soups, cut_lists)
def test_arbitrary_bytes_never_raise_and_events_are_valid(data: bytes, raw: list[int]) -> None:
    run_stream(data, cuts_for(data, raw))


@FUZZ
@given(streams, cut_lists)
def test_grammar_streams_never_raise_and_events_are_valid(data: bytes, raw: list[int]) -> None:
    result = run_stream(data, cuts_for(data, raw))
    assert len(result.events) <= len(result.lines)


@QUICK
@given(st.randoms(use_true_random=False))
def test_the_long_runs_batches_under_hypothesis(rng: random.Random) -> None:
    """The very generator ``fuzz_long`` uses (recordings, mutations, bytewise damage)."""
    data = fuzz_long.batch(rng)
    run_stream(data, fuzz_long.cut_points(rng, len(data)))


@QUICK
@given(
    st.lists(
        grammar_lines | st.integers(0, 600).map(lambda n: b"%output %1 " + b"x" * n) | blocks,
        max_size=15,
    ),
    st.integers(min_value=1, max_value=400),
    st.integers(min_value=0, max_value=700),
    cut_lists,
)
def test_memory_is_bounded(
    lines: list[bytes], max_line: int, max_block: int, raw: list[int]
) -> None:
    """A line past the limit is dropped whole (never held past it), a block past its limit
    keeps only what fits and still closes on its guard (``run_stream`` checks both)."""
    data = b"\n".join(lines) + b"\n"
    result = run_stream(data, cuts_for(data, raw), max_line=max_line, max_block=max_block)
    assert all(len(line) <= max_line for line in result.lines)
    for event in result.events:
        if isinstance(event, ev.Reply):
            assert sum(len(line) + 1 for line in event.lines) <= max_block


def test_an_overlong_line_does_not_swallow_its_neighbours() -> None:
    data = b"%output %1 a\n" + b"%output %1 " + b"x" * 5000 + b"\n%exit bye\n"
    result = run_stream(data, [3, 20, 2000, 4000], max_line=1000)
    assert result.events == [ev.Output("%1", b"a"), ev.Exit("bye")]


# --- (b) chunking changes nothing ------------------------------------------------------------


def events_of(data: bytes, cuts: list[int]) -> list[ev.Event]:
    return run_stream(data, cuts).events


@FUZZ
@given(streams | soups, cut_lists)
def test_chunking_does_not_change_the_events(data: bytes, raw: list[int]) -> None:
    whole = events_of(data, [])
    assert events_of(data, cuts_for(data, raw)) == whole
    if len(data) <= 400:  # one byte per read: every cut at once
        assert events_of(data, list(range(1, len(data)))) == whole


# --- (c) forged protocol lines inside a block -------------------------------------------------

guard_numbers = st.tuples(
    st.integers(0, 10**19), st.integers(0, 2**32 - 1), st.sampled_from([0, 1, 1, 2, 10**9])
)


@FUZZ
@given(guard_numbers, st.lists(st.integers(0, 40), max_size=12), grammar_lines, cut_lists)
def test_forged_lines_inside_a_block_never_close_it_or_escape(
    guard: tuple[int, int, int], picks: list[int], extra: bytes, raw: list[int]
) -> None:
    time_, number, flags = (str(field).encode() for field in guard)
    # A guard of this very block, however it is dressed, is the only thing that may close it.
    close = b"%end " + time_ + b" " + number + b" " + flags
    begin = b"%begin " + time_ + b" " + number + b" " + flags
    if extra.split(b" ", 1)[-1] == close.split(b" ", 1)[-1]:
        extra = b"x"  # the grammar spelt this block's real guard: that one may close it
    forged = [*forged_guards(time_, number, flags), extra]
    content = [forged[pick % len(forged)] for pick in picks]
    data = b"\n".join([begin, *content, close, b"%exit after"]) + b"\n"
    events = events_of(data, cuts_for(data, raw))
    assert events == [
        ev.Begin(*guard),
        ev.Reply(*guard, False, tuple(content)),
        ev.Exit("after"),
    ]


def test_the_forged_lines_of_the_brief_in_a_real_transcript() -> None:
    """A capture of a pane that printed the next guard tmux would send, with other flags."""
    data = (
        b"%begin 1795413723 271 1\n"
        b"%end 1795413723 271 0\n"
        b"%end 1795413723 271 1 \n"
        b"%exit\n"
        b"%layout-change @0 ffff,10000x10000,0,0,0\n"
        b"%error 1795413723 271 1\n"
        b"%layout-change @0 b25d,80x24,0,0,0 b25d,80x24,0,0,0 *\n"
    )
    events = events_of(data, [30, 31, 100])
    assert events == [
        ev.Begin(1795413723, 271, 1),
        ev.Reply(
            1795413723,
            271,
            1,
            True,
            (
                b"%end 1795413723 271 0",
                b"%end 1795413723 271 1 ",
                b"%exit",
                b"%layout-change @0 ffff,10000x10000,0,0,0",
            ),
        ),
        ev.LayoutChange("@0", "b25d,80x24,0,0,0", "b25d,80x24,0,0,0", "*"),
    ]


def test_every_field_of_every_notification_spelt_badly() -> None:
    """Exhaustive, not random: each field of each notification replaced in turn by every
    bad number and id (11 digits, a sign, "1_000", an Arabic digit, 5000 digits...). The
    line must still give a valid event (most become ``Unknown``), never a crash or an
    event carrying the bad field."""
    tried = 0
    for kind in range(VALID_KINDS):
        fields = valid_line(random.Random(kind), kind).split(b" ")
        for position in range(1, len(fields)):
            for hostile in HOSTILE_FIELDS:
                line = b" ".join([*fields[:position], hostile, *fields[position + 1 :]])
                run_stream(line + b"\n")
                tried += 1
    assert tried > 4000


# --- well-formed lines are understood (so the fuzz above is not vacuous) -----------------------

pane_numbers = st.integers(0, 9_999_999_999)
# feed_line drops one trailing CR outside blocks (a pty's line ending), so none here.
payloads = st.binary(max_size=60).map(lambda data: no_newline(data).rstrip(b"\r"))


@QUICK
@given(pane_numbers, pane_numbers, pane_numbers, payloads, st.integers(0, 10**19))
def test_well_formed_notifications_become_their_events(
    pane: int, window: int, session: int, data: bytes, age: int
) -> None:
    p, w, s = f"%{pane}", f"@{window}", f"${session}"
    name = data.replace(b" : ", b"")
    text = name.decode("utf-8", "replace")
    cases: dict[bytes, ev.Event] = {
        b"%output " + p.encode() + b" " + data: ev.Output(p, data),
        f"%extended-output {p} {age} : ".encode() + data: ev.Output(p, data, age),
        f"%pause {p}".encode(): ev.Pause(p),
        f"%window-pane-changed {w} {p}".encode(): ev.WindowPaneChanged(w, p),
        f"%session-window-changed {s} {w}".encode(): ev.SessionWindowChanged(s, w),
        f"%unlinked-window-close {w}".encode(): ev.UnlinkedWindowClose(w),
        f"%session-changed {s} ".encode() + name: ev.SessionChanged(s, text),
        b"%exit " + name: ev.Exit(text),
    }
    for line, expected in cases.items():
        assert parse_notification(line) == expected, line
        parser = ControlParser()
        assert parser.feed_line(line) == [expected]  # and the same through the state machine


# --- parse_layout, as layouts arrive: bytes off the wire ------------------------------------

layout_bytes = st.lists(
    st.sampled_from(
        [
            *(b"0", b"1", b"9", b"80", b"x", b",", b"{", b"}", b"[", b"]", b"<", b">", b"-", b"%"),
            *(b"\xff", b"\xc3", b"\xd9\xa3", b"\x00", b" ", b"100001", b"4294967296", b"9" * 30),
        ]
    ),
    max_size=40,
).map(b"".join)


@FUZZ
@given(layout_bytes, st.booleans(), st.sampled_from([b"*", b"*Z", b"", b"\xff"]))
def test_layouts_from_the_wire_raise_only_layout_error_and_stay_bounded(
    body: bytes, good_checksum: bool, flags: bytes
) -> None:
    text = body.decode("utf-8", "replace")
    layout = signed(text) if good_checksum else b"b25d," + body
    line = b"%layout-change @3 " + layout + b" " + layout + b" " + flags
    (event,) = ControlParser().feed_line(line)
    assert isinstance(event, ev.LayoutChange)
    fuzz_long.check_event(event)  # calls check_layout on both layouts


@QUICK
@given(st.randoms(use_true_random=False))
def test_generated_layouts_raise_only_layout_error(rng: random.Random) -> None:
    check_layout(random_layout_text(rng).decode("utf-8", "replace"))


def test_deep_and_huge_layouts_are_refused_not_crashed() -> None:
    deep = signed("1x1,0,0" + "{1x1,0,0" * 100_000 + ",1" + "}" * 100_000)
    huge = signed("9" * 5000 + "x1,0,0,1")
    for text in (deep, huge, b"ffff,10000x10000,0,0,0"):
        assert check_layout(text.decode()) is None
    nested = signed("1x1,0,0" + "{1x1,0,0" * MAX_DEPTH + ",1" + "}" * MAX_DEPTH)
    assert check_layout(nested.decode()) is not None


# --- the long run's entry point ------------------------------------------------------------


def test_fuzz_long_runs_clean_and_reports_its_figures() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert fuzz_long.run(3000, seed=11, out=out, err=err) == 0
    figures = re.fullmatch(
        r"lines tried: (\d+), events: (\d+), crashes: 0, seconds: [\d.]+, seed: 11\n",
        out.getvalue(),
    )
    assert figures is not None, out.getvalue()
    assert int(figures[1]) >= 3000 and int(figures[2]) > 1000
    assert err.getvalue() == ""


def test_fuzz_long_main_parses_its_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert fuzz_long.main(["--lines", "500", "--seed", "3"]) == 0
    assert re.match(r"lines tried: \d+, events: \d+, crashes: 0, ", capsys.readouterr().out)


def test_fuzz_long_reports_a_crash_with_its_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness itself can fail: a parser that raises on one line is caught and shown."""
    real = ControlParser.feed_line

    def feed_line(self: ControlParser, line: bytes) -> list[ev.Event]:
        if line.startswith(b"%window-add"):
            raise KeyError("planted")
        return real(self, line)

    monkeypatch.setattr(ControlParser, "feed_line", feed_line)
    out, err = io.StringIO(), io.StringIO()
    assert fuzz_long.run(3000, seed=11, out=out, err=err) == 1
    assert "crashes: 0" not in out.getvalue()
    assert "KeyError" in err.getvalue() and "%window-add" in err.getvalue()
