"""Hostile session names and socket paths, end to end through tuimux's own entry points.

tests/control/test_command.py proves the quoting of single commands; here the same kind
of text goes in where a user gives it (``-S PATH``, ``-t NAME``, a window renamed from
the UI) and travels locally through argv, or over SSH through the remote shell and then
tmux's parser. Nothing may run (canaries), and tmux must end up with exactly what it
makes of the same text handed to it directly as argv.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TMUX, TmuxServer, clean_env
from tests.helpers import eventually
from tuimux.connect import Target, connect_local
from tuimux.control.command import escape_format
from tuimux.ui.app import TuimuxApp


def hostile(canary: Path) -> str:
    """A name with every kind of syntax the shell and tmux would act on."""
    return (
        f"n 'q' \"d\" ;x $(touch {canary}1) `touch {canary}2` #(touch {canary}3) "
        f"#{{session_name}} #S %% ~ $HOME \\ é😀  sp"
    )


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    """A short directory: a Unix socket path must fit in 108 bytes."""
    path = Path(tempfile.mkdtemp(prefix="tx", dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def tmux_at(socket: Path, *args: str) -> str:
    return subprocess.run(
        [TMUX, "-S", str(socket), *args],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=20,
        check=True,
    ).stdout


def stored_as_argv(name: str) -> str:
    """The session name tmux stores for ``name`` given as raw argv, no shell and no
    command parser (it rewrites ':' and '.' and vis-escapes some characters itself).
    ``-s`` is format-expanded even from argv, so its '#' is doubled here as tuimux does:
    raw, tmux itself would run the '#(...)'."""
    direct = TmuxServer("tuimux-test-argv-" + uuid.uuid4().hex[:8])
    try:
        direct.run("new-session", "-d", "-s", escape_format(name))
        return direct.run("list-sessions", "-F", "#{session_name}").rstrip("\n")
    finally:
        direct.kill()


def socket_in(directory: Path, canary: Path) -> Path:
    socket = directory / f"a b'$(touch {canary.name}4)`x`;é"
    assert len(str(socket).encode()) < 100
    return socket


async def test_hostile_socket_path_and_session_name_locally(
    tmp_path: Path, socket_dir: Path
) -> None:
    canary = tmp_path / "canary"
    name = hostile(canary)
    socket = socket_in(socket_dir, canary)
    target = Target(socket_path=str(socket), session=name, env=clean_env())
    client = await connect_local(target, 80, 24)
    try:
        assert socket.is_socket()
        assert tmux_at(socket, "list-sessions", "-F", "#{session_name}").rstrip(
            "\n"
        ) == stored_as_argv(name)
    finally:
        await client.detach()
        tmux_at(socket, "kill-server")
    assert not list(tmp_path.glob("canary*"))
    assert not list(socket_dir.glob("canary*"))


async def test_window_renamed_from_the_ui_arrives_exactly(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """A name typed into the rename prompt is quoted and its '#' doubled: tmux stores
    what it would store from argv, and no '#(...)' runs."""
    canary = tmp_path / "canary"
    name = hostile(canary)
    tmux_server.new_session("s", width=100, height=30)
    expected = TmuxServer(tmux_server.socket_name + "-argv")
    try:
        expected.new_session("s")
        expected.run("rename-window", "-t", "s:0", "--", escape_format(name))
        wanted = expected.display("s:0", "#{window_name}")
    finally:
        expected.kill()
    target = Target(socket_name=tmux_server.socket_name, session="s", env=tmux_server.env)
    app = TuimuxApp(await connect_local(target, 100, 30))
    # Wide enough for the whole name in the user's (tmux's default) status line.
    async with app.run_test(size=(500, 31)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press("ctrl+b", "comma")
        await pilot.pause()
        await pilot.press("ctrl+u")
        app.screen.focused.insert_text_at_cursor(name)  # type: ignore[union-attr]
        await pilot.press("enter")
        await eventually(lambda: tmux_server.display("s:0", "#{window_name}") == wanted)
        await eventually(
            lambda: "é😀" in app.status_bar.render().plain,
            detail=lambda: app.status_bar.render().plain,
        )
    assert not list(tmp_path.glob("canary*"))
