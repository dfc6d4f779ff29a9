"""1. Flood: ``cat`` of a 30 MB file with ANSI colours in a pane.

Measured: the time from starting the ``cat`` until tuimux's pane shows tmux's final
screen, divided by the time the same ``cat`` takes with no client attached (goal ≤ 1.10);
and the same ratio for tmux's own client attached in a pty, for comparison.

tuimux runs in this process with Textual's headless driver (everything but the final
write to a terminal), so its rendered lines can be compared with ``capture-pane``.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path

from benchmarks.common import Result, server
from benchmarks.terminal import PtyProgram
from tests.conftest import TmuxServer

MARKER = "FLOOD-END"


def coloured_file(path: Path, size: int) -> Path:
    """Lines of words in the eight ANSI colours, like a coloured log."""
    rng = random.Random(1)
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota"]
    lines, total, number = [], 0, 0
    while total < size:
        parts = [f"\x1b[{rng.randint(31, 37)}m{rng.choice(words)}\x1b[0m" for _ in range(8)]
        line = f"{number:08d} " + " ".join(parts) + "\n"
        lines.append(line)
        total += len(line)
        number += 1
    path.write_text("".join(lines), encoding="ascii")
    return path


def flood_command(tmux: TmuxServer, path: Path) -> list[str]:
    """Respawn the pane into the flood: cat, a marker, then a signal and a still screen."""
    shell = (
        f"cat {path}; printf '\\n{MARKER}'; "
        f"tmux -L {tmux.socket_name} wait-for -S flood-done; exec sleep 100000"
    )
    return [*tmux.argv, "respawn-pane", "-k", "-t", "flood:", shell]


def timed_without_client(tmux: TmuxServer, path: Path) -> float:
    import subprocess

    started = time.monotonic()
    subprocess.run(flood_command(tmux, path), env=tmux.env, check=True)
    subprocess.run([*tmux.argv, "wait-for", "flood-done"], env=tmux.env, check=True)
    elapsed = time.monotonic() - started
    if MARKER not in tmux.capture("flood:"):  # a stale signal would end the wait early
        raise RuntimeError("the flood had not ended when its signal came")
    return elapsed


def timed_with_tmux_client(tmux: TmuxServer, path: Path) -> float:
    import subprocess

    env = {**tmux.env, "TERM": "xterm-256color"}
    client = PtyProgram([*tmux.argv, "attach", "-t", "flood"], columns=80, lines=25, env=env)
    try:
        if client.wait_for(b"[flood]", 0, 10) is None:
            raise RuntimeError("tmux's client did not attach")
        time.sleep(0.5)
        mark = client.mark()
        started = time.monotonic()
        subprocess.run(flood_command(tmux, path), env=tmux.env, check=True)
        shown = client.wait_for(MARKER.encode(), mark, 300)
        if shown is None:
            raise RuntimeError("tmux's client never showed the end of the flood")
        # Take the signal, or the next wait-for would return at once (tmux keeps it).
        subprocess.run([*tmux.argv, "wait-for", "flood-done"], env=tmux.env, check=True)
        return shown - started
    finally:
        client.close()


async def timed_with_tuimux(tmux: TmuxServer, path: Path) -> float:
    from tuimux.connect import Target, connect_local
    from tuimux.ui.app import TuimuxApp

    target = Target(socket_name=tmux.socket_name, session="flood", env=tmux.env)
    app = TuimuxApp(await connect_local(target, 80, 24))
    async with app.run_test(size=(80, 25)):
        while app.mirror is None or not app.window_view.panes:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.5)
        started = time.monotonic()
        await _run(flood_command(tmux, path), tmux.env)
        await _run([*tmux.argv, "wait-for", "flood-done"], tmux.env)
        final = await _run([*tmux.argv, "capture-pane", "-p", "-t", "flood:"], tmux.env)
        expected = [line.rstrip() for line in final.decode().split("\n")][:24]
        deadline = time.monotonic() + 60
        while _shown(app) != expected:
            if time.monotonic() > deadline:
                raise RuntimeError(f"tuimux never showed tmux's final screen: {_shown(app)}")
            await asyncio.sleep(0.005)
        return time.monotonic() - started


def _shown(app: object) -> list[str]:
    from tuimux.ui.app import TuimuxApp

    assert isinstance(app, TuimuxApp)
    view = next(iter(app.window_view.panes.values()))
    return [view.render_line(y).text.rstrip() for y in range(view.terminal.screen.lines)]


async def _run(argv: list[str], env: dict[str, str]) -> bytes:
    process = await asyncio.create_subprocess_exec(*argv, env=env, stdout=asyncio.subprocess.PIPE)
    out, _ = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"{argv[3:5]} failed")
    return out


def run(quick: bool) -> list[Result]:
    size = 5_000_000 if quick else 30_000_000
    tmux = server("flood")
    with tempfile.TemporaryDirectory(prefix="tuimux-flood-") as scratch:
        path = coloured_file(Path(scratch) / "flood.txt", size)
        try:
            tmux.new_session("flood", width=80, height=24, command="exec sleep 100000")
            timed_without_client(tmux, path)  # warm the page cache
            alone, tuimux, own = [], [], []
            for _ in range(1 if quick else 5):  # interleaved: noise hits all three alike
                alone.append(timed_without_client(tmux, path))
                tuimux.append(asyncio.run(timed_with_tuimux(tmux, path)))
                own.append(timed_with_tmux_client(tmux, path))
        finally:
            tmux.kill()
    baseline, best, best_own = min(alone), min(tuimux), min(own)
    mb = f"{size / 1e6:.0f} MB"
    return [
        Result(
            "flood",
            f"tuimux, cat {mb} to final screen (best of {len(tuimux)})",
            best,
            "s",
            baseline,
            "no client",
            "≤ 1.10",
            best / baseline <= 1.10,
        ),
        Result(
            "flood",
            f"tmux client, cat {mb} to final screen (best of {len(own)})",
            best_own,
            "s",
            baseline,
            "no client",
        ),
    ]
