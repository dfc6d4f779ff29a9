"""Side-by-side panes squeezed by ``resize-window`` to a few columns each equal tmux's
(the race saw ``#`` where tmux had ``a`` after ``-x 33``, seed 2565536318 run 28).

tmux reflows a pane on resize and tuimux re-reads it. Two resizes in a row ask for a
second read while the first is in flight; that second read once replaced the screen
without telling the view, which kept drawing rows from before until the pane printed.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app, shown_lines, tmux_lines

ROUNDS = 12


@pytest.mark.timeout(300)
async def test_narrow_side_by_side_panes_equal_tmux_after_resizes(
    tmux_server: TmuxServer,
) -> None:
    tmux_server.new_session("s", width=100, height=20)
    for _ in range(3):
        tmux_server.run("split-window", "-h", "-d", "-t", "s:")
    tmux_server.run("select-layout", "-t", "s:", "even-horizontal")
    app = await make_app(tmux_server)
    rng = random.Random(1)
    async with app.run_test(size=(100, 21)) as pilot:
        await eventually(lambda: len(app.window_view.panes) == 4)
        panes = tmux_server.run("list-panes", "-t", "s:", "-F", "#{pane_id}").split()
        for pane in panes:
            words = " ".join(rng.choice(["alpha", "beta", "gamma"]) for _ in range(8))
            tmux_server.run("send-keys", "-t", pane, f"echo {words}", "Enter")

        def differ() -> list[object]:
            out: list[object] = []
            for pane in panes:
                if pane not in app.window_view.panes:
                    return [f"{pane} not shown"]
                ours, theirs = shown_lines(app, pane), tmux_lines(tmux_server, pane)
                if ours != theirs:
                    out.append((pane, ours, theirs))
            return out

        await eventually(lambda: not differ(), detail=differ)
        for round_ in range(ROUNDS):
            first, second = rng.sample([33, 21, 60, 100, 45, 27], 2)
            # One tmux command line: both %layout-change arrive together, so the second
            # read is asked for while the first is in flight. Nothing prints afterwards.
            tmux_server.run(
                "resize-window", "-t", "s:", "-x", str(first), ";",
                "resize-window", "-t", "s:", "-x", str(second),
            )  # fmt: skip
            await pilot.pause()
            await eventually(lambda: not differ(), detail=lambda r=round_: (r, differ()))


@pytest.mark.timeout(120)
async def test_a_read_asked_for_while_one_is_in_flight_is_shown(tmux_server: TmuxServer) -> None:
    """The window is resized between tmux's answer to one read of the pane and tuimux's
    handling of it: the read the resize asks for runs after the first, and what it
    reads (the pane reflowed) must reach the screen with nothing printed after it."""
    tmux_server.new_session("s", width=60, height=12)
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 13)):
        await eventually(lambda: bool(app.window_view.panes))
        pane = tmux_server.display("s:", "#{pane_id}")
        tmux_server.run("send-keys", "-t", pane, "echo " + "alpha beta gamma " * 3, "Enter")

        def same() -> bool:
            return pane in app.window_view.panes and shown_lines(app, pane) == tmux_lines(
                tmux_server, pane
            )

        def detail() -> object:
            return (shown_lines(app, pane), tmux_lines(tmux_server, pane))

        await eventually(same, detail=detail)
        for width in [20, 35, 17, 50, 23, 60] * 2:
            mirror = app.mirror
            assert mirror is not None
            terminal = mirror.terminals[pane]
            reading = asyncio.ensure_future(mirror.resync(pane))
            await asyncio.sleep(0)  # one step of the task: its read is sent, not answered
            assert terminal._syncing
            # Blocks tuimux's loop: tmux answers the read first, then resizes.
            tmux_server.run("resize-window", "-t", "s:", "-x", str(width))
            await reading
            await eventually(same, detail=detail)
