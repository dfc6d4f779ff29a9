"""Bursts of keys and outside changes, through the whole app against a real tmux.

A burst is what one read from the terminal holds (a fast typist, mosh after a stall, a
pasted key sequence): :func:`tests.ui.burst.feed` hands it to the app as Textual's
driver does, so nothing of the app runs between its keys.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.burst import PREFIX, feed
from tests.ui.test_app import make_app, recorder_session, shown_lines, tmux_lines
from tests.ui.test_notification_flood import timed, tuimux_in_a_terminal
from tests.ui.test_session_tree import client_session
from tuimux.control import events as ev


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


def windows(server: TmuxServer) -> list[str]:
    return server.run("list-windows", "-t", "s", "-F", "#{window_name}").split()


async def test_keys_after_the_command_prompt_key_go_to_the_prompt(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """``C-b : new-window -n x Enter`` in one read runs new-window as a tmux command;
    the prompt's editing keys apply where they were typed (C-u clears what came before
    it, C-a and C-e move, BSpace deletes), and what follows Enter goes to the pane."""
    output = recorder_session(tmux_server, tmp_path, "")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        feed(app, f"{PREFIX}:junk\x15new-window -d -n xy\x7fz\x01\x05 -c /\rafter")
        await eventually(lambda: "xz" in windows(tmux_server), detail=lambda: windows(tmux_server))
        await eventually(lambda: output.read_bytes() == b"after", detail=output.read_bytes)
        await pilot.pause()
        assert app.is_running and len(app.screen_stack) == 1


async def test_keys_after_rename_and_confirm_keys_go_to_them_in_order(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """``C-b , name Enter`` renames; ``C-b c C-b x y`` kills the new window's pane, and
    the keys typed after each answer reach the pane that is current then."""
    output = recorder_session(tmux_server, tmp_path, "")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        feed(app, f"{PREFIX},\x15renamed\rone{PREFIX}c{PREFIX}xytwo")
        await eventually(
            lambda: windows(tmux_server) == ["renamed"], detail=lambda: windows(tmux_server)
        )
        await eventually(lambda: output.read_bytes() == b"onetwo", detail=output.read_bytes)
        await pilot.pause()
        assert app.is_running and len(app.screen_stack) == 1


async def test_keys_after_the_session_tree_key_go_to_the_tree(tmux_server: TmuxServer) -> None:
    """``C-b s Down Enter`` in one read switches to the next session: the tree is only
    shown once tmux has listed the sessions, and the keys wait for it."""
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.new_session("t", width=100, height=30)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        feed(app, f"{PREFIX}s\x1b[B\r")
        await eventually(lambda: client_session(tmux_server) == "t")
        await pilot.pause()
        assert app.is_running and len(app.screen_stack) == 1


def test_a_burst_typed_into_the_real_terminal_runs_the_prompt_command(
    tmux_server: TmuxServer,
) -> None:
    """The real tuimux in an outer tmux's pane: one ``send-keys`` writes the whole burst
    to its tty at once, and the command typed at ``C-b :`` runs as a tmux command
    instead of being typed into the shell."""
    tmux_server.new_session("s", width=100, height=30)
    shell = tmux_server.display("s:0", "#{pane_id}")
    with tuimux_in_a_terminal(tmux_server) as outer:
        timed(lambda: "[s]" in outer.capture("o:"), 30)
        outer.run("send-keys", "-t", "o:", "C-b", ":", "new-window -d -n burst", "Enter")
        timed(lambda: "burst" in windows(tmux_server), 20)
        assert "new-window" not in tmux_server.capture(shell)


@pytest.mark.parametrize(
    ("key", "answer", "done"),
    [
        ("'", "0\r", lambda server: True),
        (".", "5\r", lambda server: server.display("s:", "#{window_index}") == "5"),
        ("$", "\x15sess\r", lambda server: "sess" in server.run("list-sessions")),
        ("&", "n", lambda server: True),
        ("w", "q", lambda server: True),
        ("s", "\x1b[Aq", lambda server: True),
    ],
)
async def test_every_modal_of_the_prefix_table_takes_the_rest_of_the_burst(
    tmux_server: TmuxServer,
    tmp_path: Path,
    key: str,
    answer: str,
    done: Callable[[TmuxServer], bool],
) -> None:
    """Each prefix key that opens a prompt, question or tree takes the keys typed
    after it in the same read; the pane gets only what follows the answer."""
    output = recorder_session(tmux_server, tmp_path, "")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        feed(app, f"{PREFIX}{key}{answer}Z")
        await eventually(lambda: output.read_bytes() == b"Z", detail=output.read_bytes)
        await eventually(lambda: done(tmux_server))
        await pilot.pause()
        assert app.is_running and len(app.screen_stack) == 1
        assert len(windows(tmux_server)) == 1


async def test_keys_while_tmux_shows_a_window_not_read_yet_wait_for_it(
    tmux_server: TmuxServer,
) -> None:
    """Another client's ``new-window`` makes tmux show a window tuimux has not read
    yet; ``C-b n`` typed in that moment crashed tuimux (AssertionError in _target,
    found by the burst race). The keys wait for the re-read and mean what they would
    in tmux: from the new window, ``C-b n`` goes back to window 0, and the typing
    after it lands there."""
    tmux_server.new_session("s", width=100, height=30)
    first = tmux_server.display("s:0", "#{pane_id}")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        unknown: list[bool] = []

        def on_event(event: ev.Notification) -> None:
            if isinstance(event, ev.SessionWindowChanged) and not unknown:
                assert app.mirror is not None
                unknown.append(app.mirror.model.current is None)
                feed(app, f"{PREFIX}necho back-$((40+2))\r")

        app.client.subscribe(on_event)
        tmux_server.run("new-window", "-t", "s:")
        await eventually(lambda: bool(unknown))
        assert unknown == [True]  # the keys really came while the window was unknown
        await eventually(lambda: "back-42" in tmux_server.capture(first))
        await pilot.pause()
        assert app.is_running
        assert tmux_server.display("s:", "#{window_index}") == "0"


async def test_keys_routed_after_the_app_has_closed_go_nowhere(tmux_server: TmuxServer) -> None:
    """A key held for a modal (the ``y`` after ``C-b x``) and routed once the app's
    screens are gone is dropped: answering the modal raised ScreenStackError (found by
    the burst race)."""
    from textual.events import Key

    from tuimux.ui.dialogs import Confirm

    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server)
    answers: list[bool | None] = []
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: bool(app.window_view.panes))
        app.open_modal(Confirm("kill-pane %0?"), answers.append)
        await eventually(lambda: app._modal is not None)
    assert not app.screen_stack
    await app.route(Key("y", "y"))
    assert answers == []
    assert tmux_server.display("s:", "#{window_panes}") == "1"
