"""Floods: a pane that prints faster than frames can show is paused in tmux, shown from
captures, and continued atomically once quiet — ending equal to tmux, never left paused."""

from __future__ import annotations

import asyncio
import random
import re
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually, open_client
from tests.ui.test_app import make_app, shown_lines, tmux_lines
from tuimux.control import events as ev
from tuimux.terminal.mirror import FRAME_BYTES, FRAME_LINES, over_frame
from tuimux.terminal.pane import PaneTerminal, output_quiet
from tuimux.terminal.rate import OutputRate


def coloured_file(path: Path, size: int) -> Path:
    rng = random.Random(7)
    words = ["alpha", "beta", "gamma", "delta", "é", "中文", "\t", "x" * 30]
    lines, total, number = [], 0, 0
    while total < size:
        parts = [f"\x1b[{rng.randint(31, 37)}m{rng.choice(words)}\x1b[0m" for _ in range(8)]
        line = f"{number:08d} " + " ".join(parts) + "\n"
        lines.append(line)
        total += len(line.encode())
        number += 1
    path.write_text("".join(lines), encoding="utf-8")
    return path


async def test_flood_pauses_then_ends_equal_and_output_flows_again(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    big = coloured_file(tmp_path / "big.txt", 8_000_000)
    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server)
    sent: list[str] = []
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        app.client.on_send = sent.append
        pane_id = tmux_server.display("s:", "#{pane_id}")
        terminal = app.mirror.terminals[pane_id] if app.mirror else None
        assert terminal is not None
        flooded: list[bool] = []
        await pilot.press(*f"cat {big}; echo flood-done-$((40+2))", "enter")
        await eventually(lambda: flooded.append(terminal.flooding) or terminal.flooding)
        await eventually(lambda: "flood-done-42" in tmux_server.capture(pane_id), timeout=60)
        await eventually(
            lambda: (
                not terminal.flooding
                and shown_lines(app, pane_id) == tmux_lines(tmux_server, pane_id)
            ),
            timeout=20,
            detail=lambda: (shown_lines(app, pane_id), tmux_lines(tmux_server, pane_id)),
        )
        assert any(f"{pane_id}:pause" in line for line in sent)
        assert any(f"{pane_id}:continue" in line for line in sent)
        # Not left paused: live output reaches the emulator again.
        await pilot.press(*"echo live-$((6*7))", "enter")
        await eventually(lambda: any("live-42" in line for line in shown_lines(app, pane_id)))
        assert not terminal.flooding


async def test_pause_from_tmux_is_ridden_out_the_same_way(tmux_server: TmuxServer) -> None:
    """A %pause tmux sends on its own (pause-after: the link fell behind) ends in a
    resync and a continue, like a flood tuimux noticed itself."""
    tmux_server.new_session("s", width=80, height=24)
    app = await make_app(tmux_server)
    async with app.run_test(size=(80, 25)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        assert app.mirror is not None
        pane_id = tmux_server.display("s:", "#{pane_id}")
        terminal = app.mirror.terminals[pane_id]
        # Pause it the way tmux would; tuimux did not ask, so only %pause tells it.
        await app.client.command("refresh-client", "-A", f"{pane_id}:pause")
        assert terminal.flooding
        tmux_server.run("send-keys", "-t", pane_id, "echo while-paused-$((1+1))", "Enter")
        await eventually(lambda: any("while-paused-2" in x for x in shown_lines(app, pane_id)))
        await eventually(lambda: not terminal.flooding)
        await pilot.press(*"echo resumed-$((2+2))", "enter")
        await eventually(lambda: any("resumed-4" in line for line in shown_lines(app, pane_id)))
        await eventually(lambda: shown_lines(app, pane_id) == tmux_lines(tmux_server, pane_id))


FLOODER = """
import sys, threading, time
def flood():
    line = "\\x1b[33mflood\\x1b[0m " * 12 + "\\n"
    while True:
        sys.stdout.write(line * 200)
        sys.stdout.flush()
threading.Thread(target=flood, daemon=True).start()
got = sys.stdin.readline()
open(sys.argv[1], "w").write(got)
time.sleep(1000)
"""


async def test_keys_reach_a_flooding_pane_promptly(tmux_server: TmuxServer, tmp_path: Path) -> None:
    import sys

    program = tmp_path / "flooder.py"
    program.write_text(FLOODER)
    received = tmp_path / "received"
    tmux_server.new_session(
        "s", width=80, height=24, command=f"exec {sys.executable} {program} {received}"
    )
    app = await make_app(tmux_server)
    async with app.run_test(size=(80, 25)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        assert app.mirror is not None
        terminal = next(iter(app.mirror.terminals.values()))
        await eventually(lambda: terminal.flooding)
        await pilot.press(*"ping", "enter")
        await eventually(received.exists, timeout=5)
        assert received.read_text() == "ping\n"
        # Still flooding: the keys did not wait for it to end. (Eventually: a pane that
        # looks the same on every read is let go now and then, held again at once.)
        await eventually(lambda: terminal.flooding)


async def test_hidden_flooding_pane_is_read_only_once_shown(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    big = coloured_file(tmp_path / "big.txt", 4_000_000)
    tmux_server.new_session("s", width=80, height=24)
    tmux_server.run("new-window", "-d", "-t", "s:1")
    hidden = tmux_server.display("s:1", "#{pane_id}")
    app = await make_app(tmux_server)
    sent: list[str] = []
    async with app.run_test(size=(80, 25)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        assert app.mirror is not None
        terminal = app.mirror.terminals[hidden]
        app.client.on_send = sent.append
        tmux_server.run("send-keys", "-t", hidden, f"cat {big}; echo hidden-done", "Enter")
        await eventually(lambda: terminal.flooding)
        await eventually(lambda: "hidden-done" in tmux_server.capture(hidden), timeout=60)
        await pilot.pause(0.5)
        assert terminal.flooding  # nobody looked, so it was never read back
        assert not any("capture-pane" in line and hidden in line for line in sent)
        await pilot.press("ctrl+b", "1")
        await eventually(lambda: not terminal.flooding)
        await eventually(lambda: shown_lines(app, hidden) == tmux_lines(tmux_server, hidden))
        await pilot.press(*"echo shown-$((3*3))", "enter")
        await eventually(lambda: any("shown-9" in line for line in shown_lines(app, hidden)))


async def test_a_flood_that_looks_the_same_stays_paused(tmux_server: TmuxServer) -> None:
    """``yes`` shows the same screen on every read while it prints at full speed: it
    stays paused until tmux says its window is quiet, rather than being continued after
    each read (which let half of its output through to tuimux and doubled its time)."""
    tmux_server.new_session("s", width=80, height=24)
    app = await make_app(tmux_server)
    async with app.run_test(size=(80, 25)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        assert app.mirror is not None
        pane_id = tmux_server.display("s:", "#{pane_id}")
        terminal = app.mirror.terminals[pane_id]
        received, peak = [0], [0, 0]

        def count(event: ev.Notification) -> None:
            # After tuimux's own handler: a frame's worth is dropped as it arrives, not
            # held (and sent more) until the next frame looks.
            if isinstance(event, ev.Output) and event.pane_id == pane_id:
                received[0] += len(event.escaped)
                peak[:] = max(peak[0], terminal.backlog), max(peak[1], terminal.backlog_lines)

        app.client.subscribe(count)
        size = 6_000_000  # "y\r\n" reaches tuimux as "y\015\012": three times as long
        await pilot.press(*f"yes | head -c {size}; echo yes-done-$((40+2))", "enter")
        await eventually(lambda: terminal.flooding)
        await eventually(lambda: "yes-done-42" in tmux_server.capture(pane_id), timeout=60)
        await eventually(
            lambda: (
                not terminal.flooding
                and shown_lines(app, pane_id) == tmux_lines(tmux_server, pane_id)
            ),
            timeout=20,
            detail=lambda: (shown_lines(app, pane_id), tmux_lines(tmux_server, pane_id)),
        )
        assert received[0] < size * 3 // 10, f"{received[0]} bytes of {size * 3} came through"
        assert peak[0] <= FRAME_BYTES and peak[1] <= FRAME_LINES, peak
        await pilot.press(*"echo live-$((6*7))", "enter")
        await eventually(lambda: any("live-42" in line for line in shown_lines(app, pane_id)))


def test_short_lines_count_as_a_frames_work() -> None:
    """A thousand line feeds cost the emulator a scroll each: 9 KB of ``yes`` is more
    than a frame, though 64 KiB of long lines is not."""
    terminal = PaneTerminal("%0", 80, 24)
    terminal.receive(b"y\\015\\012" * FRAME_LINES)
    assert not over_frame(terminal)
    terminal.receive(b"y\\015\\012")
    assert over_frame(terminal)
    terminal.drop_pending()
    terminal.receive(b"x" * 79 + b"\\015\\012")
    assert not over_frame(terminal)


def test_output_quiet_reads_tmux_activity_and_clock() -> None:
    assert output_quiet(["1796648802", "1796648803"]) is True
    assert output_quiet(["1796648803", "1796648803"]) is False
    assert output_quiet(["1796648803"]) is None  # a server that did not say
    assert output_quiet(["%s", "1796648803"]) is None
    assert output_quiet(["1796648803", "%s"]) is None  # no strftime: unknown, not quiet


async def test_an_unchanged_snapshot_repaints_nothing(tmux_server: TmuxServer) -> None:
    """A paused pane is read ten times a second; when its screen is what the last read
    left, nothing is replaced (a paused ``yes`` was re-rendered every time)."""
    tmux_server.new_session("s", width=80, height=24, command="printf 'still\\n'; exec cat")
    client = await open_client(tmux_server)
    try:
        pane_id = tmux_server.display("s:", "#{pane_id}")
        terminal = PaneTerminal(pane_id, 80, 24)
        await eventually(lambda: "still" in tmux_server.capture(pane_id))
        assert await terminal.resync(client)
        assert terminal.snapshot_changed
        assert await terminal.resync(client)
        assert not terminal.snapshot_changed
        terminal.receive(b"x")  # fed since: the screen is no longer the snapshot's
        assert terminal.feed_pending()
        assert await terminal.resync(client)
        assert terminal.snapshot_changed
        assert terminal.screen.display[0].startswith("still")
        tmux_server.run("send-keys", "-t", pane_id, "moved")
        await eventually(lambda: "moved" in tmux_server.capture(pane_id))
        assert await terminal.resync(client)
        assert terminal.snapshot_changed
    finally:
        await client.close()


# Waits for its go file, then prints a batch of short lines (10 unless told, padded as
# told) every 10 ms (a thousand a second: no frame holds more than a few dozen) until its
# stop file appears.
STREAM = """
import os, sys, time
go, stop = sys.argv[1], sys.argv[2]
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 10
padding = "x" * int(sys.argv[4]) if len(sys.argv) > 4 else ""
while not os.path.exists(go):
    time.sleep(0.01)
number = 0
while not os.path.exists(stop):
    lines = [f"line {number + i} {padding}\\x1b[32mok\\x1b[0m\\n" for i in range(batch)]
    sys.stdout.write("".join(lines))
    sys.stdout.flush()
    number += batch
    time.sleep(0.01)
sys.stdout.write("stream-done\\n")
sys.stdout.flush()
time.sleep(1000)
"""


def printed(server: TmuxServer, pane_id: str) -> int:
    """The number of the last line the stream shows in tmux."""
    numbers = re.findall(r"^line (\d+) ", server.capture(pane_id), re.MULTILINE)
    return max(map(int, numbers), default=0)


async def test_steady_output_under_a_frames_worth_floods_too(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """A log printing a few lines in every frame never has a frame's worth waiting, but
    had its whole pane repainted every frame (30-40% of a core, and so slowed the
    producer and tmux on a small machine). After a fraction of a second of it, it is
    paused and shown from tmux's screen like any flood, and ends equal to tmux."""
    import sys

    program = tmp_path / "stream.py"
    program.write_text(STREAM)
    go, stop = tmp_path / "go", tmp_path / "stop"
    command = f"exec {sys.executable} {program} {go} {stop}"
    tmux_server.new_session("s", width=80, height=24, command=command)
    app = await make_app(tmux_server)
    async with app.run_test(size=(80, 25)):
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        assert app.mirror is not None
        pane_id = tmux_server.display("s:", "#{pane_id}")
        terminal = app.mirror.terminals[pane_id]
        peak = [0, 0]

        def count(event: ev.Notification) -> None:
            if isinstance(event, ev.Output) and event.pane_id == pane_id:
                peak[:] = max(peak[0], terminal.backlog), max(peak[1], terminal.backlog_lines)

        app.client.subscribe(count)
        go.touch()
        await eventually(lambda: printed(tmux_server, pane_id) > 0)
        await eventually(lambda: terminal.flooding, timeout=5, detail=lambda: terminal.fed)
        # Not a frame's worth at once: the rate over the last second did it.
        assert peak[0] <= FRAME_BYTES and peak[1] <= FRAME_LINES, peak
        fed = terminal.fed
        at = printed(tmux_server, pane_id)
        await eventually(lambda: printed(tmux_server, pane_id) > at + 2000)
        assert terminal.fed - fed < 20_000, "a paused stream's output is not fed"
        stop.touch()
        await eventually(lambda: "stream-done" in tmux_server.capture(pane_id))
        await eventually(
            lambda: (
                not terminal.flooding
                and shown_lines(app, pane_id) == tmux_lines(tmux_server, pane_id)
            ),
            timeout=20,
            detail=lambda: (shown_lines(app, pane_id), tmux_lines(tmux_server, pane_id)),
        )


@pytest.mark.parametrize(
    ("batch", "padding"),
    [(60, 0), (2, 4000)],
    ids=["6000 lines a second", "800 KB a second"],
)
async def test_a_hidden_steady_stream_floods_on_what_it_feeds(
    tmux_server: TmuxServer, tmp_path: Path, batch: int, padding: int
) -> None:
    """A pane nobody sees repaints nothing, but feeding it thousands of lines or most of
    a megabyte a second (under a frame's worth each frame) still costs the emulator: it
    is paused, and read only once shown."""
    import sys

    program = tmp_path / "stream.py"
    program.write_text(STREAM)
    go, stop = tmp_path / "go", tmp_path / "stop"
    tmux_server.new_session("s", width=80, height=24)
    command = f"exec {sys.executable} {program} {go} {stop} {batch} {padding}"
    tmux_server.run("new-window", "-d", "-t", "s:1", command)
    hidden = tmux_server.display("s:1", "#{pane_id}")
    app = await make_app(tmux_server)
    async with app.run_test(size=(80, 25)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        assert app.mirror is not None
        terminal = app.mirror.terminals[hidden]
        peak = [0, 0]

        def count(event: ev.Notification) -> None:
            if isinstance(event, ev.Output) and event.pane_id == hidden:
                peak[:] = max(peak[0], terminal.backlog), max(peak[1], terminal.backlog_lines)

        app.client.subscribe(count)
        go.touch()
        await eventually(lambda: terminal.flooding, timeout=5, detail=lambda: terminal.fed)
        assert peak[0] <= FRAME_BYTES and peak[1] <= FRAME_LINES, peak
        stop.touch()
        await eventually(lambda: "stream-done" in tmux_server.capture(hidden))
        await pilot.press("ctrl+b", "1")
        await eventually(
            lambda: (
                not terminal.flooding
                and shown_lines(app, hidden) == tmux_lines(tmux_server, hidden)
            ),
            timeout=20,
        )


# Raw mode; for every key read, redraws the whole screen three times 20 ms apart (an
# editor scrolling smoothly while a key is held).
REDRAW = """
import os, time, tty
tty.setraw(0)
count = 0
while True:
    count += len(os.read(0, 64))
    for step in range(3):
        time.sleep(0.02 if step else 0)
        rows = "".join(f"key {count} step {step} row {row}\\r\\n" for row in range(23))
        os.write(1, ("\\x1b[H" + rows + f"key {count} last {step}").encode())
"""


async def test_output_that_answers_keys_is_never_held_back(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """A full-screen program that redraws after every key of a held key repaints the pane
    as often as a steady log, but it answers the user: it is fed at once, never paused."""
    import sys

    program = tmp_path / "redraw.py"
    program.write_text(REDRAW)
    tmux_server.new_session("s", width=80, height=24, command=f"exec {sys.executable} {program}")
    app = await make_app(tmux_server)
    async with app.run_test(size=(80, 25)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        assert app.mirror is not None
        pane_id = tmux_server.display("s:", "#{pane_id}")
        terminal = app.mirror.terminals[pane_id]
        sent: list[str] = []
        app.client.on_send = sent.append
        loop = asyncio.get_running_loop()
        started, presses = loop.time(), 0
        while loop.time() - started < 2:  # a key repeating (as fast as the pilot types)
            await pilot.press("j")
            presses += 1
            assert not terminal.flooding
        expected = f"key {presses} last 2"
        await eventually(lambda: any(expected in line for line in shown_lines(app, pane_id)))
        assert not any(f"{pane_id}:pause" in line for line in sent)
        assert shown_lines(app, pane_id) == tmux_lines(tmux_server, pane_id)


# A progress bar redrawn in place 50 times a second for two seconds.
PROGRESS = """
import os, sys, time
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
for percent in range(100):
    sys.stdout.write(f"\\rcopying [{'#' * (percent // 2):50}] {percent}%")
    sys.stdout.flush()
    time.sleep(0.02)
sys.stdout.write("\\nbar-done\\n")
sys.stdout.flush()
time.sleep(1000)
"""


async def test_a_progress_bar_stays_live(tmux_server: TmuxServer, tmp_path: Path) -> None:
    """Output in nearly every frame that repaints one row costs little: it is fed as it
    comes (the rate counts the rows repainted, not the frames with output)."""
    import sys

    program = tmp_path / "progress.py"
    program.write_text(PROGRESS)
    go = tmp_path / "go"
    command = f"exec {sys.executable} {program} {go}"
    tmux_server.new_session("s", width=80, height=24, command=command)
    app = await make_app(tmux_server)
    async with app.run_test(size=(80, 25)):
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        assert app.mirror is not None
        pane_id = tmux_server.display("s:", "#{pane_id}")
        terminal = app.mirror.terminals[pane_id]
        sent: list[str] = []
        app.client.on_send = sent.append
        flooded: list[bool] = []
        go.touch()
        await eventually(
            lambda: flooded.append(terminal.flooding) or "bar-done" in tmux_server.capture(pane_id)
        )
        assert not any(flooded)
        assert not any(f"{pane_id}:pause" in line for line in sent)
        assert terminal.fed > 100 * 40, "the steps of the bar were fed"
        await eventually(lambda: shown_lines(app, pane_id) == tmux_lines(tmux_server, pane_id))


def test_output_rate_counts_the_last_second_only() -> None:
    rate = OutputRate()
    rate.add(10.0, 1920, 300, 12)
    rate.add(10.5, 80, 20, 0)
    assert (rate.cells, rate.bytes, rate.lines) == (2000, 320, 12)
    rate.forget(11.0)  # the first frame is a second old: gone
    assert (rate.cells, rate.bytes, rate.lines) == (80, 20, 0)
    rate.clear()
    assert (rate.cells, rate.bytes, rate.lines) == (0, 0, 0)
