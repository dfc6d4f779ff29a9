"""Path (b) of security.md §5.1 S1: hostile strings in tmux names and titles.

Any pane can rename its window (``ESC k`` with ``allow-rename``) and set its title
(``OSC 2``); anyone with the socket can ``rename-window``, ``rename-session`` and
``select-pane -T``. Names therefore carry the corpus's strings: newlines, ESC sequences,
BEL, C1, bidi overrides, ``#(touch CANARY)``, ``#{pane_current_path}``, Rich/Textual
markup such as ``[@click=app.quit]``, ``%999999999m`` and 10 KB. Wherever tuimux draws a
name (status bar, pane borders with ``pane-border-status top``, the rename prompt) no
control character may reach the host terminal and markup must show as text; no name may
make tuimux send a command, and none may run one when the user types it back.

tmux 3.3a vis-encodes window and session names and refuses titles with control
characters, so a second test hands tuimux the raw strings the way another tmux (or a
hostile server) could: through the notifications themselves.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.conftest import TmuxServer
from tests.helpers import eventually, model_status_line
from tests.security.conftest import everything_drawn
from tests.security.corpus import CANARY, MARKUP_PAYLOADS, NAMES, SHELL_PAYLOADS, Vector
from tests.security.test_hostile_output import Watched, logged_errors, watched_app
from tuimux.control import events as ev
from tuimux.control.escape import printable
from tuimux.ui.dialogs import Prompt
from tuimux.ui.status_bar import StatusBar

SHOWN_WHOLE = 40  # names this short are shown whole in the status bar and on a border


def argument(name: bytes) -> str:
    """A name as a tmux argument: bytes kept exactly (invalid UTF-8 too), ``#`` doubled
    because rename-window, rename-session and select-pane -T expand formats (tmux
    3.3a), which would make the *test* run ``#(touch …)``."""
    return os.fsdecode(name).replace("#", "##")


def quiet(
    watched: Watched,
    label: str,
    caplog: pytest.LogCaptureFixture,
    clicked: frozenset[str] = frozenset(),
) -> None:
    """Nothing sent but reads (and what the ``clicked`` commands the user's own clicks
    ask for), nothing drawn raw, nothing run, tuimux still up."""
    assert [c for c in watched.audit.not_read_only() if c not in clicked] == [], label
    assert [c for c in watched.tap.not_read_only() if c not in clicked] == [], label
    assert everything_drawn(watched.app) == [], label
    assert not watched.session.canary.exists(), label
    assert watched.app.is_running and watched.app.error is None, label
    assert logged_errors(caplog) == [], label


def literal(text: str) -> bool:
    """Worth checking that it shows as typed: short, and nothing printable() changes."""
    return len(text) <= SHOWN_WHOLE and printable(text) == text


def forms(vis: str) -> list[str]:
    """A name as tuimux must hold it: tmux's stored (vis(3)) form, as tmux's own status
    line shows it, whether it came from list-windows or from %window-renamed."""
    return [vis]


def shows_one(text: str, wrap: str, vis: str) -> bool:
    """The status bar (``text``) shows one form of the name, in ``wrap`` ("0:{}*")."""
    shown = [printable(form) for form in forms(vis)]
    return any(wrap.format(form) in text for form in shown if len(form) <= SHOWN_WHOLE)


async def holds_names(watched: Watched, window: str | None, session: str | None = None) -> None:
    """Wait until tuimux holds tmux's window (and session) name, in either form."""
    assert watched.app.mirror is not None
    model = watched.app.mirror.model
    window_id = model.active_window or ""
    await eventually(
        lambda: (
            (window is None or model.windows[window_id].name in forms(window))
            and (session is None or model.name in forms(session))
        ),
        detail=lambda: (window, session, model.windows[window_id].name, model.name),
    )
    watched.app._draw_structure()  # drawn now, not at the next frame


def status_text(watched: Watched) -> str:
    return watched.app.status_bar.render().plain


def border_text(watched: Watched) -> str:
    borders = watched.app.window_view.borders
    return "".join(borders.render_line(y).text for y in range(borders.size.height))


def nudge_layout(watched: Watched) -> None:
    """tmux sends nothing when a title changes; with pane-border-status on, tuimux
    re-reads the panes on the next %layout-change, so make one."""
    server, pane_a = watched.session.server, watched.session.pane_a
    width = int(server.display(pane_a, "#{pane_width}"))
    server.run("resize-pane", "-t", pane_a, "-x", str(width - 1 if width % 2 else width + 1))


async def title_mirrored(watched: Watched, label: str) -> str:
    """Wait until tuimux holds the title tmux holds for pane A (the oracle); return it."""
    assert watched.app.mirror is not None
    model, pane_a = watched.app.mirror.model, watched.session.pane_a
    nudge_layout(watched)
    title = watched.session.server.stored(pane_a, "pane_title")
    await eventually(
        lambda: model.panes[pane_a].title == title,
        detail=lambda: (label, model.panes[pane_a].title, title),
    )
    return title


async def set_by_commands(
    watched: Watched, name: bytes, mark: str, label: str, caplog: pytest.LogCaptureFixture
) -> None:
    """rename-window, rename-session and select-pane -T, from another tmux client."""
    server, app = watched.session.server, watched.app
    assert app.mirror is not None
    model = app.mirror.model
    window_id, session_id = model.active_window or "", model.session_id

    # %window-renamed carries tmux's vis(3) form, which tuimux decodes: raw again.
    # tmux 3.7+ refuses a name with control characters (the old one stays): either way
    # tuimux must end up drawing what tmux holds.
    server.run("rename-window", "-t", window_id, "--", argument(name) + mark, check=False)
    vis = server.stored(window_id, "window_name")  # tmux's own form: "#[" is "##["
    if vis.endswith(mark):
        await eventually(
            lambda: model.windows[window_id].name.endswith(mark),
            detail=lambda: (label, model.windows[window_id].name),
        )
    app._draw_structure()  # now, not at the next frame
    quiet(watched, f"{label} via rename-window", caplog)
    if len(vis) <= SHOWN_WHOLE:
        assert shows_one(status_text(watched), "0:{}*", vis), label
    # C-b , offers the name for editing: drawn in the prompt too.
    await watched.pilot.press("ctrl+b", "comma")
    await eventually(lambda: isinstance(app.screen, Prompt))
    await watched.pilot.pause()
    # The user's own C-b moved this client's key table, which tmux is told of.
    tables = frozenset({"switch-client -T prefix", "switch-client -T root"})
    quiet(watched, f"{label} via rename-window, in the rename prompt", caplog, tables)
    await watched.pilot.press("escape")
    await eventually(lambda: not isinstance(app.screen, Prompt))

    # tmux also turns "." and ":" into "_" in a session name.
    server.run("rename-session", "-t", session_id, "--", argument(name) + mark, check=False)
    vis = server.stored(session_id, "session_name")
    if vis.endswith(mark):
        await eventually(lambda: model.name.endswith(mark), detail=lambda: (label, model.name))
    app._draw_structure()
    quiet(watched, f"{label} via rename-session", caplog)
    if len(vis) <= SHOWN_WHOLE:
        assert shows_one(status_text(watched), "[{}]", vis), label

    # A title with control characters is refused by tmux and the old one stays: either
    # way tuimux must end up drawing what tmux holds.
    server.run("select-pane", "-t", watched.session.pane_a, "-T", argument(name) + mark)
    title = await title_mirrored(watched, label)
    app._draw_structure()
    quiet(watched, f"{label} via select-pane -T", caplog)
    if title.endswith(mark) and literal(title):
        assert f'"{title}"' in border_text(watched), label


async def test_names_set_through_tmux_are_drawn_inert(
    tmux_server: TmuxServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    options = [("-g", "allow-rename", "on"), ("-g", "pane-border-status", "top")]
    async with watched_app(tmux_server, tmp_path, options) as watched:
        assert watched.app.mirror is not None
        model = watched.app.mirror.model
        window_id = model.active_window or ""
        await eventually(lambda: all(p.top == 1 for p in model.panes.values()))
        # The model's line, which holds the names whole (the user's line is tmux's,
        # checked against tmux's own client in tests/ui/test_status_line.py).
        await model_status_line(watched.app)
        watched.audit.mark()
        watched.tap.not_read_only()
        ways = 0
        for number, vector in enumerate(NAMES):
            name = vector.bound(str(watched.session.canary))
            mark, label = f" n{number}", f"name {number} [{vector.kind}] {vector.name}"
            if b"\0" not in name:  # an argument cannot hold a NUL; a printed title can
                await set_by_commands(watched, name, mark, label, caplog)
                ways += 3
            for how, sequence in (
                ("OSC 2", b"\x1b]2;" + name + mark.encode() + b"\x07"),
                ("ESC k", b"\x1bk" + name + mark.encode() + b"\x1b\\"),
            ):
                await watched.shows(watched.session.print(Vector("", how, sequence)), label)
                await title_mirrored(watched, label)
                # tmux's vis(3) form, as list-windows gives it, or decoded, as from
                # %window-renamed (tuimux shows whichever came last).
                await holds_names(watched, watched.session.server.stored(window_id, "window_name"))
                quiet(watched, f"{label} via {how}", caplog)
                ways += 1
        print(f"\n{len(NAMES)} hostile names, {ways} ways of setting them")


def injected(canary: Path) -> list[tuple[str, str]]:
    """(label, name) as a notification could carry it, raw: no vis(3), no refusal."""
    return [
        (f"[{vector.kind}] {vector.name}", vector.bound(str(canary)).decode("utf-8", "replace"))
        for vector in NAMES
    ]


async def test_raw_names_from_notifications_are_drawn_inert(
    tmux_server: TmuxServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """What another tmux version or a hostile server could send: control characters,
    markup and formats straight in %window-renamed, %session-renamed and pane titles.
    The status bar, the borders and the rename prompt (pre-filled with the name) must
    draw them inert."""
    caplog.set_level(logging.WARNING)
    async with watched_app(tmux_server, tmp_path, [("-g", "pane-border-status", "top")]) as watched:
        app = watched.app
        assert app.mirror is not None
        mirror, model = app.mirror, app.mirror.model
        window_id, session_id = model.active_window or "", model.session_id
        pane_a = watched.session.pane_a
        await eventually(lambda: all(p.top == 1 for p in model.panes.values()))
        await model_status_line(app)  # tmux never had these names: the model's line
        for label, name in injected(watched.session.canary):
            mirror._on_event(ev.WindowRenamed(window_id, name))
            mirror._on_event(ev.SessionRenamed(session_id, name))
            model.panes[pane_a].title = name
            app._draw_structure()  # now: structure_changed waits for the next frame
            quiet(watched, label, caplog)
            if literal(name):
                assert f"[{name}] 0:{name}" in status_text(watched), label
                assert f'"{name}"' in border_text(watched), label
            app.action_rename_window()  # the prompt shows the current name, to edit
            await eventually(lambda: isinstance(app.screen, Prompt))
            await watched.pilot.pause()  # laid out and drawn
            assert app.screen.query_one(Input).value == printable(name), label
            quiet(watched, f"{label}, in the rename prompt", caplog)
            app.screen.dismiss(None)
            await eventually(lambda: not isinstance(app.screen, Prompt))
        assert watched.audit.not_read_only() == []


async def test_markup_in_a_name_is_text_and_clicking_it_does_nothing(
    tmux_server: TmuxServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``[@click=app.quit]`` is a Textual action run on a click: drawn as text, a click
    anywhere on the name is a click on the status bar, which at most selects the window
    whose tab it is."""
    caplog.set_level(logging.WARNING)
    async with watched_app(tmux_server, tmp_path) as watched:
        app, server = watched.app, tmux_server
        assert app.mirror is not None
        model = app.mirror.model
        window_id, session_id = model.active_window or "", model.session_id
        await model_status_line(app)  # names whole (the user's line cuts the session's)
        for markup in MARKUP_PAYLOADS.values():
            server.run("rename-window", "-t", window_id, "--", argument(markup))
            server.run("rename-session", "-t", session_id, "--", argument(markup))
            window = server.stored(window_id, "window_name")
            session = server.stored(session_id, "session_name")
            await holds_names(watched, window, session)
            text = status_text(watched)
            assert shows_one(text, "0:{}*", window) and shows_one(text, "[{}]", session)
            watched.audit.mark()
            if b"@click" in markup:  # a click anywhere it could have been drawn
                for x in range(len(text.rstrip())):
                    await watched.pilot.click(StatusBar, offset=(x, 0))
            # A click on the window's tab selects that window, as the user asked; the
            # markup in its name runs nothing (the app is still up, nothing else sent).
            quiet(watched, markup.decode(), caplog, frozenset({f"select-window -t {window_id}"}))
            assert status_text(watched) == text


def strip_escapes(name: str) -> str:
    return name.replace("#", "").replace("\\", "")


async def sent(watched: Watched, command: str) -> str:
    """Wait until tuimux has sent ``command`` (the audit log says so); return it."""
    found: list[str] = []

    def look() -> bool:
        found.extend(c for c in watched.audit.new_commands() if c.startswith(command))
        return bool(found)

    await eventually(look)
    return found[0]


async def test_a_hostile_name_typed_back_runs_nothing(
    tmux_server: TmuxServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The rename prompt offers the current name and Enter sends it back. tmux expands
    formats in rename-window's argument, so ``#(touch …)`` would run and ``#{…}`` be
    replaced unless tuimux doubles every ``#``: the name must come back exactly."""
    caplog.set_level(logging.WARNING)
    async with watched_app(tmux_server, tmp_path) as watched:
        app, server = watched.app, tmux_server
        assert app.mirror is not None
        model = app.mirror.model
        window_id = model.active_window or ""
        typed_back = 0
        for label, payload in [*SHELL_PAYLOADS.items(), *MARKUP_PAYLOADS.items()]:
            name = payload.replace(CANARY, str(watched.session.canary).encode()).decode()
            if "\n" in name:
                continue  # a newline can be neither typed into the prompt nor sent
            server.run("rename-window", "-t", window_id, "--", argument(name.encode()))
            before = server.stored(window_id, "window_name")
            await holds_names(watched, before)
            watched.audit.mark()
            await watched.pilot.press("ctrl+b", "comma")
            await eventually(lambda: isinstance(app.screen, Prompt))
            await watched.pilot.press("enter")
            command = await sent(watched, "rename-window")
            # tmux has answered it. The title keeper is a worker that lasts the attach
            # (and an empty list means every worker to wait_for_complete).
            if others := [w for w in app.workers if w.group != "title"]:
                await app.workers.wait_for_complete(others)
            after = server.stored(window_id, "window_name")
            if before == name:
                assert after == before, (label, command)
            else:
                # tmux shows "#[" as "##[" (and, after a refresh, "$" as "\$"); tuimux
                # offers that form, so a confirm may add "#" or "\" (a fidelity gap).
                # Nothing may be expanded or run.
                assert strip_escapes(after) == strip_escapes(before), (label, command)
            assert not watched.session.canary.exists(), label
            assert app.is_running and app.error is None, label
            typed_back += 1
        assert typed_back >= 9
