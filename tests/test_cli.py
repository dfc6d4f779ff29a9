"""The command line: one readable sentence and an exit status, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import TmuxServer
from tuimux import __version__


def tuimux(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuimux", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tuimux: ")
    return lines[0]


def test_version_and_help() -> None:
    assert tuimux("--version").stdout.strip() == f"tuimux {__version__}"
    help_text = tuimux("--help").stdout
    for flag in ("-L NAME", "-S PATH", "-t SESSION", "--tmux PATH", "--read-only", "--audit-log"):
        assert flag in help_text


def test_missing_tmux_binary(tmux_server: TmuxServer) -> None:
    result = tuimux("--tmux", "/nonexistent/tmux", "-L", tmux_server.socket_name)
    assert result.returncode == 1
    assert "tmux was not found" in one_sentence(result)


def test_unreachable_socket(tmp_path: Path, tmux_server: TmuxServer) -> None:
    result = tuimux("-S", str(tmp_path / "no" / "such" / "socket"), env=tmux_server.env)
    assert result.returncode == 1
    one_sentence(result)


def test_session_name_with_newline_is_refused() -> None:
    result = tuimux("-t", "a\nb")
    assert result.returncode == 2
    assert "one line" in one_sentence(result)


def test_socket_flags_are_exclusive() -> None:
    result = tuimux("-L", "a", "-S", "/tmp/b")
    assert result.returncode == 2


def test_colors_option_sets_textual_color_system(tmux_server: TmuxServer) -> None:
    # A bad --tmux makes the run stop right after the option is applied.
    probe = (
        "import os, sys; from tuimux.cli import main; "
        "rc = main(['--colors', '16', '--tmux', '/nonexistent/tmux']); "
        "print(os.environ.get('TEXTUAL_COLOR_SYSTEM'), rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=30
    )
    assert result.stdout.split() == ["standard", "1"]
    assert tuimux("--colors", "bogus").returncode == 2


def test_tmux_version_parsing() -> None:
    from tuimux.connect import MINIMUM_VERSION, tmux_version

    assert tmux_version("3.3a") == (3, 3)
    assert tmux_version("next-3.4") == (3, 4)
    assert tmux_version("3.1c") < MINIMUM_VERSION  # type: ignore[operator]
    assert tmux_version("3.2") == MINIMUM_VERSION
    assert tmux_version("master") is None
    assert tmux_version("openbsd-7.3") is None


def test_unwritable_audit_log_is_one_sentence(tmp_path: Path) -> None:
    result = tuimux("--audit-log", str(tmp_path), "-L", "unused")
    assert result.returncode == 2
    assert "audit log" in one_sentence(result)


def test_read_only_of_a_missing_session_creates_nothing(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s")
    result = tuimux("-r", "-L", tmux_server.socket_name, "-t", "other", env=tmux_server.env)
    assert result.returncode == 1
    assert "can't find session" in one_sentence(result)
    assert tmux_server.run("list-sessions", "-F", "#{session_name}").split() == ["s"]
