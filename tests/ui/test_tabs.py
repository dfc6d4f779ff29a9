"""The status line's window list as tabs: a click selects that window, the wheel steps.

tmux is the oracle: after a click, tmux's own ``#{window_index}`` for the session says
which window is current.
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.events import MouseScrollDown, MouseScrollUp

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app
from tuimux.control.policy import read_only_allows
from tuimux.ui.status_bar import StatusBar, shown_range


async def test_clicking_a_window_in_the_status_line_selects_it(tmux_server: TmuxServer) -> None:
    # Targets below say "s:": a bare "s" could be the window "second", by prefix.
    tmux_server.new_session("s", width=100, height=30)
    # Wide characters first: the tabs after them are found by cells, not characters.
    tmux_server.run("rename-window", "-t", "s:0", "日本語の窓")
    tmux_server.run("new-window", "-d", "-t", "s:1", "-n", "second")
    tmux_server.run("new-window", "-d", "-t", "s:2", "-n", "third")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await eventually(lambda: "2:third" in app.status_bar.render().plain)

        def tab_cell(label: str) -> int:
            plain = app.status_bar.render().plain
            return cell_len(plain[: plain.index(label)])

        for label, index in [("2:third", "2"), ("1:second", "1"), ("0:日本語の窓", "0")]:
            # The tab's last cell: a click one cell past its end would hit the gap.
            x = tab_cell(label) + cell_len(label) - 1
            await pilot.click(StatusBar, offset=(x, 0))
            await eventually(
                lambda index=index: tmux_server.display("s:", "#{window_index}") == index,
                detail=lambda label=label: (label, app.status_bar.render().plain),
            )
        # Between tabs (the space after "0:日本語の窓*") nothing is selected.
        gap = tab_cell("0:日本語の窓") + cell_len("0:日本語の窓*")
        sent: list[str] = []
        app.client.on_send = sent.append
        await pilot.click(StatusBar, offset=(gap, 0))
        await pilot.click(StatusBar, offset=(1, 0))  # the session name
        await pilot.pause(0.2)
        commands = [command for line in sent for command in line.split(" ; ")]
        assert [command for command in commands if not read_only_allows(command)] == []
        # The wheel over the bar: down is the next window, up the previous (tmux's keys).
        app.status_bar.post_message(
            MouseScrollDown(app.status_bar, 0, 0, 0, 0, 0, False, False, False)
        )
        await eventually(lambda: tmux_server.display("s:", "#{window_index}") == "1")
        app.status_bar.post_message(
            MouseScrollUp(app.status_bar, 0, 0, 0, 0, 0, False, False, False)
        )
        await eventually(lambda: tmux_server.display("s:", "#{window_index}") == "0")
        await eventually(lambda: "0:日本語の窓*" in app.status_bar.render().plain)


@pytest.mark.parametrize(
    ("widths", "current", "room", "shown"),
    [
        ([5, 5, 5], 0, 15, (0, 2)),  # everything fits
        ([5, 5, 5], 2, 0, (0, 2)),  # not laid out yet: no cut
        ([5, 5, 5, 5], 0, 12, (0, 1)),  # 2 cells kept for "<" ">"
        ([5, 5, 5, 5], 3, 12, (2, 3)),
        ([5, 5, 5, 5, 5], 2, 17, (1, 3)),  # grows right, then left
        ([5, 30, 5], 0, 20, (0, 0)),  # a long name next to it stays out
        ([40], 0, 10, (0, 0)),  # the current one even when it does not fit
        ([], 0, 10, (0, -1)),
    ],
)
def test_the_window_list_is_cut_around_the_current_window(
    widths: list[int], current: int, room: int, shown: tuple[int, int]
) -> None:
    assert shown_range(widths, current, room) == shown


async def test_on_a_phone_sized_screen_the_current_window_stays_in_view(
    tmux_server: TmuxServer,
) -> None:
    tmux_server.new_session("s", width=45, height=17)
    # tmux's default status-right takes 40 of the 45 cells (tmux's own client then shows
    # no window at all): without it, the list has the room.
    tmux_server.run("set-option", "-g", "status-right", "")
    tmux_server.run("rename-window", "-t", "s:0", "window0")
    for index in range(1, 10):
        tmux_server.run("new-window", "-d", "-t", f"s:{index}", "-n", f"window{index}")
    app = await make_app(tmux_server)
    async with app.run_test(size=(45, 18)) as pilot:
        # Attached: until then "attaching…" takes room on the line, and a click aimed at
        # a tab drawn beside it would land where the line has since moved.
        await eventually(lambda: bool(app.window_view.panes) and app.status_bar.message == "")
        for index in (9, 5, 0):
            tmux_server.run("select-window", "-t", f"s:{index}")
            await eventually(
                lambda index=index: f"{index}:window{index}*" in app.status_bar.render().plain,
                detail=lambda: app.status_bar.render().plain,
            )
            line = app.status_bar.render().plain
            assert f"{index}:" in line and "*" in line, line
            assert line.startswith("[s] <") == (index > 0), line
            assert line.rstrip().endswith(">") == (index < 9), line
            # What is shown is still clickable where it is drawn.
            neighbour = index - 1 if index > 0 else 1
            if f"{neighbour}:window" in line:
                x = cell_len(line[: line.index(f"{neighbour}:window")])
                await pilot.click(StatusBar, offset=(x, 0))
                await eventually(
                    lambda n=neighbour: tmux_server.display("s:", "#{window_index}") == str(n)
                )
        await pilot.resize_terminal(160, 18)
        await eventually(lambda: "9:window9" in app.status_bar.render().plain)
        assert "<" not in app.status_bar.render().plain


def test_a_huge_window_list_costs_what_fits_on_the_line() -> None:
    """20000 windows: the labels near the current window are made, not all of them (the
    status line is redrawn every frame while a pane renames its window in a loop)."""
    from tuimux.model import Window
    from tuimux.ui.status_bar import _Tabs

    windows = [Window(f"@{n}", n, f"w{n}") for n in range(20000)]
    tabs = _Tabs(windows, "@10000")
    first, last = shown_range(tabs, 10000, 100)
    assert first <= 10000 <= last and last - first < 20
    assert len(tabs._labels) < 40
    everything = _Tabs(windows[:5], "@0")
    assert shown_range(everything, 0, 100) == (0, 4)
