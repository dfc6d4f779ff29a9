"""``C-b :`` (tmux's command prompt) and ``C-b ?`` (the key bindings, searchable)."""

from __future__ import annotations

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app
from tuimux.control.command_line import split_command_line
from tuimux.errors import CommandError


@pytest.mark.parametrize(
    ("line", "commands"),
    [
        ("list-windows", [["list-windows"]]),
        ("neww -n 'a b' ; splitw -h", [["neww", "-n", "a b"], ["splitw", "-h"]]),
        ("neww;splitw", [["neww"], ["splitw"]]),
        ("rename-window 'a;b'", [["rename-window", "a;b"]]),
        ("rename-window a\\;b", [["rename-window", "a;b"]]),
        ('rename-window "say \\"hi\\" \\\\ \\t"', [["rename-window", 'say "hi" \\ \t']]),
        ("rename-window ''", [["rename-window", ""]]),
        ("display -p '#{pane_id}' ;; ", [["display", "-p", "#{pane_id}"]]),
        ("  ", []),
    ],
)
def test_typed_lines_split_like_tmux(line: str, commands: list[list[str]]) -> None:
    assert split_command_line(line) == commands


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("rename-window 'open", "unclosed ' quote"),
        ('rename-window "open', 'unclosed " quote'),
        ("rename-window x\\", "lone backslash"),
        ('rename-window "a\\nb"', "line breaks"),  # tmux reads \n as a line break
        ("list-windows\nkill-server", "on one line"),
        ("list-windows\rkill-server", "on one line"),
        ("A=b list-windows", "not a tmux command name"),
        ("list-windows ; '-x' y", "not a tmux command name"),
    ],
)
def test_bad_typed_lines_are_one_sentence(line: str, words: str) -> None:
    with pytest.raises(CommandError, match=words):
        split_command_line(line)


async def test_command_prompt_runs_each_command_and_shows_output(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+b", "colon")
        await pilot.pause()
        line = "new-window -d -n 'a;b' ; rename-window -t :1 \"x y\""
        app.screen.focused.insert_text_at_cursor(line)  # type: ignore[union-attr]
        await pilot.press("enter")
        await eventually(
            lambda: tmux_server.display("s:1", "#{window_name}") == "x y",
        )
        # The ';' inside quotes did not split the line: one new window, then renamed.
        assert len(tmux_server.run("list-windows", "-t", "s").splitlines()) == 2
        await pilot.press("ctrl+b", "colon")
        await pilot.pause()
        typed = "list-windows -F '#{window_index}=#{window_name}'"
        app.screen.focused.insert_text_at_cursor(typed)  # type: ignore[union-attr]
        await pilot.press("enter")
        await eventually(
            lambda: any(n.message.startswith("0=") for n in app._notifications),
            detail=lambda: [n.message for n in app._notifications],
        )
        await pilot.press("ctrl+b", "colon")
        await pilot.pause()
        app.screen.focused.insert_text_at_cursor("select-window -t :9")  # type: ignore[union-attr]
        await pilot.press("enter")
        await eventually(lambda: "9" in app.status_bar.message)
        await pilot.press("ctrl+b", "colon")
        await pilot.pause()
        app.screen.focused.insert_text_at_cursor("list-windows 'open")  # type: ignore[union-attr]
        await pilot.press("enter")
        await eventually(lambda: "unclosed" in app.status_bar.message)


async def test_key_list_finds_a_binding_and_runs_it(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("split-window", "-t", "s", "-h")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: len(app.window_view.panes) == 2)
        await pilot.press("ctrl+b", "question_mark")
        await pilot.pause()
        await pilot.press(*"zoom")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await eventually(lambda: tmux_server.display("s:", "#{window_zoomed_flag}") == "1")
        await eventually(lambda: len(app.window_view.panes) == 1)


async def test_key_list_closes_on_q_as_tmuxs_view_and_still_searches(
    tmux_server: TmuxServer,
) -> None:
    """``C-b ? q`` closes the key list as it closes tmux's own (its view mode); ``/`` (or
    ``C-s``) starts a search in which ``q`` is typed; a letter starts one too; ``q``
    after a cleared search closes again, and so does Escape."""
    from textual.command import CommandInput

    from tests.ui.test_bindings import HEIGHT, WIDTH, tmux_client_on
    from tuimux.ui.palette import KeyList

    for session in ("ours", "theirs"):
        tmux_server.new_session(session, width=WIDTH, height=HEIGHT)
    with tmux_client_on(tmux_server, "theirs") as outer:

        def theirs_in_mode() -> str:
            return tmux_server.display("theirs:", "#{pane_in_mode}")

        await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
        outer.run("send-keys", "-t", "o:", "C-b", "?")
        await eventually(lambda: theirs_in_mode() == "1", detail=theirs_in_mode)
        outer.run("send-keys", "-t", "o:", "q")
        await eventually(lambda: theirs_in_mode() == "0", detail=theirs_in_mode)
    app = await make_app(tmux_server, "ours")

    def search() -> str | None:
        screen = app.screen
        return screen.query_one(CommandInput).value if isinstance(screen, KeyList) else None

    async with app.run_test(size=(WIDTH, HEIGHT + 1)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        for opening in ((), ("slash",), ("ctrl+s",), ("z", "backspace")):
            await pilot.press("ctrl+b", "question_mark")
            await eventually(lambda: search() == "")
            await pilot.press(*opening, "q")
            wanted = None if opening in ((), ("z", "backspace")) else "q"
            await eventually(lambda wanted=wanted: search() == wanted, detail=search)
            if wanted is not None:
                await pilot.press("escape")
                await eventually(lambda: search() is None, detail=search)
        await pilot.press("ctrl+b", "question_mark", "z", "q")
        await eventually(lambda: search() == "zq", detail=search)
        await pilot.press("escape")
        await eventually(lambda: search() is None, detail=search)
        assert tmux_server.display("ours:", "#{pane_in_mode}") == "0"


async def test_command_output_uses_the_width_of_a_phone_screen(tmux_server: TmuxServer) -> None:
    from textual.widgets._toast import Toast

    tmux_server.new_session("s", width=60, height=20)
    app = await make_app(tmux_server)
    async with app.run_test(size=(60, 21), notifications=True) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+b", "colon")
        await pilot.pause()
        wide = "x" * 50  # fits a 60-column screen, not Textual's half of it
        app.screen.focused.insert_text_at_cursor(f"display -p {wide}")  # type: ignore[union-attr]
        await pilot.press("enter")
        await eventually(
            lambda: bool(app.screen.query(Toast)),
            detail=lambda: ([n.message for n in app._notifications], app.status_bar.message),
        )
        toast = app.screen.query(Toast).first()
        await eventually(lambda: toast.size.width >= len(wide), detail=lambda: toast.size)
        assert toast.size.height <= 3  # one line of text (and its padding)
