"""The user's own key tables, read from tmux and run by tuimux as tmux's client runs them.

A real configuration is loaded into the test server with ``source-file``. Where tmux's
own client can be compared, it is: a twin session attached by a real ``tmux attach`` in
an outer tmux gets the same keys, and both sessions must end alike (panes, their
current directories, sizes, window names). What only the pane can tell (which keys
reached it) is read from a recorder program in the pane.
"""

from __future__ import annotations

import asyncio
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.events import Key

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.outer import (
    each_drew_its_session,
    keys_to_each,
    outer_terminals,
    tmux_attach,
    tuimux_attach,
)
from tests.ui.test_app import make_app, recorder_session
from tests.ui.test_bindings import HEIGHT, WIDTH, tmux_client_on
from tuimux.connect import tmux_version
from tuimux.ui import bound_keys
from tuimux.ui.app import TuimuxApp
from tuimux.ui.dialogs import Confirm, KeyPrompt, Prompt
from tuimux.ui.menu import Menu

CONFIG = """\
set -g prefix C-a
unbind C-b
bind C-a send-prefix
bind | split-window -h -c "#{pane_current_path}"
bind - split-window -v -c "#{pane_current_path}"
bind -n M-Left select-pane -L
bind -r Up resize-pane -U 2
set -g repeat-time 3000
bind -T mytable x new-window -n fromtable
bind t switch-client -T mytable
bind r command-prompt -p "first:,second:" -I "x," "rename-window '%1-%2'"
bind K command-prompt -1 -p "key:" "rename-window 'k-%%'"
bind X confirm-before -p "really? " "rename-window confirmed"
bind M display-message "in #{session_name}: #{window_name}"
bind / command-prompt -k -p key "list-keys -1N '%%'"
"""
PANE_STATE = (
    "#{window_index} #{window_name} #{window_active} #{pane_index} #{pane_current_path} "
    "#{pane_width}x#{pane_height} #{pane_active}"
)


def load(server: TmuxServer, tmp_path: Path, text: str = CONFIG) -> None:
    config = tmp_path / "tmux.conf"
    config.write_text(text)
    server.run("source-file", str(config))


def state(server: TmuxServer, name: str) -> list[str]:
    return server.run("list-panes", "-s", "-t", name, "-F", PANE_STATE).splitlines()


def in_table(server: TmuxServer, session: str) -> str:
    """Whether tmux's own client on the session is in a key table other than root."""
    return server.run("list-clients", "-t", session, "-F", "#{client_prefix}").strip()


# (keys pressed in tuimux, the same keys as tmux names them for tmux's own client)
STEPS = [
    (["ctrl+a", "vertical_line"], ["C-a", "|"]),
    (["ctrl+a", "minus"], ["C-a", "-"]),
    (["alt+left"], ["M-Left"]),
    (["ctrl+a", "up", "up"], ["C-a", "Up", "Up"]),
    (["ctrl+a", "y"], ["C-a", "y"]),
    (["ctrl+a", "t", "x"], ["C-a", "t", "x"]),
    (["ctrl+a", "0"], ["C-a", "0"]),
    (["ctrl+a", "ctrl+a"], ["C-a", "C-a"]),
]


async def test_a_configuration_does_in_tuimux_what_it_does_in_tmux(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """Prefix C-a, splits in the pane's directory, a root binding, a repeatable resize,
    an unbound key after the prefix, a user table and send-prefix, side by side."""
    home = tmp_path / "work dir"
    home.mkdir()
    for name in ("ours", "theirs"):
        tmux_server.new_session(name, width=WIDTH, height=HEIGHT)
    tmux_server.run("set-option", "-g", "status", "off")
    # tmux's client takes keys arriving within 1 ms for a paste (send-keys writes them
    # at once) and gives them to the pane: not what a typing user meets.
    tmux_server.run("set-option", "-g", "assume-paste-time", "0")
    load(tmux_server, tmp_path)
    for name in ("ours", "theirs"):
        tmux_server.run("send-keys", "-t", f"{name}:", f"cd '{home}'", "Enter")
        tmux_server.wait_for(
            lambda name=name: tmux_server.display(f"{name}:", "#{pane_current_path}") == str(home)
        )
    app: TuimuxApp = await make_app(tmux_server, "ours")
    with tmux_client_on(tmux_server, "theirs") as outer:
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:  # status off: no line
            await eventually(lambda: len(app.window_view.panes) == 1)
            await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
            await eventually(lambda: state(tmux_server, "ours") == state(tmux_server, "theirs"))
            for ours, theirs in STEPS:
                await pilot.press(*ours)
                outer.run("send-keys", "-t", "o:", *theirs)
                await eventually(
                    lambda: (
                        state(tmux_server, "ours") == state(tmux_server, "theirs")
                        and not app.keys.pending
                        and in_table(tmux_server, "theirs") == "0"
                    ),
                    detail=lambda theirs=theirs: (
                        theirs,
                        app.status_bar.message,
                        app.keys.table,
                        state(tmux_server, "ours"),
                        state(tmux_server, "theirs"),
                    ),
                )
    panes = state(tmux_server, "ours")
    assert sum(f" {home} " in line for line in panes) == 3  # both splits kept the directory
    assert any(" fromtable " in line for line in panes)


async def test_which_keys_reach_the_pane(tmux_server: TmuxServer, tmp_path: Path) -> None:
    """C-b is no longer the prefix (the pane gets it), C-a C-a sends C-a, a key bound
    nowhere after the prefix and a root binding's key reach nothing."""
    output = recorder_session(tmux_server, tmp_path, "")
    load(tmux_server, tmp_path)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await eventually(lambda: app.keys.prefix == "C-a")
        await pilot.press("ctrl+b", "ctrl+a", "ctrl+a", "ctrl+a", "y", "alt+left", "Z")
        await eventually(lambda: output.read_bytes() == b"\x02\x01Z", detail=output.read_bytes)
        assert not app.keys.pending


async def test_a_repeat_ends_after_repeat_time(tmux_server: TmuxServer, tmp_path: Path) -> None:
    """Up repeats the resize while repeat-time runs; once it is over, Up is the pane's."""
    output = recorder_session(tmux_server, tmp_path, "")
    load(tmux_server, tmp_path, CONFIG.replace("repeat-time 3000", "repeat-time 2000"))
    tmux_server.run("split-window", "-v", "-t", "s:", "cat >/dev/null")
    tmux_server.run("select-pane", "-t", "s:.0")
    app = await make_app(tmux_server)
    pane = tmux_server.display("s:.0", "#{pane_id}")
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: len(app.window_view.panes) == 2)
        await eventually(lambda: app.keys.repeat_time_ms == 2000)
        height = int(tmux_server.display(pane, "#{pane_height}"))
        await pilot.press("ctrl+a", "up", "up")
        await eventually(lambda: tmux_server.display(pane, "#{pane_height}") == str(height - 4))
        await eventually(lambda: not app.keys.pending, timeout=15)  # the repeat timer
        await pilot.press("up")
        await eventually(lambda: output.read_bytes() == b"\x1b[A", detail=output.read_bytes)
        assert tmux_server.display(pane, "#{pane_height}") == str(height - 4)


async def test_prompts_of_the_users_bindings(tmux_server: TmuxServer, tmp_path: Path) -> None:
    """Several prompts with initial text and %1/%2, a one-key prompt, a confirmation:
    asked by tuimux, run by tmux as the binding says."""
    tmux_server.new_session("s", width=100, height=30)
    load(tmux_server, tmp_path)
    app = await make_app(tmux_server)

    def name() -> str:
        return tmux_server.display("s:", "#{window_name}")

    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+a", "r")
        await eventually(lambda: isinstance(app.screen, Prompt))
        await pilot.press("a", "enter")
        await eventually(lambda: isinstance(app.screen, Prompt))
        await pilot.press("b", "enter")
        await eventually(lambda: name() == "xa-b", detail=name)
        await pilot.press("ctrl+a", "K")
        await eventually(lambda: isinstance(app.screen, KeyPrompt))
        await pilot.press("q")
        await eventually(lambda: name() == "k-q", detail=name)
        await pilot.press("ctrl+a", "X")
        await eventually(lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await eventually(lambda: name() == "confirmed", detail=name)


async def test_bindings_made_through_tuimux_are_read_again(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """``bind`` and ``set prefix`` typed at the prompt, and a config sourced by a binding,
    take effect for the very next key."""
    tmux_server.new_session("s", width=100, height=30)
    extra = tmp_path / "extra.conf"
    extra.write_text("bind j new-window -d -n sourced\n")
    load(tmux_server, tmp_path, CONFIG + f"bind S source-file '{extra}'\n")
    app = await make_app(tmux_server)

    def windows() -> list[str]:
        return tmux_server.run("list-windows", "-t", "s", "-F", "#{window_name}").split()

    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+a", "colon")
        await eventually(lambda: isinstance(app.screen, Prompt))
        app.screen.focused.insert_text_at_cursor("bind k new-window -d -n viacolon")  # type: ignore[union-attr]
        await pilot.press("enter", "ctrl+a", "k")
        await eventually(lambda: "viacolon" in windows(), detail=windows)
        await pilot.press("ctrl+a", "S", "ctrl+a", "j")
        await eventually(lambda: "sourced" in windows(), detail=windows)
        await pilot.press("ctrl+a", "colon")
        await eventually(lambda: isinstance(app.screen, Prompt))
        app.screen.focused.insert_text_at_cursor("set -g prefix C-x")  # type: ignore[union-attr]
        await pilot.press("enter", "ctrl+x", "c")
        await eventually(lambda: len(windows()) == 4, detail=windows)


async def test_bindings_made_by_another_client_are_met_by_the_next_key(
    tmux_server: TmuxServer,
) -> None:
    """A ``bind -n F5`` and a ``bind Y`` made from outside (a shell's ``tmux bind``):
    pressed in tuimux a while later, each runs as it does in tmux's own client, without
    a re-attach (tmux says nothing of a bind: tables older than TABLES_FRESH_SECONDS are
    read again before a key meets them); so does a ``bind -n F6`` run by a shell in
    tuimux's pane and pressed just after."""
    for name in ("ours", "theirs"):
        tmux_server.new_session(name, width=WIDTH, height=HEIGHT)
    tmux_server.run("set-option", "-g", "status", "off")
    tmux_server.run("set-option", "-g", "assume-paste-time", "0")
    app: TuimuxApp = await make_app(tmux_server, "ours")

    def names(session: str) -> list[str]:
        return tmux_server.run("list-windows", "-t", session, "-F", "#{window_name}").split()

    with tmux_client_on(tmux_server, "theirs") as outer:
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
            await eventually(
                lambda: len(app.window_view.panes) == 1 and "d" in app.keys.tables["prefix"]
            )
            await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
            for bind, ours, theirs, name in (
                (["-n", "F5"], ["f5"], ["F5"], "fromF5"),
                (["Y"], ["ctrl+b", "Y"], ["C-b", "Y"], "fromY"),
            ):
                tmux_server.run("bind-key", *bind, "new-window", "-d", "-n", name)
                # The user comes back to tuimux later than that: no sleep, the clock is
                # what the freshness rule reads.
                app._tables_asked_at -= bound_keys.TABLES_FRESH_SECONDS
                await pilot.press(*ours)
                outer.run("send-keys", "-t", "o:", *theirs)
                await eventually(
                    lambda name=name: name in names("ours") and names("ours") == names("theirs"),
                    detail=lambda: (names("ours"), names("theirs")),
                )
            # A shell in tuimux's pane binds F6, then F7: the Enter that ran it (a key
            # the tables decide, then one the view typed straight into the pane) makes
            # the next key read the tables, even within TABLES_FRESH_SECONDS.
            for key, direct in (("F6", False), ("F7", True)):
                name = f"sh{key}"
                line = [*tmux_server.argv, "bind-key", "-n", key, "new-window", "-d", "-n", name]
                tmux_server.run("send-keys", "-t", "ours:", "-l", shlex.join(line))
                if direct:
                    await app.reread_keys()  # fresh: the view types the Enter straight in
                    app.window_view.post_message(Key("enter", "\r"))
                else:
                    await pilot.press("enter")
                await eventually(lambda key=key: key in tmux_server.run("list-keys", "-T", "root"))
                app._tables_asked_at -= bound_keys.TABLES_AFTER_ENTER_SECONDS  # pressed later
                await pilot.press(key.lower())
                outer.run("send-keys", "-t", "o:", key)
                await eventually(
                    lambda name=name: name in names("ours") and names("ours") == names("theirs"),
                    detail=lambda: (names("ours"), names("theirs")),
                )


async def test_a_menu_is_drawn_by_tuimux_and_tmux_keeps_answering(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """tmux's default ``<`` opens a menu, which tmux would draw for a terminal and wait
    on: tuimux draws it, Escape closes it, and the next binding still runs at once."""
    tmux_server.new_session("s", width=100, height=30)
    load(tmux_server, tmp_path)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+a", "less_than_sign")
        await eventually(lambda: isinstance(app.screen, Menu))
        await pilot.press("escape", "ctrl+a", "t", "x")
        await eventually(lambda: "fromtable" in tmux_server.run("list-windows", "-t", "s"))
        assert not app.client.stalled


async def test_keys_typed_while_attaching_meet_the_users_prefix(
    tmux_server: TmuxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``C-a c`` typed once the panes are shown but before tmux has answered the key
    tables: the keys wait for the tables (not tmux's default C-b), then open a window.
    The test holds the tables' answer back until the keys are typed."""
    tmux_server.new_session("s", width=100, height=30)
    load(tmux_server, tmp_path)
    monkeypatch.setattr(bound_keys, "HOLD_FOR_TABLES_SECONDS", 30.0)
    app = await make_app(tmux_server)
    answer = asyncio.Event()
    read = app.reread_keys

    async def held_back(tables_in: Callable[[], None] | None = None) -> None:
        await answer.wait()
        await read(tables_in)

    app.reread_keys = held_back  # type: ignore[method-assign]
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+a", "c")
        answer.set()
        await eventually(lambda: len(tmux_server.run("list-windows", "-t", "s").splitlines()) == 2)


async def test_a_bindings_message_shows_in_the_status_line(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """``display-message`` without ``-p`` sets the client's status-line message; a
    control client has none before tmux 3.4, so tuimux shows it (expanded by tmux)."""
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("rename-window", "-t", "s:", "win")
    load(tmux_server, tmp_path)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+a", "M")
        await eventually(
            lambda: app.status_bar.tmux_message == "in s: win",
            detail=lambda: (app.status_bar.tmux_message, app.status_bar.message),
        )


async def test_a_key_name_prompt_answers_with_the_keys_name(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """``command-prompt -k`` (tmux's ``C-b /``): the next key's tmux name fills the
    template; ``list-keys -1N`` then shows that key's note in the status line (tmux 3.3a
    sets it as the client's status message, which a control client never sees)."""
    tmux_server.new_session("s", width=100, height=30)
    load(tmux_server, tmp_path)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+a", "slash")
        await eventually(lambda: isinstance(app.screen, KeyPrompt))
        await pilot.press("ctrl+o")  # tmux's default: rotate the panes
        await eventually(
            lambda: "Rotate through the panes" in app.status_bar.tmux_message,
            detail=lambda: (app.status_bar.tmux_message, app.status_bar.message),
        )


async def test_ctrl_h_is_the_users_key_and_backspace_still_erases(tmux_server: TmuxServer) -> None:
    """In a real terminal (an outer tmux's pane, whose Backspace sends ^?) tmux's own
    client reads ^H as C-h, which users bind (Oh my tmux!'s prefix C-h previous-window,
    vim-tmux-navigator's root C-h), and ^? as Backspace: tuimux the same, each client on
    a twin session."""
    for name in ("own", "ours"):
        tmux_server.new_session(name, width=WIDTH, height=HEIGHT - 1, command="cat -v")
    tmux_server.run("bind-key", "-n", "C-h", "rename-window", "got-C-h")
    clients = {
        "own": tmux_attach(tmux_server, "own"),
        "ours": tuimux_attach(tmux_server, "ours"),
    }
    with outer_terminals(clients, WIDTH, HEIGHT) as outer:
        await each_drew_its_session(outer, clients)
        for name in clients:
            outer.run("send-keys", "-t", f"{name}:", "-H", "08")
            outer.run("send-keys", "-t", f"{name}:", "-l", "ab")
            outer.run("send-keys", "-t", f"{name}:", "-H", "7f")
            outer.run("send-keys", "-t", f"{name}:", "-l", "c")
            outer.run("send-keys", "-t", f"{name}:", "Enter")

        def seen(name: str) -> tuple[str, list[str]]:
            lines = tmux_server.capture(f"{name}:").split("\n")
            return tmux_server.display(f"{name}:", "#{window_name}"), lines[:1]

        await eventually(
            lambda: seen("own") == seen("ours") == ("got-C-h", ["ac"]),
            timeout=20,
            detail=lambda: (seen("own"), seen("ours")),
        )


@pytest.mark.parametrize("height", [23, 4])
async def test_display_panes_draws_what_tmux_draws(tmux_server: TmuxServer, height: int) -> None:
    """``C-b q`` numbers the panes as tmux's own client does: the index in the clock's big
    digits in display-panes-colour (the active pane's in display-panes-active-colour) and
    the pane's size at its top right; in a pane too low for the digits, the index as
    text. Each client on a twin session, every cell above the status line compared."""
    from tests.ui.test_status_line import comparable, sgr_rows
    from tuimux.control import tmux_style as ts

    for name in ("own", "ours"):
        tmux_server.new_session(name, width=80, height=height, command="sh")
        tmux_server.run("split-window", "-h", "-t", f"{name}:", "sh")
    version = tmux_version(tmux_server.display("own:", "#{version}"))
    if version is None or version >= (3, 8):
        pytest.skip("tmux 3.8 draws display-panes as a mode in the pane (panes-mode)")
    tmux_server.run("set-option", "-g", "display-panes-colour", "colour5")
    tmux_server.run("set-option", "-g", "display-panes-active-colour", "colour202")
    tmux_server.run("set-option", "-g", "display-panes-time", "60000")
    clients = {"own": tmux_attach(tmux_server, "own"), "ours": tuimux_attach(tmux_server, "ours")}

    def panes(name: str) -> list[list[tuple[str, ts.Cell]]]:
        raw = outer.capture_bytes(f"{name}:", "-e", "-N").decode("utf-8", "replace")
        return [comparable(row) for row in sgr_rows(raw.split("\n")[:height], 80)]

    with outer_terminals(clients, 80, height + 1) as outer:
        await each_drew_its_session(outer, clients)
        keys_to_each(outer, clients, "C-b", "q")
        await eventually(lambda: "40x" in outer.capture("own:") if height > 7 else True, timeout=10)

        def numbered(name: str) -> bool:  # both colours drawn: the numbers are up
            drawn = {c for row in panes(name) for _, cell in row for c in (cell.fg, cell.bg)}
            return {5, ts.FLAG_256 | 202} <= drawn

        await eventually(
            lambda: numbered("own") and panes("own") == panes("ours"),
            timeout=20,
            detail=lambda: [
                (y, "".join(c for c, _ in a), "".join(c for c, _ in b))
                for y, (a, b) in enumerate(zip(panes("own"), panes("ours"), strict=True))
                if a != b
            ][:4],
        )


@pytest.mark.parametrize("flag", ["-w", "-s"])
async def test_a_choose_tree_template_runs_for_the_chosen_item(
    tmux_server: TmuxServer, flag: str
) -> None:
    """``bind j choose-tree -w "rename-window -t '%%' chosen"``: Enter runs the template
    for the item under the cursor (the current window, or session) instead of switching
    to it, as in tmux's own client. Each client on a twin session with two windows."""
    for name in ("own", "ours"):
        tmux_server.new_session(name, width=80, height=23, command="sh")
        tmux_server.run("rename-window", "-t", f"{name}:", "first")
        tmux_server.run("new-window", "-t", f"{name}:", "-n", "second", "sh")
    if flag == "-w":
        template = "rename-window -t '%%' chosen"
    else:
        template = "rename-session -t '%%' '#{session_name}-chosen'"
    tmux_server.run("bind-key", "j", "choose-tree", flag, template)
    clients = {"own": tmux_attach(tmux_server, "own"), "ours": tuimux_attach(tmux_server, "ours")}

    def chosen() -> list[str]:
        if flag == "-w":
            windows = "#{session_name}:#{window_name}"
            return sorted(tmux_server.run("list-windows", "-a", "-F", windows).split())
        return sorted(tmux_server.run("list-sessions", "-F", "#{session_name}").split())

    with outer_terminals(clients, 80, 24) as outer:
        await each_drew_its_session(outer, clients)
        keys_to_each(outer, clients, "C-b", "j")
        await eventually(
            lambda: all("2 windows" in outer.capture(f"{name}:") for name in clients),
            timeout=10,
            detail=lambda: [outer.capture(f"{name}:") for name in clients],
        )
        for name in clients:
            outer.run("send-keys", "-t", f"{name}:", "Enter")
        if flag == "-w":
            expected = ["own:chosen", "own:first", "ours:chosen", "ours:first"]
        else:
            expected = ["own-chosen", "ours-chosen"]
        await eventually(lambda: chosen() == sorted(expected), timeout=10, detail=chosen)
