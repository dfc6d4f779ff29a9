"""Run ``tmux -u -C`` on a remote host over SSH (asyncssh), with OpenSSH's trust rules.

The remote command is one string, as SSH requires; every word of it is quoted with
``shlex.quote`` so the remote shell interpolates nothing the user typed. No pty is asked
for (see the local transport for why). Host keys are checked against the files ssh_config
names (UserKnownHostsFile, GlobalKnownHostsFile; the user's and the system's by default),
under its StrictHostKeyChecking, by tuimux itself (host_key_check.py): a known_hosts of
None (which turns checking off) is never passed. Keepalive is on unless
ServerAliveInterval says otherwise, so a dead link ends the read within seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import asyncssh

from tuimux.errors import AuthError, ConnectError, HostKeyError, UnreachableError, user_message
from tuimux.transport.host_key_check import HostKeyCheck, describe
from tuimux.transport.known_hosts import KnownHosts, append_known_host
from tuimux.transport.ssh_login import SSHLogin, locked_identities
from tuimux.transport.ssh_settings import host_key_settings
from tuimux.transport.ssh_target import SSHTarget, config_files, parse_jump

KEEPALIVE_SECONDS = 5
KEEPALIVE_COUNT_MAX = 3
CONNECT_TIMEOUT = 15
# ~/.ssh/id_* in the order OpenSSH offers them when no IdentityFile is configured.
DEFAULT_IDENTITIES = ("id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_rsa")


def remote_command(argv: Sequence[str]) -> str:
    """The one string SSH runs; each word quoted so the remote shell expands nothing."""
    return " ".join(shlex.quote(word) for word in argv)


class SSHTransport:
    """A ``tmux -C`` running on the other end of an SSH session."""

    def __init__(
        self,
        connection: asyncssh.SSHClientConnection,
        process: asyncssh.SSHClientProcess[bytes],
        description: str,
        hops: Sequence[asyncssh.SSHClientConnection] = (),
    ) -> None:
        self._hops = list(hops)
        self._connection = connection
        self._process = process
        self._description = description
        self._stderr = b""
        self._stderr_task = asyncio.ensure_future(self._collect_stderr())

    async def _collect_stderr(self) -> None:
        with contextlib.suppress(asyncssh.Error, OSError):
            while chunk := await self._process.stderr.read(4096):
                self._stderr = (self._stderr + chunk)[-8192:]

    @property
    def description(self) -> str:
        return self._description

    async def read(self) -> bytes:
        try:
            data = await self._process.stdout.read(256 * 1024)
        except (asyncssh.Error, OSError):
            data = b""
        if not data:
            # Let the exit status and stderr arrive so error_text() can explain.
            with contextlib.suppress(asyncssh.Error, OSError, asyncio.TimeoutError):
                async with asyncio.timeout(2):
                    await self._process.wait_closed()
            with contextlib.suppress(asyncio.TimeoutError):
                async with asyncio.timeout(2):
                    await asyncio.shield(self._stderr_task)
        return data

    def write(self, data: bytes) -> None:
        with contextlib.suppress(asyncssh.Error, OSError, BrokenPipeError):
            self._process.stdin.write(data)

    def error_text(self) -> str:
        """The remote side's complaint; a missing tmux gets a sentence of its own."""
        text = self._stderr.decode("utf-8", "replace").strip()
        if self._process.exit_status == 127 or "command not found" in text:
            return f"tmux is not installed on {self._description} (or not on its PATH)"
        return text

    async def close(self) -> None:
        with contextlib.suppress(asyncssh.Error, OSError):
            self._process.stdin.write_eof()
        self._connection.close()
        with contextlib.suppress(asyncssh.Error, OSError, asyncio.TimeoutError):
            async with asyncio.timeout(5):
                await self._connection.wait_closed()
        for hop in reversed(self._hops):  # jump hosts, innermost first
            hop.close()
        self._stderr_task.cancel()


def _options(
    target: SSHTarget, configs: list[str], extra: dict[str, object]
) -> asyncssh.SSHClientConnectionOptions:
    """asyncssh's options for one hop; keepalive on unless ServerAliveInterval says.

    ``extra`` must name ``known_hosts`` for a real connection: never None (that turns
    host-key checking off) and, given explicitly, it wins over ssh_config's known_hosts
    keywords, which asyncssh would read without tokens and with ``none`` meaning "off".
    """
    options = asyncssh.SSHClientConnectionOptions(
        host=target.host,  # so that Host and Match blocks apply to what is read here
        config=configs,
        # Encrypted keys are skipped here and asked for in SSHLogin when reached.
        ignore_encrypted=True,
        login_timeout=CONNECT_TIMEOUT if target.ask_secret is None else 300,
        # RFC 4252 says UTF-8, but real hosts send Latin-1 banners and prompts; strict
        # decoding made such a host unreachable. The text is only ever drawn filtered.
        utf8_decode_errors="replace",
        **extra,
    )
    if not options.keepalive_interval:  # a dead link must be noticed within seconds
        options = asyncssh.SSHClientConnectionOptions(
            options=options,
            keepalive_interval=KEEPALIVE_SECONDS,
            keepalive_count_max=KEEPALIVE_COUNT_MAX,
        )
    return options


def _identity_files(target: SSHTarget, options: asyncssh.SSHClientConnectionOptions) -> list[str]:
    from_config = cast(Sequence[str], options.config.get("IdentityFile", ()))
    configured = target.identities or tuple(from_config)
    if configured:
        return [str(Path(path).expanduser()) for path in configured]
    return [str(target.home / ".ssh" / name) for name in DEFAULT_IDENTITIES]


async def _connect(
    target: SSHTarget, tunnel: asyncssh.SSHClientConnection | None = None
) -> asyncssh.SSHClientConnection:
    """One authenticated connection, with OpenSSH's host-key rules and tuimux's keepalive.

    An unknown key under ``StrictHostKeyChecking ask`` ends the first attempt after the
    key exchange; the user is asked about that key (``target.ask_trust``) and, after a
    ``yes`` and the line written, the same path is tried again with only that key pinned.
    """
    extra: dict[str, object] = {}
    if target.identities:  # else asyncssh offers ~/.ssh/id_* and the agent, like ssh
        extra["client_keys"] = list(target.identities)
    if target.port is not None:
        extra["port"] = target.port
    if target.username is not None:
        extra["username"] = target.username
    # Always explicit: a ProxyJump from ssh_config left to asyncssh would connect that
    # hop with its own defaults (no system known_hosts, no keepalive); open_ssh does it.
    extra["tunnel"] = tunnel
    with tempfile.TemporaryDirectory(prefix="tuimux-") as private:  # 0700, for -o
        configs = config_files(target, Path(private))
        settings = host_key_settings(target, configs)
        known = KnownHosts(settings.files)
        pinned: asyncssh.SSHKey | None = None
        while True:
            check = HostKeyCheck(settings, known, pinned)
            try:
                connection = await _attempt(target, configs, extra, check)
            except asyncssh.HostKeyNotVerifiable as error:
                if check.verdict != "ask" or pinned is not None or target.ask_trust is None:
                    raise check.refusal(user_message(error)) from None
                pinned = await _ask(target, check)
                continue
            if check.verdict == "new":  # StrictHostKeyChecking accept-new (or no)
                try:
                    append_known_host(settings.user_files[0], check.line(), target.home / ".ssh")
                except HostKeyError:
                    connection.close()
                    raise
            return connection


async def _ask(target: SSHTarget, check: HostKeyCheck) -> asyncssh.SSHKey:
    """Show the key the real connection offered; on ``yes`` write it and pin it."""
    assert target.ask_trust is not None and check.offered is not None
    if not await target.ask_trust(check.name, describe(check.offered)):
        raise HostKeyError(f"The host key of {check.name} was not accepted; nothing was written.")
    append_known_host(check.settings.user_files[0], check.line(), target.home / ".ssh")
    return check.offered


async def _attempt(
    target: SSHTarget, configs: list[str], extra: dict[str, object], check: HostKeyCheck
) -> asyncssh.SSHClientConnection:
    """One try at connecting and logging in, every failure but the host key's one sentence."""
    algorithms = check.algorithms()
    try:
        options = _options(
            target,
            configs,
            {
                **extra,
                "known_hosts": check.known_hosts,
                **({"server_host_key_algs": algorithms} if algorithms is not None else {}),
            },
        )
    except (OSError, ValueError, asyncssh.Error) as error:
        raise ConnectError(
            f"The SSH settings for {target.description} could not be read: "
            f"{user_message(error).rstrip('.')}."
        ) from None
    locked = locked_identities(_identity_files(target, options))
    # Who asks in a keyboard-interactive prompt, as OpenSSH names it: user@alias-or-host.
    who = f"{options.username}@{check.settings.name}"
    try:
        # A person may be typing a password: the login gets its own longer limit.
        async with asyncio.timeout(CONNECT_TIMEOUT if target.ask_secret is None else 300):
            return await asyncssh.connect(
                target.host,
                # Given here, not only in the options: connect() passes its own default
                # tunnel=() over the options' one, and the hop was silently skipped.
                tunnel=extra["tunnel"],
                options=options,
                client_factory=lambda: SSHLogin(target, locked, check, who),
            )
    except asyncssh.HostKeyNotVerifiable:
        raise
    except asyncssh.PermissionDenied:
        raise AuthError(
            f"{target.description} refused every key and password tuimux offered."
        ) from None
    except (TimeoutError, OSError, asyncssh.ConnectionLost) as error:
        # The reason of a ConnectionLost or DisconnectError is the peer's, sent before
        # its host key was checked: it is text from anyone, like all of user_message's.
        reason = user_message(error).rstrip(".")
        raise UnreachableError(f"Could not connect to {target.description}: {reason}.") from None
    except asyncssh.Error as error:
        reason = user_message(error).rstrip(".")
        raise ConnectError(f"Could not connect to {target.description}: {reason}.") from None


def configured_jump(target: SSHTarget) -> str | None:
    """The ProxyJump ssh_config gives this host, so its hops follow tuimux's rules too."""
    extra: dict[str, object] = {"port": target.port} if target.port is not None else {}
    with tempfile.TemporaryDirectory(prefix="tuimux-") as private:
        try:
            options = _options(target, config_files(target, Path(private)), extra)
        except (OSError, ValueError, asyncssh.Error):
            return None  # _connect says what is wrong with the settings
    jump = options.tunnel
    return jump if isinstance(jump, str) and jump.lower() != "none" else None


async def open_ssh(target: SSHTarget, argv: Sequence[str]) -> SSHTransport:
    """Connect (through the jump hosts, if any), authenticate, and start ``argv``."""
    hops: list[asyncssh.SSHClientConnection] = []
    jump = target.jump or configured_jump(target)
    try:
        for hop in parse_jump(jump, target) if jump else []:
            hops.append(await _connect(hop, hops[-1] if hops else None))
        connection = await _connect(target, hops[-1] if hops else None)
    except BaseException:
        for hop_connection in reversed(hops):
            hop_connection.close()
        raise
    try:
        process = await connection.create_process(remote_command(argv), encoding=None)
    except asyncssh.Error as error:
        connection.close()
        for hop_connection in reversed(hops):
            hop_connection.close()
        reason = user_message(error).rstrip(".")  # the server's ChannelOpenError reason
        raise ConnectError(f"{target.description} refused to run tmux: {reason}.") from None
    return SSHTransport(connection, process, target.description, hops)
