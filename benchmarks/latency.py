"""Benchmark 3: keystroke echo latency, tuimux against tmux's own client, both local.

One private tmux server, one 80x24 session whose pane runs ``cat`` on a cooked tty, so
the kernel's line discipline echoes each character as it arrives. Each client runs in an
80x25 pty (tmux's status line takes the 25th row, tuimux's status bar too). A key is
written to the client's pty and timed until its echo shows up in the client's output;
the program is idle before every key (a random 20-60 ms pause).

The needles are Latin-1 letters sent as two-byte UTF-8 (``C3 xx``): a ``C3`` lead byte
never occurs in an escape sequence, a colour code or box drawing, so finding the bytes
is finding the character. Each letter is typed once per line, a line is erased with
Ctrl-U before the letters run out, and a pyte screen fed with the client's output checks
that the letter is on no row before it is typed, that the bytes found are the ones that
draw it in its cell, and that the pane's first row then starts with everything typed so
far; ``capture-pane`` checks tmux got them too.
"""

from __future__ import annotations

import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pyte

from benchmarks.common import Result, server
from benchmarks.terminal import PtyProgram
from tests.conftest import TmuxServer

COLUMNS, LINES = 80, 25  # the client's terminal; the pane gets 80x24
SESSION = "latency"
NEEDLES = "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿ"  # 29 letters, all C3 xx in UTF-8
WARM_UP = 5  # keys typed and thrown away at the start of every attach
PAUSE = (0.020, 0.060)  # idle time before each key, seconds
TIMEOUT = 10.0
ERASE_LINE = b"\x15"  # Ctrl-U: the line discipline wipes the echoed line
DETACH = b"\x02d"  # C-b d, for tmux and tuimux alike


class _Client:
    """One client in a pty, with a pyte screen that follows what it draws."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str]) -> None:
        self.name = name
        self.program = PtyProgram(argv, columns=COLUMNS, lines=LINES, env=env)
        self.screen = pyte.Screen(COLUMNS, LINES)
        self._stream = pyte.ByteStream(self.screen)
        self._fed = 0

    def _feed(self, end: int) -> None:
        self._stream.feed(bytes(self.program.output[self._fed : end]))
        self._fed = max(self._fed, end)

    def rows(self) -> list[str]:
        """The client's screen as of every byte it has written so far."""
        self._feed(len(self.program.output))
        return list(self.screen.display)

    def drew_first(self, needle: str, mark: int, column: int) -> bool:
        """Whether the bytes ``wait_for`` found (the first ``needle`` after ``mark``) are
        what puts the letter at ``column`` of the pane's first row: the echo itself."""
        data = needle.encode()
        found = self.program.output.find(data, mark)
        self._feed(found + len(data))
        return found >= mark and self.screen.buffer[0][column].data == needle

    def settle(self, quiet: float = 0.3) -> None:
        """Wait until the client has written nothing for ``quiet`` seconds."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            mark = self.program.mark()
            # An empty needle is "found" once a byte arrives past the mark.
            if self.program.wait_for(b"", mark + 1, quiet) is None:
                return
        raise RuntimeError(f"{self.name} never went quiet")

    def wait_rows(self, check: str, predicate: Callable[[list[str]], bool]) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not predicate(self.rows()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: {check}; screen: {self.rows()!r}")
            time.sleep(0.005)


def _measure(tmux: TmuxServer, client: _Client, keys: int, rng: random.Random) -> list[float]:
    """Type ``WARM_UP + keys`` letters into an attached client; the kept latencies (s)."""
    program = client.program
    if program.wait_for(f"[{SESSION}]".encode(), 0, TIMEOUT) is None:  # status line drawn
        raise RuntimeError(f"{client.name} did not draw the session: {client.rows()!r}")
    client.settle()
    latencies: list[float] = []
    typed = ""
    for index in range(WARM_UP + keys):
        if len(typed) == len(NEEDLES):
            _erase_line(tmux, client, typed)
            typed = ""
        needle = NEEDLES[len(typed)]
        if any(needle in row for row in client.rows()):
            raise RuntimeError(f"{client.name}: {needle!r} is on screen before it is typed")
        time.sleep(rng.uniform(*PAUSE))
        mark = program.mark()
        written = time.monotonic()
        program.write(needle.encode())
        seen = program.wait_for(needle.encode(), mark, TIMEOUT)
        if seen is None:
            raise RuntimeError(f"{client.name}: no echo of {needle!r}: {client.rows()!r}")
        typed += needle
        if not client.drew_first(needle, mark, len(typed) - 1):
            raise RuntimeError(f"{client.name}: the first {needle!r} seen was not its echo")
        if not client.rows()[0].startswith(typed):
            raise RuntimeError(f"{client.name}: {needle!r} seen but the row is wrong")
        if index >= WARM_UP:
            latencies.append(seen - written)
    _erase_line(tmux, client, typed)
    return latencies


def _erase_line(tmux: TmuxServer, client: _Client, typed: str) -> None:
    """Check tmux's pane holds what was typed, erase it, wait until the client shows it."""
    pane = tmux.capture(SESSION).splitlines()
    if not pane or pane[0].rstrip() != typed:
        raise RuntimeError(f"the pane shows {pane[:1]!r}, not the {typed!r} typed")
    client.program.write(ERASE_LINE)
    client.wait_rows("the line was not erased", lambda rows: not rows[0].strip())
    tmux.wait_for(lambda: not tmux.capture(SESSION).strip())


def _detach(client: _Client) -> None:
    """C-b d, then wait for the client to leave the alternate screen (tuimux) or say it
    detached (tmux), so the pty is not closed under a client still attached."""
    mark = client.program.mark()
    client.program.write(DETACH)
    needle = b"[detached" if client.name == "tmux" else b"\x1b[?1049l"
    if client.program.wait_for(needle, mark, TIMEOUT) is None:
        raise RuntimeError(f"{client.name} did not detach")


def _percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 200 samples is the second largest)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def run(quick: bool) -> list[Result]:
    keys, rounds = (40, 1) if quick else (100, 2)  # per attach; 200 per client in all
    rng = random.Random(3)
    tmux = server("latency")
    samples: dict[str, list[float]] = {"tuimux": [], "tmux": []}
    try:
        # iutf8: Ctrl-U must erase whole characters, not bytes of them.
        tmux.new_session(SESSION, COLUMNS, LINES - 1, "stty iutf8; exec cat")
        # The checkout's tuimux, whatever is installed (or not) on PATH.
        checkout = str(Path(__file__).resolve().parents[1])
        env = {**tmux.env, "TERM": "xterm-256color", "PYTHONPATH": checkout}
        argvs = {
            "tuimux": [sys.executable, "-m", "tuimux", "-L", tmux.socket_name, "-t", SESSION],
            "tmux": [*tmux.argv, "attach", "-t", SESSION],
        }
        for round_ in range(rounds):  # alternate who goes first
            for name in ("tuimux", "tmux") if round_ % 2 == 0 else ("tmux", "tuimux"):
                client = _Client(name, argvs[name], env)
                try:
                    samples[name] += _measure(tmux, client, keys, rng)
                    _detach(client)
                finally:
                    client.program.close()
    finally:
        tmux.kill()
    ms = {name: [value * 1000 for value in values] for name, values in samples.items()}
    for name, values in ms.items():
        print(
            f"   {name}: n={len(values)} min {min(values):.2f} median "
            f"{statistics.median(values):.2f} p99 {_percentile(values, 0.99):.2f} "
            f"max {max(values):.2f} ms",
            flush=True,
        )
    median = {name: statistics.median(values) for name, values in ms.items()}
    p99 = {name: _percentile(values, 0.99) for name, values in ms.items()}
    return [
        Result(
            "latency",
            "echo median",
            median["tuimux"],
            "ms",
            baseline=median["tmux"],
            baseline_label="tmux client",
            goal="≤ 1.5",  # a ratio to tmux's own client
            met=median["tuimux"] <= 1.5 * median["tmux"],
        ),
        Result(
            "latency",
            "echo p99",
            p99["tuimux"],
            "ms",
            baseline=p99["tmux"],
            baseline_label="tmux client",
            goal="< 16 ms",
            met=p99["tuimux"] < 16,
        ),
    ]
