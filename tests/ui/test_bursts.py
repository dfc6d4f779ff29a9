"""Bursts of keys and outside changes, through the whole app against a real tmux.

A burst is what one read from the terminal holds (a fast typist, mosh after a stall, a
pasted key sequence): :func:`tests.ui.burst.feed` hands it to the app as Textual's
driver does, so nothing of the app runs between its keys.
"""

from __future__ import annotations

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app, shown_lines, tmux_lines


async def test_a_pane_shown_again_before_its_old_view_is_gone(tmux_server: TmuxServer) -> None:
    """``C-b n C-b p`` in one burst, or another client switching windows during a
    resize: the window view shows another window and then this one again before
    Textual has finished removing the first views. It raised ``DuplicateIds``."""
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("new-window", "-d", "-t", "s:")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        assert app.mirror is not None
        model, terminals = app.mirror.model, app.mirror.terminals
        first, second = model.windows_in_order()
        # Two frames' redraws with no removal finished in between.
        app.window_view.show(second, terminals, model.panes)
        app.window_view.show(first, terminals, model.panes)
        await pilot.pause()
        assert app.is_running
        (pane_id,) = first.visible_pane_ids
        assert list(app.window_view.panes) == [pane_id]
        await eventually(
            lambda: shown_lines(app, pane_id) == tmux_lines(tmux_server, pane_id),
            detail=lambda: (shown_lines(app, pane_id), tmux_lines(tmux_server, pane_id)),
        )
