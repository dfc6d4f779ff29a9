"""What a program in a pane can make big stays small in tuimux.

A pane can run ``tmux resize-window -x 10000 -y 10000`` (tmux's WINDOW_MAXIMUM) against
the server it runs in. tuimux once drew borders on a grid of every cell of that window:
80 s of CPU and 7.7 GB for one split. Now nothing is allocated for the part of a window
the terminal does not show, and the app keeps answering keys meanwhile.
"""

from __future__ import annotations

import resource
import shlex
import time

from tests.conftest import TMUX, TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app
from tuimux.terminal.screen import MAX_COLUMNS, MAX_LINES


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def test_a_10000x10000_window_costs_only_what_the_terminal_shows(
    tmux_server: TmuxServer,
) -> None:
    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: app.mirror is not None and len(app.window_view.panes) == 1)
        rss_before, peak_before = rss_mb(), peak_mb()
        started = time.monotonic()
        # The attack, typed into the pane as a user would run it.
        # The tmux under test by its path: the pane's login shell resets PATH.
        tmux = shlex.quote(TMUX)
        attack = f"{tmux} resize-window -x 10000 -y 10000; {tmux} split-window -h"
        await pilot.press(*attack, "enter")
        assert app.mirror is not None
        model = app.mirror.model

        def huge_split() -> bool:
            window = model.current
            return (
                window is not None
                and window.layout is not None
                and window.layout.width == 10000
                and len(app.window_view.panes) == 2
            )

        await eventually(huge_split, timeout=20, detail=lambda: model.current)
        print(f"split shown after {time.monotonic() - started:.2f} s")
        # The new pane's shell prompt arrives and a key still reaches the pane at once.
        new_pane = model.current.active_pane if model.current else None
        assert new_pane is not None
        # DECALN fills every cell of the screen with "E": per cell, so capped too.
        await pilot.press(*"printf '\\033#8'; echo still-$((6*7))", "enter")
        tmux_server.wait_for(lambda: "still-42" in tmux_server.capture(new_pane), timeout=10)
        elapsed = time.monotonic() - started
        await pilot.pause()
        grown, peak_grown = rss_mb() - rss_before, peak_mb() - peak_before
        print(f"10000x10000 split: {elapsed:.2f} s, RSS +{grown:.0f} MB, peak +{peak_grown:.0f} MB")
        borders = app.window_view.borders
        assert len(borders._rows) <= app.window_view.size.height
        assert all(row.cell_length <= app.window_view.size.width for row in borders._rows)
        for view in app.window_view.panes.values():
            assert view.size.width <= app.window_view.size.width
            assert view.terminal.size[0] <= MAX_COLUMNS
            assert view.terminal.size[1] <= MAX_LINES
        # Not timed (a loaded machine took 16 s for what takes 6 alone); what is bounded is
        # the memory: the window's 10^8 cells held would be gigabytes.
        assert peak_grown < 400, peak_grown
        assert peak_grown < 200, f"peak RSS grew {peak_grown:.0f} MB"
