"""The status line's window list as tabs: a click selects that window, the wheel steps.

tmux is the oracle: after a click, tmux's own ``#{window_index}`` for the session says
which window is current.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.events import MouseScrollDown, MouseScrollUp

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app
from tuimux.ui.status_bar import StatusBar


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
        assert sent == []
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
