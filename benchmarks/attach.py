"""4. Attach: time from start to the first complete frame, for a session of 20 windows x
4 panes with 5,000 lines of history each (goal < 0.5 s, local).

"Complete" means every pane of the window in view shows exactly what ``capture-pane``
shows. tuimux runs in this process with Textual's headless driver; tmux's own client,
attached in a pty until the last pane's last line appears, is printed for comparison.
"""

from __future__ import annotations

import asyncio
import time

from benchmarks.common import Result, server
from benchmarks.terminal import PtyProgram
from tests.conftest import TmuxServer

WINDOWS, PANES, HISTORY = 20, 4, 5000


def build_session(tmux: TmuxServer, windows: int, history: int) -> None:
    """Every pane prints ``history`` numbered lines, then a line naming itself."""
    fill = f"seq -f 'history line %g' {history}; echo \"end of $TMUX_PANE\"; exec sleep 100000"
    limit = str(history + 1000)  # tmux keeps 2000 lines unless told
    tmux.run(
        "set-option",
        "-g",
        "history-limit",
        limit,
        ";",
        "new-session",
        "-d",
        "-s",
        "big",
        "-x",
        "160",
        "-y",
        "47",
        fill,
    )
    for window in range(windows):
        if window:
            tmux.run("new-window", "-d", "-t", f"big:{window}", fill)
        for _ in range(PANES - 1):
            tmux.run("split-window", "-d", "-t", f"big:{window}", fill)
        tmux.run("select-layout", "-t", f"big:{window}", "tiled")
    tmux.wait_for(lambda: _all_filled(tmux, windows * PANES), timeout=120)


def _all_filled(tmux: TmuxServer, count: int) -> bool:
    sizes = tmux.run("list-panes", "-s", "-t", "big", "-F", "#{history_size}").split()
    return len(sizes) == count and all(int(size) >= HISTORY - 60 for size in sizes)


def expected_screens(tmux: TmuxServer) -> dict[str, list[str]]:
    panes = tmux.run("list-panes", "-t", "big:0", "-F", "#{pane_id}").split()
    return {pane: [line.rstrip() for line in tmux.capture(pane).split("\n")][:-1] for pane in panes}


async def timed_tuimux(tmux: TmuxServer, expected: dict[str, list[str]]) -> float:
    from tuimux.connect import Target, connect_local
    from tuimux.ui.app import TuimuxApp

    started = time.monotonic()
    target = Target(socket_name=tmux.socket_name, session="big", env=tmux.env)
    app = TuimuxApp(await connect_local(target, 160, 47))
    async with app.run_test(size=(160, 48)):
        deadline = started + 30
        while _shown(app) != expected:
            if time.monotonic() > deadline:
                raise RuntimeError("tuimux never drew the window as tmux has it")
            await asyncio.sleep(0.002)
        return time.monotonic() - started


def _shown(app: object) -> dict[str, list[str]]:
    from tuimux.ui.app import TuimuxApp

    assert isinstance(app, TuimuxApp)
    return {
        pane: [view.render_line(y).text.rstrip() for y in range(view.terminal.screen.lines)]
        for pane, view in app.window_view.panes.items()
    }


def timed_tmux_client(tmux: TmuxServer, last_line: str) -> float:
    env = {**tmux.env, "TERM": "xterm-256color"}
    started = time.monotonic()
    client = PtyProgram([*tmux.argv, "attach", "-t", "big"], columns=160, lines=48, env=env)
    try:
        shown = client.wait_for(last_line.encode(), 0, 30)
        if shown is None:
            raise RuntimeError("tmux's client never drew the window")
        return shown - started
    finally:
        client.close()


def run(quick: bool) -> list[Result]:
    windows = 5 if quick else WINDOWS
    tmux = server("attach")
    try:
        build_session(tmux, windows, HISTORY)
        expected = expected_screens(tmux)
        last = sorted(expected)[-1]
        tuimux, own = [], []
        for _ in range(1 if quick else 3):
            tuimux.append(asyncio.run(timed_tuimux(tmux, expected)))
            own.append(timed_tmux_client(tmux, f"end of {last}"))
    finally:
        tmux.kill()
    label = f"{windows}x{PANES} panes, {HISTORY} lines each"
    return [
        Result(
            "attach",
            f"tuimux to first complete frame, {label} (best of {len(tuimux)})",
            min(tuimux),
            "s",
            min(own),
            "tmux client",
            "< 0.5 s",
            min(tuimux) < 0.5,
        )
    ]
