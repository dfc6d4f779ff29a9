"""Benchmark 2: MB/s of the pane emulator against stock pyte, fed the same 80x24 streams.

Three streams, all recorded or generated in this run: plain text, real coloured ``ls -l``
and what vim really writes for full redraws (recorded from a tmux pane with
``pipe-pane``). Both emulators get the same bytes in the same 4 KiB chunks (tmux sends a
pane's output in pieces, never all at once) and are timed in CPU seconds, best of N.
"""

from __future__ import annotations

import gc
import itertools
import os
import random
import shlex
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyte

import tuimux.terminal.stream
from benchmarks.common import Result, server
from tuimux.terminal.screen import PaneScreen
from tuimux.terminal.stream import PaneStream

COLUMNS, LINES = 80, 24
CHUNK = 4096
WORDS = ("the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "tmux")
LS_DIRECTORIES = ("/usr/bin", "/usr/lib", "/usr/share", "/etc")
# Each vim key is sent alone, so vim has no typeahead and redraws after every one.
VIM_KEYS = (*itertools.chain.from_iterable(("C-f", "C-l") for _ in range(16)), "g", "g")
RECORD_TIMEOUT = 120.0

Feed = Callable[[bytes], None]


def plain_text(size: int) -> bytes:
    """ASCII lines of 0-160 characters (a third of them wrap at 80), ending CR LF as a tty
    with ``onlcr`` sends them; seeded, so every run feeds the same text."""
    rng = random.Random(2)
    lines: list[str] = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 30)))[:160]
        lines.append(line)
        total += len(line) + 2
    return "\r\n".join(lines).encode("ascii")


def repeated(sample: bytes, size: int) -> bytes:
    if not sample:
        raise RuntimeError("the sample to repeat is empty")
    return sample * -(-size // len(sample))


def coloured_ls(size: int) -> bytes:
    """``ls --color=always -l`` of a few big system directories, repeated to ``size``."""
    # No LS_COLORS: ls uses its built-in colours, and only for a TERM it knows.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
    env["TERM"] = "xterm-256color"
    directories = [d for d in LS_DIRECTORIES if os.path.isdir(d)]
    listing = subprocess.run(
        ["ls", "--color=always", "-l", *directories], capture_output=True, env=env, check=False
    ).stdout
    if b"\x1b[" not in listing:
        raise RuntimeError(f"ls wrote no colours: {listing[:200]!r}")
    return repeated(listing.replace(b"\n", b"\r\n"), size)  # the tty's onlcr


def vim_redraw(size: int) -> bytes:
    """What vim writes to an 80x24 pane for full redraws (``C-l``) while paging a file."""
    source = Path(tuimux.terminal.stream.__file__)
    vim = f"env TERM=xterm-256color vim -u NONE -N -n -i NONE -c 'syntax on' {source}"
    tmux = server("emulation")
    with tempfile.TemporaryDirectory() as folder:
        recording = Path(folder) / "vim.out"
        try:
            tmux.new_session("vim", COLUMNS, LINES, vim)
            first_line = source.read_text().splitlines()[0][:20]
            tmux.wait_for(lambda: first_line in tmux.capture("vim"), timeout=20)
            tmux.run("pipe-pane", "-o", "-t", "vim", f"cat >> {shlex.quote(str(recording))}")
            _press_until(tmux.run, recording, size)
            tmux.run("pipe-pane", "-t", "vim")  # no command: close the pipe
        finally:
            tmux.kill()
        return recording.read_bytes()


def _press_until(tmux: Callable[..., str], recording: Path, size: int) -> None:
    deadline = time.monotonic() + RECORD_TIMEOUT
    for key in itertools.cycle(VIM_KEYS):
        if recording.exists() and recording.stat().st_size >= size:
            return
        if time.monotonic() > deadline:
            got = recording.stat().st_size if recording.exists() else 0
            raise RuntimeError(f"vim wrote only {got} bytes in {RECORD_TIMEOUT:.0f} s")
        tmux("send-keys", "-t", "vim", key)
        time.sleep(0.005)  # let vim redraw before the next key arrives


def tuimux_feed() -> Feed:
    return PaneStream(PaneScreen(COLUMNS, LINES)).feed


def pyte_feed() -> Feed:
    stream = pyte.ByteStream(pyte.Screen(COLUMNS, LINES))
    feed: Feed = stream.feed
    return feed


def cpu_seconds_to_feed(new_feed: Callable[[], Feed], chunks: list[bytes]) -> float:
    """CPU time to feed every chunk into a fresh screen (garbage of earlier rounds
    collected first, so no round pays for another's)."""
    feed = new_feed()
    gc.collect()
    started = time.process_time()
    for chunk in chunks:
        feed(chunk)
    return time.process_time() - started


def megabytes_per_second(data: bytes, rounds: int) -> tuple[float, float]:
    """(tuimux, stock pyte) MB/s, best of ``rounds``; the two alternate, so a noisy
    moment on the machine hits both rather than one."""
    chunks = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)]
    ours: list[float] = []
    stock: list[float] = []
    for _ in range(rounds):
        ours.append(cpu_seconds_to_feed(tuimux_feed, chunks))
        stock.append(cpu_seconds_to_feed(pyte_feed, chunks))
    megabytes = len(data) / 1e6
    return megabytes / min(ours), megabytes / min(stock)


def run(quick: bool) -> list[Result]:
    size = 200_000 if quick else 1_000_000
    rounds = 1 if quick else 3
    streams: dict[str, Callable[[int], bytes]] = {
        "plain text": plain_text,
        "coloured ls -l": coloured_ls,
        "vim full redraw": vim_redraw,
    }
    results = []
    for name, make in streams.items():
        data = make(size)
        ours, stock = megabytes_per_second(data, rounds)
        plain = name == "plain text"
        results.append(
            Result(
                benchmark="emulation",
                measure=f"{name} ({len(data) / 1e6:.2f} MB)",
                value=ours,
                unit="MB/s",
                baseline=stock,
                baseline_label="stock pyte",
                goal="≥ 5" if plain else "",  # a ratio to stock pyte
                met=ours >= 5 * stock if plain else None,
            )
        )
    return results
