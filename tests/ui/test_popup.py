"""``display-popup`` run in a hidden session and drawn by tuimux, through the whole app.

The popup's command is a real program in a real tmux; what it prints must be shown, the
keys typed must reach it, ``-E`` must close the popup when it exits (``-EE`` only on
success), and the hidden session must be gone afterwards.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app
from tests.ui.test_bindings import HEIGHT, WIDTH
from tests.ui.test_freeze import tmux_version
from tuimux.ui.popup import Popup


def sessions(server: TmuxServer) -> list[str]:
    return server.run("list-sessions", "-F", "#{session_name}").split()


async def test_a_popup_runs_its_command_and_closes_on_exit(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """``-E``: a line typed into the popup reaches its command, which writes it and
    exits: the popup closes and its session is gone. Without ``-E`` the output stays
    shown until Escape. ``-EE`` keeps a popup whose command failed open."""
    answer = tmp_path / "answer"
    tmux_server.new_session("s", width=WIDTH, height=HEIGHT)
    reader = f"printf 'ask: '; read line; printf '%s' \"$line\" > {shlex.quote(str(answer))}"
    titled = tmux_version() >= (3, 3)  # 3.2a's display-popup has no -T
    title = ["-T", "#{session_name}"] if titled else []
    tmux_server.run("bind-key", "p", "display-popup", "-E", *title, reader)
    tmux_server.run(
        "bind-key", "o", "display-popup", "-w", "40", "-h", "8", "echo shown-here; sleep 1"
    )
    tmux_server.run("bind-key", "f", "display-popup", "-EE", "echo failing; exit 3")
    app = await make_app(tmux_server, "s")
    async with app.run_test(size=(WIDTH, HEIGHT + 1)) as pilot:
        await eventually(lambda: len(app.window_view.panes) == 1)
        await pilot.press("ctrl+b", "p")
        await eventually(
            lambda: isinstance(app.screen, Popup),
            detail=lambda: (app.status_bar.message, sessions(tmux_server), app.screen),
        )
        popup = app.screen
        assert isinstance(popup, Popup)
        await eventually(lambda: any("ask:" in line for line in popup.lines))
        assert len(sessions(tmux_server)) == 2
        assert not titled or popup.render_box().plain.startswith("┌s─")  # the title, expanded
        await pilot.press("h", "i", "enter")
        await eventually(lambda: answer.exists() and answer.read_text() == "hi")
        await eventually(lambda: not isinstance(app.screen, Popup))
        await eventually(
            lambda: sessions(tmux_server) == ["s"], detail=lambda: sessions(tmux_server)
        )

        await pilot.press("ctrl+b", "o")
        await eventually(lambda: isinstance(app.screen, Popup))
        popup = app.screen
        assert isinstance(popup, Popup)
        assert (popup.width, popup.height) == (40, 8)
        size = tmux_server.display(popup.job.pane_id, "#{pane_width}x#{pane_height}")
        assert size == "38x6"  # the inside of the box
        await eventually(
            lambda: popup.dead and any("shown-here" in line for line in popup.lines),
            detail=lambda: (popup.dead, popup.lines, sessions(tmux_server), app.status_bar.message),
        )
        assert isinstance(app.screen, Popup)  # no -E: it stays
        await pilot.press("escape")
        await eventually(lambda: not isinstance(app.screen, Popup))
        await eventually(
            lambda: sessions(tmux_server) == ["s"], detail=lambda: sessions(tmux_server)
        )

        await pilot.press("ctrl+b", "f")
        await eventually(lambda: isinstance(app.screen, Popup))
        popup = app.screen
        assert isinstance(popup, Popup)
        await eventually(lambda: popup.dead)
        assert isinstance(app.screen, Popup)  # -EE: exit 3 keeps it open
        await pilot.press("ctrl+c")
        await eventually(lambda: not isinstance(app.screen, Popup))
        await eventually(
            lambda: sessions(tmux_server) == ["s"], detail=lambda: sessions(tmux_server)
        )
        assert not app.client.stalled
