"""The settings file: read from platformdirs' place, trusted only if no one else can
change it, and every mistake in it one sentence (exit 2) instead of a traceback."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ssh.conftest import free_port
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
from tuimux.host_patterns import match_pattern, matches


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
    log.write("$0", "new-window")
    log.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["command"] == "new-window"


@pytest.mark.usefixtures("open_umask")
def test_own_state_directory_is_narrowed_to_0700(homes: Path) -> None:
    wide = homes / "state" / "tuimux"
    wide.mkdir(parents=True, mode=0o777)
    assert stat.S_IMODE(wide.stat().st_mode) == 0o777
    private_dir(wide)
    assert stat.S_IMODE(wide.stat().st_mode) == 0o700


def test_a_symlinked_state_directory_is_refused_and_its_target_kept(
    homes: Path, tmp_path: Path
) -> None:
    """Narrowing through a link could make a directory tuimux never made (a home, a
    shared folder) private to one user: refuse in one sentence instead."""
    target = tmp_path / "shared"
    target.mkdir(mode=0o755)
    target.chmod(0o755)
    link = homes / "state" / "tuimux"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    with pytest.raises(ConfigError, match="symbolic link") as caught:
        private_dir(link)
    assert "\n" not in str(caught.value)
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


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
        ('[hosts."prod-*"]\nread_only = "yes"\n', '[hosts."prod-*"] read_only must be true'),
        ('[hosts."prod-*"]\ncolour = "256"\n', "unknown setting 'colour' in [hosts.\"prod-*\"]"),
        ("[hosts.db.hosts]\n", "unknown setting 'hosts' in [hosts.\"db\"]"),
        ('[hosts.db]\ntmux = ""\n', '[hosts."db"] tmux must be a non-empty string'),
        ('[hosts.db]\ncolors = "million"\n', '[hosts."db"] colors must be one of'),
        ("[hosts.db]\naudit_log = 7\n", '[hosts."db"] audit_log must be true, false or a'),
        ('[hosts."\\u001b[2J"]\nread_only = 1\n', '[hosts."\\u001b[2J"] read_only must'),
        ('hosts = "prod-*"\n', 'hosts must be sections such as [hosts."prod-*"]'),
        ("[[hosts]]\nread_only = true\n", "hosts must be sections"),
        ("[hosts]\nread_only = true\n", '[hosts."read_only"] must be a section of settings'),
        ('[hosts.""]\n', '[hosts.""] names no host pattern'),
        ('[hosts." , "]\n', "names no host pattern"),
        ('[hosts."prod-*, !"]\n', "lone '!'"),
        ('[hosts."!prod-*"]\n', '[hosts."!prod-*"] has only !negated patterns'),
        ('[hosts."!a !b"]\n', "match no host"),
    ],
)
def test_a_bad_file_is_one_sentence(homes: Path, text: str, words: str) -> None:
    path = write_config(text)
    with pytest.raises(ConfigError) as raised:
        load()
    message = str(raised.value)
    assert words in message and str(path) in message
    assert "\n" not in message and "\x1b" not in message


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
    # A broken section is refused even when this run's host is not one it names.
    write_config('[hosts."prod-*"]\nread_only = "yes"\n')
    result = run_cli("-L", "unused")
    assert result.returncode == 2
    assert '[hosts."prod-*"] read_only must be true or false' in one_sentence(result)


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
    assert chosen_settings(load(), args, None).read_only is False
    assert chosen_settings(load(), parser().parse_args([]), None).read_only is True


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


@pytest.mark.parametrize(
    ("name", "host", "expected"),
    [
        ("prod-*", "prod-1", True),
        ("prod-*", "prod-", True),  # * may match nothing
        ("prod-*", "xprod-1", False),  # the whole host, not a part of it
        ("prod-?", "prod-1", True),
        ("prod-?", "prod-12", False),
        ("prod-?", "prod-", False),
        ("PROD-*", "Prod-7", True),  # case never matters, on either side
        ("db.example.com", "DB.Example.COM", True),
        ("db.example.com", "dbxexample.com", False),  # . is itself
        ("[ab]", "a", False),  # no character classes in OpenSSH patterns
        ("[ab]", "[AB]", True),
        ("web, db", "db", True),
        ("web db\tcache", "cache", True),
        ("web,db", "dbx", False),
        ("*.example.com, !bastion.example.com", "api.example.com", True),
        ("*.example.com, !bastion.example.com", "bastion.example.com", False),
        ("!bastion.example.com *.example.com", "BASTION.example.com", False),
        ("!bastion.example.com *.example.com", "example.com", False),
        ("*", "anything", True),
        ("*", None, False),  # a local attach is no host
        ("local", None, True),
        ("local", "local", False),  # the local section is never an SSH host
        ("LOCAL", "local", True),  # …but any other spelling is a pattern
        ("LOCAL", None, False),
        ("*a*a*a*a*a*a*a*a*a*b", "a" * 300, False),  # no exponential backtracking
    ],
)
def test_host_patterns_match_like_openssh(name: str, host: str | None, expected: bool) -> None:
    assert matches(name, host) is expected


@given(st.text("aB*?", max_size=8), st.text("abAB", max_size=10))
def test_a_pattern_matches_as_the_equivalent_regular_expression(pattern: str, host: str) -> None:
    regex = "".join({"*": ".*", "?": "."}.get(char, re.escape(char)) for char in pattern)
    assert match_pattern(pattern, host) == bool(re.fullmatch(regex, host, re.IGNORECASE))


SECTIONS = """\
tmux = "/top/tmux"
read_only = false
colors = "256"
audit_log = "top.jsonl"
theme = "nord"
[hosts."prod-db*"]
tmux = "/db/tmux"
[hosts."prod-*, !prod-test"]
tmux = "/prod/tmux"
read_only = true
audit_log = false
[hosts."*"]
read_only = false
theme = "dracula"
[hosts.local]
tmux = "/local/tmux"
"""


def test_the_first_matching_section_gives_each_key_then_the_top_level(homes: Path) -> None:
    write_config(SECTIONS)
    loaded = load()
    top = config_path().parent / "top.jsonl"
    # tmux from the first section, read_only from the second (the later "*" says false
    # too late), audit_log = false turns the top-level log off, colors from the top.
    assert loaded.settings_for("prod-db1") == Settings(
        tmux="/db/tmux", colors="256", read_only=True, audit_log=None, theme="dracula"
    )
    assert loaded.settings_for("PROD-web") == Settings(
        tmux="/prod/tmux", colors="256", read_only=True, audit_log=None, theme="dracula"
    )
    # The negation excludes that section only; "*" still applies.
    assert loaded.settings_for("prod-test") == Settings(
        tmux="/top/tmux", colors="256", read_only=False, audit_log=top, theme="dracula"
    )
    assert loaded.settings_for(None) == Settings(
        tmux="/local/tmux", colors="256", read_only=False, audit_log=top, theme="nord"
    )
    assert loaded.settings == Settings(
        tmux="/top/tmux", colors="256", read_only=False, audit_log=top, theme="nord"
    )


def test_file_order_decides_between_sections_not_how_specific_they_are(homes: Path) -> None:
    write_config('[hosts."*"]\nread_only = false\n[hosts."prod-1"]\nread_only = true\n')
    assert load().settings_for("prod-1").read_only is False
    write_config('[hosts."prod-1"]\nread_only = true\n[hosts."*"]\nread_only = false\n')
    assert load().settings_for("prod-1").read_only is True
    assert load().settings_for("prod-2").read_only is False


def test_the_command_line_beats_a_host_section(homes: Path) -> None:
    write_config(SECTIONS)
    flags = ["--tmux", "/cli/tmux", "--colors", "16", "--audit-log", "/cli/audit.jsonl"]
    args = parser().parse_args([*flags, "--no-read-only", "alice@prod-db1"])
    assert chosen_settings(load(), args, "prod-db1") == Settings(
        tmux="/cli/tmux",
        colors="16",
        read_only=False,
        audit_log=Path("/cli/audit.jsonl"),
        theme="dracula",
    )
    assert chosen_settings(load(), parser().parse_args(["-r", "dev"]), "dev").read_only is True
    plain = parser().parse_args(["alice@prod-db1"])
    assert chosen_settings(load(), plain, "prod-db1").tmux == "/db/tmux"
    assert chosen_settings(load(), parser().parse_args([]), None).tmux == "/local/tmux"


def test_audit_log_in_a_section_is_read_like_the_top_level(homes: Path) -> None:
    write_config(
        '[hosts."prod-*"]\naudit_log = "logs/prod.jsonl"\n'
        '[hosts."db"]\naudit_log = true\n'
        '[hosts."web"]\naudit_log = "~/web.jsonl"\n'
    )
    loaded = load()
    assert loaded.settings_for("prod-1").audit_log == config_path().parent / "logs/prod.jsonl"
    assert loaded.settings_for("db").audit_log == state_dir() / "audit.jsonl"
    assert loaded.settings_for("web").audit_log == Path.home() / "web.jsonl"
    assert loaded.settings_for("dev").audit_log is None


def test_an_unsafe_file_gives_no_host_sections_either(homes: Path) -> None:
    write_config(
        '[hosts."*"]\ntmux = "/tmp/planted"\n[hosts.local]\ntmux = "/tmp/planted"\n', 0o666
    )
    loaded = load()
    assert loaded.warnings and loaded.hosts == ()
    assert loaded.settings_for(None) == loaded.settings_for("prod-1") == Settings()


def test_cli_local_attach_uses_only_the_local_section(homes: Path) -> None:
    write_config(
        'tmux = "/nonexistent/top/tmux"\n'
        '[hosts."*"]\ntmux = "/nonexistent/every-ssh-host/tmux"\n'
        '[hosts.local]\ntmux = "/nonexistent/local-section/tmux"\n'
    )
    result = run_cli("-L", "unused")
    assert result.returncode == 1
    assert "local-section" in one_sentence(result)


def test_cli_matches_the_host_as_typed_before_ssh_config(homes: Path, tmp_path: Path) -> None:
    """A section's unwritable audit log stops the run (exit 2) before any connection; a
    host no section matches tries to connect to a closed port (exit 1)."""
    port = free_port()
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True, mode=0o700)
    (home / ".ssh" / "config").write_text(f"Host web\n  HostName 127.0.0.1\n  Port {port}\n")
    unwritable = tmp_path / "a-directory"
    unwritable.mkdir()
    write_config(f'[hosts."127.0.0.*"]\naudit_log = "{unwritable}"\n')
    env = {**os.environ, "HOME": str(home)}
    matched = run_cli("-p", str(port), "alice@127.0.0.1", env=env)
    assert matched.returncode == 2
    assert f"audit log {unwritable} is not a regular file" in one_sentence(matched)
    # "web" is 127.0.0.1 only to ssh_config: the section is for what was typed.
    alias = run_cli("web", env=env)
    assert alias.returncode == 1
    assert "Could not connect to web" in one_sentence(alias)
    cli_log = str(tmp_path / "cli.jsonl")
    cli_wins = run_cli("--audit-log", cli_log, "-p", str(port), "127.0.0.1", env=env)
    assert cli_wins.returncode == 1
    assert "Could not connect" in one_sentence(cli_wins)
