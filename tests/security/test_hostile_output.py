"""Path (a) of security.md §5.1 S1: the hostile corpus printed in a pane.

A real tmux 3.3a server runs a session with two panes. Pane A runs a driver that prints
one corpus vector at a time, exactly as bytes, then a sentinel line ``OK0001``; pane B
shows a fixed text and never changes. The whole tuimux app runs headless with an audit
log. After each vector, once tuimux's own screen of pane A shows the sentinel:

(i) tuimux sent nothing but reads and flow control (resyncs are fine; a ``send-keys`` —
an answer to a query — or anything else is a failure), both in the audit log and in the
bytes actually written to tmux; (ii) nothing on screen — pane rows, borders, the status
bar, and the whole composed screen as Textual would write it to the host terminal —
holds a control character; (iii) pane B and the session's names are untouched; (iv) the
canary file of command-bearing vectors does not exist; (v) the app still runs and logged
no error; and pane A in tuimux equals ``capture-pane`` of pane A (tmux is the oracle).

The oracle is skipped for vectors that are not valid UTF-8, and the driver clears the
screen after them: tmux 3.3a silently drops a byte that cannot start or continue a UTF-8
character, while later tmux (``input_stop_utf8``) and tuimux draw U+FFFD. Every other
check still runs for them.

The giants (a 10 MB line, a 1 MiB title, a million ``;``…) run once each while the
pane's buffers are watched: memory stays bounded and tuimux keeps up. A last test puts a
real outer tmux where the user's terminal would be: the real ``tuimux`` program runs in
its pane while the inner pane prints the corpus; the outer tmux must end with no paste
buffer (no OSC 52 got out), and its pane title and window name unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
import shlex
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.conftest import TmuxServer, clean_env
from tests.helpers import eventually
from tests.security.conftest import AuditTail, everything_drawn, shown_lines, tmux_lines
from tests.security.corpus import GIANTS, KIND_COUNT, VECTOR_COUNT, VECTORS, Vector
from tuimux.audit import AuditLog
from tuimux.connect import Target, connect_local
from tuimux.control.command import build
from tuimux.control.command_line import split_command_line
from tuimux.control.lines import MAX_LINE
from tuimux.control.policy import read_only_allows
from tuimux.errors import TuimuxError
from tuimux.terminal.cells import TMUX_36
from tuimux.terminal.pane import PaneTerminal
from tuimux.terminal.stream import MAX_STRING
from tuimux.ui.app import TuimuxApp

WIDTH, HEIGHT = 100, 30
REPO = Path(__file__).resolve().parents[2]

# Pane A's program: print each vector named on the fifo byte for byte (no ONLCR, no echo
# of what tmux answers), end whatever it left open with ST, optionally clear the screen,
# and print the sentinel on a line of its own.
DRIVER = r"""
import os, sys, termios
fifo, ready = sys.argv[1], sys.argv[2]
attrs = termios.tcgetattr(1)
attrs[1] &= ~termios.OPOST
attrs[3] &= ~(termios.ECHO | termios.ICANON)
termios.tcsetattr(1, termios.TCSANOW, attrs)
fd = os.open(fifo, os.O_RDWR)
open(ready, "w").close()

def write(data):
    view = memoryview(data)
    while view:
        view = view[os.write(1, view):]

pending = b""
while True:
    pending += os.read(fd, 65536)
    while b"\n" in pending:
        line, pending = pending.split(b"\n", 1)
        number, path, clear = line.split(b" ")
        with open(path, "rb") as file:
            write(file.read())
        write(b"\x1b\\\x1b[0m" + (b"\x1b[H\x1b[2J" if clear == b"1" else b"\r\n"))
        write(b"OK" + number + b"\r\n")
"""
PANE_B_TEXT = "pane B \033[1;32mstays\033[0m exactly as it is"


def sentinel(number: int) -> str:
    return f"OK{number:04d}"


def comparable(vector: Vector) -> bool:
    """Whether every tmux draws this vector alike, so tmux 3.3a is its oracle: 3.3a drops
    bytes that are not UTF-8 where later tmux draws U+FFFD (and so does tuimux)."""
    try:
        vector.data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not vector.versioned


class WriteTap:
    """Every line tuimux writes to tmux, whatever path it took to the transport."""

    def __init__(self, app: TuimuxApp) -> None:
        self.lines: list[str] = []
        transport = app.client.transport
        original = transport.write

        def write(data: bytes) -> None:
            self.lines += data.decode("utf-8", "replace").splitlines()
            original(data)

        transport.write = write  # type: ignore[method-assign]

    def not_read_only(self) -> list[str]:
        """Lines written since the last look with a command that is not a read or flow
        control (each command of a line is checked on its own)."""
        lines, self.lines = self.lines, []
        bad = []
        for line in lines:
            try:
                commands = [build(*argv) for argv in split_command_line(line)]
            except TuimuxError:  # not even a line tuimux could have built
                bad.append(line)
                continue
            if not commands or not all(read_only_allows(command) for command in commands):
                bad.append(line)
        return bad


def logged_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Errors logged by anyone: ``feed`` never raises, but a parser restart is logged."""
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]


@dataclass
class Driven:
    """The session of every test here: pane A prints what it is told, pane B is quiet."""

    server: TmuxServer
    pane_a: str
    pane_b: str
    fifo: int
    directory: Path
    canary: Path
    count: int = 0

    def print(self, vector: Vector, *, clear: bool = False) -> str:
        """Have pane A print ``vector`` (then the sentinel); return the sentinel."""
        self.count += 1
        path = self.directory / f"{self.count:04d}.bin"
        path.write_bytes(vector.bound(str(self.canary)))
        os.write(self.fifo, f"{self.count:04d} {path} {int(clear)}\n".encode())
        return sentinel(self.count)


@contextlib.contextmanager
def driven_session(
    server: TmuxServer, tmp_path: Path, options: Sequence[Sequence[str]] = ()
) -> Iterator[Driven]:
    fifo, ready = tmp_path / "fifo", tmp_path / "ready"
    os.mkfifo(fifo)
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    command = f"exec {shlex.quote(sys.executable)} {driver} {fifo} {ready}"
    server.new_session("s", width=WIDTH, height=HEIGHT, command=command)
    server.wait_for(ready.exists)
    server.run("rename-window", "-t", "s:", "main")  # no automatic rename under the test
    for option in options:
        server.run("set-option", *option)
    pane_a = server.display("s:", "#{pane_id}")
    pane_b = server.run(
        *("split-window", "-h", "-d", "-t", pane_a, "-P", "-F", "#{pane_id}"),
        f"printf '{PANE_B_TEXT}\\n'; exec cat",
    ).strip()
    server.wait_for(lambda: "stays" in server.capture(pane_b))
    (tmp_path / "vectors").mkdir()
    fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    try:
        yield Driven(server, pane_a, pane_b, fd, tmp_path / "vectors", tmp_path / "canary")
    finally:
        os.close(fd)


@dataclass
class Watched:
    """The app and what a vector must leave as it was."""

    app: TuimuxApp
    pilot: Pilot[int]
    session: Driven
    audit: AuditTail
    tap: WriteTap
    pane_b: list[str]
    names: tuple[str, dict[str, str]]

    def model_names(self) -> tuple[str, dict[str, str]]:
        assert self.app.mirror is not None
        model = self.app.mirror.model
        return model.name, {wid: window.name for wid, window in model.windows.items()}

    async def shows(self, mark: str, label: str, timeout: float = 20) -> None:
        pane_a = self.session.pane_a
        await eventually(
            lambda: any(mark in line for line in shown_lines(self.app, pane_a)),
            timeout=timeout,
            detail=lambda: (label, shown_lines(self.app, pane_a)),
        )

    def check(self, label: str, caplog: pytest.LogCaptureFixture) -> None:
        """Checks (i) to (v) of the module docstring, after one vector."""
        assert self.audit.not_read_only() == [], label
        assert self.tap.not_read_only() == [], label
        assert everything_drawn(self.app) == [], label
        assert shown_lines(self.app, self.session.pane_b) == self.pane_b, label
        assert self.model_names() == self.names, label
        assert self.app.mirror is not None
        assert unbounded_state(self.app.mirror.terminals[self.session.pane_a]) == [], label
        assert not self.session.canary.exists(), label
        assert self.app.is_running and self.app.error is None, label
        assert logged_errors(caplog) == [], label


@contextlib.asynccontextmanager
async def watched_app(
    server: TmuxServer, tmp_path: Path, options: Sequence[Sequence[str]] = ()
) -> AsyncIterator[Watched]:
    """The whole app, headless, attached to the driven session with an audit log;
    ``options`` are set (``set-option …``) before tuimux attaches."""
    with driven_session(server, tmp_path, options) as session:
        audit_path = tmp_path / "audit.jsonl"
        audit = AuditLog(audit_path, "local")
        target = Target(socket_name=server.socket_name, session="s", env=server.env, audit=audit)
        app = TuimuxApp(await connect_local(target, WIDTH, HEIGHT))
        async with app.run_test(size=(WIDTH, HEIGHT + 1)) as pilot:
            await eventually(lambda: len(app.window_view.panes) == 2)
            pane_b = session.pane_b
            await eventually(
                lambda: shown_lines(app, pane_b) == tmux_lines(server, pane_b),
                detail=lambda: (shown_lines(app, pane_b), tmux_lines(server, pane_b)),
            )
            await pilot.pause()
            assert everything_drawn(app) == []
            tail = AuditTail(audit_path)
            tail.mark()
            watched = Watched(
                app, pilot, session, tail, WriteTap(app), shown_lines(app, pane_b), ("", {})
            )
            watched.names = watched.model_names()
            yield watched
            assert tmux_lines(server, pane_b) == watched.pane_b
        assert app.return_code in (None, 0) and app.error is None
        audit.close()


async def same_as_tmux(watched: Watched, label: str) -> None:
    """Pane A as tuimux shows it equals tmux's ``capture-pane`` (the oracle)."""
    server, pane_a = watched.session.server, watched.session.pane_a
    await eventually(
        lambda: shown_lines(watched.app, pane_a) == tmux_lines(server, pane_a),
        timeout=5,
        detail=lambda: (label, shown_lines(watched.app, pane_a), tmux_lines(server, pane_a)),
    )


def test_corpus_size() -> None:
    """security.md §5.1 S1 asks for 64 classes and at least 200 concrete vectors."""
    assert KIND_COUNT == 64
    assert VECTOR_COUNT >= 200
    assert len({(v.kind, v.name) for v in VECTORS}) == VECTOR_COUNT, "duplicate names"
    assert sum(v.has_canary for v in VECTORS) >= 10
    assert len(GIANTS) >= 4


async def test_hostile_output_changes_nothing_outside_its_pane(
    tmux_server: TmuxServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every vector, one at a time, through real tmux into the whole app: checks (i) to
    (v) after each, and pane A equal to tmux's capture after each comparable one."""
    caplog.set_level(logging.WARNING)
    async with watched_app(tmux_server, tmp_path) as watched:
        started, checked = time.monotonic(), 0
        for number, vector in enumerate(VECTORS, 1):
            label = f"vector {number} [{vector.kind}] {vector.name}"
            oracle = comparable(vector)
            await watched.shows(watched.session.print(vector, clear=not oracle), label)
            watched.check(label, caplog)
            if oracle:
                checked += 1
                await same_as_tmux(watched, label)
        elapsed = time.monotonic() - started
    print(f"\n{VECTOR_COUNT} vectors of {KIND_COUNT} kinds in {elapsed:.1f} s", end=" ")
    print(f"({checked} compared with capture-pane)")
    assert checked >= 200


# A flood is bounded by dropping the backlog past one frame and re-reading the pane
# (DESIGN principle 1); security.md §5.2 R5 budgets 8 MiB for a pane's queue. The
# longest control line here is ``capture-pane -P`` of an unterminated sequence tmux still
# holds (as long as the sequence so far): the line splitter's own cap bounds it.
MAX_BACKLOG = 8 * 1024 * 1024
# What the test process's resident memory may grow by while ~20 MB of giants pass.
MAX_GROWTH = 96 * 1024 * 1024


def unbounded_state(terminal: PaneTerminal) -> list[str]:
    """Per-pane emulator state past tuimux's own caps (an OSC payload, the bytes of one
    cell as this server's tmux caps them, one DECSC slot): what a vector could otherwise
    grow without bound. The caps are the product's constants; removing the code that applies one is
    what this catches."""
    screen = terminal.screen
    found = [
        f"{name} of {len(value)} characters"
        for name, value in (("title", screen.title), ("icon name", screen.icon_name))
        if len(value) > MAX_STRING
    ]
    widest = max(
        (len(c.data.encode()) for row in screen.buffer.values() for c in row.values()), default=0
    )
    if widest > screen.rules.cell_bytes or screen.rules.cell_bytes > TMUX_36.cell_bytes:
        found.append(f"a cell of {widest} bytes")
    if len(screen.savepoints) > 1:
        found.append(f"{len(screen.savepoints)} saved cursors")
    return found


def resident() -> int:
    """Resident memory now (bytes): ``ru_maxrss`` would hide growth under an earlier peak."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


async def test_giants_keep_tuimux_running_in_bounded_memory(
    tmux_server: TmuxServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 10 MB line, a 1 MiB title, a million ";"… once each: the same checks, the pane's
    queue and the control channel's line buffer sampled all along, memory measured."""
    caplog.set_level(logging.WARNING)
    async with watched_app(tmux_server, tmp_path) as watched:
        app, pane_a = watched.app, watched.session.pane_a
        peak = {"backlog": 0, "partial": 0, "resident": 0}
        sampling = True

        async def sample() -> None:
            rounds = 0
            while sampling:
                assert app.mirror is not None
                terminal = app.mirror.terminals[pane_a]
                backlog = max(terminal.backlog, sum(map(len, terminal.pending)))
                peak["backlog"] = max(peak["backlog"], backlog)
                peak["partial"] = max(peak["partial"], len(app.client._splitter.pending))
                if rounds % 50 == 0:
                    peak["resident"] = max(peak["resident"], resident())
                rounds += 1
                await asyncio.sleep(0)

        before = resident()
        sampler = asyncio.ensure_future(sample())
        seconds = []
        try:
            for vector in GIANTS:
                label = f"giant [{vector.kind}] {vector.name}"
                started = time.monotonic()
                await watched.shows(watched.session.print(vector, clear=True), label, 60)
                watched.check(label, caplog)
                seconds.append(f"{vector.name}: {time.monotonic() - started:.1f} s")
        finally:
            sampling = False
            await sampler
        growth = max(peak["resident"], resident()) - before
        await eventually(lambda: shown_lines(app, pane_a) == tmux_lines(tmux_server, pane_a))
    total = sum(len(vector.data) for vector in GIANTS)
    print(f"\n{len(GIANTS)} giants ({total / 1e6:.0f} MB): " + "; ".join(seconds))
    print(
        f"peak backlog {peak['backlog']} B, longest control line {peak['partial']} B, "
        f"resident memory growth {growth / 2**20:.1f} MiB"
    )
    assert peak["backlog"] <= MAX_BACKLOG
    assert peak["partial"] <= MAX_LINE
    assert growth <= MAX_GROWTH


# -- the host terminal is a real terminal: an outer tmux ---------------------------------


def contains(text: Callable[[], str], part: str) -> bool:
    return part in text()


def outer_state(outer: TmuxServer) -> dict[str, str]:
    """What a pane's output could change in the terminal tuimux runs in."""
    fields = "#{pane_title}\t#{window_name}\t#{automatic-rename}\t#{window_flags}"
    title, name, automatic, _ = outer.display("o:", fields).split("\t")
    return {
        "title": title,
        "window name": name,
        "automatic-rename": automatic,
        "buffers": outer.run("list-buffers", "-F", "#{buffer_name}"),
    }


async def test_nothing_reaches_the_host_terminal_raw(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """The real program in a real terminal (an outer tmux that turns OSC 52 into paste
    buffers, lets panes rename windows and passes DCS tmux; through): after the whole
    corpus, the outer tmux has no buffer, its title and window name are as they were."""
    outer = TmuxServer(f"tuimux-test-outer-{uuid.uuid4().hex[:8]}", clean_env())
    audit = tmp_path / "outer-audit.jsonl"
    with driven_session(tmux_server, tmp_path) as session:
        try:
            outer.new_session("o", width=WIDTH, height=HEIGHT + 1, command="cat")
            # automatic-rename off: the window name then changes only if a pane's escape
            # renames it (tmux's own renaming follows tuimux's child processes: flaky).
            options = ("set-clipboard on", "allow-rename on", "allow-passthrough on")
            for option in (*options, "automatic-rename off"):
                # Before tmux 3.3 there is no allow-passthrough: DCS tmux; always passes.
                if outer.has_option(option.split()[0]):
                    outer.run("set-option", "-g", *option.split())
            program = [
                *(sys.executable, "-m", "tuimux", "-L", tmux_server.socket_name, "-t", "s"),
                *("--audit-log", str(audit)),
            ]
            outer.run("respawn-pane", "-k", "-c", str(REPO), "-t", "o:", shlex.join(program))

            def drawn() -> str:
                return outer.capture("o:")

            outer.wait_for(lambda: "stays" in drawn(), timeout=30)
            before = outer_state(outer)
            assert before["buffers"] == ""
            tail = AuditTail(audit)
            startup = tail.new_commands()
            batch: list[str] = []
            for number, vector in enumerate(VECTORS, 1):
                batch.append(session.print(vector, clear=not comparable(vector)))
                if len(batch) == 12 or number == len(VECTORS):
                    await asyncio.to_thread(outer.wait_for, partial(contains, drawn, batch[-1]), 30)
                    batch = []
            assert outer_state(outer) == before
            assert sentinel(len(VECTORS)) in drawn()
            assert outer.display("o:", "#{pane_dead}") == "0", "tuimux exited"
            assert not session.canary.exists()
        finally:
            outer.kill()
    # After the start (the attach, the size offered, the window claimed), only reads and
    # flow control; a repeated size offer is the terminal's doing, not the pane's.
    assert startup and startup[0].startswith("new-session")
    assert [c for c in tail.new_commands() if not read_only_allows(c) and c not in startup] == []
    assert not any(c.startswith("send-keys") for c in tail.seen)
