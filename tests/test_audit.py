"""--audit-log: every command sent, as JSON lines in a 0600 file, without what was typed."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tuimux.audit import AuditLog, worth_auditing
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


def test_an_existing_private_log_is_appended(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text('{"old": 1}\n')
    path.chmod(0o600)
    audit = AuditLog(path, "h")
    assert audit.warnings == ()
    audit.write("$1", "new-window")
    audit.close()
    assert path.read_text().splitlines()[0] == '{"old": 1}'
    assert json.loads(path.read_text().splitlines()[1])["command"] == "new-window"


def test_a_readable_log_is_used_with_a_warning_and_its_mode_kept(tmp_path: Path) -> None:
    """Shared with auditors on purpose, perhaps: said once, never chmod-ed."""
    path = tmp_path / "audit.jsonl"
    path.write_text("")
    path.chmod(0o644)
    audit = AuditLog(path, "h")
    audit.write("$1", "new-window")
    audit.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    (warning,) = audit.warnings
    assert "other users" in warning and "\n" not in warning
    assert path.read_text().count("\n") == 1


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_a_log_others_can_write_is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text("")
    path.chmod(mode)
    with pytest.raises(ConfigError, match="changed by other users") as caught:
        AuditLog(path, "h")
    assert "\n" not in str(caught.value)
    assert stat.S_IMODE(path.stat().st_mode) == mode and path.read_text() == ""


def test_a_directory_is_one_sentence(tmp_path: Path) -> None:
    directory = tmp_path / "is-a-directory"
    directory.mkdir()
    with pytest.raises(ConfigError, match="not a regular file") as caught:
        AuditLog(directory, "h")
    assert "\n" not in str(caught.value)


def test_a_symlink_is_not_followed_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "precious"
    target.write_text("keep me\n")
    target.chmod(0o644)
    link = tmp_path / "audit.jsonl"
    link.symlink_to(target)
    before = os.stat(target)
    with pytest.raises(ConfigError, match="symbolic link") as caught:
        AuditLog(link, "h")
    assert "\n" not in str(caught.value)
    after = os.stat(target)
    assert target.read_text() == "keep me\n"
    assert (after.st_mode, after.st_size, after.st_mtime_ns) == (
        before.st_mode,
        before.st_size,
        before.st_mtime_ns,
    )


def test_a_dangling_symlink_creates_nothing(tmp_path: Path) -> None:
    """O_CREAT through a dangling link would create the file it points to."""
    link = tmp_path / "audit.jsonl"
    link.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ConfigError, match="symbolic link"):
        AuditLog(link, "h")
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.timeout(10)
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "audit.jsonl"
    os.mkfifo(fifo, 0o600)
    with pytest.raises(ConfigError, match="not a regular file") as caught:
        AuditLog(fifo, "h")  # opening a FIFO for writing would wait for a reader
    assert "\n" not in str(caught.value)


def test_a_device_is_refused_and_never_chmod_ed(tmp_path: Path) -> None:
    """``--audit-log /dev/null`` as root once made /dev/null 0600 for everyone. As root
    this uses a private node of the same device, so a failing run breaks nothing."""
    if os.getuid() == 0:
        device = tmp_path / "null"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.chmod(device, 0o666)
    else:
        device = Path("/dev/null")
    before = os.stat(device)
    with pytest.raises(ConfigError, match="not a regular file") as caught:
        AuditLog(device, "h")
    assert "\n" not in str(caught.value)
    after = os.stat(device)
    assert (after.st_mode, after.st_uid) == (before.st_mode, before.st_uid)
    assert stat.S_IMODE(after.st_mode) == 0o666


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to give a file to another user")
def test_another_users_log_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text("")
    path.chmod(0o600)
    os.chown(path, 65534, 65534)
    with pytest.raises(ConfigError, match="another user"):
        AuditLog(path, "h")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.stat().st_uid == 65534


def test_new_files_and_directories_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = tmp_path / "a" / "b" / "audit.jsonl"
        AuditLog(path, "h").close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for directory in (tmp_path / "a", tmp_path / "a" / "b"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory


@pytest.mark.parametrize(
    ("command", "kept"),
    [
        ("new-window", True),
        ("kill-pane -t %1", True),
        ("capture-pane -t %1", True),  # into a buffer: content copied somewhere
        ("save-buffer /tmp/x", True),
        ("refresh-client -C 80x24", True),
        ("display-message -t %1 hello", True),
        ("display-message 'x -p y'", True),
        ("capture-pane -p -e -N -q -E 999 -t %1", False),
        ("display-message -p -t %1 '#{cursor_x}'", False),
        ("list-windows -t '$1' -F '#{window_id}'", False),
        ("refresh-client -A %1:continue", False),
        ("refresh-client -A %1:pause", False),
        ("refresh-client -f pause-after=1", False),
        ("refresh-client -B tuimux-flags:@*:x", False),
        ("switch-client -T prefix", False),
        ("switch-client -T prefix -t '$1'", True),
        ("switch-client -t '$1'", True),
    ],
)
def test_what_is_audited(command: str, kept: bool) -> None:
    assert worth_auditing(command) is kept


def test_a_log_stops_at_its_limit_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tuimux.audit.MAX_BYTES", 1000)
    path = tmp_path / "audit.jsonl"
    audit = AuditLog(path, "h")
    for number in range(100):
        audit.write("$1", f"new-window -n w{number}")
    audit.close()
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert path.stat().st_size <= 1000 + 300
    assert "limit" in records[-1]["note"]
    assert all("command" in record for record in records[:-1])
    assert 1 < len(records) < 100


async def test_a_flooding_pane_does_not_grow_the_log(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """Floods make tuimux pause, capture and continue a pane many times a second: that
    is tuimux's business with tmux, not something done, so none of it is logged."""
    path = tmp_path / "audit.jsonl"
    audit = AuditLog(path, "local")
    tmux_server.new_session("s")
    target = Target(
        socket_name=tmux_server.socket_name, session="s", env=tmux_server.env, audit=audit
    )
    app = TuimuxApp(await connect_local(target, 80, 24))
    async with app.run_test(size=(80, 25)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        assert app.mirror is not None
        sent: list[str] = []
        app.client.on_send = sent.append  # what went to tmux, to compare with the log
        await pilot.press(*"yes flood-line-from-a-pane", "enter")
        await eventually(
            lambda: sum("capture-pane" in line for line in sent) > 20,
            timeout=30,
            detail=lambda: sent,
        )
        await pilot.press("ctrl+c")
        await pilot.press("ctrl+b", "d")
        await eventually(lambda: not app.is_running)
    audit.close()
    commands = [json.loads(line)["command"] for line in path.read_text().splitlines()]
    print(f"sent {len(sent)} lines, logged {len(commands)} ({path.stat().st_size} bytes)")
    assert not any(c.startswith(("capture-pane -p", "refresh-client -A")) for c in commands)
    typed = [c for c in commands if c.startswith("send-keys")]
    assert len(commands) - len(typed) < 10, commands
