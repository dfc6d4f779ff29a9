"""Floating panes (tmux 3.7+ ``new-pane``): drawn above the tiled panes, in tmux's
stacking order, each inside the box tmux draws around it, and clipped by the window."""

from __future__ import annotations

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.security.conftest import composed_strips
from tests.ui.test_app import make_app

GEOMETRY = "#{pane_id} #{pane_left} #{pane_top} #{pane_width} #{pane_height} #{pane_floating_flag}"


def geometry(server: TmuxServer) -> dict[str, tuple[int, int, int, int, bool]]:
    found = {}
    for line in server.run("list-panes", "-t", "s", "-F", GEOMETRY).splitlines():
        pane_id, left, top, width, height, floating = line.split()
        found[pane_id] = (int(left), int(top), int(width), int(height), floating == "1")
    return found


def float_pane(server: TmuxServer, x: int, y: int, size: str, command: str) -> str:
    width, height = size.split("x")
    return server.run(
        "new-pane", "-P", "-F", "#{pane_id}", "-t", "s", "-X", str(x), "-Y", str(y),
        "-x", width, "-y", height, command,
    ).strip()  # fmt: skip


async def test_floating_panes_are_drawn_above_tiled_ones_in_their_frames(
    tmux_server: TmuxServer,
) -> None:
    if not tmux_server.run("list-commands", "new-pane", check=False):
        pytest.skip("this tmux has no floating panes (new-pane came in 3.7)")
    tmux_server.new_session("s", width=100, height=30, command="yes tiled | head -n 200; cat")
    rows = "".join(f"{tag}{n}abcdefghijklmnop\\n" for tag in "ABC" for n in range(4))
    back = float_pane(tmux_server, 10, 7, "40x12", f"printf '{rows}' | grep ^A; exec cat")
    front = float_pane(tmux_server, 20, 10, "40x12", f"printf '{rows}' | grep ^B; exec cat")
    # Dragged past the window's top-left corner (tmux prints negative offsets).
    corner = float_pane(tmux_server, -3, -2, "20x6", f"printf '{rows}' | grep ^C; exec cat")
    for pane_id, tag in ((back, "A3"), (front, "B3"), (corner, "C3")):
        tmux_server.wait_for(lambda p=pane_id, t=tag: t in tmux_server.capture(p))
    tmux_server.run("select-pane", "-t", back)
    tmux_server.run("select-pane", "-t", front)  # a selected float comes to the front
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: len(app.window_view.panes) == 4)
        tmux = geometry(tmux_server)
        assert [tmux[p][4] for p in (back, front, corner)] == [True, True, True]
        model = app.mirror.model.panes if app.mirror is not None else {}
        await eventually(
            lambda: all(
                (model[p].left, model[p].top, model[p].width, model[p].height) == tmux[p][:4]
                for p in tmux
            ),
            detail=lambda: ({p: model[p] for p in model}, tmux),
        )

        def cell(x: int, y: int) -> str:
            region = app.window_view.region
            return composed_strips(app)[region.y + y].text[region.x + x]

        def content(pane_id: str, x: int, y: int) -> str:
            """What tmux has at (x, y) of the pane's own screen."""
            return tmux_server.capture(pane_id).split("\n")[y][x : x + 1] or " "

        for pane_id in (back, front):
            left, top, width, height, _ = tmux[pane_id]
            box = {
                (left - 1, top - 1): "┌",
                (left + width, top - 1): "┐",
                (left - 1, top + height): "└",
                (left + width, top + height): "┘",
                (left + width // 2, top - 1): "─",
                (left - 1, top + height // 2): "│",
            }
            if pane_id == back:  # the front float covers the back one's lower right
                box = {
                    (x, y): char
                    for (x, y), char in box.items()
                    if not (
                        tmux[front][0] - 1 <= x <= tmux[front][0] + tmux[front][2]
                        and tmux[front][1] - 1 <= y <= tmux[front][1] + tmux[front][3]
                    )
                }
            await eventually(
                lambda b=box: {xy: cell(*xy) for xy in b} == b,
                detail=lambda b=box: ({xy: cell(*xy) for xy in b}, b),
            )
        # Inside: each float's own text, the front one over the back one.
        left, top = tmux[back][:2]
        await eventually(lambda: cell(left, top) == content(back, 0, 0) == "A")
        left, top = tmux[front][:2]
        await eventually(lambda: cell(left, top) == content(front, 0, 0) == "B")
        # Selecting the back float brings it to the front, over the other one.
        tmux_server.run("select-pane", "-t", back)
        offset_x, offset_y = left - tmux[back][0], top - tmux[back][1]
        await eventually(
            lambda: cell(left, top) == content(back, offset_x, offset_y) != "B",
            detail=lambda: (cell(left, top), content(back, offset_x, offset_y)),
        )
        # The corner float shows from its row 2, column 3 on; only its right and bottom
        # edges are inside the window.
        left, top, width, height, _ = tmux[corner]
        await eventually(lambda: cell(0, 0) == content(corner, -left, -top) != " ")
        await eventually(lambda: cell(left + width, 0) == "│")
        await eventually(lambda: cell(left + width, top + height) == "┘")
        await eventually(lambda: cell(0, top + height) == "─")
