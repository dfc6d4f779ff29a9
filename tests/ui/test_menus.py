"""Menus (``display-menu``) and pane numbers (``display-panes``) drawn by tuimux.

tmux's own client draws its default ``C-b <`` and ``C-b >`` menus in an outer tmux; its
rows are read back with ``capture-pane`` and must equal tuimux's, item for item and key
for key. A user's menu is chosen by its key and by a click; the chosen command runs as
the binding's own commands do.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.burst import PREFIX, feed
from tests.ui.outer import (
    each_drew_its_session,
    keys_to_each,
    outer_terminals,
    tmux_attach,
    tuimux_attach,
)
from tests.ui.test_app import make_app
from tests.ui.test_bindings import HEIGHT, WIDTH, tmux_client_on
from tuimux.ui.menu import Menu


def box_rows(lines: list[str]) -> list[str]:
    """The rows inside a menu's box as drawn (between its top and bottom border), each
    stripped; a separator row is ``-``."""
    top = next(index for index, line in enumerate(lines) if "┌" in line)
    left, right = lines[top].index("┌"), lines[top].index("┐")
    rows = []
    for line in lines[top + 1 :]:
        cell = line[left : left + 1]
        if cell == "└":
            break
        rows.append("-" if cell == "├" else line[left + 1 : right].strip())
    return rows


def menu_rows(menu: Menu) -> list[str]:
    return box_rows(menu.render_box().plain.split("\n"))


def build(server: TmuxServer, session: str) -> None:
    server.new_session(session, width=WIDTH, height=HEIGHT)
    server.run("new-window", "-t", f"{session}:")
    server.run("split-window", "-h", "-t", f"{session}:")
    server.run("rename-window", "-t", f"{session}:", "win")


async def test_the_default_menus_equal_tmuxs_own(tmux_server: TmuxServer) -> None:
    """``C-b <`` (the window menu) and ``C-b >`` (the pane menu): the same items, greyed
    the same, with the same keys, as tmux's client draws them; a key chooses an item
    (``h``: Horizontal Split) as it does in tmux."""
    for session in ("ours", "theirs"):
        build(tmux_server, session)
    tmux_server.run("set-option", "-g", "status", "off")
    tmux_server.run("set-option", "-g", "assume-paste-time", "0")
    with tmux_client_on(tmux_server, "theirs") as outer:
        app = await make_app(tmux_server, "ours")
        async with app.run_test(size=(WIDTH, HEIGHT + 1)) as pilot:
            await eventually(lambda: len(app.window_view.panes) == 2)
            await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
            for key, name in (("less_than_sign", "<"), ("greater_than_sign", ">")):
                await pilot.press("ctrl+b", key)
                outer.run("send-keys", "-t", "o:", "C-b", name)
                await eventually(lambda: isinstance(app.screen, Menu))
                await eventually(lambda: "┌" in outer.capture("o:"))
                assert isinstance(app.screen, Menu)
                theirs = box_rows(outer.capture("o:").split("\n"))
                assert menu_rows(app.screen) == theirs, (menu_rows(app.screen), theirs)
                assert any("(" in row for row in theirs)
                if name == "<":
                    await pilot.press("escape")
                    outer.run("send-keys", "-t", "o:", "Escape")
                    await eventually(lambda: not isinstance(app.screen, Menu))
                    await eventually(lambda: "┌" not in outer.capture("o:"))
            await pilot.press("h")
            outer.run("send-keys", "-t", "o:", "h")

            def panes() -> tuple[str, str]:
                return (
                    tmux_server.display("ours:", "#{window_panes}"),
                    tmux_server.display("theirs:", "#{window_panes}"),
                )

            await eventually(lambda: panes() == ("3", "3"), detail=panes)


async def test_separators_in_a_row_as_tmuxs_own_client_draws_them(
    tmux_server: TmuxServer,
) -> None:
    """Separators in a row (``""`` twice, or around an item whose name expands to
    nothing), and at the end: each is a row on tmux 3.2a and 3.3a, one row on 3.4+,
    whichever tmux's own client draws for the same menu."""
    for session in ("ours", "theirs"):
        tmux_server.new_session(session, width=WIDTH, height=HEIGHT)
    tmux_server.run("set-option", "-g", "status", "off")
    tmux_server.run(
        "bind-key", "M", "display-menu", "-T", "seps",
        "A", "a", "", "", "", "#{?#{==:x,y},Gone,}", "g", "", "", "B", "b", "", "", "",
    )  # fmt: skip
    with tmux_client_on(tmux_server, "theirs") as outer:
        app = await make_app(tmux_server, "ours")
        async with app.run_test(size=(WIDTH, HEIGHT + 1)) as pilot:
            await eventually(lambda: len(app.window_view.panes) == 1)
            await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
            await pilot.press("ctrl+b", "M")
            outer.run("send-keys", "-t", "o:", "C-b", "M")
            await eventually(lambda: isinstance(app.screen, Menu))
            await eventually(lambda: "┌" in outer.capture("o:"))
            assert isinstance(app.screen, Menu)
            theirs = box_rows(outer.capture("o:").split("\n"))
            assert menu_rows(app.screen) == theirs, (menu_rows(app.screen), theirs)
            assert theirs[0] == "A (a)" and theirs[-1] == "-"


async def test_a_users_menu_by_key_and_by_click(tmux_server: TmuxServer) -> None:
    """``bind m display-menu``: the title and names are formats expanded by tmux, a
    greyed item (``-``) does nothing, the item's key runs its command, a click on an
    item runs its, Escape closes with nothing run."""
    tmux_server.new_session("s", width=WIDTH, height=HEIGHT)
    tmux_server.run(
        "bind-key",
        "m",
        "display-menu",
        "-T",
        "#{session_name} menu",
        "First #{window_index}",
        "f",
        "rename-window first",
        "",
        "-Greyed",
        "g",
        "rename-window greyed",
        "Second",
        "s",
        "rename-window -- '#{session_name}-second'",
    )
    app = await make_app(tmux_server, "s")

    def name() -> str:
        return tmux_server.display("s:", "#{window_name}")

    async with app.run_test(size=(WIDTH, HEIGHT + 1)) as pilot:
        await eventually(lambda: len(app.window_view.panes) == 1)
        await pilot.press("ctrl+b", "m")
        await eventually(lambda: isinstance(app.screen, Menu))
        menu = app.screen
        assert isinstance(menu, Menu)
        assert menu_rows(menu) == ["First 0 (f)", "-", "Greyed", "Second  (s)"]
        assert "s menu" in menu.render_box().plain.split("\n")[0]
        await pilot.press("g")  # the greyed item's key: nothing
        await pilot.press("s")
        await eventually(lambda: name() == "s-second", detail=name)
        await pilot.press("ctrl+b", "m")
        await eventually(lambda: isinstance(app.screen, Menu))
        menu = app.screen
        assert isinstance(menu, Menu)
        await pilot.click(offset=(menu.x + 3, menu.y + 1))
        await eventually(lambda: name() == "first", detail=name)
        await pilot.press("ctrl+b", "m")
        await eventually(lambda: isinstance(app.screen, Menu))
        await pilot.press("escape")
        await eventually(lambda: not isinstance(app.screen, Menu))
        await pilot.press("ctrl+b", "m", "down", "enter")  # Down skips the greyed item
        await eventually(lambda: name() == "s-second", detail=name)
        feed(app, f"{PREFIX}mf")  # one read: the key after the menu's goes to the menu
        await eventually(lambda: name() == "first", detail=name)
        assert not app.client.stalled


async def test_display_panes_picks_a_pane_by_its_number(tmux_server: TmuxServer) -> None:
    """``C-b q`` numbers the panes; a digit selects that pane. A user's display-panes
    with a template runs it with the pane's id."""
    tmux_server.new_session("s", width=WIDTH, height=HEIGHT)
    tmux_server.run("split-window", "-h", "-t", "s:")
    tmux_server.run("bind-key", "Q", "display-panes", "-d", "0", "rename-window 'picked-%%'")
    first, second = tmux_server.run("list-panes", "-t", "s:", "-F", "#{pane_id}").split()
    app = await make_app(tmux_server, "s")
    async with app.run_test(size=(WIDTH, HEIGHT + 1)) as pilot:
        await eventually(lambda: len(app.window_view.panes) == 2)
        assert tmux_server.display("s:", "#{pane_id}") == second
        await pilot.press("ctrl+b", "q", "0")
        await eventually(lambda: tmux_server.display("s:", "#{pane_id}") == first)
        await pilot.press("ctrl+b", "Q", "1")
        await eventually(
            lambda: tmux_server.display("s:", "#{window_name}") == f"picked-{second}",
            detail=lambda: tmux_server.display("s:", "#{window_name}"),
        )


async def test_a_menu_opens_where_the_status_line_has_just_moved(
    tmux_server: TmuxServer,
) -> None:
    """The status line read at the top but not yet laid out there (a key pressed just
    after attach, whose menu's formats came back with the line's read; tmux 3.2a, about
    one run in five): a menu at W opens below the line's new place, at its window."""
    tmux_server.new_session("s", width=WIDTH, height=HEIGHT)
    app = await make_app(tmux_server, "s")
    async with app.run_test(size=(WIDTH, HEIGHT + 1)):
        await eventually(lambda: app.status_bar.status is not None and app.mirror is not None)
        (pane_id,) = app.window_view.panes
        before = await app._laid_out_geometry(pane_id)
        assert before.status_y == HEIGHT and before.window_x is not None
        status = app.status_bar.status
        assert status is not None and not status.top
        app.status_bar.show_status(replace(status, top=True))
        where = await app._laid_out_geometry(pane_id)
        assert (where.status_y, where.status_top_lines) == (0, 1)
        assert where.window_x == before.window_x


@pytest.mark.parametrize(("position", "x", "y"), [("bottom", "2", "12"), ("top", "W", "W")])
async def test_a_menu_is_drawn_in_the_users_styles(
    tmux_server: TmuxServer, position: str, x: str, y: str
) -> None:
    """A menu in the user's menu-style, menu-selected-style, menu-border-style and
    menu-border-lines (tmux 3.4+), or with the chosen item in mode-style (3.2a, 3.3a),
    a greyed item dim, cell for cell as tmux's own client draws it; each client on a
    twin session. With the status line at the top, a menu at W opens below it."""
    from tests.ui.test_status_line import comparable, fixed_themes, sgr_rows

    # Names of one length: the menu opens at the window's place in the status line.
    for name in ("own", "our"):
        tmux_server.new_session(name, width=WIDTH, height=HEIGHT, command="sh")
        tmux_server.run("split-window", "-h", "-t", f"{name}:", "sh")
        # Named now (3.2a's automatic-rename can name it "tmux" for a moment): the menu
        # opens at the window's place in the status line.
        tmux_server.run("rename-window", "-t", f"{name}:", "sh")
    fixed_themes(tmux_server)
    tmux_server.run("set-option", "-g", "status-position", position)
    tmux_server.run("set-option", "-g", "mode-style", "fg=colour1,bg=colour3,bold")
    if tmux_server.display("own:", "#{menu-selected-style}"):
        for option, value in (
            ("menu-style", "fg=colour7,bg=colour4"),
            ("menu-selected-style", "fg=colour0,bg=colour2,bold"),
            ("menu-border-style", "fg=colour5"),
            ("menu-border-lines", "double"),
        ):
            tmux_server.run("set-option", "-g", option, value)
    tmux_server.run(
        "bind-key", "M", "display-menu", "-x", x, "-y", y, "-T", "styled",
        "Chosen", "c", "", "", "-Greyed", "g", "", "Other", "o", "",
    )  # fmt: skip
    clients = {"own": tmux_attach(tmux_server, "own"), "our": tuimux_attach(tmux_server, "our")}

    def rows(name: str) -> list[list[tuple[str, object]]]:
        raw = outer.capture_bytes(f"{name}:", "-e", "-N").decode("utf-8", "replace")
        first = 1 if position == "top" else 0  # the panes, not the status line
        lines = raw.split("\n")[first : first + HEIGHT]
        return [comparable(row) for row in sgr_rows(lines, WIDTH)]

    def boxed(name: str) -> bool:
        return any(corner in outer.capture(f"{name}:") for corner in "┌╔")

    with outer_terminals(clients, WIDTH, HEIGHT + 1) as outer:
        await each_drew_its_session(outer, clients)
        keys_to_each(outer, clients, "C-b", "M")
        await eventually(
            lambda: boxed("own") and boxed("our") and rows("own") == rows("our"),
            timeout=20,
            detail=lambda: [
                (
                    y,
                    "".join(c for c, _ in one),
                    [(x, a, b) for x, (a, b) in enumerate(zip(one, two, strict=True)) if a != b][
                        :3
                    ],
                )
                for y, (one, two) in enumerate(zip(rows("own"), rows("our"), strict=True))
                if one != two
            ][:4],
        )
