"""``C-b s`` / ``C-b w`` (the session tree), ``C-b ( ) L`` and ``C-b $``, against real tmux.

tmux is the oracle: what the tree lists is what ``list-sessions``/``list-windows`` say,
and after a choice tmux's own ``list-clients`` says which session this client shows.
"""

from __future__ import annotations

from textual.widgets import Tree

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.security.conftest import composed_strips, strip_controls
from tests.ui.test_app import make_app
from tuimux.control.escape import printable
from tuimux.sessions import parse_tree
from tuimux.ui.app import TuimuxApp
from tuimux.ui.dialogs import Confirm, Prompt
from tuimux.ui.session_tree import SessionTree

# tmux turns ':' and '.' in a session name into '_' and stores the rest in vis(3) form.
HOSTILE = "[@click=app.quit]x\x1b]2;owned\x07 #{pane_id}"


def test_parse_tree_keeps_tabs_in_names_and_skips_broken_lines() -> None:
    sessions = ["$1\t0\tbeta", "$0\t1\talpha\twith tab", "$2\tx\tbad attached", "junk"]
    windows = [
        "$0\t@3\t2\t0\t1\ttwo",
        "$0\t@1\t0\t1\t3\tzero\tand tab",
        "$9\t@7\t0\t1\t1\tnot a session we know",
        "$1\t@2\tnot-a-number\t1\t1\tbroken",
        "$1\t@4\t0\t1",
    ]
    tree = parse_tree(sessions, windows)
    assert [(s.session_id, s.name, s.attached) for s in tree] == [
        ("$1", "beta", 0),
        ("$0", "alpha\twith tab", 1),
    ]
    alpha = tree[1]
    assert [(w.window_id, w.index, w.name, w.panes) for w in alpha.windows] == [
        ("@1", 0, "zero\tand tab", 3),
        ("@3", 2, "two", 1),
    ]
    assert alpha.active_window is not None and alpha.active_window.window_id == "@1"
    assert tree[0].windows == [] and tree[0].active_window is None


def client_session(server: TmuxServer) -> str:
    """The session tmux says the control client (tuimux) is showing."""
    lines = server.run("list-clients", "-F", "#{client_control_mode} #{session_name}")
    (name,) = [line[2:] for line in lines.splitlines() if line.startswith("1 ")]
    return name


def tree_of(app: TuimuxApp) -> Tree[object]:
    assert isinstance(app.screen, SessionTree)
    tree: Tree[object] = app.screen.query_one(Tree)
    return tree


def labels(app: TuimuxApp) -> list[str]:
    tree = tree_of(app)
    return [
        str(tree.get_node_at_line(line).label)  # type: ignore[union-attr]
        for line in range(tree.last_line + 1)
    ]


async def open_tree(app: TuimuxApp, pilot: object, key: str) -> Tree[object]:
    await pilot.press("ctrl+b", key)  # type: ignore[attr-defined]
    await eventually(lambda: isinstance(app.screen, SessionTree))
    tree = tree_of(app)
    await eventually(lambda: tree.cursor_node is not None and tree.last_line >= 0)
    return tree


async def test_the_tree_lists_the_server_and_switches_where_it_is_told(
    tmux_server: TmuxServer,
) -> None:
    tmux_server.new_session("alpha", width=100, height=30)
    tmux_server.run("new-window", "-d", "-t", "alpha:1", "-n", "second")
    tmux_server.new_session("beta", width=100, height=30)
    try:
        tmux_server.new_session(HOSTILE.replace("#", "##"), width=100, height=30)  # no expansion
    except RuntimeError:  # tmux 3.7+ refuses names with control characters: keep the markup
        visible = "".join(char for char in HOSTILE if char.isprintable())
        tmux_server.new_session(visible.replace("#", "##"), width=100, height=30)
    ids = tmux_server.run("list-sessions", "-F", "#{session_id} #{session_name}").splitlines()
    (hostile_id,) = [line.split()[0] for line in ids if "click" in line]
    app = await make_app(tmux_server, "alpha")
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))

        # C-b s: one line per session, in tmux's order and spelling, cursor on ours.
        tree = await open_tree(app, pilot, "s")
        names = tmux_server.run("list-sessions", "-F", "#{session_name}").splitlines()
        shown = labels(app)
        assert len(shown) == len(names) == 3
        for line, name in zip(shown, names, strict=True):
            assert line.startswith(printable(name) + ":"), (line, name)
        assert tree.cursor_node is not None and str(tree.cursor_node.label).startswith("alpha:")
        assert "alpha: 2 windows (attached)" in shown
        # The hostile name is text: its markup shows, its escape is not drawn raw.
        # (tmux 3.3a also turns "." into "_" in session names; the loop above spells it.)
        hostile = next(name for name in names if "click" in name)
        assert any(line.startswith(f"{printable(hostile)}:") for line in shown), shown
        assert any("[@click=app" in line for line in shown), shown
        assert strip_controls("tree", composed_strips(app)) == []
        await pilot.press("down", "enter")  # beta
        await eventually(lambda: client_session(tmux_server) == "beta")
        await eventually(lambda: app.mirror is not None and app.mirror.model.name == "beta")
        assert app.status_bar.render().plain.startswith("[beta]")

        # C-b w: every session unfolded, cursor on the current window; Enter on
        # another session's window switches there and selects it.
        tree = await open_tree(app, pilot, "w")
        assert tree.cursor_node is not None
        assert str(tree.cursor_node.label).startswith("0: ") and "beta" in str(
            tree.cursor_node.parent.label  # type: ignore[union-attr]
        )
        assert len(labels(app)) == 3 + 2 + 1 + 1
        await pilot.press("up", "up")  # beta, then alpha's window 1 ("second")
        assert str(tree.cursor_node.label).startswith("1: second")
        await pilot.press("enter")
        await eventually(lambda: client_session(tmux_server) == "alpha")
        await eventually(lambda: tmux_server.display("alpha", "#{window_name}") == "second")
        await eventually(
            lambda: (
                app.mirror is not None
                and app.mirror.model.current is not None
                and app.mirror.model.current.name == "second"
            )
        )

        # Left folds, Right unfolds, Escape closes without sending anything.
        tree = await open_tree(app, pilot, "s")
        sent: list[str] = []
        app.client.on_send = sent.append
        await pilot.press("right")
        assert len(labels(app)) == 3 + 2
        await pilot.press("down", "left")  # on a window: to its session
        assert str(tree.cursor_node.label).startswith("alpha:")  # type: ignore[union-attr]
        await pilot.press("left")
        assert len(labels(app)) == 3
        await pilot.press("escape")
        await eventually(lambda: not isinstance(app.screen, SessionTree))
        assert sent == [] and client_session(tmux_server) == "alpha"

        # C-b ) and C-b ( walk tmux's session order; C-b L goes back to the last one.
        order = tmux_server.run("list-sessions", "-F", "#{session_name}").splitlines()
        await pilot.press("ctrl+b", "right_parenthesis")
        after_alpha = order[(order.index("alpha") + 1) % len(order)]
        await eventually(lambda: client_session(tmux_server) == after_alpha)
        await pilot.press("ctrl+b", "left_parenthesis")
        await eventually(lambda: client_session(tmux_server) == "alpha")
        await pilot.press("ctrl+b", "L")
        await eventually(lambda: client_session(tmux_server) == after_alpha)
        await pilot.press("ctrl+b", "L")
        await eventually(lambda: client_session(tmux_server) == "alpha")

        # x asks first: n keeps the window, y kills exactly the one under the cursor.
        tree = await open_tree(app, pilot, "w")
        assert str(tree.cursor_node.label).startswith("1: second")  # type: ignore[union-attr]
        await pilot.press("x")
        await eventually(lambda: isinstance(app.screen, Confirm))
        await pilot.press("n")
        await eventually(lambda: not isinstance(app.screen, Confirm))
        assert "second" in tmux_server.run("list-windows", "-t", "alpha", "-F", "#{window_name}")
        tree = await open_tree(app, pilot, "w")
        await pilot.press("x")
        await eventually(lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await eventually(
            lambda: (
                tmux_server.run("list-windows", "-t", "alpha", "-F", "#{window_name}")
                .split()
                .count("second")
                == 0
            )
        )
        assert len(tmux_server.run("list-sessions").splitlines()) == 3

        # Killing a whole session from the tree: the hostile one.
        tree = await open_tree(app, pilot, "s")
        node = next(n for n in tree.root.children if n.data.target == hostile_id)  # type: ignore[union-attr]
        tree.move_cursor(node)
        await pilot.press("x")
        await eventually(lambda: isinstance(app.screen, Confirm))
        assert strip_controls("confirm", composed_strips(app)) == []
        await pilot.press("y")
        await eventually(
            lambda: (
                tmux_server.run("list-sessions", "-F", "#{session_name}").split()
                == ["alpha", "beta"]
            )
        )
        assert app.is_running


async def test_rename_session_round_trips_through_tmux(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=100, height=30)
    session_id = tmux_server.display("s", "#{session_id}")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+b", "dollar_sign")
        await eventually(lambda: isinstance(app.screen, Prompt))
        prompt_input = app.screen.focused
        assert prompt_input is not None and prompt_input.value == "s"  # type: ignore[attr-defined]
        await pilot.press("end", "backspace")
        name = "it's a;b #{pane_id} $HOME ~ ünï"
        prompt_input.insert_text_at_cursor(name)  # type: ignore[attr-defined]
        await pilot.press("enter")
        # tmux 3.2a-3.4 keep "$" before a letter as "\\$"; tuimux shows the name as tmux
        # holds it, as tmux's own status line does.
        await eventually(
            lambda: tmux_server.stored(session_id, "session_name").replace("\\$", "$") == name
        )
        stored = tmux_server.stored(session_id, "session_name")
        await eventually(lambda: app.mirror is not None and app.mirror.model.name == stored)


async def test_raw_control_characters_and_markup_in_names_are_drawn_inert() -> None:
    """tmux 3.3a hands names over in vis(3) form, but another tmux or a hostile server
    need not: the tree filters what it is given, and markup is text."""
    from textual.app import App

    from tuimux.sessions import SessionEntry, WindowEntry

    hostile = "\x1b]52;c;aGk=\x07[b]bold[/b][@click=app.exit]\x9b2J\x85"
    sessions = [SessionEntry("$1", hostile, 1, [WindowEntry("@1", 0, hostile, True, 2)])]
    app: App[None] = App()
    async with app.run_test(size=(80, 10)) as pilot:
        app.push_screen(SessionTree(sessions, "$1", "@1", windows=True))
        await eventually(lambda: isinstance(app.screen, SessionTree))
        await pilot.pause()
        assert strip_controls("tree", composed_strips(app)) == []
        shown = [str(line) for line in labels(app)]  # type: ignore[arg-type]
        assert shown[0].startswith("\ufffd]52;c;aGk=\ufffd[b]bold[/b][@click=app.exit]")
        assert shown[1].startswith("0: \ufffd]52;") and shown[1].endswith("* (2 panes)")
        await pilot.click("#session-tree", offset=(20, 0))  # on the markup: no action runs
        await pilot.pause()
        assert app.is_running


async def test_a_watcher_may_switch_sessions_but_not_select_windows(
    tmux_server: TmuxServer,
) -> None:
    from tuimux.connect import Target, connect_local

    tmux_server.new_session("alpha", width=100, height=30)
    tmux_server.run("new-window", "-d", "-t", "alpha:1", "-n", "second")
    tmux_server.new_session("beta", width=100, height=30)
    target = Target(
        socket_name=tmux_server.socket_name, session="alpha", env=tmux_server.env, read_only=True
    )
    app = TuimuxApp(await connect_local(target, 100, 30))
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await open_tree(app, pilot, "s")
        await pilot.press("down", "enter")
        await eventually(lambda: client_session(tmux_server) == "beta")
        tree = await open_tree(app, pilot, "w")
        await pilot.press("up", "up")  # alpha's window 1
        assert str(tree.cursor_node.label).startswith("1: second")  # type: ignore[union-attr]
        await pilot.press("enter")
        await eventually(lambda: "read-only" in app.status_bar.message)
        assert client_session(tmux_server) == "beta"
        assert tmux_server.display("alpha", "#{window_index}") == "0"


async def test_a_name_looks_the_same_after_a_rename_and_after_an_attach(
    tmux_server: TmuxServer,
) -> None:
    """tmux holds a name encoded (``rename-window 'a\\b'`` keeps ``a\\\\b``) and its own
    status line shows it so. tuimux showed the decoded name after a rename by another
    client and the held one after the next attach."""
    tmux_server.new_session("s", width=100, height=30)
    window = tmux_server.display("s", "#{window_id}")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: bool(app.window_view.panes))
        tmux_server.run("rename-window", "-t", window, "a\\b")
        held = tmux_server.stored(window, "window_name")  # "a\\\\b" before tmux 3.7
        await eventually(
            lambda: app.mirror is not None and app.mirror.model.windows[window].name == held,
            detail=lambda: app.mirror and app.mirror.model.windows[window].name,
        )
    again = await make_app(tmux_server)
    async with again.run_test(size=(100, 31)):
        await eventually(lambda: bool(again.window_view.panes))
        assert again.mirror is not None and again.mirror.model.windows[window].name == held


async def test_a_thumb_can_do_everything_the_tree_and_questions_ask(
    tmux_server: TmuxServer,
) -> None:
    """On a phone (60x30), with no Esc or arrow keys at hand: a tap on a session
    switches to it, the tree's targets fold, kill and close it, a question is answered
    with a tap on yes or no, and a tap beside a modal closes it as Esc does."""
    from tuimux.ui.taps import TapBar

    tmux_server.new_session("alpha", width=60, height=29)
    tmux_server.run("new-window", "-d", "-t", "alpha:1", "-n", "second")
    tmux_server.new_session("beta", width=60, height=29)
    tmux_server.new_session("gamma", width=60, height=29)
    app = await make_app(tmux_server, "alpha")

    async def tap(target: str) -> None:
        bar = app.screen.query_one(TapBar)
        (start,) = [s for s, _, a in bar.spans() if a.startswith(target)]
        await pilot.click(bar, offset=(start + 1, 0))

    async with app.run_test(size=(60, 30)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        tree = await open_tree(app, pilot, "s")
        await pilot.click(tree, offset=(4, 1))  # the second line: beta
        await eventually(lambda: client_session(tmux_server) == "beta")

        tree = await open_tree(app, pilot, "s")  # cursor on beta
        await pilot.press("up")  # alpha
        await tap("toggle_fold")
        await eventually(lambda: len(labels(app)) == 3 + 2)
        await tap("toggle_fold")
        await eventually(lambda: len(labels(app)) == 3)
        await tap("dismiss_tree")
        await eventually(lambda: not isinstance(app.screen, SessionTree))

        tree = await open_tree(app, pilot, "s")
        await pilot.press("down")  # gamma
        await tap("kill")
        await eventually(lambda: isinstance(app.screen, Confirm))
        await tap("answer(False)")
        await eventually(lambda: not isinstance(app.screen, Confirm))
        assert "gamma" in tmux_server.run("list-sessions", "-F", "#{session_name}")

        tree = await open_tree(app, pilot, "s")
        await pilot.press("down")
        await tap("kill")
        await eventually(lambda: isinstance(app.screen, Confirm))
        await pilot.click(app.screen, offset=(10, 5))  # beside the question: as Esc
        await eventually(lambda: not isinstance(app.screen, Confirm))
        assert "gamma" in tmux_server.run("list-sessions", "-F", "#{session_name}")

        tree = await open_tree(app, pilot, "s")
        await pilot.press("down")
        await tap("kill")
        await eventually(lambda: isinstance(app.screen, Confirm))
        await tap("answer(True)")
        await eventually(
            lambda: "gamma" not in tmux_server.run("list-sessions", "-F", "#{session_name}")
        )
        await pilot.press("ctrl+b", "colon")
        await eventually(lambda: isinstance(app.screen, Prompt))
        await pilot.click(app.screen, offset=(10, 5))
        await eventually(lambda: not isinstance(app.screen, Prompt))
