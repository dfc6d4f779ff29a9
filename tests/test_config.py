"""The settings file: read from platformdirs' place, trusted only if no one else can
change it, and every mistake in it one sentence (exit 2) instead of a traceback."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.test_cli import one_sentence
from tuimux.audit import AuditLog
from tuimux.cli import COLOR_SYSTEMS, chosen_settings, parser
from tuimux.config import (
    COLORS,
    Settings,
    config_path,
    load,
    private_dir,
    state_dir,
)
from tuimux.errors import ConfigError


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """platformdirs follows XDG_*: point them at a fresh place for this test."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    yield tmp_path


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Permissions must not depend on a careful umask."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def write_config(text: str, mode: int = 0o600) -> Path:
    path = config_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuimux", *args],
        capture_output=True,
        text=True,
        env=env if env is not None else dict(os.environ),
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


def test_the_file_lives_where_the_platform_keeps_settings(homes: Path) -> None:
    assert config_path() == homes / "config" / "tuimux" / "config.toml"
    assert state_dir() == homes / "state" / "tuimux"


def test_no_file_is_no_settings_and_nothing_is_created(homes: Path) -> None:
    loaded = load()
    assert loaded.settings == Settings()
    assert loaded.warnings == ()
    assert not (homes / "config").exists()
    assert not (homes / "state").exists()


def test_every_setting_is_read(homes: Path) -> None:
    write_config(
        'tmux = "/opt/tmux/bin/tmux"\n'
        'colors = "256"\n'
        "read_only = true\n"
        'audit_log = "logs/audit.jsonl"\n'
        'theme = "nord"\n'
    )
    settings = load().settings
    assert settings == Settings(
        tmux="/opt/tmux/bin/tmux",
        colors="256",
        read_only=True,
        # A relative path is taken from the file that says it, not from the cwd.
        audit_log=config_path().parent / "logs" / "audit.jsonl",
        theme="nord",
    )
    write_config('audit_log = "~/audit.jsonl"\n')
    assert load().settings.audit_log == Path.home() / "audit.jsonl"
    assert set(COLORS) == set(COLOR_SYSTEMS)


@pytest.mark.usefixtures("open_umask")
def test_audit_log_true_goes_to_a_private_state_directory(homes: Path) -> None:
    write_config("audit_log = true\n")
    path = load().settings.audit_log
    assert path == state_dir() / "audit.jsonl"
    assert stat.S_IMODE(state_dir().stat().st_mode) == 0o700
    log = AuditLog(path, "local")
    log.write("$0", "list-windows")
    log.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["command"] == "list-windows"


@pytest.mark.usefixtures("open_umask")
def test_own_state_directory_is_narrowed_to_0700(homes: Path) -> None:
    wide = homes / "state" / "tuimux"
    wide.mkdir(parents=True, mode=0o777)
    assert stat.S_IMODE(wide.stat().st_mode) == 0o777
    private_dir(wide)
    assert stat.S_IMODE(wide.stat().st_mode) == 0o700


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666, 0o777])
def test_a_file_others_can_change_is_not_used(homes: Path, mode: int) -> None:
    path = write_config('tmux = "/tmp/someone-elses-tmux"\n', mode)
    loaded = load()
    assert loaded.settings == Settings()
    (warning,) = loaded.warnings
    assert str(path) in warning and f"{mode:04o}" in warning and "chmod go-w" in warning


def test_a_file_in_a_directory_others_can_change_is_not_used(homes: Path) -> None:
    path = write_config('tmux = "/tmp/someone-elses-tmux"\n')
    path.parent.chmod(0o777)
    loaded = load()
    assert loaded.settings == Settings()
    assert "directory" in loaded.warnings[0]
    path.parent.chmod(0o1777)  # sticky, like /tmp: no one else can replace the file
    assert load().settings.tmux == "/tmp/someone-elses-tmux"


def test_a_symlinked_file_is_judged_by_what_it_points_to(homes: Path, tmp_path: Path) -> None:
    """Dotfile managers symlink settings into place; that is fine when the target is safe."""
    real = tmp_path / "dotfiles" / "tuimux.toml"
    real.parent.mkdir(mode=0o700)
    real.write_text('colors = "16"\n')
    real.chmod(0o600)
    config_path().parent.mkdir(parents=True, mode=0o700)
    config_path().symlink_to(real)
    assert load().settings.colors == "16"
    real.chmod(0o666)
    assert load().settings == Settings()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("tmux = \n", "not valid TOML"),
        ('tmux = "a"\ntmux = "b"\n', "not valid TOML"),
        ('colour = "256"\n', "unknown setting 'colour'"),
        ('colors = "million"\n', "colors must be one of"),
        ("read_only = 1\n", "read_only must be true or false"),
        ('read_only = "yes"\n', "read_only must be true or false"),
        ("tmux = 3\n", "tmux must be a non-empty string"),
        ('tmux = ""\n', "tmux must be a non-empty string"),
        ('tmux = "a\\nb"\n', "tmux must be a non-empty string"),
        ("audit_log = 7\n", "audit_log must be true, false or a file path"),
        ("[hosts]\n", "unknown setting 'hosts'"),
    ],
)
def test_a_bad_file_is_one_sentence(homes: Path, text: str, words: str) -> None:
    path = write_config(text)
    with pytest.raises(ConfigError) as raised:
        load()
    message = str(raised.value)
    assert words in message and str(path) in message
    assert "\n" not in message


def test_unreadable_odd_and_huge_files_are_one_sentence(homes: Path, tmp_path: Path) -> None:
    path = write_config("")
    path.write_bytes(b'tmux = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load()
    path.write_bytes(b"# padding\n" * 120_000)
    with pytest.raises(ConfigError, match="larger than 1 MiB"):
        load()
    with pytest.raises(ConfigError, match="does not exist"):
        load(tmp_path / "missing.toml")
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo, 0o600)
    # A FIFO would block a plain open forever; it is refused as not a regular file.
    assert "not a regular file" in load(fifo).warnings[0]
    if os.getuid() != 0:  # root reads anything
        path.write_text("")
        path.chmod(0o000)
        with pytest.raises(ConfigError, match="cannot be read"):
            load()


def test_cli_bad_file_is_exit_2_and_one_sentence(homes: Path) -> None:
    write_config('colors = "million"\n')
    result = run_cli("-L", "unused")
    assert result.returncode == 2
    assert "colors must be one of" in one_sentence(result)
    result = run_cli("--config", str(homes / "nope.toml"), "-L", "unused")
    assert result.returncode == 2
    assert "does not exist" in one_sentence(result)


def test_cli_uses_the_file_and_the_command_line_wins(homes: Path) -> None:
    """A bad tmux path makes the run stop right after the settings are applied."""
    write_config('tmux = "/nonexistent/from-config/tmux"\n')
    result = run_cli("-L", "unused")
    assert result.returncode == 1
    assert "tmux was not found" in one_sentence(result)
    assert "from-config" in result.stderr
    result = run_cli("--tmux", "/nonexistent/from-cli/tmux", "-L", "unused")
    assert "from-cli" in one_sentence(result)


def test_cli_warns_about_an_unsafe_file_and_ignores_it(
    homes: Path, tmux_server: TmuxServer
) -> None:
    write_config('tmux = "/nonexistent/planted/tmux"\n', 0o666)
    env = {**tmux_server.env, **{k: os.environ[k] for k in ("XDG_CONFIG_HOME", "XDG_STATE_HOME")}}
    # The planted tmux is not run: the default one is, and says the session is missing.
    result = run_cli("-r", "-L", tmux_server.socket_name, "-t", "missing", env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("tuimux: warning: ") and "chmod go-w" in lines[0]
    assert "planted" not in result.stderr
    assert lines[1].startswith("tuimux: Could not attach to tmux")


def test_cli_read_only_from_the_file_and_no_read_only_overrides(
    homes: Path, tmux_server: TmuxServer
) -> None:
    """read_only = true attaches with -r, which never creates a session (one sentence);
    --no-read-only turns it off for one run."""
    write_config("read_only = true\n")
    tmux_server.new_session("s")
    env = {**tmux_server.env, **{k: os.environ[k] for k in ("XDG_CONFIG_HOME", "XDG_STATE_HOME")}}
    result = run_cli("-L", tmux_server.socket_name, "-t", "other", env=env)
    assert result.returncode == 1
    assert "can't find session" in one_sentence(result)
    assert tmux_server.run("list-sessions", "-F", "#{session_name}").split() == ["s"]
    args = parser().parse_args(["--no-read-only", "-L", tmux_server.socket_name])
    assert chosen_settings(load(), args).read_only is False
    assert chosen_settings(load(), parser().parse_args([])).read_only is True


async def test_theme_and_warnings_reach_the_screen(tmux_server: TmuxServer) -> None:
    """Warnings printed before the UI takes the screen are shown again inside it."""
    from tuimux.connect import Target, connect_local
    from tuimux.ui.app import TuimuxApp

    tmux_server.new_session("s", width=100, height=30)
    target = Target(socket_name=tmux_server.socket_name, session="s", env=tmux_server.env)
    app = TuimuxApp(
        await connect_local(target, 100, 30), theme="nord", notes=("the file\x1b[2J is odd",)
    )
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: bool(app.window_view.panes))
        assert app.theme == "nord"
        shown = [n.message for n in app._notifications]
        assert any("the file" in message and "\x1b" not in message for message in shown)
    bad = TuimuxApp(await connect_local(target, 100, 30), theme="no-such-theme")
    async with bad.run_test(size=(100, 31)):
        await eventually(lambda: bool(bad.window_view.panes))
        assert bad.theme == "tuimux-dark"
        assert any("no-such-theme" in n.message for n in bad._notifications)
