"""The whole app, headless through Textual's pilot, against a real tmux server."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.helpers import as_drawn, eventually
from tuimux.connect import Target, connect_local
from tuimux.ui.app import TuimuxApp


async def make_app(server: TmuxServer, session: str = "s") -> TuimuxApp:
    target = Target(socket_name=server.socket_name, session=session, env=server.env)
    return TuimuxApp(await connect_local(target, 100, 30))


def shown_lines(app: TuimuxApp, pane_id: str) -> list[str]:
    view = app.window_view.panes[pane_id]
    return [view.render_line(y).text.rstrip() for y in range(view.terminal.screen.lines)]


def tmux_lines(server: TmuxServer, pane_id: str) -> list[str]:
    return [as_drawn(line).rstrip() for line in server.capture(pane_id).split("\n")][:-1]


async def test_attach_shows_the_pane_exactly_and_typing_runs(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("send-keys", "-t", "s", "printf 'hello\\033[31mred\\033[0m\\n'", "Enter")
    tmux_server.wait_for(lambda: "hellored" in tmux_server.capture("s"))
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        pane_id = tmux_server.display("s:", "#{pane_id}")
        await eventually(
            lambda: shown_lines(app, pane_id) == tmux_lines(tmux_server, pane_id),
            detail=lambda: (shown_lines(app, pane_id), tmux_lines(tmux_server, pane_id)),
        )
        await pilot.press(*"echo typed-$((6*7))", "enter")
        await eventually(lambda: "typed-42" in tmux_server.capture(pane_id))
        await eventually(
            lambda: shown_lines(app, pane_id) == tmux_lines(tmux_server, pane_id),
            detail=lambda: (shown_lines(app, pane_id), tmux_lines(tmux_server, pane_id)),
        )
        assert any("typed-42" in line for line in shown_lines(app, pane_id))


async def test_prefix_split_shows_both_panes_and_detach_keeps_session(
    tmux_server: TmuxServer,
) -> None:
    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        await pilot.press("ctrl+b", "percent_sign")
        await eventually(lambda: len(app.window_view.panes) == 2)
        panes = tmux_server.run("list-panes", "-t", "s", "-F", "#{pane_id} #{pane_width}")
        assert len(panes.splitlines()) == 2
        for line in panes.splitlines():
            pane_id, width = line.split()
            view = app.window_view.panes[pane_id]
            await eventually(lambda v=view, w=int(width): v.size.width == w)
            await eventually(
                lambda p=pane_id: shown_lines(app, p) == tmux_lines(tmux_server, p),
                detail=lambda p=pane_id: (shown_lines(app, p), tmux_lines(tmux_server, p)),
            )
        await pilot.press("ctrl+b", "d")
        await asyncio.wait_for(_until_exit(app), 10)
    assert app.return_code == 0
    assert tmux_server.run("list-sessions", "-F", "#{session_name}").split() == ["s"]


async def _until_exit(app: TuimuxApp) -> None:
    while app.is_running:
        await asyncio.sleep(0.02)


async def test_terminal_resize_resizes_the_tmux_window(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        await pilot.resize_terminal(70, 21)
        await eventually(
            lambda: tmux_server.display("s:", "#{window_width}x#{window_height}") == "70x20"
        )
        pane_id = tmux_server.display("s:", "#{pane_id}")
        await eventually(lambda: app.window_view.panes[pane_id].terminal.size == (70, 20))


async def test_prefix_commands_windows_zoom_kill(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        await pilot.press("ctrl+b", "c")
        await eventually(lambda: len(tmux_server.run("list-windows", "-t", "s").splitlines()) == 2)
        await pilot.press("ctrl+b", "0")
        await eventually(lambda: tmux_server.display("s:", "#{window_index}") == "0")
        await pilot.press("ctrl+b", "n")
        await eventually(lambda: tmux_server.display("s:", "#{window_index}") == "1")
        await pilot.press("ctrl+b", "quotation_mark")
        await eventually(lambda: tmux_server.display("s:", "#{window_panes}") == "2")
        await pilot.press("ctrl+b", "z")
        await eventually(lambda: tmux_server.display("s:", "#{window_zoomed_flag}") == "1")
        await eventually(lambda: len(app.window_view.panes) == 1)
        await pilot.press("ctrl+b", "z")
        await eventually(lambda: tmux_server.display("s:", "#{window_zoomed_flag}") == "0")
        await pilot.press("ctrl+b", "x")
        await pilot.press("n")  # refused: nothing is killed
        await pilot.pause()
        assert tmux_server.display("s:", "#{window_panes}") == "2"
        await pilot.press("ctrl+b", "x", "y")
        await eventually(lambda: tmux_server.display("s:", "#{window_panes}") == "1")
        await pilot.press("ctrl+b", "comma")
        await pilot.pause()
        await pilot.press("ctrl+u", *"renamed", "enter")
        await eventually(lambda: tmux_server.display("s:", "#{window_name}") == "renamed")
        await eventually(lambda: "1:renamed*" in app.status_bar.render().plain)
        await pilot.press("ctrl+b", "ampersand", "y")
        await eventually(lambda: len(tmux_server.run("list-windows", "-t", "s").splitlines()) == 1)


async def test_click_selects_pane_and_ctrl_b_twice_sends_it(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=100, height=30, command="cat -v")
    tmux_server.run("split-window", "-h", "-t", "s", "cat -v")
    tmux_server.run("set-option", "-g", "mouse", "on")  # as in tmux, clicks select panes
    left = tmux_server.run("list-panes", "-t", "s", "-F", "#{pane_id}").split()[0]
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: len(app.window_view.panes) == 2)
        await pilot.click(app.window_view.panes[left])
        await eventually(lambda: tmux_server.display("s:", "#{pane_id}") == left)
        await pilot.press("ctrl+b", "ctrl+b", "enter")
        await eventually(lambda: "^B" in tmux_server.capture(left))


def recorder_session(server: TmuxServer, tmp_path: Path, modes: str) -> Path:
    """Session "s" whose pane records every byte it gets, after printing ``modes``."""
    from tests.terminal.test_keys import RECORDER

    program = tmp_path / "recorder.py"
    program.write_text(f"import sys; sys.stdout.write({modes!r}); sys.stdout.flush()\n" + RECORDER)
    output = tmp_path / "received"
    output.write_bytes(b"")
    server.new_session(
        "s", width=100, height=30, command=f"exec {sys.executable} {program} {output}"
    )
    server.wait_for(output.with_name("received.ready").exists)
    return output


async def test_paste_is_bracketed_when_the_pane_asks(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    from textual.events import Paste

    output = recorder_session(tmux_server, tmp_path, "\x1b[?2004h")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        text = "first line\nsecond $HOME 'q' \"d\" \\ ;\n\ttabbed é"
        app.window_view.post_message(Paste(text))
        await pilot.pause()
        expected = b"\x1b[200~" + text.replace("\n", "\r").encode() + b"\x1b[201~"
        await eventually(lambda: output.read_bytes() == expected)


async def test_pasted_control_characters_and_utf8_arrive_unchanged(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """tmux 3.7+ ``paste-buffer`` escapes control characters with vis(3) (ESC arrives
    as ``^[``) unless ``-S``: a paste must reach the pane as the terminal gave it, on
    every tmux."""
    from textual.events import Paste

    output = recorder_session(tmux_server, tmp_path, "")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        text = "a\x01b\x1b[31mc\x7fd\x08\x07\x1b\\ é 日本 \U0001f600\tz\nnext"
        app.window_view.post_message(Paste(text))
        await pilot.pause()
        expected = text.replace("\n", "\r").encode()
        await eventually(
            lambda: output.read_bytes() == expected, detail=lambda: output.read_bytes()
        )


async def test_status_bar_lists_windows_with_bell_flag(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("rename-window", "-t", "s:0", "first")
    tmux_server.run("new-window", "-t", "s:", "-n", "second")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: bool(app.window_view.panes))
        bar = lambda: app.status_bar.render().plain  # noqa: E731
        await eventually(lambda: "[s] 0:first- 1:second*" in bar())
        tmux_server.run("send-keys", "-t", "s:0", "printf '\\a'", "Enter")
        await eventually(lambda: "0:first-!" in bar() or "0:first!" in bar())


async def test_copy_mode_is_shown_and_escape_leaves(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        pane_id = tmux_server.display("s:", "#{pane_id}")
        view = app.window_view.panes[pane_id]
        await pilot.press("ctrl+b", "left_square_bracket")
        await eventually(lambda: tmux_server.display(pane_id, "#{pane_in_mode}") == "1")
        await eventually(lambda: view.render_line(0).text.rstrip().endswith("[0/0]"))
        await pilot.press("escape")
        await eventually(lambda: tmux_server.display(pane_id, "#{pane_in_mode}") == "0")
        await eventually(lambda: "[0/0]" not in view.render_line(0).text)


@pytest.mark.parametrize(("width", "badge"), [(20, " clock: q leaves "), (12, " clock "), (3, "c")])
async def test_a_mode_badge_fits_narrow_panes(
    tmux_server: TmuxServer, width: int, badge: str
) -> None:
    """A mode tmux draws in the pane and sends none of (clock mode) is named by a badge;
    on a phone a pane may be a few columns wide: the badge shrinks, never vanishes."""
    tmux_server.new_session("s", width=60, height=10)
    tmux_server.run("split-window", "-h", "-t", "s:", "-l", str(width))
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 11)) as pilot:
        pane_id = tmux_server.display("s:", "#{pane_id}")  # the narrow one, active
        await eventually(lambda: pane_id in app.window_view.panes)
        view = app.window_view.panes[pane_id]
        await eventually(lambda: view.size.width == width)
        await pilot.press("ctrl+b", "t")
        await eventually(lambda: tmux_server.display(pane_id, "#{pane_in_mode}") == "1")
        await eventually(
            lambda: view.render_line(0).text.endswith(badge),
            detail=lambda: view.render_line(0).text,
        )


async def test_server_killed_under_us_is_a_clear_error(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: bool(app.window_view.panes))
        tmux_server.kill()
        await asyncio.wait_for(_until_exit(app), 10)
    assert app.return_code == 1
    assert app.error is not None and app.error.startswith("tmux ended the attach")


async def test_names_with_control_characters_are_drawn_inert(tmux_server: TmuxServer) -> None:
    """tmux 3.3a vis-encodes names it stores, but a name also arrives through notifications
    and the user's line from any tmux version (or a hostile server): the status bar itself
    must never draw a control character."""
    from tuimux.control import events as ev
    from tuimux.ui.status_line import parse_status_read

    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: app.mirror is not None and app.mirror.model.current is not None)
        assert app.mirror is not None and app.mirror.model.current is not None
        window = app.mirror.model.current.window_id
        evil = "evil\x1b]2;pwned\x07\x1b[31m\x9b\u202e"
        app.mirror._on_event(ev.WindowRenamed(window, evil))
        # The user's line, as a hostile server might say it (tmux's own reads stopped).
        await eventually(lambda: app._status_task is not None)
        assert app._status_task is not None
        app._status_task.cancel()
        app.status_bar.show_status(parse_status_read([["on"], [""], [""], [evil]]))
        await eventually(lambda: "evil" in app.status_bar.render().plain)  # next frame
        text = app.status_bar.render().plain
        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in text)
        assert "\u202e" not in text


async def test_click_reaches_an_application_that_asked_for_the_mouse(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    output = recorder_session(tmux_server, tmp_path, "\x1b[?1000h\x1b[?1006h")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        pane_id = tmux_server.display("s:", "#{pane_id}")
        view = app.window_view.panes[pane_id]
        await eventually(
            lambda: {1000, 1006} <= view.terminal.screen.mouse_modes,
            detail=lambda: view.terminal.screen.mouse_modes,
        )
        await pilot.click(app.window_view.panes[pane_id], offset=(7, 3))
        await eventually(lambda: output.read_bytes() == b"\x1b[<0;8;4M\x1b[<0;8;4m")


async def test_wheel_scrolls_through_copy_mode_and_shows_it(tmux_server: TmuxServer) -> None:
    from textual.events import MouseScrollDown, MouseScrollUp

    tmux_server.new_session("s", width=60, height=12)
    tmux_server.run("set-option", "-g", "mouse", "on")
    tmux_server.run("send-keys", "-t", "s:", "seq 1 200", "Enter")
    tmux_server.wait_for(lambda: "200" in tmux_server.capture("s:"))
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 13)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        pane_id = tmux_server.display("s:", "#{pane_id}")
        view = app.window_view.panes[pane_id]

        def shown() -> list[str]:
            return [view._render_row(y).text.rstrip() for y in range(12)]

        def tmux_view() -> list[str]:
            position = int(tmux_server.display(pane_id, "#{scroll_position}") or 0)
            text = tmux_server.run(
                "capture-pane", "-p", "-t", pane_id, "-S", str(-position), "-E", str(11 - position)
            )
            rows = [line.rstrip() for line in text.split("\n")[:12]]
            if position:  # tmux's position indicator at the top right, as its client draws
                # it (3.6+ draws the user's copy-mode-position-format, a time included)
                indicator = f"[{position}/{tmux_server.display(pane_id, '#{history_size}')}]"
                shown_top = view._render_row(0).text.rstrip()
                if shown_top.endswith(indicator) and shown_top.startswith(rows[0]):
                    rows[0] = shown_top
            return rows

        for _ in range(3):
            view.post_message(MouseScrollUp(view, 5, 5, 0, 0, 0, False, False, False))
            await pilot.pause()
        # tmux's default bindings: the first notch enters copy mode, each next one
        # scrolls 5 lines (tests/ui/test_mouse.py compares with tmux's own client).
        await eventually(lambda: tmux_server.display(pane_id, "#{scroll_position}") == "10")
        await eventually(lambda: shown() == tmux_view())
        assert shown()[0] != tmux_server.capture(pane_id).split("\n")[0].rstrip()
        for _ in range(3):
            view.post_message(MouseScrollDown(view, 5, 5, 0, 0, 0, False, False, False))
            await pilot.pause()
        await eventually(lambda: tmux_server.display(pane_id, "#{pane_in_mode}") == "0")
        await eventually(
            lambda: (
                shown() == [line.rstrip() for line in tmux_server.capture(pane_id).split("\n")[:12]]
            )
        )


async def test_display_panes_numbers_and_selects(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("split-window", "-h", "-t", "s:")
    tmux_server.run("select-pane", "-t", "s:.1")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: len(app.window_view.panes) == 2)
        await pilot.press("ctrl+b", "q")
        by_index = {
            int(line.split()[1]): line.split()[0]
            for line in tmux_server.run(
                "list-panes", "-t", "s:", "-F", "#{pane_id} #{pane_index}"
            ).splitlines()
        }
        for index, pane_id in by_index.items():
            view = app.window_view.panes[pane_id]
            assert view.number == index  # drawn as tmux draws it (test_key_tables)
            assert view.render_line(0).text.endswith("x30")  # the size, top right
        await pilot.press("0")
        await eventually(lambda: tmux_server.display("s:", "#{pane_index}") == "0")
        assert all(view.number is None for view in app.window_view.panes.values())


async def test_pane_border_status_places_panes_and_draws_titles(tmux_server: TmuxServer) -> None:
    from tests.helpers import pane_geometry

    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("split-window", "-h", "-t", "s:")
    tmux_server.run("select-pane", "-t", "s:.0", "-T", "left-title")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: len(app.window_view.panes) == 2)
        # Switched on after attaching: tmux sends no %layout-change for it.
        tmux_server.run("set-option", "-w", "-t", "s:", "pane-border-status", "top")

        def placed() -> dict[str, tuple[int, int, int, int]]:
            return {
                pane_id: (view.region.x, view.region.y, view.region.width, view.region.height)
                for pane_id, view in app.window_view.panes.items()
            }

        await eventually(lambda: placed() == pane_geometry(tmux_server, "s:"), 5)
        assert all(top == 1 for _, top, _, _ in placed().values())
        border_row = app.window_view.borders.render_line(0).text
        assert '0 "left-title"' in border_row
        for pane_id, (_, _, width, height) in pane_geometry(tmux_server, "s:").items():
            await eventually(
                lambda p=pane_id, s=(width, height): app.window_view.panes[p].terminal.size == s
            )


async def test_attach_during_alternate_screen_then_leave_it(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=60, height=10)
    tmux_server.run("send-keys", "-t", "s:", "echo primary-marker", "Enter")
    tmux_server.wait_for(lambda: "primary-marker\n" in tmux_server.capture("s:"))
    tmux_server.run(
        "send-keys", "-t", "s:", "printf '\\033[?1049hALT'; read x; printf '\\033[?1049l'", "Enter"
    )
    tmux_server.wait_for(lambda: tmux_server.display("s:", "#{alternate_on}") == "1")
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 11)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        pane_id = tmux_server.display("s:", "#{pane_id}")
        await eventually(lambda: shown_lines(app, pane_id) == tmux_lines(tmux_server, pane_id))
        assert "ALT" in "".join(shown_lines(app, pane_id))
        await pilot.press("enter")
        await eventually(lambda: tmux_server.display("s:", "#{alternate_on}") == "0")
        await eventually(
            lambda: shown_lines(app, pane_id) == tmux_lines(tmux_server, pane_id),
            detail=lambda: (shown_lines(app, pane_id), tmux_lines(tmux_server, pane_id)),
        )
        assert any("primary-marker" in line for line in shown_lines(app, pane_id))


async def test_a_burst_of_keys_and_pastes_keeps_its_order(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """Plain keys skip a message hop; they must still never overtake a paste or a
    prefix key queued before them."""
    from textual.events import Key, Paste

    output = recorder_session(tmux_server, tmp_path, "")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        view = app.window_view
        for event in [
            Key("a", "a"),
            Paste("PQ"),
            Key("b", "b"),
            Key("ctrl+b", None),
            Key("c", "c"),
        ]:
            view.post_message(event)
        await pilot.pause()
        await eventually(lambda: output.read_bytes() == b"aPQb")
        await eventually(lambda: len(tmux_server.run("list-windows", "-t", "s").splitlines()) == 2)
        assert view.in_flight == 0
