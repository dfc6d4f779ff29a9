"""--audit-log: every command sent, as JSON lines in a 0600 file, without what was typed."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tuimux.audit import AuditLog
from tuimux.connect import Target, connect_local
from tuimux.errors import ConfigError
from tuimux.ui.app import TuimuxApp


async def test_commands_are_logged_and_keystrokes_are_not(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    from textual.events import Paste

    path = tmp_path / "logs" / "audit.jsonl"  # the directory does not exist yet
    audit = AuditLog(path, "local")
    tmux_server.new_session("s")
    target = Target(
        socket_name=tmux_server.socket_name, session="s", env=tmux_server.env, audit=audit
    )
    app = TuimuxApp(await connect_local(target, 80, 24))
    async with app.run_test(size=(80, 25)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press(*"echo typed-secret", "enter")
        app.window_view.post_message(Paste("pasted-secret"))
        await pilot.press("ctrl+b", "c")
        await eventually(lambda: len(tmux_server.run("list-windows", "-t", "s").splitlines()) == 2)
        await eventually(lambda: "typed-secret" in tmux_server.capture("s:0"))
        await pilot.press("ctrl+b", "d")
        await eventually(lambda: not app.is_running)
    audit.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text()
    assert "typed-secret" not in text and "pasted-secret" not in text
    records = [json.loads(line) for line in text.splitlines()]
    assert all(set(r) == {"time", "host", "session", "command"} for r in records)
    assert all(r["host"] == "local" and r["time"].endswith("+00:00") for r in records)
    commands = [r["command"] for r in records]
    assert commands[0].startswith("new-session -A -s s")
    pane = tmux_server.display("s:0", "#{pane_id}")
    assert any(c.startswith(f"send-keys -t {pane} [") for c in commands)
    assert any(c.startswith("set-buffer [") for c in commands)
    assert any(c.startswith("new-window") for c in commands)
    assert commands[-1] == "detach-client"
    session = tmux_server.display("s:", "#{session_id}")
    assert {r["session"] for r in records[1:]} == {session}


def test_an_existing_log_is_appended_and_narrowed_to_0600(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text('{"old": 1}\n')
    path.chmod(0o644)
    audit = AuditLog(path, "h")
    audit.write("$1", "list-windows")
    audit.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().splitlines()[0] == '{"old": 1}'
    assert json.loads(path.read_text().splitlines()[1])["command"] == "list-windows"


def test_an_unwritable_log_is_one_sentence(tmp_path: Path) -> None:
    directory = tmp_path / "is-a-directory"
    directory.mkdir()
    with pytest.raises(ConfigError, match="cannot be written") as caught:
        AuditLog(directory, "h")
    assert "\n" not in str(caught.value)
