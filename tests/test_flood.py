"""Floods: a pane that prints faster than frames can show is paused in tmux, shown from
captures, and continued atomically once quiet — ending equal to tmux, never left paused."""

from __future__ import annotations

import random
from pathlib import Path

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app, shown_lines, tmux_lines


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
        assert terminal.flooding  # still flooding: the keys did not wait for it to end


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
