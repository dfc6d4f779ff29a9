"""State a capture does not carry survives each way tuimux re-reads a pane.

A program sets a pen, the DEC line-drawing set and the shift to it, a DECSC slot, its own
tab stops, a scroll region and origin mode, then waits. tuimux is made to re-read the
pane (its terminal resized, a split beside it, a flood, a respawn that starts the
program), and the program goes on relying on that state: ``x`` and ``ESC [K`` in the
pen, ``qqq`` in line drawing, tabs, ``ESC 8``. tuimux's cells (text and attributes) and
cursor must then equal tmux's. After an attach only what tmux reports can be known
(tab stops, region, modes): the pen and character sets are not (docs/usage.md).
"""

from __future__ import annotations

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app
from tuimux.terminal.pane import PaneTerminal
from tuimux.terminal.screen import PaneScreen
from tuimux.ui.app import TuimuxApp

# Tab stops at columns 5 and 14 only; a DECSC slot at (9, 4) with a green-on-red pen,
# G1 set to line drawing; a scroll region with origin mode; then the pen bold yellow on
# blue (no reset: an underline the pane had before must stay, as in tmux), shifted to G1.
SETUP = (
    r"\033[2J\033[Hstart\033[3g\033[1;6H\033H\033[1;15H\033H"
    r"\033[5;10H\033[32;41m\033)0\0337"
    r"\033[3;9r\033[?6h\033[2;1H\033[1;33;44m\016"
)
# Relies on all of it: a line-drawing x in the pen and an erase that leaves blue,
# line drawing then G0 again, the tab stops, origin mode, and the DECSC slot. The E in
# the last column makes tmux 3.3a's capture show the erased cells before it (3.3a
# captures a row up to its last written cell only; 3.2a and 3.4+ to the erased ones).
AFTER = r"x\033[Kqqq\017qq\033[60GE\r\n\tA\tB\033[1;1HO\0338S"
# What an attach can know (tmux reports them): tab stops, the region and origin mode,
# insert mode.
ATTACH_SETUP = (
    r"\033[2J\033[Hstart\033[3g\033[1;6H\033H\033[1;15H\033H\033[3;9r\033[?6h\033[4h"
    r"\033[4 q"
)
ATTACH_AFTER = r"\033[2;1HINSERTED\033[2;1H>\tA\tB\033[1;1HO"


def program(setup: str, after: str, *, flood: bool = False) -> str:
    """Sets up, waits for a line, (floods and waits again,) goes on; input not echoed."""
    steps = ["stty -echo", f"printf '{setup}'", "read x"]
    if flood:
        # Back to the region's second row: AFTER's line feed must not scroll (lines a
        # scroll brings in take the background in tmux; another change brings that).
        # Rows filled whole: tmux 3.3a's capture leaves out blanks after a row's last
        # written cell (a scroll fills new rows with the pen's background).
        steps += [f"yes {'ABC' * 20} | head -n 30000", r"printf '\033[2;1H'", "read x"]
    steps += [f"printf '{after}'", "exec sleep 600"]
    return "; ".join(steps)


def cells(screen: PaneScreen) -> list[list[tuple[object, ...]]]:
    return [
        [tuple(screen.buffer[y][x]) for x in range(screen.columns)] for y in range(screen.lines)
    ]


def differences(server: TmuxServer, app: TuimuxApp, pane: str) -> list[str]:
    """Where tuimux's emulated pane (cells with attributes, cursor) differs from tmux's."""
    assert app.mirror is not None
    terminal = app.mirror.terminals.get(pane)
    if terminal is None:
        return ["no terminal for the pane"]
    screen = terminal.screen
    width, height, cx, cy = (
        int(v)
        for v in server.display(
            pane, "#{pane_width} #{pane_height} #{cursor_x} #{cursor_y}"
        ).split()
    )
    if terminal.size != (width, height):
        return [f"size {terminal.size} != tmux {width}x{height}"]
    # tmux 3.6+ captures a tab as one \t: it goes to the pane's own stops.
    tabs = server.display(pane, "#{pane_tabs}")
    reference = PaneScreen(width, height, screen.rules)
    stops = [int(stop) for stop in tabs.split(",")] if tabs else None
    reference.restore(server.capture_bytes(pane, "-e", "-N"), cx, cy, tab_stops=stops)
    problems = []
    for y, (got, want) in enumerate(zip(cells(screen), cells(reference), strict=True)):
        if got != want:
            x = next(i for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b)
            problems.append(f"cell {x},{y}: tuimux {got[x]} tmux {want[x]}")
    if (screen.cursor.x, screen.cursor.y) != (cx, cy):
        problems.append(f"cursor {(screen.cursor.x, screen.cursor.y)} != tmux {(cx, cy)}")
    return problems


def terminal_of(app: TuimuxApp, pane: str) -> PaneTerminal | None:
    return app.mirror.terminals.get(pane) if app.mirror is not None else None


def reread_since(app: TuimuxApp, pane: str, count: int) -> bool:
    """tuimux applied a snapshot of the pane after ``count`` and has none in flight."""
    terminal = terminal_of(app, pane)
    return terminal is not None and terminal.snapshots > count and terminal._idle.is_set()


async def respawn(server: TmuxServer, app: TuimuxApp, pane: str, command: str, shows: str) -> None:
    """Start ``command`` in the pane; return once tuimux re-read the pane for the new
    process (a respawn is noticed through the pane's pid, once a second) and equals
    tmux."""
    server.run("respawn-pane", "-k", "-t", pane, command)
    pid = server.display(pane, "#{pane_pid}")
    await eventually(lambda: shows in server.capture(pane))

    def reread() -> bool:
        terminal = terminal_of(app, pane)
        return terminal is not None and terminal.life.split(" ")[0] == pid

    await eventually(reread)
    await eventually(
        lambda: not differences(server, app, pane),
        detail=lambda: differences(server, app, pane),
    )


@pytest.mark.timeout(120)
@pytest.mark.parametrize("path", ["resize", "split", "flood", "respawn"])
async def test_state_survives_a_reread(tmux_server: TmuxServer, path: str) -> None:
    # The pane's first program leaves underline on and G1 as ASCII; SETUP's pen would
    # keep the underline (no SGR 0), but tmux starts a respawned process afresh.
    old = "printf 'before\\033[4m\\033)B'; exec sleep 600"
    tmux_server.new_session("s", width=60, height=14, command="exec sleep 600")
    pane = tmux_server.display("s:", "#{pane_id}")
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 15)) as pilot:
        await eventually(lambda: pane in app.window_view.panes)
        # Started once tuimux shows the pane, so all of it arrives as %output.
        command = program(SETUP, AFTER, flood=path == "flood")
        await respawn(tmux_server, app, pane, old, "before")
        if path != "respawn":
            await respawn(tmux_server, app, pane, command, "start")
        terminal = terminal_of(app, pane)
        assert terminal is not None
        count = terminal.snapshots
        if path == "resize":
            await pilot.resize_terminal(60, 12)
        elif path == "split":
            tmux_server.run("split-window", "-d", "-t", pane, "exec sleep 600")
        elif path == "respawn":
            # Re-read about a second later (the pane's pid changed), when its first
            # output, the whole SETUP, is long in tuimux's emulator.
            await respawn(tmux_server, app, pane, command, "start")
        if path == "flood":
            flooded: list[bool] = []
            tmux_server.run("send-keys", "-t", pane, "Enter")
            await eventually(lambda: flooded.append(terminal.flooding) or terminal.flooding)
            await eventually(lambda: not terminal.flooding, timeout=30)
        # tuimux re-read the pane since, and shows what tmux has so far.
        await eventually(lambda: reread_since(app, pane, count), timeout=15)
        await eventually(
            lambda: not differences(tmux_server, app, pane),
            detail=lambda: differences(tmux_server, app, pane),
        )
        tmux_server.run("send-keys", "-t", pane, "Enter")
        await eventually(lambda: "S" in tmux_server.capture(pane))
        await eventually(
            lambda: not differences(tmux_server, app, pane),
            detail=lambda: differences(tmux_server, app, pane),
        )
        # Read again, now that a row holds tabs to the pane's own stops: tmux 3.6+
        # captures each as one \t.
        count = terminal.snapshots
        await pilot.resize_terminal(60, 13)
        await eventually(lambda: reread_since(app, pane, count), timeout=15)
        await eventually(
            lambda: not differences(tmux_server, app, pane),
            detail=lambda: differences(tmux_server, app, pane),
        )


@pytest.mark.timeout(60)
async def test_attach_takes_what_tmux_reports(tmux_server: TmuxServer) -> None:
    """Tab stops (``pane_tabs``), the region, origin and insert mode set before tuimux
    attached are tmux's once the program goes on; so is the cursor's shape where the
    server reports it (``cursor_shape``, next-3.8)."""
    command = program(ATTACH_SETUP, ATTACH_AFTER)
    tmux_server.new_session("s", width=60, height=14, command=command)
    pane = tmux_server.display("s:", "#{pane_id}")
    tmux_server.wait_for(lambda: "start" in tmux_server.capture(pane))
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 15)):
        await eventually(lambda: pane in app.window_view.panes)
        await eventually(
            lambda: not differences(tmux_server, app, pane),
            detail=lambda: differences(tmux_server, app, pane),
        )
        if tmux_server.display(pane, "#{cursor_shape}"):
            terminal = terminal_of(app, pane)
            assert terminal is not None and terminal.screen.cursor_shape == 4  # steady _
        tmux_server.run("send-keys", "-t", pane, "Enter")
        await eventually(lambda: "O" in tmux_server.capture(pane))
        await eventually(
            lambda: not differences(tmux_server, app, pane),
            detail=lambda: differences(tmux_server, app, pane),
        )


@pytest.mark.timeout(60)
async def test_new_pane_keeps_the_state_of_its_first_output(tmux_server: TmuxServer) -> None:
    """A split's new pane prints before tuimux has read the layout it is in: that output
    is kept, and the pane's first snapshot takes the pen, character sets and DECSC slot
    from it."""
    tmux_server.new_session("s", width=60, height=30, command="exec sleep 600")
    first = tmux_server.display("s:", "#{pane_id}")
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 31)):
        await eventually(lambda: first in app.window_view.panes)
        pane = tmux_server.run(
            "split-window", "-P", "-F", "#{pane_id}", "-t", first, program(SETUP, AFTER)
        ).strip()
        await eventually(lambda: "start" in tmux_server.capture(pane))
        await eventually(
            lambda: pane in app.window_view.panes and not differences(tmux_server, app, pane),
            detail=lambda: differences(tmux_server, app, pane),
        )
        tmux_server.run("send-keys", "-t", pane, "Enter")
        await eventually(lambda: "S" in tmux_server.capture(pane))
        await eventually(
            lambda: not differences(tmux_server, app, pane),
            detail=lambda: differences(tmux_server, app, pane),
        )


@pytest.mark.timeout(60)
async def test_copy_mode_view_puts_tabs_at_the_panes_stops(tmux_server: TmuxServer) -> None:
    """tmux 3.6+ captures a tab as one ``\\t``: the copy-mode view, read from a capture,
    puts it at the pane's own stops, as the live screen does (tmux's own view)."""
    command = program(r"\033[3g\033[1;6H\033H\033[1;15H\033H\033[2;1H>\tA\tB", "")
    tmux_server.new_session("s", width=60, height=10, command=command)
    pane = tmux_server.display("s:", "#{pane_id}")
    tmux_server.wait_for(lambda: "B" in tmux_server.capture(pane))
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 11)):
        await eventually(lambda: pane in app.window_view.panes)
        await eventually(
            lambda: not differences(tmux_server, app, pane),
            detail=lambda: differences(tmux_server, app, pane),
        )
        terminal = terminal_of(app, pane)
        assert terminal is not None
        tmux_server.run("copy-mode", "-t", pane)
        await eventually(lambda: terminal.mode_screen is not None)

        def rows(screen: PaneScreen) -> list[str]:
            return [
                "".join(screen.buffer[y][x].data for x in range(screen.columns))
                for y in range(screen.lines)
            ]

        assert terminal.mode_screen is not None
        assert rows(terminal.mode_screen)[1] == rows(terminal.screen)[1]
        assert rows(terminal.screen)[1].startswith(">    A        B")
