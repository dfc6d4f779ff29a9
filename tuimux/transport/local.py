"""Run ``tmux -u -C`` locally as an asyncio subprocess over pipes.

Pipes, never a pty: a pty echoes every command, truncates lines at 4095 bytes and needs
``-CC`` with its DCS wrapper. ``-u`` makes tmux treat the client as UTF-8 even when the
environment has no UTF-8 locale; without it every non-ASCII character in formats becomes
``_``. No shell is involved: the argument vector goes straight to ``exec``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Callable, Sequence

from tuimux.errors import ConnectError

READ_SIZE = 256 * 1024


def _die_with_parent() -> Callable[[], None] | None:
    """What the ``tmux -C`` child runs before exec so that it ends when tuimux does.

    A ``tmux -C`` that outlives tuimux (killed, or its terminal closed: the child has a
    session of its own, so no SIGHUP reaches it) keeps its client in the server, and
    before tmux 3.8 a control client with output it cannot deliver never leaves: the
    user's ``kill-server`` then never finishes. Linux's parent-death signal ends it
    with tuimux, however tuimux ends; elsewhere :meth:`LocalTransport.close` is all."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    term = int(signal.SIGTERM)

    def run_in_child() -> None:  # between fork and exec: no Python objects to build
        prctl(PR_SET_PDEATHSIG, term)

    return run_in_child


PR_SET_PDEATHSIG = 1


def tmux_argv(
    tmux: str, *, socket_name: str | None, socket_path: str | None, command: Sequence[str]
) -> list[str]:
    """The argument vector for a control-mode client, with ``-L``/``-S`` as tmux means them."""
    argv = [tmux, "-u"]
    if socket_name is not None:
        argv += ["-L", socket_name]
    if socket_path is not None:
        argv += ["-S", socket_path]
    return [*argv, "-C", *command]


class LocalTransport:
    """A ``tmux -C`` child process; construct with :meth:`start`."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process
        self._stderr = b""
        self._stderr_task = asyncio.ensure_future(self._collect_stderr())

    @classmethod
    async def start(cls, argv: Sequence[str], env: dict[str, str] | None = None) -> LocalTransport:
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=env if env is not None else dict(os.environ),
                start_new_session=True,
                preexec_fn=_die_with_parent(),
            )
        except FileNotFoundError:
            raise ConnectError(
                f"tmux was not found at {argv[0]!r}; install tmux 3.2 or later "
                "or point --tmux at it."
            ) from None
        except PermissionError:
            raise ConnectError(f"{argv[0]!r} is not executable.") from None
        return cls(process)

    @property
    def description(self) -> str:
        return "local"

    async def _collect_stderr(self) -> None:
        assert self._process.stderr is not None
        while chunk := await self._process.stderr.read(4096):
            # Keep only the tail: a chatty tmux must not grow memory without bound.
            self._stderr = (self._stderr + chunk)[-8192:]

    def error_text(self) -> str:
        return self._stderr.decode("utf-8", "replace").strip()

    async def read(self) -> bytes:
        assert self._process.stdout is not None
        data = await self._process.stdout.read(READ_SIZE)
        if not data:
            # Let stderr finish so error_text() holds tmux's complaint.
            with contextlib.suppress(asyncio.TimeoutError):
                async with asyncio.timeout(2):
                    await asyncio.shield(self._stderr_task)
        return data

    def write(self, data: bytes) -> None:
        stdin = self._process.stdin
        if stdin is None or stdin.is_closing():
            return
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            stdin.write(data)

    async def close(self) -> None:
        stdin = self._process.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()
        try:
            async with asyncio.timeout(5):
                await self._process.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
            await self._process.wait()
        finally:
            self._stderr_task.cancel()
