"""What every hostile-input test checks the same way: what tuimux would put on the host
terminal, and what it sent to tmux.

The host terminal sees only what Textual writes: the compositor's strips for the whole
screen (every widget, dialog and toast, as the user sees them) turned into text and
escape sequences. A test takes that output and removes the sequences Textual itself
makes (SGR colours and cursor moves); any control character left over came from data,
and is a failure. Each widget's own strips are checked too, so a failure names the widget.

``hostile_sshd`` is a real OpenSSH sshd (started with the helpers of ``tests/ssh``) whose
banner and keyboard-interactive prompt carry hostile text.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.strip import Strip

from tests.conftest import TmuxServer
from tests.helpers import as_drawn
from tests.ssh.conftest import REMOTE_ENV, SSHD, _wait_listening, free_port, keygen
from tuimux.control.escape import printable
from tuimux.control.policy import read_only_allows
from tuimux.terminal.cells import RULES_PROBE, cell_rules
from tuimux.ui.app import TuimuxApp

# C0, DEL and C1: none may reach the host terminal from data (security.md §5.1 S1).
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# What Textual writes around the text: SGR, cursor position and moves, nothing else.
TEXTUAL_SEQUENCE = re.compile("\x1b\\[[0-9;:]*[mHABCDGJK]")


def controls(text: str) -> list[str]:
    """The control code points in ``text``, as ``U+001B``…, for a readable failure."""
    return [f"U+{ord(char):04X}" for char in CONTROL.findall(text)]


def strip_controls(where: str, strips: Iterator[Strip] | list[Strip]) -> list[str]:
    """Every control code point in the segments of these strips, with where it was."""
    found = []
    for y, strip in enumerate(strips):
        for segment in strip:
            bad = controls(segment.text)
            if bad:
                found.append(f"{where} row {y}: {bad} in {segment.text[:60]!r}")
    return found


def composed_strips(app: App[Any]) -> list[Strip]:
    """The whole screen as the compositor would send it now (all layers, dialogs too)."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    rows: list[Strip] = []
    for line in getattr(update, "strips", []):
        rows.append(Strip.join(list(line)))
    return rows


def terminal_output(app: App[Any]) -> str:
    """The characters and escape sequences Textual would write for the whole screen."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return update.render_segments(app.console) if update is not None else ""  # type: ignore[union-attr]


def host_terminal_controls(app: App[Any]) -> list[str]:
    """Control characters in the output, other than Textual's own SGR and cursor moves
    and the newlines between rows."""
    text = TEXTUAL_SEQUENCE.sub("", terminal_output(app)).replace("\n", "")
    return [f"host terminal output: {bad}" for bad in [controls(text)] if bad]


def shown_lines(app: TuimuxApp, pane_id: str) -> list[str]:
    view = app.window_view.panes[pane_id]
    return [view.render_line(y).text.rstrip() for y in range(view.terminal.screen.lines)]


_C1_COLUMN: dict[str, bool] = {}  # by socket: whether the server gives a C1 a column


def tmux_lines(server: TmuxServer, pane_id: str) -> list[str]:
    """tmux's screen as tuimux must draw it: every row goes through ``printable``, which
    drops invisible format characters (ZWSP, BOM, bidi controls; all of width 0). The
    server's cell rules are asked once: tmux 3.2a gives a C1 control a column."""
    if server.socket_name not in _C1_COLUMN:
        rules = cell_rules(server.display(pane_id, RULES_PROBE[-1]))
        _C1_COLUMN[server.socket_name] = rules.c1_column
    c1_column = _C1_COLUMN[server.socket_name]
    lines = server.capture(pane_id).split("\n")[:-1]
    return [printable(as_drawn(line, c1_column=c1_column)).rstrip() for line in lines]


def everything_drawn(app: TuimuxApp) -> list[str]:
    """Control characters anywhere the user could see them, and where."""
    found = []
    for pane_id, view in app.window_view.panes.items():
        rows = [view.render_line(y) for y in range(view.size.height)]
        found += strip_controls(f"pane {pane_id}", rows)
    borders = app.window_view.borders
    found += strip_controls("borders", [borders.render_line(y) for y in range(borders.size.height)])
    found += strip_controls("status bar", [app.status_bar.render_line(0)])
    plain = app.status_bar.render().plain
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in plain):
        found.append(f"status bar text: {plain!r}")
    found += host_terminal_controls(app)
    return found


@dataclass
class AuditTail:
    """Reads the audit log from where the last look stopped (one JSON object a line)."""

    path: Path
    offset: int = 0
    seen: list[str] = field(default_factory=list)

    def mark(self) -> None:
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def new_commands(self) -> list[str]:
        with self.path.open("rb") as file:
            file.seek(self.offset)
            data = file.read()
        complete = data[: data.rfind(b"\n") + 1]
        self.offset += len(complete)
        commands = [json.loads(line)["command"] for line in complete.splitlines()]
        self.seen += commands
        return commands

    def not_read_only(self) -> list[str]:
        """Commands sent since the mark that are neither a read nor flow control: a
        hostile input made tuimux act (send-keys, rename, set-buffer…)."""
        return [command for command in self.new_commands() if not read_only_allows(command)]


# What the hostile server says before and during the login. Short enough for PAM, which
# cuts a message at 512 bytes: ESC sequences (title, clipboard, clear screen), BEL, C1 as
# UTF-8, CR LF, bidi, Textual markup with a click action, and commands with a canary.
HOSTILE_TEXT = (
    "\x1b]2;pwned\x07\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\x1b[31mred\x1bc"
    "\u009b31m\u0085\u009d0;x\u009c\r\nspoof\u202etxt.exe\u202c "
    "[bold][@click=app.quit]click me[/] #(touch {canary}) $(touch {canary}) `touch {canary}`"
)
BANNER_MARK = "HOSTILE-BANNER"
PROMPT_MARK = "HOSTILE-PROMPT"


@dataclass
class HostileSSHD:
    """A real sshd: its banner and keyboard-interactive prompt say ``HOSTILE_TEXT``;
    PAM asks for a password after it and takes any answer."""

    port: int
    user: str
    home: Path  # the client's HOME: .ssh/known_hosts trusts the server
    canary: Path
    process: subprocess.Popen[bytes]

    @property
    def hostile(self) -> str:
        return HOSTILE_TEXT.format(canary=self.canary)


@pytest.fixture
def hostile_sshd(tmp_path: Path) -> Iterator[HostileSSHD]:
    """sshd names its PAM service after the program (``__progname``), so it runs under a
    unique name with a PAM stack of its own in /etc/pam.d (root only, like the password
    fixture's throw-away user; the file is removed afterwards): pam_echo says the hostile
    text, pam_exec asks "Password: " and accepts anything."""
    if os.geteuid() != 0:
        raise RuntimeError("the keyboard-interactive tests write a PAM service and need root")
    directory = tmp_path / "hostile-sshd"
    directory.mkdir()
    canary = tmp_path / "canary"
    text = HOSTILE_TEXT.format(canary=canary)
    (directory / "banner").write_text(f"{BANNER_MARK} {text}\n")
    (directory / "prompt").write_text(f"{PROMPT_MARK} {text}\n")
    service = f"tuimux-test-kbdint-{uuid.uuid4().hex[:8]}"
    pam = Path("/etc/pam.d") / service
    pam.write_text(
        f"auth optional pam_echo.so file={directory / 'prompt'}\n"
        "auth required pam_exec.so type=auth expose_authtok quiet /bin/true\n"
        "auth optional pam_permit.so\n"
        "account required pam_permit.so\n"
        "session required pam_permit.so\n"
    )
    try:
        program = directory / service
        program.symlink_to(SSHD)
        host_key = keygen(directory / "host_key")
        port = free_port()
        config = directory / "sshd_config"
        config.write_text(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\n"
            f"PidFile {directory / 'pid'}\nUsePAM yes\nKbdInteractiveAuthentication yes\n"
            "PasswordAuthentication no\nPubkeyAuthentication no\nPermitRootLogin yes\n"
            f"StrictModes no\nLogLevel ERROR\nBanner {directory / 'banner'}\n" + REMOTE_ENV
        )
        home = tmp_path / "hostile-home"
        (home / ".ssh").mkdir(parents=True, mode=0o700)
        public = host_key.with_suffix(".pub").read_text().split()
        (home / ".ssh" / "known_hosts").write_text(f"[127.0.0.1]:{port} {public[0]} {public[1]}\n")
        process = subprocess.Popen(
            [str(program), "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE
        )
        try:
            _wait_listening(port, process)
            yield HostileSSHD(port, getpass.getuser(), home, canary, process)
        finally:
            process.terminate()
            process.wait(5)
    finally:
        with contextlib.suppress(OSError):
            pam.unlink()
