"""Start a control-mode client for the user's choice of server and session.

With ``-t NAME`` tuimux runs ``new-session -A -s NAME`` (attach, or create it); with no
session it attaches to the most recent one and, when the server has none or is not
running, creates one, as ``tmux new-session -A`` users expect.
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tuimux.audit import AuditLog
from tuimux.client import TmuxClient
from tuimux.control.command import escape_format
from tuimux.control.escape import printable
from tuimux.errors import AttachError, ConnectError, TuimuxError, user_message
from tuimux.transport.base import Transport
from tuimux.transport.local import LocalTransport, tmux_argv
from tuimux.transport.ssh_target import SSHTarget

# What tmux prints when there is nothing to attach to (client.c / cmd-attach-session.c).
_NOTHING_TO_ATTACH = ("no sessions", "no server running", "error connecting to")


@dataclass(frozen=True)
class Target:
    tmux: str = "tmux"
    socket_name: str | None = None
    socket_path: str | None = None
    session: str | None = None
    # The environment tmux starts with (default: ours). Tests pass a clean one.
    env: dict[str, str] | None = None
    # Attach with tmux's -r and refuse every command that could change anything.
    read_only: bool = False
    audit: AuditLog | None = field(default=None, compare=False)


def attach_command(target: Target, width: int, height: int) -> list[str]:
    if target.read_only:  # watching creates nothing: the session must exist
        session = ["-t", target.session] if target.session is not None else []
        return ["attach-session", "-r", *session]
    size = ["-x", str(width), "-y", str(height)]
    if target.session is not None:
        # -s is format-expanded by tmux 3.3a: '#' must be doubled or '#(cmd)' runs.
        return ["new-session", "-A", "-s", escape_format(target.session), *size]
    return ["attach-session"]


Opener = Callable[[list[str]], Awaitable[Transport]]


def local_opener(target: Target) -> Opener:
    async def open_local(argv: list[str]) -> Transport:
        env = target.env if target.env is not None else dict(os.environ)
        return await LocalTransport.start(argv, env=env)

    return open_local


def ssh_opener(ssh: SSHTarget) -> Opener:
    async def open_remote(argv: list[str]) -> Transport:
        # Imported here: a local attach never loads asyncssh (nor the warnings its
        # cryptography prints at import).
        from tuimux.transport.ssh import open_ssh

        return await open_ssh(ssh, argv)

    return open_remote


async def _start(
    target: Target, command: list[str], opener: Opener, where: str, *, local: bool
) -> TmuxClient:
    argv = tmux_argv(
        target.tmux,
        socket_name=target.socket_name,
        socket_path=target.socket_path,
        command=command,
    )
    # Transport errors already say what failed.
    client = TmuxClient(await opener(argv), read_only=target.read_only)
    if target.audit is not None:
        client.audit = target.audit.recorder(client)
    try:
        await client.start()
    except ConnectError as error:  # tmux's own words: say which server they came from
        message = user_message(error)
        raise AttachError(
            f"Could not attach to tmux{where}: {message[:1].lower()}{message[1:]}"
        ) from None
    if target.audit is not None:
        target.audit.attached(client, command)
    await _require_version(client)
    if local:
        await _refuse_own_session(target, client)
    return client


MINIMUM_VERSION = (3, 2)  # pause-after flow control, %extended-output, client flags
VERSION_SHOWN = 40  # of the remote's version reply, which it may make anything


def tmux_version(text: str) -> tuple[int, int] | None:
    """``3.3a`` → (3, 3); ``next-3.4`` → (3, 4); ``master``/``openbsd-7.3`` → None."""
    match = re.search(r"(?<![0-9.])([0-9]{1,6})\.([0-9]{1,6})", text)
    if match is None or text.startswith("openbsd-"):
        return None
    return int(match[1]), int(match[2])


async def _require_version(client: TmuxClient) -> None:
    """Refuse a tmux older than tuimux needs, before drawing anything."""
    try:
        reply = await client.command("display-message", "-p", "#{version}")
    except TuimuxError:
        return
    text = " ".join(reply.text).strip()
    version = tmux_version(text)
    if version is not None and version < MINIMUM_VERSION:
        await client.detach()
        raise ConnectError(
            f"tmux {printable(text, VERSION_SHOWN)} is too old: tuimux needs tmux "
            f"{MINIMUM_VERSION[0]}.{MINIMUM_VERSION[1]} or later."
        )


async def _refuse_own_session(target: Target, client: TmuxClient) -> None:
    """Inside tmux, attaching to the session tuimux itself runs in would draw itself forever.

    Only checked when tmux chose the server from ``$TMUX`` (no ``-L``/``-S``): pane ids are
    per server, so the same id on another server means nothing.
    """
    env = target.env if target.env is not None else os.environ
    own_pane = env.get("TMUX_PANE")
    if not own_pane or not env.get("TMUX") or target.socket_name or target.socket_path:
        return
    try:
        reply = await client.command("display-message", "-p", "-t", own_pane, "#{session_id}")
    except TuimuxError:
        return
    if reply.text and reply.text[0] == client.session_id:
        await client.detach()
        raise ConnectError(
            "tuimux is running inside the tmux session it would attach to; "
            "choose another session with -t or another server with -L."
        )


def _where(target: Target) -> str:
    if target.socket_path is not None:
        return f" at {target.socket_path}"
    if target.socket_name is not None:
        return f" on socket {target.socket_name!r}"
    return ""


async def connect_local(target: Target, width: int, height: int) -> TmuxClient:
    """Attach to a local tmux as the user asked."""
    return await connect(target, width, height, local_opener(target), _where(target), local=True)


async def connect_ssh(ssh: SSHTarget, target: Target, width: int, height: int) -> TmuxClient:
    """Attach to tmux on a remote host as the user asked (same -L/-S/-t/--tmux rules)."""
    return await connect(
        target, width, height, ssh_opener(ssh), _ssh_where(ssh, target), local=False
    )


def _ssh_where(ssh: SSHTarget, target: Target) -> str:
    return f" on {ssh.description}{_where(target)}"


SERVER_IDENTITY = "#{pid} #{start_time}"


async def server_identity(client: TmuxClient) -> str:
    """Which tmux server this is: a restarted server reuses session ids for new sessions."""
    reply = await client.command("display-message", "-p", SERVER_IDENTITY)
    return " ".join(reply.text)


@dataclass(frozen=True)
class Reattach:
    """Attach again to the session a lost link took away, on the very same tmux server.

    Never creates anything: if the session or the server is gone, that is the answer.
    Only :class:`UnreachableError` (the host cannot be reached yet) is worth a retry.
    """

    target: Target
    opener: Opener
    where: str
    server: str

    async def __call__(self, session_id: str, width: int, height: int) -> TmuxClient:
        command = ["attach-session", *(["-r"] if self.target.read_only else []), "-t", session_id]
        client = await _start(self.target, command, self.opener, self.where, local=False)
        try:
            same = await server_identity(client) == self.server
        except TuimuxError:
            same = False
        if not same:
            await client.detach()
            raise AttachError(f"tmux{self.where} was restarted, so the session is gone.")
        return client


async def reattach_ssh(ssh: SSHTarget, target: Target, client: TmuxClient) -> Reattach | None:
    """What reconnecting to this client's server over SSH needs, read while attached
    (None if tmux would not say which server it is: then a lost link ends tuimux)."""
    try:
        server = await server_identity(client)
    except TuimuxError:
        return None
    return Reattach(target, ssh_opener(ssh), _ssh_where(ssh, target), server)


async def reattach_local(target: Target, client: TmuxClient) -> Reattach | None:
    """How to attach afresh to this client's local server when tmux holds its queue
    (a lost local link still ends tuimux: the server itself is gone)."""
    try:
        server = await server_identity(client)
    except TuimuxError:
        return None
    return Reattach(target, local_opener(target), _where(target), server)


async def connect(
    target: Target, width: int, height: int, opener: Opener, where: str, *, local: bool
) -> TmuxClient:
    """Attach as the user asked; every failure is one ConnectError sentence."""
    command = attach_command(target, width, height)
    try:
        return await _start(target, command, opener, where, local=local)
    except AttachError as error:
        if (
            target.session is not None
            or target.read_only
            or not any(marker in str(error).lower() for marker in _NOTHING_TO_ATTACH)
        ):
            raise
    new = ["new-session", "-x", str(width), "-y", str(height)]
    return await _start(target, new, opener, where, local=local)
