"""The copy-mode selection, against what tmux's own client draws.

tmux sends control clients nothing of copy mode, and ``capture-pane`` has no selection
in it, so the oracle is a real tmux client: ``tmux attach`` running in a pane of an
outer tmux, whose ``capture-pane -e -N`` shows which cells tmux drew in its mode style
(yellow background). tuimux drives copy mode with the user's keys; after each step the
cells it draws selected must be exactly those.
"""

from __future__ import annotations

import operator
import re
import shlex
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.conftest import TmuxServer, clean_env
from tests.helpers import eventually
from tests.ui.test_app import make_app
from tuimux.terminal.screen import PaneScreen
from tuimux.terminal.selection import SELECTED_BG, Selection, mode_style
from tuimux.ui.app import TuimuxApp

WIDTH, HEIGHT = 40, 10
# tmux draws its position indicator ("[0/12]", from tmux 3.4 after the time the top line
# was written: "13:30:45 [0/12]"; next-3.8 "13:30 [0/12]") in the mode style at the top
# right of row 0.
INDICATOR = re.compile(
    r"(?:\((?:timed out|\d+\+? results)\) )?(?:\d\d:\d\d(?::\d\d)? )?\[\d+/\d+\]$"
)
Cells = set[tuple[int, int, str, bool]]  # x, y, foreground, bold


def selected(screen: PaneScreen, bg: str, indicator: int) -> Cells:
    """Cells in the selection's background colour, with how their text is drawn, but for
    the last ``indicator`` cells of row 0."""
    return {
        (x, y, cell.fg, cell.bold)
        for y in range(screen.lines)
        for x, cell in ((x, screen.buffer[y][x]) for x in range(screen.columns))
        if cell.bg == bg and not (y == 0 and x >= WIDTH - indicator)
    }


def tmux_screen(outer: TmuxServer) -> tuple[PaneScreen, int]:
    """What tmux's own client draws, and how wide its position indicator is there."""
    capture = outer.run("capture-pane", "-p", "-e", "-N", "-t", "o:").encode()
    screen = PaneScreen(WIDTH, HEIGHT)
    screen.restore(capture.rstrip(b"\n"), 0, 0)
    top = outer.run("capture-pane", "-p", "-N", "-t", "o:", "-S", "0", "-E", "0").rstrip("\n")
    match = INDICATOR.search(top)
    return screen, len(match.group()) if match is not None else 0


def drawn(app: TuimuxApp, pane_id: str, outer: TmuxServer, bg: str) -> tuple[Cells, Cells]:
    """The selection as tuimux draws it and as tmux's own client does."""
    screen, indicator = tmux_screen(outer)
    view = app.window_view.panes[pane_id]
    mine = view.terminal.mode_screen
    return (
        selected(mine, bg, indicator) if mine is not None else set(),
        selected(screen, bg, indicator),
    )


def drawn_by_tmux(outer: TmuxServer, bg: str = SELECTED_BG) -> Cells:
    screen, indicator = tmux_screen(outer)
    return selected(screen, bg, indicator)


@contextmanager
def tmux_client_in(inner: TmuxServer) -> Iterator[TmuxServer]:
    """tmux's own client, attached to ``inner``'s session s, in an outer tmux's pane."""
    outer = TmuxServer(f"tuimux-test-outer-{uuid.uuid4().hex[:8]}", clean_env())
    try:
        command = shlex.join([*inner.argv, "attach", "-t", "s"])
        outer.new_session("o", width=WIDTH, height=HEIGHT + 1, command=command)
        outer.run("set-option", "-t", "o", "status", "off")
        yield outer
    finally:
        outer.kill()


@pytest.mark.parametrize(
    ("keys", "steps"),
    [
        pytest.param(
            "emacs",
            [
                ["up", "up", "up", "ctrl+space", "up", "up", "right", "right"],  # upwards
                ["down", "down", "down", "down", "left"],  # past the start, downwards
                ["ctrl+space", "right", "right", "right"],  # one row (restarted)
                ["up", "R", "left", "left", "left", "left", "left"],  # a rectangle, leftwards
                ["pageup", "up"],  # the start scrolls out of view
                ["ctrl+g"],  # cleared
            ],
            id="emacs",
        ),
        pytest.param(
            "vi",
            [
                ["up", "up", "up", "space", "up", "left", "left"],  # upwards
                ["down", "down", "down", "down"],  # downwards, the cursor cell in
                ["V"],  # whole lines
                ["space", "ctrl+v", "up", "up", "left"],  # a rectangle (C-v toggles)
                ["right", "right", "right", "right"],  # the cursor right of the start
                ["ctrl+v", "pageup", "up"],  # not a rectangle, the start out of view
                ["escape"],  # cleared
            ],
            id="vi",
        ),
        pytest.param(
            "emacs",
            [
                ["up", "up", "ctrl+space", "up", "right", "right"],
                ["ctrl+g"],
            ],
            id="mode-style",
        ),
    ],
)
async def test_the_selection_is_drawn_where_tmux_draws_it(
    tmux_server: TmuxServer, keys: str, steps: list[list[str]], request: pytest.FixtureRequest
) -> None:
    tmux_server.new_session("s", width=WIDTH, height=HEIGHT)
    tmux_server.run("set-option", "-g", "status", "off")
    tmux_server.run("set-option", "-g", "mode-keys", keys)
    # tmux's default mode-style: bg=yellow, or bg=themeyellow from next-3.8 on.
    bg = mode_style(tmux_server.run("show-options", "-gwv", "mode-style")).bg
    if request.node.callspec.id == "mode-style":  # colours exact in 256 colours, bold
        tmux_server.run("set-option", "-g", "mode-style", "fg=colour231,bg=colour55,bold")
        bg = "colour55"  # an index, as tmux's client sends it
    lines = ["alpha beta", "x", "", "gamma delta epsilon zeta eta theta iota", "wide 日本語 ok"]
    script = "seq 1 30; printf '%s\\n' " + " ".join(shlex.quote(line) for line in lines)
    tmux_server.run("send-keys", "-t", "s", script, "Enter")
    tmux_server.wait_for(lambda: "wide 日本語 ok" in tmux_server.capture("s"))
    pane_id = tmux_server.display("s:", "#{pane_id}")
    app = await make_app(tmux_server)
    with tmux_client_in(tmux_server) as outer:
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:  # status off: no line
            await eventually(lambda: bool(app.window_view.panes))
            await eventually(lambda: tmux_server.display("s:", "#{window_width}") == str(WIDTH))
            await pilot.press("ctrl+b", "left_square_bracket")
            await eventually(lambda: tmux_server.display(pane_id, "#{pane_in_mode}") == "1")
            seen_some = False
            for number, step in enumerate(steps):
                await pilot.press(*step)
                await eventually(
                    lambda: operator.eq(*drawn(app, pane_id, outer, bg)),
                    detail=lambda number=number: (
                        number,
                        "tuimux only",
                        sorted(operator.sub(*drawn(app, pane_id, outer, bg))),
                        "tmux only",
                        sorted(operator.sub(*reversed(drawn(app, pane_id, outer, bg)))),
                        tmux_server.display(
                            pane_id,
                            "#{selection_start_x},#{selection_start_y} "
                            "#{selection_end_x},#{selection_end_y} #{scroll_position}",
                        ),
                    ),
                )
                seen_some = seen_some or bool(drawn_by_tmux(outer, bg))
            assert seen_some
            assert drawn_by_tmux(outer, bg) == set()  # every list ends by clearing it


@pytest.mark.parametrize(
    ("selection", "cells"),
    [
        # One row, the cursor right of the start: emacs leaves the cursor cell out.
        (Selection(2, 0, 5, 0), {(2, 0), (3, 0), (4, 0)}),
        (Selection(2, 0, 5, 0, emacs=False), {(2, 0), (3, 0), (4, 0), (5, 0)}),
        # Upwards over two rows: from the cursor to the end of its row, then up to the start.
        (Selection(1, 1, 2, 0), {(x, 0) for x in range(2, 8)} | {(0, 1)}),
        # A rectangle takes the same columns on every row, both edges in (emacs too).
        (Selection(1, 0, 3, 1, rectangle=True), {(x, y) for x in (1, 2, 3) for y in (0, 1)}),
        (Selection(3, 1, 1, 0, rectangle=True), {(x, y) for x in (1, 2, 3) for y in (0, 1)}),
    ],
)
def test_which_cells_a_selection_covers(selection: Selection, cells: Cells) -> None:
    covered = {(x, y) for y in range(2) for x in range(8) if selection.covers(x, y)}
    assert covered == cells


@pytest.mark.parametrize(
    ("text", "fg", "bg", "bold", "reverse"),
    [
        ("bg=yellow,fg=black", "black", "brown", False, False),  # tmux's default
        ("", "black", "brown", False, False),  # not said: the default too
        # next-3.8's default: theme colours as its client draws them in 256 colours or more
        ("noattr,bg=themeyellow,fg=themeblack", "0d0d0d", "b8860b", False, False),
        ("fg=colour231,bg=colour55,bold", "colour231", "colour55", True, False),
        ("fg=#FF8800 bg=brightred", "ff8800", "brightred", False, False),
        ("reverse", "default", "default", False, True),
        ("fg=colour3,bg=color12,bright,noreverse", "brown", "brightblue", True, False),
        ("fg=nonsense,bg=colour999,dim,us=red,fill=blue", "default", "default", False, False),
        ("bold,none", "default", "default", False, False),
    ],
)
def test_mode_style_is_read_like_tmux(
    text: str, fg: str, bg: str, bold: bool, reverse: bool
) -> None:
    style = mode_style(text)
    assert (style.fg, style.bg, style.bold, style.reverse) == (fg, bg, bold, reverse)
