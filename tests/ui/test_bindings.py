"""tmux's default prefix keys, pressed in tuimux and in tmux's own client side by side.

The oracle is tmux itself: two sessions built alike, one attached to tuimux and one to a
real ``tmux attach`` running in an outer tmux. The same key goes to both (tuimux through
the app, tmux's client through the outer pane, where tmux runs its own default binding)
and afterwards both sessions must be in the same state: layout, titles (so swaps and
rotations show), active pane, modes, windows.
"""

from __future__ import annotations

import shlex
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import TmuxServer, clean_env
from tests.helpers import eventually
from tests.ui.test_app import make_app
from tuimux.ui.app import TuimuxApp

WIDTH, HEIGHT = 100, 30
PANE_STATE = (
    "#{window_index} #{pane_index} #{pane_title} #{pane_left},#{pane_top} "
    "#{pane_width}x#{pane_height} #{pane_active} #{pane_in_mode} #{scroll_position}"
)
# (Textual's name for the key, tmux's name for it)
STEPS = [
    *((f"ctrl+{arrow}", f"C-{arrow.title()}") for arrow in ("up", "down", "left", "right")),
    *((f"alt+{arrow}", f"M-{arrow.title()}") for arrow in ("up", "down", "left", "right")),
    ("E", "E"),
    ("space", "Space"),
    ("space", "Space"),
    *((f"alt+{number}", f"M-{number}") for number in range(1, 6)),
    ("left_curly_bracket", "{"),
    ("right_curly_bracket", "}"),
    ("ctrl+o", "C-o"),
    ("alt+o", "M-o"),
    ("right_square_bracket", "]"),
    ("pageup", "PPage"),
    ("exclamation_mark", "!"),
]


def build_session(server: TmuxServer, name: str) -> None:
    server.new_session(name, width=WIDTH, height=HEIGHT)
    server.run("split-window", "-h", "-t", f"{name}:")
    server.run("split-window", "-v", "-t", f"{name}:")
    panes = server.run("list-panes", "-t", f"{name}:", "-F", "#{pane_id}").split()
    for number, pane in enumerate(panes):
        server.run("select-pane", "-t", pane, "-T", f"P{number}")
        server.run("send-keys", "-t", pane, "clear; seq 100", "Enter")
    server.run("select-pane", "-t", panes[-1])


def state(server: TmuxServer, name: str) -> list[str]:
    panes = server.run("list-panes", "-s", "-t", name, "-F", PANE_STATE).splitlines()
    windows = server.run("list-windows", "-t", name, "-F", "#{window_index} #{window_active}")
    active = server.capture(f"{name}:").rstrip().splitlines()[-1:]
    return [*panes, windows, *active]


@contextmanager
def tmux_client_on(inner: TmuxServer, session: str) -> Iterator[TmuxServer]:
    outer = TmuxServer(f"tuimux-test-outer-{uuid.uuid4().hex[:8]}", clean_env())
    try:
        command = shlex.join([*inner.argv, "attach", "-t", session])
        outer.new_session("o", width=WIDTH, height=HEIGHT, command=command)
        outer.run("set-option", "-t", "o", "status", "off")
        yield outer
    finally:
        outer.kill()


async def test_default_keys_do_what_tmux_does(tmux_server: TmuxServer) -> None:
    for name in ("ours", "theirs"):
        build_session(tmux_server, name)
    # tmux's client draws a status line and tuimux's own is outside the panes: without
    # it both windows are the same size.
    tmux_server.run("set-option", "-g", "status", "off")
    for name in ("ours", "theirs"):
        tmux_server.wait_for(lambda name=name: "100" in tmux_server.capture(f"{name}:"))
    tmux_server.run("set-buffer", "echo pasted")
    app: TuimuxApp = await make_app(tmux_server, "ours")
    with tmux_client_on(tmux_server, "theirs") as outer:
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:  # status off: no line
            await eventually(lambda: len(app.window_view.panes) == 3)
            await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
            await eventually(
                lambda: state(tmux_server, "ours") == state(tmux_server, "theirs"),
                detail=lambda: (state(tmux_server, "ours"), state(tmux_server, "theirs")),
            )
            sent: list[str] = []
            app.client.on_send = sent.append
            for ours, theirs in STEPS:
                await pilot.press("ctrl+b", ours)
                outer.run("send-keys", "-t", "o:", "C-b", theirs)
                await eventually(
                    lambda: state(tmux_server, "ours") == state(tmux_server, "theirs"),
                    detail=lambda theirs=theirs: (
                        theirs,
                        app.status_bar.message,
                        sent[-3:],
                        state(tmux_server, "ours"),
                        state(tmux_server, "theirs"),
                    ),
                )
                if theirs == "PPage":  # leave copy mode on both sides
                    await pilot.press("q")
                    outer.run("send-keys", "-t", "o:", "q")


async def test_index_prompt_move_window_and_marks(tmux_server: TmuxServer) -> None:
    """The keys whose effect the side-by-side test cannot compare: prompts, and the
    marked pane (one for the whole server, so two sessions would fight over it)."""
    from tuimux.ui.dialogs import Prompt

    tmux_server.new_session("s", width=WIDTH, height=HEIGHT)
    tmux_server.run("new-window", "-d", "-t", "s:2")
    app = await make_app(tmux_server, "s")
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:  # status off: no line
        await eventually(lambda: bool(app.window_view.panes))
        for key, typed, expected in (("apostrophe", "2", "2"), ("full_stop", "7", "7")):
            await pilot.press("ctrl+b", key)
            await eventually(lambda: isinstance(app.screen, Prompt))
            await pilot.press(typed, "enter")
            await eventually(
                lambda expected=expected: tmux_server.display("s:", "#{window_index}") == expected
            )
        assert tmux_server.run("list-windows", "-t", "s", "-F", "#{window_index}").split() == [
            "0",
            "7",
        ]
        pane = tmux_server.display("s:", "#{pane_id}")
        await pilot.press("ctrl+b", "m")
        await eventually(lambda: tmux_server.display(pane, "#{pane_marked}") == "1")
        await pilot.press("ctrl+b", "M")
        await eventually(lambda: tmux_server.display(pane, "#{pane_marked}") == "0")
        # A typed index that is not a window: tmux's complaint, nothing else.
        await pilot.press("ctrl+b", "apostrophe")
        await eventually(lambda: isinstance(app.screen, Prompt))
        await pilot.press(*"9;kill-server", "enter")
        await eventually(lambda: "can't find window" in app.status_bar.message)
        assert tmux_server.display("s:", "#{window_index}") == "7"
