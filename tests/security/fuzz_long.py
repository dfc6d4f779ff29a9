"""A long fuzz run of the control channel's read path: bytes → ``LineSplitter`` → ``ControlParser``.

    python -m tests.security.fuzz_long --lines 1000000 [--seed 7]

The channel is untrusted (a remote host, a compromised server, a pane that learnt the
protocol), and the read loop must never stop draining it (a stalled control client can
hang a tmux server, research/controlmode.md §1.7), so one exception in the parser is a
lost session. Each batch mixes random bytes, mutated copies of a real tmux 3.3a
transcript and lines built from the control-mode grammar, cuts it into random chunks,
and checks every event with the validators below. It prints
``lines tried: N, events: M, crashes: C, seconds: T, seed: S`` and exits 1 on any crash,
with the input that reproduces it (shortened) on stderr.

The generators and validators live here, once: ``test_control_fuzz.py`` imports them, so
the quick hypothesis run and this long run check exactly the same properties.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from tuimux.control import events as ev
from tuimux.control.layout import (
    MAX_DEPTH,
    MAX_NUMBER,
    MAX_PANE_ID,
    MAX_SIZE,
    Layout,
    Split,
    format_layout,
    layout_checksum,
    parse_layout,
)
from tuimux.control.lines import MAX_LINE, LineSplitter
from tuimux.control.parser import MAX_BLOCK_BYTES, ControlParser
from tuimux.errors import LayoutError

# --- a real transcript --------------------------------------------------------------------

# Recorded from tmux 3.3a over pipes (`tmux -u -C attach -t main`): attach, a capture-pane
# of a pane that printed "%end 1 2 1" and "%exit", split-window -P, rename-window with a
# tab, new-window, pause-after (%extended-output), a subscription, list-windows, two
# errors, kill-window, refresh-client -A pause/continue (inside their blocks), zoom,
# rename-session, and finally `kill -9` of the server.
RECORDING = (
    b"%begin 1795413723 265 0\n"
    b"%end 1795413723 265 0\n"
    b"%session-changed $0 main\n"
    b"%begin 1795413723 270 1\n"
    b"hello main\n"
    b"%end 1795413723 270 1\n"
    b"%begin 1795413723 271 1\n"
    b"%end 1 2 1\n"
    b"%exit\n"
    b"h\xc3\xa9llo   red\\\n"
    b"\n"
    b"%end 1795413723 271 1\n"
    b"%begin 1795413724 272 1\n"
    b"%1\n"
    b"%end 1795413724 272 1\n"
    b"%window-pane-changed @0 %1\n"
    b"%layout-change @0 8205,80x24,0,0{40x24,0,0,0,39x24,41,0,1} "
    b"8205,80x24,0,0{40x24,0,0,0,39x24,41,0,1} *\n"
    b"%output %1 a\\033]0;t\\007b\\015\\015\\012\n"
    b"%begin 1795413724 276 1\n"
    b"%end 1795413724 276 1\n"
    b"%window-renamed @0 tab\\there\n"
    b"%begin 1795413724 278 1\n"
    b"%end 1795413724 278 1\n"
    b"%window-add @1\n"
    b"%output %2 # \n"
    b"%begin 1795413725 280 1\n"
    b"%end 1795413725 280 1\n"
    b"%begin 1795413725 281 1\n"
    b"%end 1795413725 281 1\n"
    b"%layout-change @0 167f,80x24,0,0{40x24,0,0,0,39x24,41,0[39x12,41,0,1,39x11,41,13,3]} "
    b"167f,80x24,0,0{40x24,0,0,0,39x24,41,0[39x12,41,0,1,39x11,41,13,3]} *\n"
    b"%extended-output %3 0 : x\xc3\xa9\\033[1m\n"
    b"%begin 1795413725 283 1\n"
    b"%end 1795413725 283 1\n"
    b"%subscription-changed f $0 - - - : *\n"
    b"%begin 1795413727 284 1\n"
    b"@0 167f,80x24,0,0{40x24,0,0,0,39x24,41,0[39x12,41,0,1,39x11,41,13,3]}\n"
    b"@1 b25f,80x24,0,0,2\n"
    b"%end 1795413727 284 1\n"
    b"%begin 1795413727 285 1\n"
    b"can't find window: @999\n"
    b"%error 1795413727 285 1\n"
    b"%begin 1795413727 286 1\n"
    b"parse error: unknown command: no-such-command\n"
    b"%error 1795413727 286 1\n"
    b"%begin 1795413727 287 1\n"
    b"%end 1795413727 287 1\n"
    b"%unlinked-window-close @1\n"
    b"%begin 1795413728 289 1\n"
    b"%pause %0\n"
    b"%end 1795413728 289 1\n"
    b"%begin 1795413728 290 1\n"
    b"%continue %0\n"
    b"%end 1795413728 290 1\n"
    b"%begin 1795413728 291 1\n"
    b"%end 1795413728 291 1\n"
    b"%window-pane-changed @0 %0\n"
    b"%layout-change @0 167f,80x24,0,0{40x24,0,0,0,39x24,41,0[39x12,41,0,1,39x11,41,13,3]} "
    b"b25d,80x24,0,0,0 *Z\n"
    b"%begin 1795413729 294 1\n"
    b"%end 1795413729 294 1\n"
    b"%session-renamed $0 renamed\n"
    b"%exit server exited unexpectedly\n"
)
RECORDED_LINES = RECORDING.split(b"\n")[:-1]

# --- the grammar's dictionary ------------------------------------------------------------

NOTIFICATION_NAMES: tuple[bytes, ...] = (
    b"%output",
    b"%extended-output",
    b"%pause",
    b"%continue",
    b"%exit",
    b"%layout-change",
    b"%window-add",
    b"%window-close",
    b"%unlinked-window-add",
    b"%unlinked-window-close",
    b"%unlinked-window-renamed",
    b"%window-renamed",
    b"%window-pane-changed",
    b"%session-changed",
    b"%sessions-changed",
    b"%session-renamed",
    b"%session-window-changed",
    b"%client-session-changed",
    b"%client-detached",
    b"%subscription-changed",
    b"%pane-mode-changed",
    b"%paste-buffer-changed",
    b"%paste-buffer-deleted",
    b"%message",
    b"%config-error",
)
GUARD_NAMES: tuple[bytes, ...] = (b"%begin", b"%end", b"%error")
ODD_NAMES: tuple[bytes, ...] = (
    b"%bogus",
    b"%",
    b"%%output",
    b"%OUTPUT",
    b"%output\r",
    b"output",
    b"%begin\t",
    b"%exit\x00",
    b"%end\xff",
    b"\xef\xbb\xbf%output",
)
NUMBERS: tuple[bytes, ...] = (
    b"0",
    b"1",
    b"2",
    b"42",
    b"270",
    b"1795413723",
    b"4294967295",
    b"4294967296",
    b"999999999999",
    b"18446744073709551616",
    b"9" * 20,
    b"9" * 21,
    b"9" * 400,
    b"9" * 5000,  # past int()'s digit limit (ValueError, not a number)
    b"-1",
    b"-0",
    b"00",
    b"007",
    b"+5",
    b"1_000",
    b"\xd9\xa3",  # an Arabic-Indic digit: \d to str regexes, not to tmux
    b"\xef\xbc\x91",  # a fullwidth 1
    b"",
    b"0x10",
    b"1e3",
)
ID_PREFIXES: tuple[bytes, ...] = (b"%", b"@", b"$", b"%", b"@", b"$", b"", b"%%", b"#", b"@%")
TEXTS: tuple[bytes, ...] = (
    b"main",
    b"a b  c",
    b"tab\\there",
    b"\\",
    b"\\1",
    b"\\12",
    b"\\033",
    b"\\134",
    b"\\377",
    b"\\777",
    b"\\999",
    b"\\\\",
    b"\\n",
    b"\xc3",
    b"\xc3\xa9",
    b"\xff\xfe",
    b"\xed\xa0\x80",  # an encoded surrogate: invalid UTF-8
    b"\xf4\x90\x80\x80",  # past U+10FFFF
    b"\x00",
    b"\r",
    b"\x1b[31m",
    b"\x1b]52;c;eA==\x07",
    b"\x9b2J",
    b"\xe2\x80\xae",  # right-to-left override
    b":",
    b" : ",
    b"-",
    b"*Z",
    b"\t",
    b"#(touch /tmp/x)",
)
BAD_LAYOUTS: tuple[bytes, ...] = (
    b"ffff,10000x10000,0,0,0",
    b"b25d,80x24,0,0,0,",
    b"b25d,",
    b"0000,",
    b"zzzz,80x24,0,0,0",
    b"",
    b",",
    b"b25d",
    b"\xff\xff\xff\xff,80x24,0,0,0",
)


def signed(body: str) -> bytes:
    """A layout with a correct checksum, so only its body's shape is under test."""
    return f"{layout_checksum(body):04x},{body}".encode("utf-8", "surrogatepass")


def random_layout(rng: random.Random, depth: int = 0) -> Layout:
    """A tree tmux could print (geometry need not add up: the parser does not check it)."""
    width, height = rng.choice((0, 1, 80, 200, MAX_SIZE)), rng.choice((0, 1, 24, MAX_SIZE))
    x, y = rng.choice((0, 41, -3, MAX_NUMBER)), rng.choice((0, 13, -MAX_NUMBER))
    if depth >= 3 or rng.random() < 0.5:
        pane = rng.choice((None, "%0", "%1", "%42", f"%{MAX_PANE_ID}"))
        return Layout(width, height, x, y, pane, "leaf")
    children = tuple(random_layout(rng, depth + 1) for _ in range(rng.randint(1, 3)))
    split: Split = "horizontal" if rng.random() < 0.5 else "vertical"
    return Layout(width, height, x, y, None, split, children)


def random_layout_text(rng: random.Random) -> bytes:
    """A valid layout, a corrupt one with a good checksum, or plain junk."""
    roll = rng.random()
    if roll < 0.4:
        return format_layout(random_layout(rng)).encode()
    if roll < 0.8:
        body = format_layout(random_layout(rng))[5:]
        at = rng.randrange(len(body) + 1)
        junk = rng.choice("0123456789x,{}[]<>-%\u0660\udcff ") * rng.randint(1, 3)
        body = body[:at] + junk + body[at + rng.randint(0, 2) :]
        return signed(body)
    if roll < 0.9:
        depth = rng.choice((MAX_DEPTH, MAX_DEPTH + 1, 5000))
        return signed("1x1,0,0" + "{1x1,0,0" * depth + ",1" + "}" * depth)
    return rng.choice(BAD_LAYOUTS)


def random_bytes(rng: random.Random, most: int = 24) -> bytes:
    """Raw junk without a newline (a newline would only make two lines of junk)."""
    return bytes(rng.randrange(256) for _ in range(rng.randint(0, most))).replace(b"\n", b"")


def random_id(rng: random.Random) -> bytes:
    return rng.choice(ID_PREFIXES) + rng.choice(NUMBERS)


def random_token(rng: random.Random) -> bytes:
    roll = rng.randrange(10)
    if roll < 3:
        return random_id(rng)
    if roll == 3:
        return rng.choice(NUMBERS)
    if roll == 4:
        return rng.choice(TEXTS)
    if roll == 5:  # an octal escape, whole or cut short, in or out of range
        return b"\\" + bytes(rng.choice(b"012345678x") for _ in range(rng.randint(0, 4)))
    if roll == 6:
        return random_layout_text(rng)
    if roll == 7:
        return random_bytes(rng)
    if roll == 8:
        return b":"
    return rng.choice(TEXTS) * rng.choice((1, 2, 50))


def grammar_line(rng: random.Random) -> bytes:
    """A notification-shaped line: a known (or nearly known) name and random fields."""
    roll = rng.random()
    if roll < 0.75:
        name = rng.choice(NOTIFICATION_NAMES)
    elif roll < 0.9:
        name = rng.choice(GUARD_NAMES)
    else:
        name = rng.choice(ODD_NAMES)
    separator = rng.choice((b" ", b" ", b" ", b" ", b"  ", b"\t", b"\r"))
    line = separator.join([name, *(random_token(rng) for _ in range(rng.randint(0, 6)))])
    return line + b"\r" if rng.random() < 0.05 else line


def small_id(rng: random.Random, prefix: bytes) -> bytes:
    return prefix + str(rng.choice((0, 1, 7, 42, 4294967295, 9_999_999_999))).encode()


VALID_KINDS = 24  # the notifications valid_line knows how to write


def valid_line(rng: random.Random, kind: int | None = None) -> bytes:
    """A well-formed notification, as tmux 3.3a (or 3.4+) prints it; ``kind`` picks which
    (``0 <= kind < VALID_KINDS``), else a random one."""
    pane, window, session = small_id(rng, b"%"), small_id(rng, b"@"), small_id(rng, b"$")
    text = rng.choice(TEXTS).replace(b"\r", b"").replace(b"\x00", b"")
    layout = random_layout_text(rng)
    choices = (
        b"%output " + pane + b" " + text,
        b"%extended-output " + pane + b" " + rng.choice(NUMBERS[:9]) + b" : " + text,
        b"%pause " + pane,
        b"%continue " + pane,
        b"%pane-mode-changed " + pane,
        b"%layout-change " + window + b" " + layout + b" " + layout + b" *Z",
        b"%window-add " + window,
        b"%window-close " + window,
        b"%unlinked-window-add " + window,
        b"%unlinked-window-close " + window,
        b"%window-renamed " + window + b" " + text,
        b"%unlinked-window-renamed " + window + b" " + text,
        b"%window-pane-changed " + window + b" " + pane,
        b"%session-changed " + session + b" " + text,
        b"%session-renamed " + session + b" " + text,
        b"%sessions-changed",
        b"%session-window-changed " + session + b" " + window,
        b"%client-session-changed client-1 " + session + b" " + text,
        b"%client-detached client-1",
        b"%subscription-changed f " + session + b" " + window + b" 0 " + pane + b" : " + text,
        b"%paste-buffer-changed buffer0",
        b"%message " + text,
        b"%config-error " + text,
        b"%exit " + text,
    )
    assert len(choices) == VALID_KINDS
    return choices[kind if kind is not None else rng.randrange(VALID_KINDS)]


# Every bad spelling of a number or an id, for each field of each notification in turn.
HOSTILE_FIELDS: tuple[bytes, ...] = (
    *NUMBERS,
    *(prefix + number for prefix in (b"%", b"@", b"$") for number in NUMBERS),
    b"%1 ",
    b"@1\t",
    b"$1\r",
    b"%1\x00",
)


def near_valid_line(rng: random.Random, kind: int | None = None) -> bytes:
    """A well-formed notification with one field swapped for a hostile token: the lines
    most likely to get past a check that is almost right (an id with 11 digits, age -1)."""
    fields = valid_line(rng, kind).split(b" ")
    if len(fields) > 1:
        fields[rng.randrange(1, len(fields))] = random_token(rng)
    return b" ".join(fields)


def forged_guards(time_: bytes, number: bytes, flags: bytes) -> list[bytes]:
    """Lines that look like the close of ``%begin time number flags`` but are not."""
    other_time = str(int(time_) + 1).encode()
    other_number = str(int(number) + 1).encode()
    other_flags = b"0" if flags != b"0" else b"1"
    return [
        b"%end " + time_ + b" " + number + b" " + other_flags,
        b"%end " + time_ + b" " + other_number + b" " + flags,
        b"%error " + other_time + b" " + number + b" " + flags,
        b"%end " + time_ + b" " + number + b" " + flags + b" ",
        b"%end " + time_ + b" " + number + b" " + flags + b"\r",
        b" %end " + time_ + b" " + number + b" " + flags,
        b"%end  " + time_ + b" " + number + b" " + flags,
        b"%end " + time_ + b" 0" + number + b" " + flags,
        b"%END " + time_ + b" " + number + b" " + flags,
        b"%end\t" + time_ + b" " + number + b" " + flags,
        b"%begin " + time_ + b" " + number + b" " + flags,
        b"%exit",
        b"%exit server exited",
        b"%layout-change @0 ffff,10000x10000,0,0,0",
        b"%session-changed $9 evil",
    ]


def block(rng: random.Random) -> list[bytes]:
    """``%begin`` … ``%end``/``%error``, with forged guards and notifications as content;
    sometimes the close never comes (a truncated block: what follows becomes content)."""
    time_ = rng.choice((b"0", b"1", b"1795413723", b"9" * 19))
    number = rng.choice((b"0", b"7", b"270", b"4294967295"))
    flags = rng.choice((b"0", b"1", b"1", b"2"))
    lines = [b"%begin " + time_ + b" " + number + b" " + flags]
    forged = forged_guards(time_, number, flags)
    for _ in range(rng.randint(0, 8)):
        roll = rng.random()
        if roll < 0.3:
            lines.append(rng.choice(forged))
        elif roll < 0.45:
            lines.append(valid_line(rng))
        elif roll < 0.55:
            lines.append(near_valid_line(rng))
        elif roll < 0.7:
            lines.append(grammar_line(rng))
        elif roll < 0.8:
            lines.append(b"")
        else:
            lines.append(random_bytes(rng, 60))
    if rng.random() < 0.85:
        lines.append(rng.choice((b"%end ", b"%error ")) + time_ + b" " + number + b" " + flags)
    return lines


def mutated_recording(rng: random.Random) -> list[bytes]:
    """The real transcript with lines dropped, repeated, swapped, cut or corrupted."""
    lines = list(RECORDED_LINES)
    for _ in range(rng.randint(0, 6)):
        at = rng.randrange(len(lines))
        roll = rng.randrange(7)
        if roll == 0:
            del lines[at]
        elif roll == 1:
            lines.insert(at, lines[rng.randrange(len(lines))])
        elif roll == 2:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        elif roll == 3:
            lines[at] = lines[at][: rng.randrange(len(lines[at]) + 1)]
        elif roll == 4 and lines[at]:
            where = rng.randrange(len(lines[at]))
            lines[at] = lines[at][:where] + bytes((rng.randrange(256),)) + lines[at][where + 1 :]
        elif roll == 5:
            lines[at] = re.sub(rb"\d+", lambda m: rng.choice(NUMBERS), lines[at], count=1)
        else:
            lines.insert(at, grammar_line(rng))
        if not lines:
            lines = [b""]
    return lines


def batch(rng: random.Random) -> bytes:
    """One stream: a mix of every source, joined by newlines, maybe corrupted bytewise."""
    lines: list[bytes] = []
    for _ in range(rng.randint(1, 6)):
        roll = rng.random()
        if roll < 0.15:
            lines += mutated_recording(rng)
        elif roll < 0.4:
            lines += block(rng)
        elif roll < 0.5:
            lines += [valid_line(rng) for _ in range(rng.randint(1, 20))]
        elif roll < 0.7:
            lines += [near_valid_line(rng) for _ in range(rng.randint(1, 20))]
        elif roll < 0.9:
            lines += [grammar_line(rng) for _ in range(rng.randint(1, 20))]
        else:
            lines += [random_bytes(rng, 80) for _ in range(rng.randint(1, 10))]
    data = b"\n".join(lines) + rng.choice((b"\n", b"\n", b"\n", b"", b"\r\n"))
    for _ in range(rng.choice((0, 0, 0, 1, 3))):  # bytewise damage, newlines included
        at = rng.randrange(len(data) + 1)
        data = data[:at] + bytes((rng.choice((10, 13, 0, 37, rng.randrange(256))),)) + data[at:]
    return data


def cut_points(rng: random.Random, size: int) -> list[int]:
    """Where the transport's reads end: anywhere, including inside a line or an escape."""
    if size == 0:
        return []
    return sorted({rng.randrange(size) for _ in range(rng.randint(0, 8))})


# --- validators ----------------------------------------------------------------------------

PANE_ID = re.compile(r"%[0-9]+")
WINDOW_ID = re.compile(r"@[0-9]+")
SESSION_ID = re.compile(r"\$[0-9]+")
# tmux prints guards with "%ld %u %d" (control.c/cmd-queue.c `cmdq_guard`); the parser takes
# up to 20, 20 and 10 digits, more than tmux can print, and nothing else (no sign, no
# spaces). The three fields are compared as bytes: "%end 01 2 1" does not close "%begin 1 2 1".
BEGIN = re.compile(rb"%begin ([0-9]{1,20}) ([0-9]{1,20}) ([0-9]{1,10})")
GUARD = re.compile(rb"%(end|error) ([0-9]{1,20}) ([0-9]{1,20}) ([0-9]{1,10})")


class FuzzFailure(AssertionError):
    """An event broke an invariant (a crash is any other exception)."""


def _require(condition: bool, why: str, subject: object) -> None:
    if not condition:
        raise FuzzFailure(f"{why}: {subject!r}"[:2000])


def _id(pattern: re.Pattern[str], value: object, event: object) -> None:
    _require(isinstance(value, str) and pattern.fullmatch(value) is not None, "bad id", event)


def _texts(event: object, *values: object) -> None:
    _require(all(isinstance(value, str) for value in values), "text field is not str", event)


def check_layout(text: str) -> Layout | None:
    """``parse_layout`` raises ``LayoutError`` and nothing else; what it accepts is bounded
    (sizes, offsets, ids, depth) and writes back to the very string it came from."""
    try:
        layout = parse_layout(text)
    except LayoutError:
        return None
    _require(format_layout(layout) == text, "layout does not write back", text)
    stack = [(layout, 0), *((cell, 1) for cell in layout.floating)]
    cells = 0
    while stack:
        cell, depth = stack.pop()
        cells += 1
        _require(depth <= MAX_DEPTH + 1, "layout nested too deep", text[:100])
        _require(0 <= cell.width <= MAX_NUMBER and 0 <= cell.height <= MAX_NUMBER, "size", cell)
        _require(max(abs(cell.x), abs(cell.y)) <= MAX_NUMBER, "layout offset", cell)
        if cell.pane_id is not None:
            _id(PANE_ID, cell.pane_id, cell)
            _require(int(cell.pane_id[1:]) <= MAX_PANE_ID, "pane id past u_int", cell)
        stack += [(child, depth + 1) for child in cell.children]
    _require(cells * 7 <= len(text), "more cells than the text can hold", text[:100])
    return layout


def check_event(event: object) -> None:
    """Every field of every event is what its type promises, whatever the input was."""
    if isinstance(event, ev.Begin):
        _require(min(event.time, event.number, event.flags) >= 0, "negative guard", event)
    elif isinstance(event, ev.Reply):
        _require(min(event.time, event.number, event.flags) >= 0, "negative guard", event)
        _require(isinstance(event.error, bool), "error flag", event)
        _require(isinstance(event.lines, tuple), "reply lines", event)
        for line in event.lines:
            _require(isinstance(line, bytes) and b"\n" not in line, "reply line", event)
        _texts(event, *event.text)
    elif isinstance(event, ev.Output):
        _id(PANE_ID, event.pane_id, event)
        _require(isinstance(event.escaped, bytes) and b"\n" not in event.escaped, "data", event)
        _require(isinstance(event.data, bytes), "unescaped data is not bytes", event)
        _require(len(event.data) <= len(event.escaped), "unescaping grew the data", event)
        if event.age_ms is not None:
            _require(isinstance(event.age_ms, int) and event.age_ms >= 0, "age", event)
    elif isinstance(event, ev.Pause | ev.Continue | ev.PaneModeChanged):
        _id(PANE_ID, event.pane_id, event)
    elif isinstance(event, ev.LayoutChange):
        _id(WINDOW_ID, event.window_id, event)
        _texts(event, event.layout, event.visible_layout, event.flags)
        check_layout(event.layout)
        check_layout(event.visible_layout)
    elif isinstance(
        event, ev.WindowAdd | ev.WindowClose | ev.UnlinkedWindowAdd | ev.UnlinkedWindowClose
    ):
        _id(WINDOW_ID, event.window_id, event)
    elif isinstance(event, ev.WindowRenamed | ev.UnlinkedWindowRenamed):
        _id(WINDOW_ID, event.window_id, event)
        _texts(event, event.name)
    elif isinstance(event, ev.WindowPaneChanged):
        _id(WINDOW_ID, event.window_id, event)
        _id(PANE_ID, event.pane_id, event)
    elif isinstance(event, ev.SessionChanged | ev.SessionRenamed):
        _id(SESSION_ID, event.session_id, event)
        _texts(event, event.name)
    elif isinstance(event, ev.ClientSessionChanged):
        _id(SESSION_ID, event.session_id, event)
        _texts(event, event.client, event.name)
    elif isinstance(event, ev.SessionWindowChanged):
        _id(SESSION_ID, event.session_id, event)
        _id(WINDOW_ID, event.window_id, event)
    elif isinstance(event, ev.SubscriptionChanged):
        fields = (event.name, event.session_id, event.window_id, event.window_index)
        _texts(event, *fields, event.pane_id, event.value)
    elif isinstance(event, ev.ClientDetached | ev.PasteBufferChanged | ev.PasteBufferDeleted):
        _texts(event, event.client if isinstance(event, ev.ClientDetached) else event.name)
    elif isinstance(event, ev.Message | ev.ConfigError):
        _texts(event, event.text)
    elif isinstance(event, ev.Exit):
        _texts(event, event.reason)
    elif isinstance(event, ev.Unknown):
        _require(isinstance(event.line, bytes) and b"\n" not in event.line, "unknown", event)
    else:
        _require(isinstance(event, ev.SessionsChanged), "not an event type", event)


class BlockOracle:
    """What the parser must emit for each line, from the block rules alone.

    Between blocks a line is a notification (never ``None``, ``Begin`` only for a real
    ``%begin``, never a ``Reply``). Inside a block every line is content (``None``) until
    a ``%end``/``%error`` whose three fields are byte-for-byte those of the ``%begin``;
    only that line yields the ``Reply``, carrying the content up to ``max_block`` bytes.
    """

    def __init__(self, max_block: int = MAX_BLOCK_BYTES) -> None:
        self.max_block = max_block
        self.open: tuple[bytes, bytes, bytes] | None = None
        self.content: list[bytes] = []
        self.size = 0

    def check(self, line: bytes, event: ev.Event | None) -> None:
        if self.open is None:
            begin = BEGIN.fullmatch(line.removesuffix(b"\r"))
            if begin is not None:
                expected = ev.Begin(int(begin[1]), int(begin[2]), int(begin[3]))
                _require(event == expected, f"{line!r} must open a block", event)
                self.open, self.content, self.size = (begin[1], begin[2], begin[3]), [], 0
                return
            _require(event is not None, f"{line!r} gave no event", event)
            _require(not isinstance(event, ev.Begin | ev.Reply), f"{line!r} is no guard", event)
            return
        guard = GUARD.fullmatch(line)
        if guard is not None and (guard[2], guard[3], guard[4]) == self.open:
            time_, number, flags = (int(field) for field in self.open)
            content = tuple(self.content)
            error = guard[1] == b"error"
            _require(event == ev.Reply(time_, number, flags, error, content), "reply", event)
            self.open = None
            return
        _require(event is None, f"block content {line[:80]!r} came out as an event", event)
        self.size += len(line) + 1
        if self.size <= self.max_block:
            self.content.append(line)


def shorten(data: bytes, keep: int = 1500) -> str:
    text = repr(data[:keep])
    return text if len(data) <= keep else f"{text}… ({len(data)} bytes in all)"


@dataclass
class StreamResult:
    lines: list[bytes]
    events: list[ev.Event]


def run_stream(
    data: bytes,
    cuts: Sequence[int] = (),
    *,
    max_line: int = MAX_LINE,
    max_block: int = MAX_BLOCK_BYTES,
) -> StreamResult:
    """Feed ``data`` in chunks ending at ``cuts`` and check every invariant on the way.

    The lines must be exactly those of the whole stream (chunking changes nothing) minus
    any longer than ``max_line`` (dropped, never kept in memory past the limit).
    """
    splitter, parser, oracle = (
        LineSplitter(max_line),
        ControlParser(max_block),
        BlockOracle(max_block),
    )
    lines: list[bytes] = []
    start = 0
    for end in [*cuts, len(data)]:
        lines += splitter.feed(data[start:end])
        start = end
        _require(len(splitter.pending) <= max_line, "splitter holds an overlong line", max_line)
    *whole, tail = data.split(b"\n")
    expected = [line for line in whole if len(line) <= max_line]
    _require(lines == expected, "lines differ from the whole stream's", cuts)
    _require(splitter.pending == (tail if len(tail) <= max_line else b""), "pending", tail[:80])
    overlong = len(whole) - len(expected) + (len(tail) > max_line)
    _require(splitter.dropped == overlong, "dropped lines miscounted", splitter.dropped)
    events: list[ev.Event] = []
    for index, line in enumerate(lines):
        try:
            found = parser.feed_line(line)
            _require(len(found) <= 1, "an unsealed line gave several events", found)
            event = found[0] if found else None
            oracle.check(line, event)
            if event is not None:
                check_event(event)
                events.append(event)
        except Exception as error:  # say which line, for the reproduction
            error.add_note(f"at line {index}: {shorten(line, 300)}")
            raise
    _require(parser.in_block == (oracle.open is not None), "block state", parser.in_block)
    return StreamResult(lines, events)


# --- the long run --------------------------------------------------------------------------


def run(lines: int, seed: int, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Fuzz until ``lines`` lines went through the parser; return the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    rng = random.Random(seed)
    tried = events = crashes = batches = 0
    started = time.monotonic()
    while tried < lines:
        batches += 1
        data = batch(rng)
        cuts = cut_points(rng, len(data))
        bounded = rng.random() < 0.2  # small limits, so the cut-offs are exercised too
        max_line = rng.choice((16, 64, 300)) if bounded else MAX_LINE
        max_block = rng.choice((0, 40, 500)) if bounded else MAX_BLOCK_BYTES
        try:
            result = run_stream(data, cuts, max_line=max_line, max_block=max_block)
        except Exception as error:  # any exception at all is the crash being hunted
            crashes += 1
            tried += data.count(b"\n")
            if crashes <= 3:
                print(
                    f"crash in batch {batches} (seed {seed}): {type(error).__name__}: "
                    f"{str(error)[:500]}\n  {' '.join(getattr(error, '__notes__', []))}\n"
                    f"  input: {shorten(data)}\n  cuts: {cuts[:20]}, "
                    f"max_line: {max_line}, max_block: {max_block}",
                    file=err,
                )
            continue
        tried += len(result.lines)
        events += len(result.events)
    seconds = time.monotonic() - started
    print(
        f"lines tried: {tried}, events: {events}, crashes: {crashes}, "
        f"seconds: {seconds:.1f}, seed: {seed}",
        file=out,
    )
    return 1 if crashes else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.security.fuzz_long", description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000, help="lines to push through")
    parser.add_argument("--seed", type=int, default=None, help="default: a random seed")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    return run(args.lines, seed)


if __name__ == "__main__":
    sys.exit(main())
