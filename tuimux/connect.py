"""Start a control-mode client for the user's choice of server and session.

With ``-t NAME`` tuimux runs ``new-session -A -s NAME`` (attach, or create it); with no
session it attaches to the most recent one and, when the server has none or is not
running, creates one, as ``tmux new-session -A`` users expect.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from tuimux.client import TmuxClient
from tuimux.control.command import escape_format
from tuimux.errors import ConnectError
from tuimux.transport.local import LocalTransport, tmux_argv

# What tmux prints when there is nothing to attach to (client.c / cmd-attach-session.c).
_NOTHING_TO_ATTACH = ("no sessions", "no server running", "error connecting to")


@dataclass(frozen=True)
class Target:
    tmux: str = "tmux"
    socket_name: str | None = None
    socket_path: str | None = None
    session: str | None = None


def attach_command(target: Target, width: int, height: int) -> list[str]:
    size = ["-x", str(width), "-y", str(height)]
    if target.session is not None:
        # -s is format-expanded by tmux 3.3a: '#' must be doubled or '#(cmd)' runs.
        return ["new-session", "-A", "-s", escape_format(target.session), *size]
    return ["attach-session"]


async def _start(target: Target, command: list[str]) -> TmuxClient:
    argv = tmux_argv(
        target.tmux,
        socket_name=target.socket_name,
        socket_path=target.socket_path,
        command=command,
    )
    transport = await LocalTransport.start(argv, env=dict(os.environ))
    client = TmuxClient(transport)
    await client.start()
    return client


async def connect_local(target: Target, width: int, height: int) -> TmuxClient:
    command = attach_command(target, width, height)
    try:
        return await _start(target, command)
    except ConnectError as error:
        if target.session is not None or not any(
            marker in str(error).lower() for marker in _NOTHING_TO_ATTACH
        ):
            raise
    return await _start(target, ["new-session", "-x", str(width), "-y", str(height)])
