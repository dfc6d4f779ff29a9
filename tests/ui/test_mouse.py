"""The mouse with ``mouse on``, in tuimux and in tmux's own client side by side.

The oracle is tmux itself: two sessions built alike, one attached to tuimux and one to a
real ``tmux attach`` in an outer tmux. The same mouse reports reach both: tmux's client
reads SGR mouse bytes written to its terminal (the outer pane), tuimux gets the same
events from Textual. Afterwards both sessions must be alike: pane sizes after a border
drag, the buffer a drag or a double click copied, the copy-mode scroll position.
"""

from __future__ import annotations

import asyncio
import shlex
from collections.abc import Sequence

import pytest
from textual.events import MouseDown, MouseMove, MouseScrollUp, MouseUp
from textual.widget import Widget

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app
from tests.ui.test_bindings import HEIGHT, WIDTH, state, tmux_client_on
from tuimux.control.layout import format_layout
from tuimux.control.mouse_keys import CLICK_SECONDS
from tuimux.ui.app import TuimuxApp
from tuimux.ui.mouse_mode import MOUSE_ON

TEXT = "alpha beta gamma\\ndelta epsilon-zeta eta\\ntheta iota kappa lambda\\n"
# (tmux's SGR button code, Textual's action): press, drag with button 1, release.
Step = tuple[str, int, int]


def _sgr(step: Step) -> list[str]:
    action, x, y = step
    code, final = {"press": (0, "M"), "drag": (32, "M"), "release": (0, "m"), "up": (64, "M")}[
        action
    ]
    return [f"{byte:02x}" for byte in f"\x1b[<{code};{x + 1};{y + 1}{final}".encode()]


def _widget_at(app: TuimuxApp, x: int, y: int) -> tuple[Widget, int, int]:
    """The pane view under window cell (x, y), with the cell in its own terms."""
    assert app.mirror is not None
    for pane_id, view in app.window_view.panes.items():
        pane = app.mirror.model.panes[pane_id]
        if pane.left <= x < pane.left + pane.width and pane.top <= y < pane.top + pane.height:
            return view, x - pane.left, y - pane.top
    return app.window_view, x, y


async def both(app: TuimuxApp, outer: TmuxServer | None, steps: Sequence[Step]) -> None:
    """The same mouse reports to tuimux (as Textual events) and to tmux's own client
    (None: to tuimux alone)."""
    pressed: tuple[Widget, int, int] | None = None
    for step in steps:
        action, x, y = step
        widget, wx, wy = _widget_at(app, x, y)
        if action == "press":
            pressed = (widget, x - wx, y - wy)
            widget.post_message(MouseDown(widget, wx, wy, 0, 0, 1, False, False, False))
        elif action == "up":
            widget.post_message(MouseScrollUp(widget, wx, wy, 0, 0, 0, False, False, False))
        else:
            assert pressed is not None  # the widget that took the press keeps the mouse
            target, left, top = pressed
            event = MouseMove if action == "drag" else MouseUp
            target.post_message(event(target, x - left, y - top, 0, 0, 1, False, False, False))
        if outer is not None:
            outer.run("send-keys", "-t", "o:", "-H", *_sgr(step))


def _twins(server: TmuxServer, command: str = "") -> None:
    for name in ("ours", "theirs"):
        server.new_session(name, width=WIDTH, height=HEIGHT, command=command or None)
    server.run("set-option", "-g", "status", "off")
    server.run("set-option", "-g", "mouse", "on")


async def test_border_drag_resizes_as_tmux_does(tmux_server: TmuxServer) -> None:
    _twins(tmux_server)
    for name in ("ours", "theirs"):
        tmux_server.run("split-window", "-h", "-t", f"{name}:")
        tmux_server.run("split-window", "-v", "-t", f"{name}:.0")
    app = await make_app(tmux_server, "ours")
    with tmux_client_on(tmux_server, "theirs") as outer:
        async with app.run_test(size=(WIDTH, HEIGHT)):  # status off: all rows
            await eventually(lambda: len(app.window_view.panes) == 3)
            await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
            await eventually(lambda: state(tmux_server, "ours") == state(tmux_server, "theirs"))
            column = int(tmux_server.display("ours:.0", "#{pane_width}"))
            row = int(tmux_server.display("ours:.0", "#{pane_height}"))
            drags: list[list[Step]] = [
                # The vertical border, right and on further than the right pane can give.
                [("press", column, 3), ("drag", column + 6, 3), ("drag", column + 9, 4)],
                [("press", column + 9, 4), ("drag", WIDTH - 1, 4)],
                # Back left, then the horizontal border in the left column, up.
                [("press", WIDTH - 2, 10), ("drag", 20, 10)],
                [("press", 5, row), ("drag", 5, row - 4), ("drag", 6, row - 6)],
            ]
            loop = asyncio.get_running_loop()
            pressed_at = loop.time() - 1
            for drag in drags:
                # Each drag starts with a first click, in tmux's client and in tuimux:
                # a press within tmux's KEYC_CLICK_TIMEOUT of the last one on the same
                # border is a second click, which drags nothing (both did so under load).
                await asyncio.sleep(max(0.0, pressed_at + CLICK_SECONDS + 0.1 - loop.time()))
                pressed_at = loop.time()
                _, x, y = drag[-1]
                await both(app, outer, [*drag, ("release", x, y)])
                await eventually(
                    lambda: _geometry(tmux_server, "ours") == _geometry(tmux_server, "theirs"),
                    detail=lambda drag=drag: (
                        drag,
                        _geometry(tmux_server, "ours"),
                        _geometry(tmux_server, "theirs"),
                    ),
                )
                # The next press lands on the border where tuimux draws it.
                await eventually(lambda: _shown_layout(app) == _layout(tmux_server, "ours"))
            # The drags did move borders (the left column ends where the third one let go).
            assert tmux_server.display("ours:.0", "#{pane_width}") == "20"


def _geometry(server: TmuxServer, session: str) -> list[str]:
    """Where each pane is and its size. Which pane is active is not compared: with the
    drags this close together tmux's own client now and then takes two presses for a
    double click, whose timer fires after the layout moved, over a pane."""
    text = "#{pane_index} #{pane_left},#{pane_top} #{pane_width}x#{pane_height}"
    return server.run("list-panes", "-t", f"{session}:", "-F", text).splitlines()


def _layout(server: TmuxServer, session: str) -> str:
    return server.display(f"{session}:", "#{window_layout}")


def _shown_layout(app: TuimuxApp) -> str:
    window = app.mirror.model.current if app.mirror is not None else None
    layout = window.layout if window is not None else None
    return format_layout(layout) if layout is not None else ""


def _buffers(server: TmuxServer) -> list[str]:
    return server.run("list-buffers", "-F", "#{buffer_name}").split()


async def _copied(
    server: TmuxServer, app: TuimuxApp, outer: TmuxServer, steps: Sequence[Step]
) -> list[str]:
    """What tuimux copied (buffer and clipboard), then what tmux's client copied."""
    copies = []
    for name in ("ours", "theirs"):
        # A user's pause between gestures: a press within tmux's double-click time of
        # the last one would be its second click, in tmux as in tuimux.
        await asyncio.sleep(CLICK_SECONDS + 0.1)
        server.run("delete-buffer", check=False)
        before = len(_buffers(server))
        if name == "ours":
            await both(app, None, steps)
        else:  # in one write: a triple click's presses within tmux's 300 ms
            outer.run(
                "send-keys", "-t", "o:", "-H", *(byte for step in steps for byte in _sgr(step))
            )
        await eventually(lambda before=before: len(_buffers(server)) > before)
        copies.append(server.run("show-buffer"))
        await eventually(lambda name=name: server.display(f"{name}:", "#{pane_in_mode}") == "0")
        if name == "ours":
            await eventually(lambda: app.clipboard == copies[0], detail=lambda: app.clipboard)
        server.run("delete-buffer")
    return copies


@pytest.mark.parametrize("keys", ["emacs", "vi"])
async def test_drag_and_clicks_copy_what_tmux_copies(tmux_server: TmuxServer, keys: str) -> None:
    """vi keys take the cursor's cell into a selection, emacs keys leave it out."""
    _twins(tmux_server, f"printf {shlex.quote(TEXT)}; exec sleep 600")
    tmux_server.run("set-option", "-g", "mode-keys", keys)
    app = await make_app(tmux_server, "ours")
    with tmux_client_on(tmux_server, "theirs") as outer:
        async with app.run_test(size=(WIDTH, HEIGHT)):  # status off: all rows
            await eventually(lambda: bool(app.window_view.panes))
            await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
            await eventually(lambda: "lambda" in tmux_server.capture("ours:"))
            gestures: list[list[Step]] = [
                # A drag over two rows, released where it ended.
                [("press", 6, 0), ("drag", 8, 0), ("drag", 9, 1), ("release", 9, 1)],
                # Upwards, ending past the end of a row (not the top row: a drag there
                # scrolls, and tmux then leaves the cursor at a remembered column).
                [("press", 12, 2), ("drag", 10, 1), ("drag", 40, 1), ("release", 40, 1)],
                # A double click on a word, and a triple click on a row.
                [("press", 8, 1), ("release", 8, 1), ("press", 8, 1), ("release", 8, 1)],
                [("press", 3, 2), ("release", 3, 2)] * 3,
            ]
            for gesture in gestures:
                ours, theirs = await _copied(tmux_server, app, outer, gesture)
                assert ours == theirs, (gesture, ours, theirs)
                assert ours.strip()


async def test_wheel_scrolls_as_the_users_bindings_say(tmux_server: TmuxServer) -> None:
    """The user's WheelUpPane scrolls 2 lines; a program that grabbed the mouse gets the
    wheel until the user enters copy mode with the keyboard, then it scrolls."""
    _twins(tmux_server, "printf '\\033[?1000h\\033[?1006h'; seq 1 300; exec sleep 600")
    for table in ("copy-mode", "copy-mode-vi"):
        tmux_server.run(
            "bind",
            "-T",
            table,
            "WheelUpPane",
            "select-pane",
            "\\;",
            "send",
            "-N2",
            "-X",
            "scroll-up",
        )
    app = await make_app(tmux_server, "ours")
    with tmux_client_on(tmux_server, "theirs") as outer:
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:  # status off: all rows
            await eventually(lambda: bool(app.window_view.panes))
            await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
            await eventually(lambda: "300" in tmux_server.capture("ours:"))
            await eventually(lambda: "300" in tmux_server.capture("theirs:"))
            await eventually(lambda: "prefix" in app.keys.tables)  # the user's tables read

            def positions() -> list[str]:
                return [
                    tmux_server.display(f"{name}:", "#{pane_in_mode} #{scroll_position}")
                    for name in ("ours", "theirs")
                ]

            handled = app.mouse_keys.handled
            await both(app, outer, [("up", 5, 5)] * 3)  # to the program: nothing scrolls
            # Handled before the prefix is typed (a mouse key after it would cancel it).
            await eventually(lambda: app.mouse_keys.handled == handled + 3)
            await eventually(lambda: positions() == ["0 ", "0 "], detail=positions)
            sent: list[str] = []
            app.client.on_send = sent.append
            await pilot.press("ctrl+b", "left_square_bracket")
            outer.run("send-keys", "-t", "o:", "C-b", "[")
            await eventually(
                lambda: positions() == ["1 0", "1 0"], detail=lambda: (positions(), sent, app.keys)
            )
            await both(app, outer, [("up", 5, 5)] * 4)
            await eventually(lambda: positions() == ["1 8", "1 8"], detail=positions)


async def test_mouse_off_gives_the_terminal_its_mouse_back(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=80, height=20)
    tmux_server.run("set-option", "-g", "mouse", "on")
    app = await make_app(tmux_server)
    async with app.run_test(size=(80, 21)):
        await eventually(lambda: bool(app.window_view.panes))
        assert app.mouse_reporting.modes == MOUSE_ON
        tmux_server.run("set-option", "-g", "mouse", "off")  # followed: a subscription
        await eventually(lambda: app.mouse_reporting.modes == frozenset())
        # A program that asks for the mouse gets it, as under tmux's own client.
        tmux_server.run("send-keys", "-t", "s:", "printf '\\033[?1002h'", "Enter")
        await eventually(
            lambda: app.mouse_reporting.modes == {1002, 1006},
            detail=lambda: app.mouse_reporting.modes,
        )
        tmux_server.run("set-option", "-g", "mouse", "on")
        await eventually(lambda: app.mouse_reporting.modes == MOUSE_ON)
