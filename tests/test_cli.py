"""The command line: one readable sentence and an exit status, never a traceback."""

from __future__ import annotations

import os
import socket
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
    version = tuimux("--version")
    assert (version.stdout.strip(), version.stderr) == (f"tuimux {__version__}", "")
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


# Every dependency warns when imported, as cryptography 51 does (DSA deprecation) when
# asyncssh imports it; the program is started as the console script starts it
# (``from tuimux.cli import main``), so warnings at import of tuimux.cli count too.
WARNING_DEPENDENCIES = """
import sys, warnings
from importlib.abc import MetaPathFinder

DEPENDENCIES = {"asyncssh", "cryptography", "textual", "rich", "pyte", "platformdirs"}


class Warner(MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name in DEPENDENCIES:
            warnings.warn(f"{name} says: this API is deprecated", UserWarning, stacklevel=2)
        return None


sys.meta_path.insert(0, Warner())
from tuimux.cli import main

sys.exit(main(sys.argv[1:]))
"""


def test_a_dependency_warning_at_import_never_reaches_stderr(tmp_path: Path) -> None:
    """An SSH destination nobody answers: every dependency is imported on the way (the
    UI before connecting, asyncssh to connect) and the user reads one sentence; with
    --debug the libraries' warnings are shown, so the hook above does warn."""
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    env = {**os.environ, "HOME": str(tmp_path)}
    env.pop("SSH_AUTH_SOCK", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", WARNING_DEPENDENCIES, *args, "-p", port, "x@127.0.0.1"],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )

    result = run()
    assert result.returncode == 1
    assert "Could not connect to x@127.0.0.1" in one_sentence(result)
    debug = run("--debug")
    assert debug.returncode == 1
    for name in ("asyncssh", "cryptography", "textual", "rich", "pyte"):
        assert f"{name} says: this API is deprecated" in debug.stderr, name


LOCAL_ATTACH = """
import asyncio, sys
from tuimux.cli import main
import tuimux.ui.app
from tuimux.connect import Target, connect_local


async def attach():
    client = await connect_local(Target(socket_name=sys.argv[1], session="s"), 80, 24)
    assert client.session_id is not None
    await client.detach()


asyncio.run(attach())
crypto = ("asyncssh", "cryptography")
print(" ".join(sorted(m for m in sys.modules if m.partition(".")[0] in crypto)))
"""


def test_a_local_attach_never_imports_asyncssh(tmux_server: TmuxServer) -> None:
    """Nor its cryptography: a local user pays for neither (nor sees their warnings)."""
    tmux_server.new_session("s")
    result = subprocess.run(
        [sys.executable, "-c", LOCAL_ATTACH, tmux_server.socket_name],
        capture_output=True,
        text=True,
        env=tmux_server.env,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
    assert result.stderr == ""
    imported = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tuimux", "--version"],
        capture_output=True,
        text=True,
        timeout=30,
    ).stderr
    assert "asyncssh" not in imported and "textual" not in imported
