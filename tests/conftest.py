"""Fixtures that start real tmux servers on private sockets.

Every test gets its own server (``tmux -L tuimux-test-<random> -f /dev/null``), killed
afterwards, so nothing touches the developer's tmux and tests never see each other.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TMUX = shutil.which("tmux") or "tmux"


def clean_env() -> dict[str, str]:
    """An environment for tmux that ignores any tmux the tests themselves run inside."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
    env["LANG"] = "C.UTF-8"
    env["LC_ALL"] = "C.UTF-8"
    env.setdefault("TERM", "xterm-256color")
    env["SHELL"] = "/bin/sh"
    env["PS1"] = "$ "
    env["ENV"] = "/dev/null"
    return env


@dataclass
class TmuxServer:
    """A private tmux server; ``run`` is synchronous because it only sets up a test."""

    socket_name: str
    env: dict[str, str] = field(default_factory=clean_env)

    @property
    def argv(self) -> list[str]:
        return [TMUX, "-L", self.socket_name, "-f", "/dev/null"]

    def run(self, *args: str, check: bool = True) -> str:
        # surrogateescape: tmux 3.7+ echoes a refused name's raw bytes in its error.
        result = subprocess.run(
            [*self.argv, *args],
            capture_output=True,
            text=True,
            errors="surrogateescape",
            env=self.env,
            timeout=20,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"tmux {args!r} failed: {result.stderr.strip()}")
        return result.stdout

    def new_session(
        self, name: str = "s", width: int = 80, height: int = 24, command: str | None = None
    ) -> None:
        args = ["new-session", "-d", "-P", "-F", "#{window_id}", "-s", name]
        args += ["-x", str(width), "-y", str(height)]
        if command is not None:
            args.append(command)
        window = self.run(*args).strip()
        # tmux 3.2a sizes a detached session's first window from the command client
        # (80x23) despite -x/-y; set the size asked for, then drop the window-size manual
        # that resize-window pins, so the window follows clients as on later versions.
        if self.display(window, "#{window_width} #{window_height}") != f"{width} {height}":
            self.run("resize-window", "-t", window, "-x", str(width), "-y", str(height))
            self.run("set-option", "-w", "-u", "-t", window, "window-size")

    def has_option(self, option: str) -> bool:
        """Whether this tmux knows an option (features are probed, never versions)."""
        result = subprocess.run(
            [*self.argv, "show-options", "-g", option],
            capture_output=True,
            env=self.env,
            timeout=20,
        )
        return result.returncode == 0

    def display(self, target: str, fmt: str) -> str:
        return self.run("display-message", "-p", "-t", target, fmt).rstrip("\n")

    def stored(self, target: str, variable: str) -> str:
        """What tmux holds in ``#{variable}`` for ``target`` (an id: ``$n``, ``@n``,
        ``%n``), read past every layer tmux adds to printed replies: tmux 3.4 escapes
        "$" once more in what ``display -p`` prints, but a ``run-shell`` job's environment
        gets the value as expanded. The loops find the target whatever session is current.
        """
        kind, loops = {"$": ("session_id", "S"), "@": ("window_id", "SW"), "%": ("pane_id", "SWP")}[
            target[0]
        ]
        fmt = f"#{{?#{{==:#{{{kind}}},{target}}},#{{{variable}}},}}"
        for loop in reversed(loops):
            fmt = f"#{{{loop}:{fmt}}}"
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory, "stored")
            self.run("set-environment", "-g", "-F", "TUIMUX_STORED", fmt)
            try:
                self.run("run-shell", f'printf %s "$TUIMUX_STORED" > {shlex.quote(str(path))}')
            finally:
                self.run("set-environment", "-g", "-u", "TUIMUX_STORED")
            return path.read_bytes().decode("utf-8", "surrogateescape")

    def capture(self, target: str, *flags: str) -> str:
        return self.run("capture-pane", "-p", *flags, "-t", target)

    def capture_bytes(self, target: str, *flags: str) -> bytes:
        """capture-pane output as bytes: with -e it holds raw escape sequences."""
        return subprocess.run(
            [*self.argv, "capture-pane", "-p", *flags, "-t", target],
            capture_output=True,
            env=self.env,
            check=True,
            timeout=20,
        ).stdout

    def wait_for(self, predicate: object, timeout: float = 10.0) -> None:
        """Poll a condition of tmux's state (tests only; the product never sleeps)."""
        assert callable(predicate)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.02)
        raise AssertionError("condition not reached in time")

    def kill(self) -> None:
        subprocess.run([*self.argv, "kill-server"], capture_output=True, env=self.env, timeout=20)
        # tmux leaves the socket file behind when killed; do not litter /tmp/tmux-UID.
        base = self.env.get("TMUX_TMPDIR") or "/tmp"
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(base, f"tmux-{os.getuid()}", self.socket_name))


@pytest.fixture(autouse=True)
def _own_settings_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The developer's own tuimux settings must not change what a test sees."""
    base = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(base / "state"))


@pytest.fixture
def tmux_server() -> Iterator[TmuxServer]:
    server = TmuxServer(f"tuimux-test-{uuid.uuid4().hex[:12]}")
    try:
        yield server
    finally:
        server.kill()
