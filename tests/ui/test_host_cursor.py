"""The terminal's own cursor is where tmux's own client puts it.

Two outer terminals of one size (panes of an outer tmux) show the same inner session:
one runs ``tmux attach``, the other tuimux. The outer tmux reports where each program
left its terminal's cursor and whether it is shown (``#{cursor_x}``, ``#{cursor_y}``,
``#{cursor_flag}``; ``#{cursor_shape}`` where the outer tmux has it): after each step
tuimux's must equal tmux's client's. mosh's predictive echo, screen readers and input
methods all follow this cursor, not a drawn one.
"""

from __future__ import annotations

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.outer import outer_terminals, tmux_attach, tuimux_attach
from tests.ui.test_app import make_app
from tuimux.ui.host_cursor import HIDE, SHOW, HostCursor, Placed, shape_sequence

WIDTH, HEIGHT = 70, 16  # the outer terminals; the inner window is one line shorter
CURSOR = "#{cursor_x},#{cursor_y},#{cursor_flag}"


# At a prompt: the position only where the cursor is shown.
PROMPT_CURSOR = "#{?cursor_flag,#{cursor_x}#,#{cursor_y},hidden}"


def cursors(outer: TmuxServer, fmt: str = CURSOR) -> tuple[str, str]:
    return outer.display("own:", fmt), outer.display("ours:", fmt)


def same_cursor(outer: TmuxServer, fmt: str = CURSOR) -> bool:
    own, ours = cursors(outer, fmt)
    return own == ours


async def test_the_terminal_cursor_is_where_tmux_own_client_puts_it(
    tmux_server: TmuxServer,
) -> None:
    tmux_server.new_session("s", width=WIDTH, height=HEIGHT - 1)
    tmux_server.run("set-option", "-g", "window-size", "latest")
    left = tmux_server.display("s:", "#{pane_id}")
    tmux_server.run("send-keys", "-t", left, "clear; printf 'abc'", "Enter")
    clients = {"own": tmux_attach(tmux_server), "ours": tuimux_attach(tmux_server)}
    with outer_terminals(clients, WIDTH, HEIGHT) as outer:
        # Both drew the session: the shell's line is on both outer terminals.
        await eventually(
            lambda: all("abc" in outer.capture(name + ":") for name in ("own", "ours")),
            timeout=30,
            detail=lambda: (outer.capture("own:"), outer.capture("ours:")),
        )
        await eventually(lambda: same_cursor(outer), timeout=10, detail=lambda: cursors(outer))
        assert cursors(outer)[1].endswith(",1")  # shown

        # Another pane becomes active: the cursor moves into it, on both.
        right = tmux_server.run("split-window", "-h", "-P", "-F", "#{pane_id}", "-t", left).strip()
        tmux_server.run("send-keys", "-t", right, "clear; printf 'xy'", "Enter")
        await eventually(
            lambda: "xy" in outer.capture("ours:") and same_cursor(outer),
            timeout=10,
            detail=lambda: cursors(outer),
        )
        own_x = int(cursors(outer)[0].split(",")[0])
        assert own_x > WIDTH // 2  # in the right pane, or the test shows nothing

        # The program hides its cursor (DECTCEM): neither terminal shows one.
        tmux_server.run("send-keys", "-t", right, "printf '\\033[?25l'; read x", "Enter")
        await eventually(
            lambda: cursors(outer, "#{cursor_flag}") == ("0", "0"),
            timeout=10,
            detail=lambda: cursors(outer),
        )
        tmux_server.run("send-keys", "-t", right, "Enter")  # read ends; the shell shows it
        tmux_server.run("send-keys", "-t", right, "printf '\\033[?25h'", "Enter")
        await eventually(lambda: same_cursor(outer), timeout=10, detail=lambda: cursors(outer))
        assert cursors(outer)[1].endswith(",1")

        # Shape (DECSCUSR), where the outer tmux can tell it.
        if outer.display("own:", "#{cursor_shape}") != "":
            tmux_server.run("send-keys", "-t", right, "printf '\\033[4 q'", "Enter")
            await eventually(
                lambda: outer.display("ours:", "#{cursor_shape}") == "underline",
                timeout=10,
                detail=lambda: cursors(outer, "#{cursor_shape}"),
            )

        # A prompt in front of the panes: before tmux 3.6 it draws its own cursor and
        # the terminal's is hidden; from 3.6 the terminal's is at the prompt's cursor.
        for name in ("own", "ours"):
            outer.run("send-keys", "-t", f"{name}:", "C-b", ":")
        await eventually(lambda: ":" in outer.capture("ours:").splitlines()[-1], timeout=10)
        await eventually(
            lambda: same_cursor(outer, PROMPT_CURSOR) and cursors(outer, PROMPT_CURSOR)[1] != "0,0",
            timeout=10,
            detail=lambda: cursors(outer, PROMPT_CURSOR),
        )
        for name in ("own", "ours"):
            outer.run("send-keys", "-t", f"{name}:", "Escape")
        await eventually(lambda: same_cursor(outer), timeout=10, detail=lambda: cursors(outer))


async def test_the_cursor_leaves_a_pane_that_is_not_shown(tmux_server: TmuxServer) -> None:
    """Through the app (headless): placed at the active pane's cursor, cleared when the
    pane's row is outside what the terminal shows, covered by a prompt."""
    program = "printf '1\\n2\\n3\\n4\\n5\\nab\\033[4 q'; sleep 60"  # cursor at row 5
    tmux_server.new_session("s", width=60, height=10, command=program)
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 11)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        pane_id = tmux_server.display("s:", "#{pane_id}")
        view = app.window_view.panes[pane_id]
        tmux_server.run("respawn-pane", "-k", "-t", pane_id, program)
        await eventually(lambda: view.terminal.screen.cursor_shape == 4, 5)
        cursor = app.window_view.cursor
        await eventually(
            lambda: cursor.shown == Placed(view.region.x + 2, view.region.y + 5, 4),
            detail=lambda: (cursor.shown, view.region),
        )
        await pilot.press("ctrl+b", "colon")
        await eventually(lambda: cursor.shown is None)
        await pilot.press("escape")
        await eventually(lambda: cursor.shown is not None)
        # A window larger than the terminal (sized by hand): the cursor's row is cut off.
        tmux_server.run("set-option", "-t", "s", "window-size", "manual")
        await pilot.resize_terminal(60, 4)
        await eventually(lambda: cursor.shown is None, detail=lambda: (cursor.shown, view.size))


@pytest.mark.parametrize("shape", [0, 2, 4, 6])
def test_sequences_are_written_only_on_change(shape: int) -> None:
    written: list[str] = []
    moves: list[tuple[int, int]] = []
    cursor = HostCursor(written.append, lambda x, y: moves.append((x, y)))
    a, b = object(), object()
    cursor.place(a, 3, 4, shape)
    cursor.place(a, 5, 4, shape)
    assert "".join(written) == (shape_sequence(shape) if shape else "") + SHOW
    assert moves == [(3, 4), (5, 4)]
    cursor.place(b, 1, 1, shape)  # the new active pane takes it first...
    cursor.clear(a)  # ...and the old one letting go does not hide it
    assert cursor.shown == Placed(1, 1, shape)
    cursor.cover(True)
    assert written[-1] == HIDE and cursor.shown is None
    cursor.cover(False)
    assert written[-1] == SHOW and moves[-1] == (1, 1)
    cursor.release()
    assert written[-1] == (shape_sequence(0) if shape else SHOW)
