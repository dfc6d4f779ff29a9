"""Clients in outer terminals: tmux's own client and tuimux, each in a pane of an outer
tmux, which keeps what each did to its terminal (cursor, title, bells, clipboard) for
the tests to compare."""

from __future__ import annotations

import shlex
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import TmuxServer, clean_env

ROOT = Path(__file__).resolve().parents[2]


def tmux_attach(inner: TmuxServer, session: str = "s") -> str:
    """tmux's own client, attached to ``session`` of ``inner``."""
    return shlex.join([*inner.argv, "attach", "-t", session])


def tuimux_attach(inner: TmuxServer, session: str = "s") -> str:
    """The real tuimux program, attached to ``session`` of ``inner``."""
    program = [sys.executable, "-m", "tuimux", "-L", inner.socket_name, "-t", session]
    return f"cd {shlex.quote(str(ROOT))} && {shlex.join(program)}"


@contextmanager
def outer_terminals(
    clients: Mapping[str, str], width: int, height: int, *, clipboard: bool = False
) -> Iterator[TmuxServer]:
    """An outer tmux with one session per client (named by its key), each running its
    command in a ``width`` x ``height`` terminal whose ``TERM`` is xterm-256color (so
    tmux's own client sets titles and the clipboard there). With ``clipboard``, what
    arrives as OSC 52 becomes a buffer of the outer tmux."""
    outer = TmuxServer(f"tuimux-test-outer-{uuid.uuid4().hex[:8]}", clean_env())
    outer.env["PYTHONPATH"] = str(ROOT)
    outer.env["PYTHONWARNINGS"] = "ignore"
    try:
        outer.new_session("boot", width=width, height=height, command="sleep 600")
        outer.run("set-option", "-g", "default-terminal", "xterm-256color")
        if clipboard:
            outer.run("set-option", "-s", "set-clipboard", "on")
        for name, command in clients.items():
            outer.new_session(name, width=width, height=height, command=command)
            outer.run("set-option", "-t", name, "status", "off")
            outer.run("set-option", "-t", name, "remain-on-exit", "on")
        yield outer
    finally:
        outer.kill()
